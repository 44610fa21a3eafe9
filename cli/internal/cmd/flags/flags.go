// Package flags implements the "waygate flags" command group: feature
// flags, their targeting, and the live evaluation stream.
package flags

import (
	"github.com/spf13/cobra"

	"github.com/waygate-go/waygate/cli/internal/cmd/flags/create"
	"github.com/waygate-go/waygate/cli/internal/cmd/flags/deleteflag"
	"github.com/waygate-go/waygate/cli/internal/cmd/flags/edit"
	"github.com/waygate-go/waygate/cli/internal/cmd/flags/eval"
	"github.com/waygate-go/waygate/cli/internal/cmd/flags/get"
	"github.com/waygate-go/waygate/cli/internal/cmd/flags/list"
	"github.com/waygate-go/waygate/cli/internal/cmd/flags/prereq"
	"github.com/waygate-go/waygate/cli/internal/cmd/flags/rule"
	"github.com/waygate-go/waygate/cli/internal/cmd/flags/stream"
	"github.com/waygate-go/waygate/cli/internal/cmd/flags/target"
	"github.com/waygate-go/waygate/cli/internal/cmd/flags/targeting"
	"github.com/waygate-go/waygate/cli/internal/cmd/flags/toggle"
	"github.com/waygate-go/waygate/cli/internal/cmd/flags/variations"
	"github.com/waygate-go/waygate/cli/internal/cmdutil"
)

// NewCmdFlags returns the flags command group.
func NewCmdFlags(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "flags",
		Aliases: []string{"flag"},
		Short:   "Feature flags: create, target, evaluate, stream",
	}
	cmd.AddCommand(
		list.NewCmdList(f, nil), get.NewCmdGet(f, nil), create.NewCmdCreate(f, nil), edit.NewCmdEdit(f, nil),
		toggle.NewCmdEnable(f, nil), toggle.NewCmdDisable(f, nil), deleteflag.NewCmdDelete(f, nil),
		eval.NewCmdEval(f, nil), variations.NewCmdVariations(f, nil), targeting.NewCmdTargeting(f, nil),
		rule.NewCmdAddRule(f, nil), rule.NewCmdRemoveRule(f, nil), prereq.NewCmdPrereq(f),
		target.NewCmdTarget(f, nil), target.NewCmdUntarget(f, nil), stream.NewCmdStream(f, nil),
	)
	return cmd
}
