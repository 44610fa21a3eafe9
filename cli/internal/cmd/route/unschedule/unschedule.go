// Package unschedule implements "waygate unschedule ROUTE" (also "waygate
// schedule cancel ROUTE"): cancel a route's window.
package unschedule

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/spf13/cobra"

	"github.com/waygate-go/waygate/cli/internal/api"
	"github.com/waygate-go/waygate/cli/internal/cmd/route/shared"
	"github.com/waygate-go/waygate/cli/internal/cmdutil"
	"github.com/waygate-go/waygate/cli/internal/iostreams"
)

// UnscheduleOptions are the inputs of unschedule.
type UnscheduleOptions struct {
	IO        *iostreams.IOStreams
	APIClient func() (*api.Client, error)

	Route string
	Flags shared.RouteFlags
}

// NewCmdUnschedule returns the command; use is its usage line ("unschedule
// ROUTE" or "cancel ROUTE").
func NewCmdUnschedule(f *cmdutil.Factory, runF func(*UnscheduleOptions) error, use string) *cobra.Command {
	opts := &UnscheduleOptions{IO: f.IOStreams, APIClient: f.APIClient}
	cmd := &cobra.Command{
		Use:   use,
		Short: "Cancel a route's scheduled window",
		Long: "Cancel the route's window. If the window is running, the route returns to the status it\n" +
			"had before the window.",
		Example: "  waygate schedule cancel GET:/payments\n  waygate unschedule GET:/payments",
		Args:    cmdutil.ExactArgs(1, "ROUTE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			key, err := shared.Key(f, cmd, args[0], &opts.Flags)
			if err != nil {
				return err
			}
			opts.Route = key
			if runF != nil {
				return runF(opts)
			}
			return unscheduleRun(cmd.Context(), opts)
		},
	}
	shared.AddRouteFlags(cmd, &opts.Flags)
	return cmd
}

func unscheduleRun(ctx context.Context, opts *UnscheduleOptions) error {
	c, err := opts.APIClient()
	if err != nil {
		return err
	}
	return shared.Mutation{IO: opts.IO, Client: c, Key: opts.Route, Flags: opts.Flags,
		Call: func(ctx context.Context, c *api.Client, key string) (json.RawMessage, error) {
			var raw json.RawMessage
			err := c.Do(ctx, http.MethodDelete, api.RoutePath(key, "/schedule"), nil, &raw)
			return raw, err
		},
		Describe: func(shared.RouteState) string { return "window cancelled" },
	}.Apply(ctx)
}
