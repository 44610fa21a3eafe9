// Package maintenance implements "waygate maintenance ROUTE": answer 503
// MAINTENANCE_MODE now, or during a window.
package maintenance

import (
	"context"
	"time"

	"github.com/spf13/cobra"

	"github.com/waygate-go/waygate/cli/internal/api"
	"github.com/waygate-go/waygate/cli/internal/cmd/route/shared"
	"github.com/waygate-go/waygate/cli/internal/cmdutil"
	"github.com/waygate-go/waygate/cli/internal/iostreams"
)

// MaintenanceOptions are the inputs of maintenance.
type MaintenanceOptions struct {
	IO        *iostreams.IOStreams
	APIClient func() (*api.Client, error)

	Route  string
	Reason string
	// Start and End, both set or both zero, make a window instead of
	// maintenance from now on.
	Start, End time.Time
	Flags      shared.RouteFlags
}

// NewCmdMaintenance returns the maintenance command.
func NewCmdMaintenance(f *cmdutil.Factory, runF func(*MaintenanceOptions) error) *cobra.Command {
	opts := &MaintenanceOptions{IO: f.IOStreams, APIClient: f.APIClient}
	var start, end string
	cmd := &cobra.Command{
		Use:   "maintenance ROUTE",
		Short: "Put a route in maintenance (503 MAINTENANCE_MODE), now or in a window",
		Long: "Put a route in maintenance: it answers 503 MAINTENANCE_MODE with the reason. With --end\n" +
			"(and optionally --start, default now) the route is in maintenance only during that window\n" +
			"and returns to its status afterwards. ROUTE is /path or METHOD:/path.",
		Example: "  waygate maintenance GET:/payments --reason \"DB migration\"\n" +
			"  waygate maintenance GET:/payments --reason reindex --start 2030-03-10T02:00Z --end 2030-03-10T04:00Z\n" +
			"  waygate maintenance /orders --all --end 30m",
		Args: cmdutil.ExactArgs(1, "ROUTE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			key, err := shared.Key(f, cmd, args[0], &opts.Flags)
			if err != nil {
				return err
			}
			opts.Route = key
			if start != "" && end == "" {
				return cmdutil.FlagErrorf("--start needs --end: a window has both ends")
			}
			if end != "" {
				if start == "" {
					start = "now"
				}
				if opts.Start, err = cmdutil.ParseTime("start", start, f.Now()); err != nil {
					return err
				}
				if opts.End, err = cmdutil.ParseTime("end", end, f.Now()); err != nil {
					return err
				}
				if !opts.End.After(opts.Start) {
					return cmdutil.FlagErrorf("--end %s must be after --start %s", cmdutil.FormatTime(opts.End), cmdutil.FormatTime(opts.Start))
				}
			}
			if runF != nil {
				return runF(opts)
			}
			return maintenanceRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVarP(&opts.Reason, "reason", "r", "", "why, shown to clients and in the audit log")
	cmd.Flags().StringVar(&start, "start", "", "window start: RFC 3339, 2030-03-10T02:00 (UTC), now, or a duration from now")
	cmd.Flags().StringVar(&end, "end", "", "window end, same formats as --start")
	shared.AddRouteFlags(cmd, &opts.Flags)
	return cmd
}

type maintenanceRequest struct {
	Reason string `json:"reason,omitempty"`
	Start  string `json:"start,omitempty"`
	End    string `json:"end,omitempty"`
}

func maintenanceRun(ctx context.Context, opts *MaintenanceOptions) error {
	c, err := opts.APIClient()
	if err != nil {
		return err
	}
	req := maintenanceRequest{Reason: opts.Reason}
	m := shared.Mutation{IO: opts.IO, Client: c, Key: opts.Route, Flags: opts.Flags}
	if !opts.End.IsZero() {
		req.Start, req.End = opts.Start.Format(time.RFC3339), opts.End.Format(time.RFC3339)
		m.Describe = func(st shared.RouteState) string { return "window " + st.Window.Describe() }
	}
	m.Call = shared.Post("maintenance", req)
	return m.Apply(ctx)
}
