// Package currentservice implements "waygate current-service": the
// service WAYGATE_SERVICE scopes commands to.
package currentservice

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/waygate-go/waygate/cli/internal/cmdutil"
	"github.com/waygate-go/waygate/cli/internal/config"
	"github.com/waygate-go/waygate/cli/internal/iostreams"
)

// CurrentServiceOptions are the inputs of current-service.
type CurrentServiceOptions struct {
	IO      *iostreams.IOStreams
	Service string
}

// NewCmdCurrentService returns the current-service command.
func NewCmdCurrentService(f *cmdutil.Factory, runF func(*CurrentServiceOptions) error) *cobra.Command {
	opts := &CurrentServiceOptions{IO: f.IOStreams}
	return &cobra.Command{
		Use:   "current-service",
		Short: "Show the service WAYGATE_SERVICE scopes commands to",
		Args:  cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Service = f.Service("", false)
			if runF != nil {
				return runF(opts)
			}
			if opts.Service == "" {
				fmt.Fprintf(opts.IO.ErrOut, "No service selected: set %s=NAME or pass --service NAME to route commands.\n", config.EnvService)
				return nil
			}
			fmt.Fprintln(opts.IO.Out, opts.Service)
			return nil
		},
	}
}
