// Package scopelimit implements the "waygate global-rate-limit" and
// "waygate service-rate-limit" command groups: one rate limit for every
// route, or for every route of a service. The verbs live in its
// subpackages and are shared by both groups.
package scopelimit

import (
	"github.com/spf13/cobra"

	"github.com/waygate-go/waygate/cli/internal/cmd/scope"
	"github.com/waygate-go/waygate/cli/internal/cmd/scopelimit/get"
	"github.com/waygate-go/waygate/cli/internal/cmd/scopelimit/remove"
	"github.com/waygate-go/waygate/cli/internal/cmd/scopelimit/reset"
	"github.com/waygate-go/waygate/cli/internal/cmd/scopelimit/set"
	"github.com/waygate-go/waygate/cli/internal/cmd/scopelimit/toggle"
	"github.com/waygate-go/waygate/cli/internal/cmdutil"
)

// NewCmdGlobalRateLimit returns the global-rate-limit command group.
func NewCmdGlobalRateLimit(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "global-rate-limit",
		Aliases: []string{"grl"},
		Short:   "One rate limit applied to every route",
		Long: "A global rate limit counts requests across every route (except --exempt routes), on top of\n" +
			"per-route limits.",
	}
	addVerbs(cmd, f, scope.GlobalRateLimit)
	return cmd
}

// NewCmdServiceRateLimit returns the service-rate-limit command group.
func NewCmdServiceRateLimit(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "service-rate-limit",
		Aliases: []string{"srl"},
		Short:   "One rate limit applied to every route of a service",
	}
	addVerbs(cmd, f, scope.ServiceRateLimit)
	return cmd
}

func addVerbs(cmd *cobra.Command, f *cmdutil.Factory, s scope.Scope) {
	cmd.AddCommand(get.NewCmdGet(f, s, nil), set.NewCmdSet(f, s, nil), remove.NewCmdDelete(f, s, nil),
		reset.NewCmdReset(f, s, nil), toggle.NewCmdEnable(f, s, nil), toggle.NewCmdDisable(f, s, nil))
}
