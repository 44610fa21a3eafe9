// Package schedule implements "waygate schedule ROUTE" (a maintenance or
// disable window) and "waygate schedule cancel ROUTE".
package schedule

import (
	"context"
	"time"

	"github.com/spf13/cobra"

	"github.com/waygate-go/waygate/cli/internal/api"
	"github.com/waygate-go/waygate/cli/internal/cmd/route/shared"
	"github.com/waygate-go/waygate/cli/internal/cmd/route/unschedule"
	"github.com/waygate-go/waygate/cli/internal/cmdutil"
	"github.com/waygate-go/waygate/cli/internal/iostreams"
)

// ScheduleOptions are the inputs of schedule.
type ScheduleOptions struct {
	IO        *iostreams.IOStreams
	APIClient func() (*api.Client, error)

	Route      string
	Start, End time.Time
	Reason     string
	// Disable makes the window disable the route instead of maintenance.
	Disable bool
	Flags   shared.RouteFlags
}

// NewCmdSchedule returns the schedule command with its cancel subcommand.
func NewCmdSchedule(f *cmdutil.Factory, runF func(*ScheduleOptions) error) *cobra.Command {
	opts := &ScheduleOptions{IO: f.IOStreams, APIClient: f.APIClient}
	var start, end string
	cmd := &cobra.Command{
		Use:   "schedule ROUTE --start TIME --end TIME",
		Short: "Schedule a maintenance window for a route",
		Long: "Store a window: the route goes into maintenance (or is disabled, with --disable) at --start\n" +
			"and returns to its current status at --end. Until --start nothing changes.\n" +
			"Cancel it with: waygate schedule cancel ROUTE.",
		Example: "  waygate schedule GET:/payments --start 2030-03-10T02:00Z --end 2030-03-10T04:00Z --reason \"DB migration\"\n" +
			"  waygate schedule GET:/reports --start 1h --end 3h --disable",
		Args: cmdutil.ExactArgs(1, "ROUTE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			key, err := shared.Key(f, cmd, args[0], &opts.Flags)
			if err != nil {
				return err
			}
			opts.Route = key
			if opts.Start, err = cmdutil.ParseTime("start", start, f.Now()); err != nil {
				return err
			}
			if opts.End, err = cmdutil.ParseTime("end", end, f.Now()); err != nil {
				return err
			}
			if !opts.End.After(opts.Start) {
				return cmdutil.FlagErrorf("--end %s must be after --start %s", cmdutil.FormatTime(opts.End), cmdutil.FormatTime(opts.Start))
			}
			if runF != nil {
				return runF(opts)
			}
			return scheduleRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&start, "start", "", "window start: RFC 3339, 2030-03-10T02:00 (UTC), now, or a duration from now (required)")
	cmd.Flags().StringVar(&end, "end", "", "window end, same formats (required)")
	cmd.Flags().StringVarP(&opts.Reason, "reason", "r", "", "why, shown to clients during the window")
	cmd.Flags().BoolVar(&opts.Disable, "disable", false, "disable the route during the window instead of maintenance")
	_ = cmd.MarkFlagRequired("start")
	_ = cmd.MarkFlagRequired("end")
	shared.AddRouteFlags(cmd, &opts.Flags)
	cmd.AddCommand(unschedule.NewCmdUnschedule(f, nil, "cancel ROUTE"))
	return cmd
}

type scheduleRequest struct {
	Start  string `json:"start"`
	End    string `json:"end"`
	Reason string `json:"reason,omitempty"`
	Status string `json:"status,omitempty"`
}

func scheduleRun(ctx context.Context, opts *ScheduleOptions) error {
	c, err := opts.APIClient()
	if err != nil {
		return err
	}
	req := scheduleRequest{Start: opts.Start.Format(time.RFC3339), End: opts.End.Format(time.RFC3339), Reason: opts.Reason}
	if opts.Disable {
		req.Status = "disabled"
	}
	return shared.Mutation{IO: opts.IO, Client: c, Key: opts.Route, Flags: opts.Flags,
		Call:     shared.Post("schedule", req),
		Describe: func(st shared.RouteState) string { return "window " + st.Window.Describe() },
	}.Apply(ctx)
}
