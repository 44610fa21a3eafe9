// Package include implements "waygate segments include KEY CONTEXT_KEY..."
// and "waygate segments exclude KEY CONTEXT_KEY...".
package include

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/waygate-go/waygate/cli/internal/api"
	"github.com/waygate-go/waygate/cli/internal/cmd/flags/shared"
	"github.com/waygate-go/waygate/cli/internal/cmdutil"
	"github.com/waygate-go/waygate/cli/internal/iostreams"
)

// IncludeOptions are the inputs of include and exclude.
type IncludeOptions struct {
	IO          *iostreams.IOStreams
	APIClient   func() (*api.Client, error)
	Key         string
	ContextKeys []string
	// Exclude excludes the keys instead of including them.
	Exclude bool
	Output  cmdutil.Output
}

// NewCmdInclude returns segments include.
func NewCmdInclude(f *cmdutil.Factory, runF func(*IncludeOptions) error) *cobra.Command {
	return newCmd(f, false, runF)
}

// NewCmdExclude returns segments exclude.
func NewCmdExclude(f *cmdutil.Factory, runF func(*IncludeOptions) error) *cobra.Command {
	return newCmd(f, true, runF)
}

func newCmd(f *cmdutil.Factory, exclude bool, runF func(*IncludeOptions) error) *cobra.Command {
	opts := &IncludeOptions{IO: f.IOStreams, APIClient: f.APIClient, Exclude: exclude}
	verb, short := "include", "Make context keys members (and no longer excluded)"
	if exclude {
		verb, short = "exclude", "Keep context keys out, whatever the rules say"
	}
	cmd := &cobra.Command{
		Use:     verb + " KEY CONTEXT_KEY...",
		Short:   short,
		Example: "  waygate segments " + verb + " beta-testers alice bob",
		Args:    cmdutil.MinimumArgs(2, "KEY CONTEXT_KEY..."),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := shared.CheckKey("segment", args[0]); err != nil {
				return err
			}
			opts.Key, opts.ContextKeys = args[0], cmdutil.SplitList(args[1:])
			if runF != nil {
				return runF(opts)
			}
			return includeRun(cmd.Context(), opts)
		},
	}
	cmdutil.AddOutputFlag(cmd, &opts.Output)
	return cmd
}

func includeRun(ctx context.Context, opts *IncludeOptions) error {
	c, err := opts.APIClient()
	if err != nil {
		return err
	}
	verb := "/include"
	if opts.Exclude {
		verb = "/exclude"
	}
	var raw json.RawMessage
	if err := c.Post(ctx, shared.SegmentPath(opts.Key, verb), map[string][]string{"keys": opts.ContextKeys}, &raw); err != nil {
		return err
	}
	if opts.Output.JSON() {
		return cmdutil.PrintJSON(opts.IO.Out, raw)
	}
	var s struct {
		Included []string `json:"included"`
		Excluded []string `json:"excluded"`
	}
	if err := json.Unmarshal(raw, &s); err != nil {
		return fmt.Errorf("unexpected answer: %w", err)
	}
	word := "Included"
	if opts.Exclude {
		word = "Excluded"
	}
	fmt.Fprintf(opts.IO.Out, "%s %s %s in segment %s (%d included, %d excluded)\n", opts.IO.ColorScheme().SuccessIcon(), word,
		strings.Join(opts.ContextKeys, ", "), opts.Key, len(s.Included), len(s.Excluded))
	return nil
}
