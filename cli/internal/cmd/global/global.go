// Package global implements the "waygate global" command group: global
// maintenance of every route.
package global

import (
	"github.com/spf13/cobra"

	"github.com/waygate-go/waygate/cli/internal/cmd/maintscope/disable"
	"github.com/waygate-go/waygate/cli/internal/cmd/maintscope/enable"
	"github.com/waygate-go/waygate/cli/internal/cmd/maintscope/exempt"
	"github.com/waygate-go/waygate/cli/internal/cmd/maintscope/status"
	"github.com/waygate-go/waygate/cli/internal/cmd/scope"
	"github.com/waygate-go/waygate/cli/internal/cmdutil"
)

// NewCmdGlobal returns the global command group.
func NewCmdGlobal(f *cmdutil.Factory) *cobra.Command {
	s := scope.GlobalMaintenance
	st := status.NewCmdStatus(f, s, nil)
	cmd := &cobra.Command{
		Use:   "global",
		Short: "Global maintenance: every route at once",
		Long: "Switch maintenance for every route at once, except exempt paths (keep health checks and\n" +
			"the admin API reachable) and force-active routes. Without a subcommand, show its state.",
		Args: func(c *cobra.Command, args []string) error {
			if len(args) > 0 {
				return cmdutil.UnknownSubcommand(c, args[0])
			}
			return nil
		},
		// Bare "waygate global" shows the state, as "waygate global status".
		RunE: func(cmd *cobra.Command, args []string) error { return st.RunE(cmd, args) },
	}
	cmd.Flags().AddFlagSet(st.Flags())
	cmd.AddCommand(st, enable.NewCmdEnable(f, s, nil), disable.NewCmdDisable(f, s, nil), exempt.NewCmdExempt(f, s))
	return cmd
}
