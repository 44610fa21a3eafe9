// Package env implements "waygate env set ROUTE ENV..." (serve the route
// only in some environments) and "waygate env clear ROUTE".
package env

import (
	"context"
	"strings"

	"github.com/spf13/cobra"

	"github.com/waygate-go/waygate/cli/internal/api"
	"github.com/waygate-go/waygate/cli/internal/cmd/route/enable"
	"github.com/waygate-go/waygate/cli/internal/cmd/route/shared"
	"github.com/waygate-go/waygate/cli/internal/cmdutil"
	"github.com/waygate-go/waygate/cli/internal/iostreams"
)

// NewCmdEnv returns the env command group.
func NewCmdEnv(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "env",
		Short: "Serve a route only in some environments",
		Long: "Gate a route by environment (WAYGATE_ENV of the application): elsewhere it answers 404\n" +
			"as if it did not exist.",
	}
	cmd.AddCommand(NewCmdSet(f, nil), NewCmdClear(f, nil))
	return cmd
}

// SetOptions are the inputs of env set.
type SetOptions struct {
	IO        *iostreams.IOStreams
	APIClient func() (*api.Client, error)

	Route string
	Envs  []string
	Flags shared.RouteFlags
}

// NewCmdSet returns the env set command.
func NewCmdSet(f *cmdutil.Factory, runF func(*SetOptions) error) *cobra.Command {
	opts := &SetOptions{IO: f.IOStreams, APIClient: f.APIClient}
	cmd := &cobra.Command{
		Use:     "set ROUTE ENV...",
		Short:   "Serve a route only in the given environments",
		Example: "  waygate env set GET:/debug dev staging",
		Args:    cmdutil.MinimumArgs(2, "ROUTE ENV..."),
		RunE: func(cmd *cobra.Command, args []string) error {
			key, err := shared.Key(f, cmd, args[0], &opts.Flags)
			if err != nil {
				return err
			}
			opts.Route, opts.Envs = key, cmdutil.SplitList(args[1:])
			if len(opts.Envs) == 0 {
				return cmdutil.FlagErrorf("missing argument: ENV...")
			}
			if runF != nil {
				return runF(opts)
			}
			return setRun(cmd.Context(), opts)
		},
	}
	shared.AddRouteFlags(cmd, &opts.Flags)
	return cmd
}

type envRequest struct {
	Envs []string `json:"envs"`
}

func setRun(ctx context.Context, opts *SetOptions) error {
	c, err := opts.APIClient()
	if err != nil {
		return err
	}
	return shared.Mutation{IO: opts.IO, Client: c, Key: opts.Route, Flags: opts.Flags,
		Call:     shared.Post("env", envRequest{Envs: opts.Envs}),
		Describe: func(st shared.RouteState) string { return "served in " + strings.Join(st.AllowedEnvs, ", ") },
	}.Apply(ctx)
}

// NewCmdClear returns the env clear command: the same as enable.
func NewCmdClear(f *cmdutil.Factory, runF func(*enable.EnableOptions) error) *cobra.Command {
	cmd := enable.NewCmdEnable(f, runF)
	cmd.Use = "clear ROUTE"
	cmd.Short = "Serve a route in every environment again (same as enable)"
	cmd.Long = "Remove the environment gate: the route becomes active. The same as waygate enable."
	cmd.Example = "  waygate env clear GET:/debug"
	return cmd
}
