// Package reset implements "waygate rl reset ROUTE": forget the route's
// counters, so every client starts afresh.
package reset

import (
	"context"
	"fmt"
	"net/http"

	"github.com/spf13/cobra"

	"github.com/waygate-go/waygate/cli/internal/api"
	"github.com/waygate-go/waygate/cli/internal/cmd/ratelimit/shared"
	"github.com/waygate-go/waygate/cli/internal/cmdutil"
	"github.com/waygate-go/waygate/cli/internal/iostreams"
)

// ResetOptions are the inputs of rl reset.
type ResetOptions struct {
	IO        *iostreams.IOStreams
	APIClient func() (*api.Client, error)
	Route     string
}

// NewCmdReset returns the rl reset command.
func NewCmdReset(f *cmdutil.Factory, runF func(*ResetOptions) error) *cobra.Command {
	opts := &ResetOptions{IO: f.IOStreams, APIClient: f.APIClient}
	var service string
	cmd := &cobra.Command{
		Use:     "reset ROUTE",
		Short:   "Reset a route's counters: every client starts afresh",
		Example: "  waygate rl reset GET:/posts",
		Args:    cmdutil.ExactArgs(1, "ROUTE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			key, err := shared.RouteKey(f, cmd, args[0], service)
			if err != nil {
				return err
			}
			opts.Route = key
			if runF != nil {
				return runF(opts)
			}
			return resetRun(cmd.Context(), opts)
		},
	}
	shared.AddServiceFlag(cmd, &service)
	return cmd
}

func resetRun(ctx context.Context, opts *ResetOptions) error {
	c, err := opts.APIClient()
	if err != nil {
		return err
	}
	var out struct {
		Key string `json:"key"`
	}
	if err := c.Do(ctx, http.MethodDelete, "/api/rate-limits/"+api.EncodeRouteKey(opts.Route)+"/reset", nil, &out); err != nil {
		return err
	}
	if out.Key == "" {
		out.Key = opts.Route
	}
	fmt.Fprintf(opts.IO.Out, "%s Counters of %s reset\n", opts.IO.ColorScheme().SuccessIcon(), out.Key)
	return nil
}
