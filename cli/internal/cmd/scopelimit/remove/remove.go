// Package remove implements "delete" of the global and service rate-limit
// groups.
package remove

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

// DeleteOptions are the inputs of delete.
type DeleteOptions struct {
	IO        *iostreams.IOStreams
	APIClient func() (*api.Client, error)
	Scope     scope.Scope
	Service   string
}

// NewCmdDelete returns the delete verb of scope s.
func NewCmdDelete(f *cmdutil.Factory, s scope.Scope, runF func(*DeleteOptions) error) *cobra.Command {
	opts := &DeleteOptions{IO: f.IOStreams, APIClient: f.APIClient, Scope: s}
	return &cobra.Command{
		Use:     s.Use("delete", ""),
		Aliases: []string{"rm"},
		Short:   "Remove the " + s.Noun,
		RunE: func(cmd *cobra.Command, args []string) error {
			svc, _, err := s.Split(args, 0, 0, "")
			if err != nil {
				return err
			}
			opts.Service = svc
			if runF != nil {
				return runF(opts)
			}
			return deleteRun(cmd.Context(), opts)
		},
	}
}

func deleteRun(ctx context.Context, opts *DeleteOptions) error {
	c, err := opts.APIClient()
	if err != nil {
		return err
	}
	if err := c.Do(ctx, http.MethodDelete, opts.Scope.Path(opts.Service, ""), nil, nil); err != nil {
		return err
	}
	fmt.Fprintf(opts.IO.Out, "%s %s deleted\n", opts.IO.ColorScheme().SuccessIcon(), opts.Scope.Name(opts.Service))
	return nil
}
