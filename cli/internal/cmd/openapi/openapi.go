// Package openapi implements the "waygate openapi" command group: OpenAPI
// documents that tell the truth about the runtime state.
package openapi

import (
	"github.com/spf13/cobra"

	"github.com/waygate-go/waygate/cli/internal/cmd/openapi/patch"
	"github.com/waygate-go/waygate/cli/internal/cmdutil"
)

// NewCmdOpenAPI returns the openapi command group.
func NewCmdOpenAPI(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "openapi",
		Short: "Patch OpenAPI documents with the routes' runtime state",
	}
	cmd.AddCommand(patch.NewCmdPatch(f, nil))
	return cmd
}
