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
	cmd := &cobra.Command{
		Use:   "global",
		Short: "Global maintenance: every route at once",
		Long: "Switch maintenance for every route at once, except exempt paths (keep health checks and\n" +
			"the admin API reachable) and force-active routes.",
	}
	cmd.AddCommand(status.NewCmdStatus(f, s, nil), enable.NewCmdEnable(f, s, nil),
		disable.NewCmdDisable(f, s, nil), exempt.NewCmdExempt(f, s))
	return cmd
}
