// Package deleterl implements "waygate rl delete ROUTE": remove a route's
// rate limit.
package deleterl

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

// DeleteOptions are the inputs of rl delete.
type DeleteOptions struct {
	IO        *iostreams.IOStreams
	APIClient func() (*api.Client, error)
	Route     string
}

// NewCmdDelete returns the rl delete command.
func NewCmdDelete(f *cmdutil.Factory, runF func(*DeleteOptions) error) *cobra.Command {
	opts := &DeleteOptions{IO: f.IOStreams, APIClient: f.APIClient}
	var service string
	cmd := &cobra.Command{
		Use:     "delete ROUTE",
		Aliases: []string{"rm"},
		Short:   "Remove a route's rate limit",
		Example: "  waygate rl delete GET:/posts",
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
			return deleteRun(cmd.Context(), opts)
		},
	}
	shared.AddServiceFlag(cmd, &service)
	return cmd
}

func deleteRun(ctx context.Context, opts *DeleteOptions) error {
	c, err := opts.APIClient()
	if err != nil {
		return err
	}
	var out struct {
		Key string `json:"key"`
	}
	if err := c.Do(ctx, http.MethodDelete, "/api/rate-limits/"+api.EncodeRouteKey(opts.Route), nil, &out); err != nil {
		if api.IsStatus(err, http.StatusNotFound) {
			return fmt.Errorf("%s has no rate limit (%v): list them with: waygate rl list", opts.Route, err)
		}
		return err
	}
	fmt.Fprintf(opts.IO.Out, "%s Rate limit of %s deleted\n", opts.IO.ColorScheme().SuccessIcon(), out.Key)
	return nil
}
