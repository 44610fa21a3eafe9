// Package reset implements "reset" of the global and service rate-limit
// groups: forget the counters.
package reset

import (
	"context"
	"fmt"
	"net/http"

	"github.com/spf13/cobra"

	"github.com/waygate-go/waygate/cli/internal/api"
	"github.com/waygate-go/waygate/cli/internal/cmd/scope"
	"github.com/waygate-go/waygate/cli/internal/cmdutil"
	"github.com/waygate-go/waygate/cli/internal/iostreams"
)

// ResetOptions are the inputs of reset.
type ResetOptions struct {
	IO        *iostreams.IOStreams
	APIClient func() (*api.Client, error)
	Scope     scope.Scope
	Service   string
}

// NewCmdReset returns the reset verb of scope s.
func NewCmdReset(f *cmdutil.Factory, s scope.Scope, runF func(*ResetOptions) error) *cobra.Command {
	opts := &ResetOptions{IO: f.IOStreams, APIClient: f.APIClient, Scope: s}
	return &cobra.Command{
		Use:   s.Use("reset", ""),
		Short: "Reset the counters of the " + s.Noun,
		RunE: func(cmd *cobra.Command, args []string) error {
			svc, _, err := s.Split(args, 0, 0, "")
			if err != nil {
				return err
			}
			opts.Service = svc
			if runF != nil {
				return runF(opts)
			}
			return resetRun(cmd.Context(), opts)
		},
	}
}

func resetRun(ctx context.Context, opts *ResetOptions) error {
	c, err := opts.APIClient()
	if err != nil {
		return err
	}
	if err := c.Do(ctx, http.MethodDelete, opts.Scope.Path(opts.Service, "/reset"), nil, nil); err != nil {
		return err
	}
	fmt.Fprintf(opts.IO.Out, "%s Counters of the %s reset\n", opts.IO.ColorScheme().SuccessIcon(), opts.Scope.Name(opts.Service))
	return nil
}
