// Package cmdtest helps test commands through their runF seam: a factory
// with buffer streams and a fake environment, and a runner that executes
// one command with arguments the way the CLI would.
package cmdtest

import (
	"bytes"
	"io"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/waygate-go/waygate/cli/internal/api"
	"github.com/waygate-go/waygate/cli/internal/cmdutil"
	"github.com/waygate-go/waygate/cli/internal/config"
	"github.com/waygate-go/waygate/cli/internal/iostreams"
)

// Now is the fixed time of test factories.
var Now = time.Date(2026, 3, 10, 1, 0, 0, 0, time.UTC)

// Streams are the buffers behind a test factory's IOStreams.
type Streams struct {
	In, Out, ErrOut *bytes.Buffer
}

// Factory returns a factory with buffer streams, the environment env, the
// clock fixed at Now, and a client of an unreachable server (commands
// under test stop at runF).
func Factory(env map[string]string) (*cmdutil.Factory, Streams) {
	ios, in, out, errOut := iostreams.Test()
	getenv := func(k string) string { return env[k] }
	cfg := &config.Config{Path: "/nonexistent/config.json", ServerURL: "http://127.0.0.1:1/waygate", ServerSource: "test"}
	f := &cmdutil.Factory{
		IOStreams: ios,
		Getenv:    getenv,
		Now:       func() time.Time { return Now },
		Config:    func() (*config.Config, error) { return cfg, nil },
		APIClient: func() (*api.Client, error) { return api.New(cfg.ServerURL, api.Session{}, "test"), nil },
	}
	return f, Streams{In: in, Out: out, ErrOut: errOut}
}

// Run executes cmd with args as the CLI would: pflag errors become usage
// errors, output is discarded. It returns the command's error.
func Run(cmd *cobra.Command, args ...string) error {
	cmd.SetFlagErrorFunc(cmdutil.FlagErrorFunc)
	cmd.SetArgs(args)
	cmd.SetOut(io.Discard)
	cmd.SetErr(io.Discard)
	cmd.SilenceErrors = true
	cmd.SilenceUsage = true
	_, err := cmd.ExecuteC()
	return err
}

// IsUsage reports whether err would make the CLI exit with code 2.
func IsUsage(err error) bool { return cmdutil.IsUsageError(err) }

// Case is one flag-parsing test of a command whose options are O.
type Case[O any] struct {
	Name string
	Args []string
	Env  map[string]string
	// TTY makes standard input a terminal.
	TTY bool
	// Usage expects a usage error (exit code 2) and runF not called.
	Usage bool
	// Fails expects another error (exit code 1) and runF not called.
	Fails bool
	// Check inspects the options runF received.
	Check func(t *testing.T, o *O)
}

// RunCases builds the command with newCmd for every case, runs it with the
// case's arguments and checks what reached runF.
func RunCases[O any](t *testing.T, newCmd func(*cmdutil.Factory, func(*O) error) *cobra.Command, cases []Case[O]) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.Name, func(t *testing.T) {
			f, _ := Factory(tc.Env)
			f.IOStreams.SetStdinTTY(tc.TTY)
			var got *O
			cmd := newCmd(f, func(o *O) error { got = o; return nil })
			err := Run(cmd, tc.Args...)
			if tc.Usage || tc.Fails {
				if tc.Usage && !IsUsage(err) {
					t.Fatalf("%v: want a usage error, got %v", tc.Args, err)
				}
				if tc.Fails && (err == nil || IsUsage(err)) {
					t.Fatalf("%v: want an error other than a usage error, got %v", tc.Args, err)
				}
				if got != nil {
					t.Fatalf("%v: runF was called despite the usage error", tc.Args)
				}
				return
			}
			if err != nil {
				t.Fatalf("%v: %v", tc.Args, err)
			}
			if got == nil {
				t.Fatalf("%v: runF was not called", tc.Args)
			}
			if tc.Check != nil {
				tc.Check(t, got)
			}
		})
	}
}
