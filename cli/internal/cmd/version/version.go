// Package version implements "waygate version".
package version

import (
	"fmt"
	"runtime"

	"github.com/spf13/cobra"

	"github.com/waygate-go/waygate/cli/internal/build"
	"github.com/waygate-go/waygate/cli/internal/cmdutil"
)

// Format returns the version line: "waygate version v1.2.3 (abc1234, go1.26.0 linux/amd64)".
func Format() string {
	extra := runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH
	if c := build.Commit(); c != "" {
		extra = c[:min(len(c), 12)] + ", " + extra
	}
	return fmt.Sprintf("waygate version %s (%s)", build.Version(), extra)
}

// NewCmdVersion returns the version command.
func NewCmdVersion(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the CLI's version",
		Args:  cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			_, err := fmt.Fprintln(f.IOStreams.Out, Format())
			return err
		},
	}
}
