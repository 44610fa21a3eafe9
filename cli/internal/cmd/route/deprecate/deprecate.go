// Package deprecate implements "waygate deprecate ROUTE": keep serving the
// route with Deprecation, Sunset and Link headers.
package deprecate

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/waygate-go/waygate/cli/internal/api"
	"github.com/waygate-go/waygate/cli/internal/cmd/route/shared"
	"github.com/waygate-go/waygate/cli/internal/cmdutil"
	"github.com/waygate-go/waygate/cli/internal/iostreams"
)

// DeprecateOptions are the inputs of deprecate.
type DeprecateOptions struct {
	IO        *iostreams.IOStreams
	APIClient func() (*api.Client, error)

	Route string
	// Sunset is when the route goes away (RFC 3339 or a date).
	Sunset string
	// Successor is the path or URL clients should use instead.
	Successor string
	Flags     shared.RouteFlags
}

// NewCmdDeprecate returns the deprecate command.
func NewCmdDeprecate(f *cmdutil.Factory, runF func(*DeprecateOptions) error) *cobra.Command {
	opts := &DeprecateOptions{IO: f.IOStreams, APIClient: f.APIClient}
	cmd := &cobra.Command{
		Use:   "deprecate ROUTE",
		Short: "Mark a route deprecated (served with Deprecation/Sunset/Link headers)",
		Example: "  waygate deprecate GET:/legacy/orders --sunset 2027-01-01 --successor /orders\n" +
			"  waygate deprecate GET:/v1/users --successor https://api.example.com/v2/users",
		Args: cmdutil.ExactArgs(1, "ROUTE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			key, err := shared.Key(f, cmd, args[0], &opts.Flags)
			if err != nil {
				return err
			}
			opts.Route = key
			if runF != nil {
				return runF(opts)
			}
			return deprecateRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Sunset, "sunset", "", "when the route goes away: a date (2027-01-01) or RFC 3339 time")
	cmd.Flags().StringVar(&opts.Successor, "successor", "", "path or URL that replaces the route")
	shared.AddRouteFlags(cmd, &opts.Flags)
	return cmd
}

type deprecateRequest struct {
	Sunset    string `json:"sunset,omitempty"`
	Successor string `json:"successor,omitempty"`
}

func deprecateRun(ctx context.Context, opts *DeprecateOptions) error {
	c, err := opts.APIClient()
	if err != nil {
		return err
	}
	return shared.Mutation{IO: opts.IO, Client: c, Key: opts.Route, Flags: opts.Flags,
		Call: shared.Post("deprecate", deprecateRequest{Sunset: opts.Sunset, Successor: opts.Successor}),
		Describe: func(st shared.RouteState) string {
			s := ""
			if st.SunsetDate != "" {
				s = "sunset " + st.SunsetDate
			}
			if st.SuccessorPath != "" {
				if s != "" {
					s += ", "
				}
				s += "successor " + st.SuccessorPath
			}
			return s
		},
	}.Apply(ctx)
}
