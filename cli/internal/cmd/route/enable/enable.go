// Package enable implements "waygate enable ROUTE": serve the route
// normally again.
package enable

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/waygate-go/waygate/cli/internal/api"
	"github.com/waygate-go/waygate/cli/internal/cmd/route/shared"
	"github.com/waygate-go/waygate/cli/internal/cmdutil"
	"github.com/waygate-go/waygate/cli/internal/iostreams"
)

// EnableOptions are the inputs of enable.
type EnableOptions struct {
	IO        *iostreams.IOStreams
	APIClient func() (*api.Client, error)

	// Route is the route key, scoped to the service.
	Route string
	Flags shared.RouteFlags
}

// NewCmdEnable returns the enable command.
func NewCmdEnable(f *cmdutil.Factory, runF func(*EnableOptions) error) *cobra.Command {
	opts := &EnableOptions{IO: f.IOStreams, APIClient: f.APIClient}
	cmd := &cobra.Command{
		Use:   "enable ROUTE",
		Short: "Serve a route normally again",
		Long: "Make a route active: ends maintenance, a disable, an environment gate or a deprecation,\n" +
			"and cancels its scheduled window. ROUTE is /path or METHOD:/path.",
		Example: "  waygate enable GET:/payments\n  waygate enable /orders --all",
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
			return Run(cmd.Context(), opts)
		},
	}
	shared.AddRouteFlags(cmd, &opts.Flags)
	return cmd
}

// Run enables the route; env clear shares it.
func Run(ctx context.Context, opts *EnableOptions) error {
	c, err := opts.APIClient()
	if err != nil {
		return err
	}
	return shared.Mutation{IO: opts.IO, Client: c, Key: opts.Route, Flags: opts.Flags,
		Call: shared.Post("enable", struct{}{})}.Apply(ctx)
}
