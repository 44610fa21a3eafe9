// Package prereq implements "waygate flags prereq add KEY FLAG VARIATION"
// and "waygate flags prereq remove KEY FLAG".
package prereq

import (
	"context"
	"fmt"
	"slices"

	"github.com/spf13/cobra"

	"github.com/waygate-go/waygate/cli/internal/api"
	"github.com/waygate-go/waygate/cli/internal/cmd/flags/shared"
	"github.com/waygate-go/waygate/cli/internal/cmdutil"
	"github.com/waygate-go/waygate/cli/internal/iostreams"
)

// PrereqOptions are the inputs of prereq add and prereq remove.
type PrereqOptions struct {
	IO        *iostreams.IOStreams
	APIClient func() (*api.Client, error)
	Key       string
	// Flag is the prerequisite flag; Variation what it must serve (add).
	Flag, Variation string
	Remove          bool
}

// NewCmdPrereq returns the flags prereq command group.
func NewCmdPrereq(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "prereq",
		Short: "Make a flag depend on another flag's variation",
		Long: "A prerequisite makes a flag serve its off variation unless another flag serves a given\n" +
			"variation for the same context.",
	}
	cmd.AddCommand(NewCmdAdd(f, nil), NewCmdRemove(f, nil))
	return cmd
}

// NewCmdAdd returns prereq add.
func NewCmdAdd(f *cmdutil.Factory, runF func(*PrereqOptions) error) *cobra.Command {
	opts := &PrereqOptions{IO: f.IOStreams, APIClient: f.APIClient}
	return &cobra.Command{
		Use:     "add KEY FLAG VARIATION",
		Short:   "Require FLAG to serve VARIATION before KEY is evaluated",
		Example: "  waygate flags prereq add new-checkout payments-v2 on",
		Args:    cmdutil.ExactArgs(3, "KEY FLAG VARIATION"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := parse(opts, args); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return prereqRun(cmd.Context(), opts)
		},
	}
}

// NewCmdRemove returns prereq remove.
func NewCmdRemove(f *cmdutil.Factory, runF func(*PrereqOptions) error) *cobra.Command {
	opts := &PrereqOptions{IO: f.IOStreams, APIClient: f.APIClient, Remove: true}
	return &cobra.Command{
		Use:     "remove KEY FLAG",
		Short:   "Remove the prerequisite on FLAG",
		Example: "  waygate flags prereq remove new-checkout payments-v2",
		Args:    cmdutil.ExactArgs(2, "KEY FLAG"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := parse(opts, args); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return prereqRun(cmd.Context(), opts)
		},
	}
}

func parse(opts *PrereqOptions, args []string) error {
	for _, k := range args[:2] {
		if err := shared.CheckKey("flag", k); err != nil {
			return err
		}
	}
	opts.Key, opts.Flag = args[0], args[1]
	if opts.Key == opts.Flag {
		return cmdutil.FlagErrorf("a flag cannot be its own prerequisite")
	}
	if len(args) > 2 {
		opts.Variation = args[2]
	}
	return nil
}

func prereqRun(ctx context.Context, opts *PrereqOptions) error {
	c, err := opts.APIClient()
	if err != nil {
		return err
	}
	_, doc, err := shared.GetFlag(ctx, c, opts.Key)
	if err != nil {
		return err
	}
	prereqs, err := shared.RawList(doc["prerequisites"])
	if err != nil {
		return err
	}
	i := slices.IndexFunc(prereqs, func(p map[string]any) bool { return p["flag_key"] == opts.Flag })
	cs := opts.IO.ColorScheme()
	switch {
	case opts.Remove && i < 0:
		return fmt.Errorf("flag %s has no prerequisite on %s", opts.Key, opts.Flag)
	case opts.Remove:
		prereqs = slices.Delete(prereqs, i, i+1)
	default:
		other, _, err := shared.GetFlag(ctx, c, opts.Flag)
		if err != nil {
			return fmt.Errorf("prerequisite flag %s: %w", opts.Flag, err)
		}
		if !other.HasVariation(opts.Variation) {
			return fmt.Errorf("flag %s has no variation %q: use one of %v", opts.Flag, opts.Variation, other.VariationNames())
		}
		if i >= 0 {
			fmt.Fprintf(opts.IO.ErrOut, "Replacing the prerequisite on %s (was %v)\n", opts.Flag, prereqs[i]["variation"])
			prereqs[i]["variation"] = opts.Variation
		} else {
			prereqs = append(prereqs, map[string]any{"flag_key": opts.Flag, "variation": opts.Variation})
		}
	}
	if _, err := shared.PatchFlag(ctx, c, opts.Key, map[string]any{"prerequisites": prereqs}); err != nil {
		return err
	}
	if opts.Remove {
		fmt.Fprintf(opts.IO.Out, "%s Flag %s no longer depends on %s\n", cs.SuccessIcon(), opts.Key, opts.Flag)
	} else {
		fmt.Fprintf(opts.IO.Out, "%s Flag %s requires %s = %s\n", cs.SuccessIcon(), opts.Key, opts.Flag, opts.Variation)
	}
	return nil
}
