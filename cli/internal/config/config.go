// Package config reads and writes the CLI's configuration file and works
// out which server to talk to.
//
// The file lives at $XDG_CONFIG_HOME/waygate/config.json (else
// ~/.config/waygate/config.json; on Windows the user's AppData folder). It
// holds a session token, so it is written with mode 0600 in a 0700
// directory, atomically (temporary file, then rename).
package config

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

// Environment variables the CLI reads.
const (
	// EnvServerURL overrides the server URL of the config file.
	EnvServerURL = "WAYGATE_SERVER_URL"
	// EnvService scopes route commands to one service.
	EnvService = "WAYGATE_SERVICE"
	// EnvConfigHome is the XDG base directory of the config file.
	EnvConfigHome = "XDG_CONFIG_HOME"
)

// DefaultServerURL is used when nothing else names a server.
const DefaultServerURL = "http://localhost:8080/waygate" // where the demos (go run ./examples/gin) serve it

// ProjectFile is the name of a per-project file, looked up from the current
// directory upwards, whose WAYGATE_SERVER_URL= line names the server.
const ProjectFile = ".waygate"

// Auth is the stored session.
type Auth struct {
	Token     string    `json:"token"`
	Username  string    `json:"username"`
	ExpiresAt time.Time `json:"expires_at"`
	// ServerURL is the server that issued the token; the token is only
	// ever sent there.
	ServerURL string `json:"server_url,omitempty"`
}

// For reports whether the session belongs to the server at url.
func (a *Auth) For(url string) bool {
	return a != nil && a.Token != "" && (a.ServerURL == "" || trimURL(a.ServerURL) == trimURL(url))
}

// Expired reports whether the session has expired at now.
func (a *Auth) Expired(now time.Time) bool {
	return a != nil && !a.ExpiresAt.IsZero() && !now.Before(a.ExpiresAt)
}

// File is the JSON content of the config file.
type File struct {
	ServerURL string `json:"server_url,omitempty"`
	Auth      *Auth  `json:"auth,omitempty"`
}

// Config is the loaded file plus where it lives and the resolved server.
type Config struct {
	File
	// Path is the config file's location.
	Path string
	// ServerURL is the server to talk to, without a trailing slash.
	ServerURL string
	// ServerSource says where ServerURL came from: "env WAYGATE_SERVER_URL",
	// ".waygate (<path>)", the config file path, or "default".
	ServerSource string
}

// Path returns the config file location for the given environment.
func Path(getenv func(string) string) (string, error) {
	if dir := getenv(EnvConfigHome); dir != "" {
		return filepath.Join(dir, "waygate", "config.json"), nil
	}
	if runtime.GOOS == "windows" {
		dir, err := os.UserConfigDir()
		if err != nil {
			return "", err
		}
		return filepath.Join(dir, "waygate", "config.json"), nil
	}
	home := getenv("HOME")
	if home == "" {
		var err error
		if home, err = os.UserHomeDir(); err != nil {
			return "", fmt.Errorf("cannot find the config directory: set %s or HOME", EnvConfigHome)
		}
	}
	return filepath.Join(home, ".config", "waygate", "config.json"), nil
}

// Load reads the config at the location getenv gives and resolves the
// server URL. A missing file is an empty configuration.
func Load(getenv func(string) string, cwd string) (*Config, error) {
	path, err := Path(getenv)
	if err != nil {
		return nil, err
	}
	c := &Config{Path: path}
	b, err := os.ReadFile(path) //nolint:gosec // G304: the CLI's own config file
	switch {
	case errors.Is(err, os.ErrNotExist):
	case err != nil:
		return nil, fmt.Errorf("read config: %w", err)
	default:
		if err := json.Unmarshal(b, &c.File); err != nil {
			return nil, fmt.Errorf("config file %s is not valid JSON (%v): fix or delete it", path, err)
		}
	}
	c.ServerURL, c.ServerSource = c.resolve(getenv, cwd)
	return c, nil
}

// resolve picks the server URL: the environment, then a .waygate file,
// then the config file, then the default.
func (c *Config) resolve(getenv func(string) string, cwd string) (url, source string) {
	if v := strings.TrimSpace(getenv(EnvServerURL)); v != "" {
		return trimURL(v), "env " + EnvServerURL
	}
	if v, path := projectServerURL(cwd); v != "" {
		return trimURL(v), ProjectFile + " (" + path + ")"
	}
	if c.File.ServerURL != "" {
		return trimURL(c.File.ServerURL), c.Path
	}
	return DefaultServerURL, "default"
}

func trimURL(s string) string { return strings.TrimRight(strings.TrimSpace(s), "/") }

// projectServerURL finds the nearest .waygate file from dir upwards and
// returns its WAYGATE_SERVER_URL value (quotes removed) and path.
func projectServerURL(dir string) (string, string) {
	if dir == "" {
		return "", ""
	}
	for {
		path := filepath.Join(dir, ProjectFile)
		if f, err := os.Open(path); err == nil { //nolint:gosec // G304: the project file looked up from the working directory
			sc := bufio.NewScanner(f)
			for sc.Scan() {
				line := strings.TrimSpace(sc.Text())
				if v, found := strings.CutPrefix(line, EnvServerURL+"="); found {
					f.Close()
					return strings.Trim(strings.TrimSpace(v), `"'`), path
				}
			}
			f.Close()
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", ""
		}
		dir = parent
	}
}

// Save writes the file with mode 0600, creating its directory with mode
// 0700. The write is atomic: readers see the old or the new file.
func (c *Config) Save() error {
	if err := os.MkdirAll(filepath.Dir(c.Path), 0o700); err != nil {
		return fmt.Errorf("create config directory: %w", err)
	}
	b, err := json.MarshalIndent(c.File, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(c.Path), ".config-*.json")
	if err != nil {
		return fmt.Errorf("write config: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil && runtime.GOOS != "windows" {
		tmp.Close()
		return fmt.Errorf("write config: %w", err)
	}
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		tmp.Close()
		return fmt.Errorf("write config: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write config: %w", err)
	}
	if err := os.Rename(tmp.Name(), c.Path); err != nil {
		return fmt.Errorf("write config: %w", err)
	}
	return nil
}
