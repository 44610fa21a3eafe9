// Package deleteflag implements "waygate flags delete KEY".
package deleteflag

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/spf13/cobra"

	"github.com/waygate-go/waygate/cli/internal/api"
	"github.com/waygate-go/waygate/cli/internal/cmd/flags/shared"
	"github.com/waygate-go/waygate/cli/internal/cmdutil"
	"github.com/waygate-go/waygate/cli/internal/iostreams"
)

// DeleteOptions are the inputs of flags delete and segments delete.
type DeleteOptions struct {
	IO        *iostreams.IOStreams
	APIClient func() (*api.Client, error)
	// Kind is "flag" or "segment".
	Kind string
	Key  string
	// Yes skips the confirmation prompt.
	Yes bool
}

// NewCmdDelete returns flags delete.
func NewCmdDelete(f *cmdutil.Factory, runF func(*DeleteOptions) error) *cobra.Command {
	return NewCmd(f, "flag", runF)
}

// NewCmd returns a delete command for kind "flag" or "segment".
func NewCmd(f *cmdutil.Factory, kind string, runF func(*DeleteOptions) error) *cobra.Command {
	opts := &DeleteOptions{IO: f.IOStreams, APIClient: f.APIClient, Kind: kind}
	cmd := &cobra.Command{
		Use:     "delete KEY",
		Aliases: []string{"rm"},
		Short:   "Delete a " + kind,
		Long:    "Delete a " + kind + ". Asks for confirmation on a terminal; --yes skips it (required in scripts).",
		Args:    cmdutil.ExactArgs(1, "KEY"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := shared.CheckKey(kind, args[0]); err != nil {
				return err
			}
			opts.Key = args[0]
			if !opts.Yes && !opts.IO.IsStdinTTY() {
				return cmdutil.FlagErrorf("pass --yes to delete %s %s without a confirmation prompt", kind, opts.Key)
			}
			if runF != nil {
				return runF(opts)
			}
			return deleteRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVarP(&opts.Yes, "yes", "y", false, "do not ask for confirmation")
	return cmd
}

func deleteRun(ctx context.Context, opts *DeleteOptions) error {
	if !opts.Yes {
		fmt.Fprintf(opts.IO.ErrOut, "Delete %s %s? Type its key to confirm: ", opts.Kind, opts.Key)
		line, _ := bufio.NewReader(opts.IO.In).ReadString('\n')
		if strings.TrimSpace(line) != opts.Key {
			fmt.Fprintln(opts.IO.ErrOut, "Not deleted.")
			return cmdutil.ErrSilent
		}
	}
	c, err := opts.APIClient()
	if err != nil {
		return err
	}
	path := shared.FlagPath(opts.Key, "")
	if opts.Kind == "segment" {
		path = shared.SegmentPath(opts.Key, "")
	}
	if err := c.Do(ctx, http.MethodDelete, path, nil, nil); err != nil {
		return err
	}
	fmt.Fprintf(opts.IO.Out, "%s Deleted %s %s\n", opts.IO.ColorScheme().SuccessIcon(), opts.Kind, opts.Key)
	return nil
}
