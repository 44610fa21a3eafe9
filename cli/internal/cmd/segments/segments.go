// Package segments implements the "waygate segments" command group:
// reusable sets of contexts that flag rules target.
package segments

import (
	"github.com/spf13/cobra"

	"github.com/waygate-go/waygate/cli/internal/cmd/flags/deleteflag"
	"github.com/waygate-go/waygate/cli/internal/cmd/segments/create"
	"github.com/waygate-go/waygate/cli/internal/cmd/segments/get"
	"github.com/waygate-go/waygate/cli/internal/cmd/segments/include"
	"github.com/waygate-go/waygate/cli/internal/cmd/segments/list"
	"github.com/waygate-go/waygate/cli/internal/cmd/segments/rule"
	"github.com/waygate-go/waygate/cli/internal/cmdutil"
)

// NewCmdSegments returns the segments command group.
func NewCmdSegments(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "segments",
		Aliases: []string{"seg", "segment"},
		Short:   "Segments: reusable sets of contexts for flag rules",
		Long: "A segment's members are its included context keys plus contexts matching its rules, minus\n" +
			"its excluded keys. Flag rules target it with: waygate flags add-rule KEY --segment SEGMENT.",
	}
	cmd.AddCommand(list.NewCmdList(f, nil), get.NewCmdGet(f, nil), create.NewCmdCreate(f, nil),
		deleteflag.NewCmd(f, "segment", nil), include.NewCmdInclude(f, nil), include.NewCmdExclude(f, nil),
		rule.NewCmdAddRule(f, nil), rule.NewCmdRemoveRule(f, nil))
	return cmd
}
