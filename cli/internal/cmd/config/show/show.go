// Package show implements "waygate config show".
package show

import (
	"time"

	"github.com/spf13/cobra"

	"github.com/waygate-go/waygate/cli/internal/cmdutil"
	"github.com/waygate-go/waygate/cli/internal/config"
	"github.com/waygate-go/waygate/cli/internal/iostreams"
	"github.com/waygate-go/waygate/cli/internal/tableprinter"
)

// ShowOptions are the inputs of config show.
type ShowOptions struct {
	IO      *iostreams.IOStreams
	Config  func() (*config.Config, error)
	Now     func() time.Time
	Service string
	Output  cmdutil.Output
}

// NewCmdShow returns the config show command.
func NewCmdShow(f *cmdutil.Factory, runF func(*ShowOptions) error) *cobra.Command {
	opts := &ShowOptions{IO: f.IOStreams, Config: f.Config, Now: f.Now}
	cmd := &cobra.Command{
		Use:   "show",
		Short: "Show the server URL, where it comes from, and the session",
		Args:  cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Service = f.Service("", false)
			if runF != nil {
				return runF(opts)
			}
			return showRun(opts)
		},
	}
	cmdutil.AddOutputFlag(cmd, &opts.Output)
	return cmd
}

// view is the JSON form of config show. The token is never printed.
type view struct {
	ServerURL    string     `json:"server_url"`
	ServerSource string     `json:"server_url_source"`
	ConfigFile   string     `json:"config_file"`
	Username     string     `json:"username,omitempty"`
	LoggedIn     bool       `json:"logged_in"`
	ExpiresAt    *time.Time `json:"expires_at,omitempty"`
	Expired      bool       `json:"expired"`
	Service      string     `json:"service,omitempty"`
}

func showRun(opts *ShowOptions) error {
	c, err := opts.Config()
	if err != nil {
		return err
	}
	v := view{ServerURL: c.ServerURL, ServerSource: c.ServerSource, ConfigFile: c.Path, Service: opts.Service}
	if a := c.Auth; a.For(c.ServerURL) {
		v.Username, v.LoggedIn, v.Expired = a.Username, true, a.Expired(opts.Now())
		if !a.ExpiresAt.IsZero() {
			t := a.ExpiresAt.UTC()
			v.ExpiresAt = &t
		}
	}
	if opts.Output.JSON() {
		return cmdutil.EncodeJSON(opts.IO.Out, v)
	}
	cs := opts.IO.ColorScheme()
	session := cs.Gray("not logged in (waygate login USER)")
	if v.LoggedIn {
		session = "logged in as " + cs.Bold(v.Username)
		if v.ExpiresAt != nil {
			if v.Expired {
				session += ", " + cs.Red("expired "+cmdutil.FormatTime(*v.ExpiresAt)) + " (waygate login " + v.Username + ")"
			} else {
				session += ", " + cs.Green("expires "+cmdutil.FormatTime(*v.ExpiresAt))
			}
		}
	}
	service := cs.Gray("none (set WAYGATE_SERVICE or pass --service)")
	if v.Service != "" {
		service = v.Service + " (from WAYGATE_SERVICE)"
	}
	return tableprinter.KeyValues(opts.IO.Out, [][2]string{
		{"Server URL", v.ServerURL + " " + cs.Gray("("+v.ServerSource+")")},
		{"Session", session},
		{"Service", service},
		{"Config file", v.ConfigFile},
	})
}
