// Package login implements "waygate login [USER]": exchange a password for
// a session token and store it.
package login

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/waygate-go/waygate/cli/internal/api"
	"github.com/waygate-go/waygate/cli/internal/cmdutil"
	"github.com/waygate-go/waygate/cli/internal/config"
	"github.com/waygate-go/waygate/cli/internal/iostreams"
)

// LoginOptions are the inputs of login.
type LoginOptions struct {
	IO     *iostreams.IOStreams
	Config func() (*config.Config, error)
	Now    func() time.Time

	Username string
	// PasswordStdin reads the password from standard input instead of
	// prompting on the terminal.
	PasswordStdin bool
}

// NewCmdLogin returns the login command.
func NewCmdLogin(f *cmdutil.Factory, runF func(*LoginOptions) error) *cobra.Command {
	opts := &LoginOptions{IO: f.IOStreams, Config: f.Config, Now: f.Now}
	cmd := &cobra.Command{
		Use:   "login [USER]",
		Short: "Log in to the Waygate server",
		Long: "Log in and store the session token in the config file (mode 0600). The password is read\n" +
			"from the terminal without echo, or from standard input with --password-stdin; it is never a\n" +
			"flag value, so it stays out of shell history and process listings.",
		Example: "  waygate login admin\n  printf '%s' \"$WAYGATE_PASSWORD\" | waygate login ci-bot --password-stdin",
		Args:    cmdutil.RangeArgs(0, 1, "[USER]"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Username = strings.TrimSpace(args[0])
			}
			if opts.Username == "" && (opts.PasswordStdin || !opts.IO.IsStdinTTY()) {
				return cmdutil.FlagErrorf("missing argument: USER (required when not prompting on a terminal)")
			}
			if runF != nil {
				return runF(opts)
			}
			return loginRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.PasswordStdin, "password-stdin", false, "read the password from standard input")
	return cmd
}

type loginRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
	Platform string `json:"platform"`
}

type loginResponse struct {
	Token     string `json:"token"`
	Username  string `json:"username"`
	Role      string `json:"role"`
	ExpiresAt string `json:"expires_at"`
}

func loginRun(ctx context.Context, opts *LoginOptions) error {
	c, err := opts.Config()
	if err != nil {
		return err
	}
	if opts.Username == "" {
		fmt.Fprint(opts.IO.ErrOut, "Username: ")
		line, err := bufio.NewReader(opts.IO.In).ReadString('\n')
		if opts.Username = strings.TrimSpace(line); opts.Username == "" {
			return fmt.Errorf("no username given: run: waygate login USER (%v)", err)
		}
	}
	password, err := readPassword(opts)
	if err != nil {
		return err
	}
	client := api.New(c.ServerURL, api.Session{}, cmdutil.UserAgent())
	var res loginResponse
	err = client.Post(ctx, "/api/auth/login", loginRequest{Username: opts.Username, Password: password, Platform: api.Platform}, &res)
	switch {
	case api.IsStatus(err, http.StatusUnauthorized):
		return fmt.Errorf("login as %s at %s failed: wrong user name or password", opts.Username, c.ServerURL)
	case api.IsStatus(err, http.StatusNotImplemented):
		return fmt.Errorf("%s runs with open access: no login is needed", c.ServerURL)
	case err != nil:
		return err
	}
	expires, _ := time.Parse(time.RFC3339, res.ExpiresAt)
	c.Auth = &config.Auth{Token: res.Token, Username: res.Username, ExpiresAt: expires, ServerURL: c.ServerURL}
	if err := c.Save(); err != nil {
		return err
	}
	cs := opts.IO.ColorScheme()
	msg := fmt.Sprintf("%s Logged in to %s as %s", cs.SuccessIcon(), c.ServerURL, cs.Bold(res.Username))
	if res.Role != "" {
		msg += " (" + res.Role + ")"
	}
	if !expires.IsZero() {
		msg += "; the session expires " + cmdutil.FormatTime(expires)
	}
	fmt.Fprintln(opts.IO.ErrOut, msg)
	return nil
}

// readPassword reads the password from standard input (--password-stdin)
// or prompts on the terminal.
func readPassword(opts *LoginOptions) (string, error) {
	if opts.PasswordStdin {
		b, err := io.ReadAll(io.LimitReader(opts.IO.In, 1<<16))
		if err != nil {
			return "", fmt.Errorf("read the password from standard input: %w", err)
		}
		pw := strings.TrimRight(string(b), "\r\n")
		if pw == "" {
			return "", errors.New("standard input was empty: pipe the password into waygate login USER --password-stdin")
		}
		return pw, nil
	}
	pw, err := opts.IO.ReadPassword("Password for " + opts.Username + ": ")
	if errors.Is(err, iostreams.ErrNoTTY) {
		return "", fmt.Errorf("no terminal to prompt for the password: pipe it in with: waygate login %s --password-stdin", opts.Username)
	}
	if err != nil {
		return "", fmt.Errorf("read the password: %w", err)
	}
	if pw == "" {
		return "", errors.New("empty password")
	}
	return pw, nil
}
