// Package servicemaint implements the "waygate service-maintenance"
// command group: maintenance of every route of one service.
package servicemaint

import (
	"github.com/spf13/cobra"

	"github.com/waygate-go/waygate/cli/internal/cmd/maintscope/disable"
	"github.com/waygate-go/waygate/cli/internal/cmd/maintscope/enable"
	"github.com/waygate-go/waygate/cli/internal/cmd/maintscope/exempt"
	"github.com/waygate-go/waygate/cli/internal/cmd/maintscope/status"
	"github.com/waygate-go/waygate/cli/internal/cmd/scope"
	"github.com/waygate-go/waygate/cli/internal/cmdutil"
)

// NewCmdServiceMaintenance returns the service-maintenance command group.
func NewCmdServiceMaintenance(f *cmdutil.Factory) *cobra.Command {
	s := scope.ServiceMaintenance
	cmd := &cobra.Command{
		Use:     "service-maintenance",
		Aliases: []string{"sm"},
		Short:   "Maintenance of every route of one service",
	}
	cmd.AddCommand(status.NewCmdStatus(f, s, nil), enable.NewCmdEnable(f, s, nil),
		disable.NewCmdDisable(f, s, nil), exempt.NewCmdExempt(f, s))
	return cmd
}
