// Package logout implements "waygate logout": revoke the session on the
// server and forget it locally.
package logout

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/waygate-go/waygate/cli/internal/cmdutil"
	"github.com/waygate-go/waygate/cli/internal/config"
	"github.com/waygate-go/waygate/cli/internal/iostreams"
)

// LogoutOptions are the inputs of logout.
type LogoutOptions struct {
	IO     *iostreams.IOStreams
	Config func() (*config.Config, error)
	Now    func() time.Time
}

// NewCmdLogout returns the logout command.
func NewCmdLogout(f *cmdutil.Factory, runF func(*LogoutOptions) error) *cobra.Command {
	opts := &LogoutOptions{IO: f.IOStreams, Config: f.Config, Now: f.Now}
	return &cobra.Command{
		Use:   "logout",
		Short: "Log out: revoke the session token and forget it",
		Args:  cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return logoutRun(cmd.Context(), opts)
		},
	}
}

func logoutRun(ctx context.Context, opts *LogoutOptions) error {
	c, err := opts.Config()
	if err != nil {
		return err
	}
	if c.Auth == nil || c.Auth.Token == "" {
		fmt.Fprintln(opts.IO.ErrOut, "Not logged in.")
		return nil
	}
	if c.Auth.For(c.ServerURL) && !c.Auth.Expired(opts.Now()) {
		// Revoke on the server; the local session is forgotten either way.
		if err := cmdutil.ClientFor(c, opts.Now()).Post(ctx, "/api/auth/logout", nil, nil); err != nil {
			fmt.Fprintf(opts.IO.ErrOut, "Warning: the server did not revoke the token (%v); forgetting it locally.\n", err)
		}
	}
	user, server := c.Auth.Username, c.Auth.ServerURL
	if server == "" {
		server = c.ServerURL
	}
	c.Auth = nil
	if err := c.Save(); err != nil {
		return err
	}
	fmt.Fprintf(opts.IO.ErrOut, "%s Logged out %s from %s\n", opts.IO.ColorScheme().SuccessIcon(), user, server)
	return nil
}
