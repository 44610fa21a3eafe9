// Package cmdutil holds what every command shares: the Factory that hands
// out streams, configuration and the API client; usage errors (exit code
// 2); the --output flag; and parsers for route arguments, times and
// durations.
package cmdutil

import (
	"os"
	"strings"
	"sync"
	"time"

	"github.com/waygate-go/waygate/cli/internal/api"
	"github.com/waygate-go/waygate/cli/internal/build"
	"github.com/waygate-go/waygate/cli/internal/config"
	"github.com/waygate-go/waygate/cli/internal/iostreams"
)

// Factory gives commands their dependencies. Fields are functions so a
// command only loads what it uses, and tests replace any of them.
type Factory struct {
	// IOStreams are the standard streams.
	IOStreams *iostreams.IOStreams
	// Config loads the configuration file.
	Config func() (*config.Config, error)
	// APIClient returns a client of the configured server, logged in when
	// a session is stored.
	APIClient func() (*api.Client, error)
	// Getenv reads the environment.
	Getenv func(string) string
	// Now is the time source.
	Now func() time.Time
}

// New returns the factory of the real process.
func New(ios *iostreams.IOStreams, getenv func(string) string) *Factory {
	f := &Factory{IOStreams: ios, Getenv: getenv, Now: time.Now}
	var (
		once sync.Once
		cfg  *config.Config
		err  error
	)
	f.Config = func() (*config.Config, error) {
		once.Do(func() {
			cwd, _ := os.Getwd()
			cfg, err = config.Load(f.Getenv, cwd)
		})
		return cfg, err
	}
	f.APIClient = func() (*api.Client, error) {
		c, err := f.Config()
		if err != nil {
			return nil, err
		}
		return ClientFor(c, f.Now()), nil
	}
	return f
}

// ClientFor returns a client of c's server with its stored session. A
// token issued by another server is never sent.
func ClientFor(c *config.Config, now time.Time) *api.Client {
	var s api.Session
	if a := c.Auth; a.For(c.ServerURL) {
		s = api.Session{Token: a.Token, Username: a.Username, Expired: a.Expired(now)}
	}
	return api.New(c.ServerURL, s, UserAgent())
}

// UserAgent is the CLI's User-Agent header: "waygate-cli/VERSION".
func UserAgent() string { return "waygate-cli/" + build.Version() }

// Service returns the service scope: the flag value when given, else
// $WAYGATE_SERVICE.
func (f *Factory) Service(flagValue string, flagSet bool) string {
	if flagSet {
		return strings.TrimSpace(flagValue)
	}
	return strings.TrimSpace(f.Getenv(config.EnvService))
}
