// Package seturl implements "waygate config set-url URL".
package seturl

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/spf13/cobra"

	"github.com/waygate-go/waygate/cli/internal/cmdutil"
	"github.com/waygate-go/waygate/cli/internal/config"
	"github.com/waygate-go/waygate/cli/internal/iostreams"
)

// SetURLOptions are the inputs of config set-url.
type SetURLOptions struct {
	IO     *iostreams.IOStreams
	Config func() (*config.Config, error)
	Getenv func(string) string

	// URL is the admin API's mount URL, without a trailing slash.
	URL string
}

// NewCmdSetURL returns the config set-url command.
func NewCmdSetURL(f *cmdutil.Factory, runF func(*SetURLOptions) error) *cobra.Command {
	opts := &SetURLOptions{IO: f.IOStreams, Config: f.Config, Getenv: f.Getenv}
	cmd := &cobra.Command{
		Use:   "set-url URL",
		Short: "Save the server URL: where the admin API is mounted",
		Example: "  waygate config set-url http://localhost:8080/waygate\n" +
			"  waygate config set-url https://ops.example.com/waygate",
		Args: cmdutil.ExactArgs(1, "URL"),
		RunE: func(cmd *cobra.Command, args []string) error {
			u, err := url.Parse(strings.TrimSpace(args[0]))
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				return cmdutil.FlagErrorf("URL %q: write the admin API's address, like http://localhost:8080/waygate", args[0])
			}
			opts.URL = strings.TrimRight(u.String(), "/")
			if runF != nil {
				return runF(opts)
			}
			return setURLRun(opts)
		},
	}
	return cmd
}

func setURLRun(opts *SetURLOptions) error {
	c, err := opts.Config()
	if err != nil {
		return err
	}
	if c.File.ServerURL != opts.URL && c.Auth != nil {
		// A token is only good for the server that issued it.
		c.Auth = nil
		fmt.Fprintln(opts.IO.ErrOut, "Logged out: the stored session belonged to the previous server.")
	}
	c.File.ServerURL = opts.URL
	if err := c.Save(); err != nil {
		return err
	}
	fmt.Fprintf(opts.IO.Out, "%s Server URL set to %s\n", opts.IO.ColorScheme().SuccessIcon(), opts.URL)
	if v := opts.Getenv(config.EnvServerURL); v != "" {
		fmt.Fprintf(opts.IO.ErrOut, "Note: %s=%s is set and takes precedence.\n", config.EnvServerURL, v)
	}
	return nil
}
