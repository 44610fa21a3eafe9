package config

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestSaveIsPrivateAndAtomic(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Unix permissions")
	}
	dir := t.TempDir()
	getenv := env(map[string]string{"XDG_CONFIG_HOME": dir})
	c, err := Load(getenv, "")
	if err != nil {
		t.Fatal(err)
	}
	if c.ServerURL != DefaultServerURL || c.ServerSource != "default" || c.Auth != nil {
		t.Fatalf("empty config: %+v", c)
	}
	c.File.ServerURL = "https://ops.example.com/waygate/"
	c.Auth = &Auth{Token: "tok", Username: "alice", ExpiresAt: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)}
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "waygate", "config.json")
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("config file: %v, %v", fi.Mode(), err)
	}
	if di, _ := os.Stat(filepath.Dir(path)); di.Mode().Perm() != 0o700 {
		t.Fatalf("config directory: %v", di.Mode())
	}
	// A file made readable by others is tightened on the next save.
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Fatalf("re-saved config file: %v", fi.Mode())
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Fatalf("temporary files left behind: %v", entries)
	}
	again, err := Load(getenv, "")
	if err != nil {
		t.Fatal(err)
	}
	if again.ServerURL != "https://ops.example.com/waygate" || again.ServerSource != path || again.Auth.Token != "tok" {
		t.Fatalf("reloaded: %+v", again)
	}
}

func TestServerURLPrecedence(t *testing.T) {
	dir := t.TempDir()
	home := filepath.Join(dir, "home")
	project := filepath.Join(dir, "project", "sub")
	if err := os.MkdirAll(project, 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(path, s string) {
		if err := os.WriteFile(path, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(dir, "project", ".waygate"), "# project\nWAYGATE_SERVER_URL=\"http://project:8000/waygate/\"\n")
	if err := os.MkdirAll(filepath.Join(home, ".config", "waygate"), 0o700); err != nil {
		t.Fatal(err)
	}
	write(filepath.Join(home, ".config", "waygate", "config.json"), `{"server_url": "http://file:8000/waygate"}`)

	c, err := Load(env(map[string]string{"HOME": home}), project)
	if err != nil || c.ServerURL != "http://project:8000/waygate" || c.ServerSource != ".waygate ("+filepath.Join(dir, "project", ".waygate")+")" {
		t.Fatalf(".waygate: %+v, %v", c, err)
	}
	c, _ = Load(env(map[string]string{"HOME": home, "WAYGATE_SERVER_URL": "http://env:1/waygate"}), project)
	if c.ServerURL != "http://env:1/waygate" || c.ServerSource != "env WAYGATE_SERVER_URL" {
		t.Fatalf("env: %+v", c)
	}
	c, _ = Load(env(map[string]string{"HOME": home}), home)
	if c.ServerURL != "http://file:8000/waygate" {
		t.Fatalf("file: %+v", c)
	}
	write(filepath.Join(home, ".config", "waygate", "config.json"), `{not json`)
	if _, err := Load(env(map[string]string{"HOME": home}), home); err == nil {
		t.Fatal("a corrupt config file should be an error")
	}
}

func TestAuthExpired(t *testing.T) {
	now := time.Now()
	var none *Auth
	if none.Expired(now) || (&Auth{}).Expired(now) {
		t.Fatal("no session or no expiry is not expired")
	}
	if !(&Auth{ExpiresAt: now}).Expired(now) || (&Auth{ExpiresAt: now.Add(time.Second)}).Expired(now) {
		t.Fatal("Expired")
	}
}

func TestAuthFor(t *testing.T) {
	a := &Auth{Token: "t", ServerURL: "http://a:8000/waygate"}
	if !a.For("http://a:8000/waygate/") || a.For("http://b:8000/waygate") {
		t.Fatal("a token must only go to the server that issued it")
	}
	if !(&Auth{Token: "t"}).For("http://any") {
		t.Fatal("a session saved without a server is used as before")
	}
	var none *Auth
	if none.For("http://a") || (&Auth{ServerURL: "http://a"}).For("http://a") {
		t.Fatal("no token, no session")
	}
}
