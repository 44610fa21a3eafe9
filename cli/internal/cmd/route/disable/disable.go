// Package disable implements "waygate disable ROUTE": answer 503
// ROUTE_DISABLED, for good or until a time.
package disable

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/waygate-go/waygate/cli/internal/api"
	"github.com/waygate-go/waygate/cli/internal/cmd/route/shared"
	"github.com/waygate-go/waygate/cli/internal/cmdutil"
	"github.com/waygate-go/waygate/cli/internal/iostreams"
)

// DisableOptions are the inputs of disable.
type DisableOptions struct {
	IO        *iostreams.IOStreams
	APIClient func() (*api.Client, error)

	Route  string
	Reason string
	// Until is a duration ("2h") or an RFC 3339 time; empty disables for
	// good. The server turns it into a disabled window that re-enables the
	// route at its end.
	Until string
	Flags shared.RouteFlags
}

// NewCmdDisable returns the disable command.
func NewCmdDisable(f *cmdutil.Factory, runF func(*DisableOptions) error) *cobra.Command {
	opts := &DisableOptions{IO: f.IOStreams, APIClient: f.APIClient}
	cmd := &cobra.Command{
		Use:   "disable ROUTE",
		Short: "Disable a route (503 ROUTE_DISABLED), optionally until a time",
		Long: "Disable a route: it answers 503 ROUTE_DISABLED. With --until it is disabled now and\n" +
			"enabled again automatically at that time. ROUTE is /path or METHOD:/path.",
		Example: "  waygate disable GET:/old-reports --reason \"replaced by /reports\"\n" +
			"  waygate disable POST:/orders --reason \"incident 42\" --until 2h",
		Args: cmdutil.ExactArgs(1, "ROUTE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			key, err := shared.Key(f, cmd, args[0], &opts.Flags)
			if err != nil {
				return err
			}
			opts.Route = key
			if opts.Until != "" {
				t, err := cmdutil.ParseTime("until", opts.Until, f.Now())
				if err != nil {
					return err
				}
				if !t.After(f.Now()) {
					return cmdutil.FlagErrorf("--until %q is in the past", opts.Until)
				}
				opts.Until = t.Format("2006-01-02T15:04:05Z07:00")
			}
			if runF != nil {
				return runF(opts)
			}
			return disableRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVarP(&opts.Reason, "reason", "r", "", "why, shown to clients and in the audit log")
	cmd.Flags().StringVar(&opts.Until, "until", "", "enable again after a duration (90m, 2h, 1d) or at a time (RFC 3339)")
	shared.AddRouteFlags(cmd, &opts.Flags)
	return cmd
}

type disableRequest struct {
	Reason string `json:"reason,omitempty"`
	Until  string `json:"until,omitempty"`
}

func disableRun(ctx context.Context, opts *DisableOptions) error {
	c, err := opts.APIClient()
	if err != nil {
		return err
	}
	m := shared.Mutation{IO: opts.IO, Client: c, Key: opts.Route, Flags: opts.Flags,
		Call: shared.Post("disable", disableRequest{Reason: opts.Reason, Until: opts.Until})}
	if opts.Until != "" {
		m.Describe = func(st shared.RouteState) string {
			if st.Window != nil {
				return "enabled again at " + cmdutil.FormatTime(st.Window.End)
			}
			return ""
		}
	}
	return m.Apply(ctx)
}
