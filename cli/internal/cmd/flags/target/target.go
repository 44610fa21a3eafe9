// Package target implements "waygate flags target KEY VARIATION
// CONTEXT_KEY..." and "waygate flags untarget KEY CONTEXT_KEY...":
// individual targeting, which wins over rules.
package target

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/waygate-go/waygate/cli/internal/api"
	"github.com/waygate-go/waygate/cli/internal/cmd/flags/shared"
	"github.com/waygate-go/waygate/cli/internal/cmdutil"
	"github.com/waygate-go/waygate/cli/internal/iostreams"
)

// TargetOptions are the inputs of target and untarget.
type TargetOptions struct {
	IO        *iostreams.IOStreams
	APIClient func() (*api.Client, error)
	Key       string
	// Variation receives the keys (target), or limits untarget to it.
	Variation   string
	ContextKeys []string
	Remove      bool
}

// NewCmdTarget returns flags target.
func NewCmdTarget(f *cmdutil.Factory, runF func(*TargetOptions) error) *cobra.Command {
	opts := &TargetOptions{IO: f.IOStreams, APIClient: f.APIClient}
	return &cobra.Command{
		Use:   "target KEY VARIATION CONTEXT_KEY...",
		Short: "Always serve VARIATION to these context keys",
		Long: "Serve VARIATION to the given context keys (user ids), whatever the rules say. A key targeted\n" +
			"to another variation of the flag moves to this one.",
		Example: "  waygate flags target new-checkout on alice bob",
		Args:    cmdutil.MinimumArgs(3, "KEY VARIATION CONTEXT_KEY..."),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := shared.CheckKey("flag", args[0]); err != nil {
				return err
			}
			opts.Key, opts.Variation, opts.ContextKeys = args[0], args[1], cmdutil.SplitList(args[2:])
			if runF != nil {
				return runF(opts)
			}
			return targetRun(cmd.Context(), opts)
		},
	}
}

// NewCmdUntarget returns flags untarget.
func NewCmdUntarget(f *cmdutil.Factory, runF func(*TargetOptions) error) *cobra.Command {
	opts := &TargetOptions{IO: f.IOStreams, APIClient: f.APIClient, Remove: true}
	cmd := &cobra.Command{
		Use:     "untarget KEY CONTEXT_KEY...",
		Short:   "Stop targeting context keys individually",
		Example: "  waygate flags untarget new-checkout bob\n  waygate flags untarget new-checkout bob --variation on",
		Args:    cmdutil.MinimumArgs(2, "KEY CONTEXT_KEY..."),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := shared.CheckKey("flag", args[0]); err != nil {
				return err
			}
			opts.Key, opts.ContextKeys = args[0], cmdutil.SplitList(args[1:])
			if runF != nil {
				return runF(opts)
			}
			return targetRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVarP(&opts.Variation, "variation", "v", "", "only remove them from this variation's targets")
	return cmd
}

func targetRun(ctx context.Context, opts *TargetOptions) error {
	c, err := opts.APIClient()
	if err != nil {
		return err
	}
	f, _, err := shared.GetFlag(ctx, c, opts.Key)
	if err != nil {
		return err
	}
	if opts.Variation != "" && !f.HasVariation(opts.Variation) {
		return fmt.Errorf("flag %s has no variation %q: use one of %s", opts.Key, opts.Variation, strings.Join(f.VariationNames(), ", "))
	}
	targets := map[string][]string{}
	for v, keys := range f.Targets {
		targets[v] = slices.Clone(keys)
	}
	removed := 0
	for v, keys := range targets {
		if opts.Remove && opts.Variation != "" && v != opts.Variation {
			continue
		}
		n := len(keys)
		keys = slices.DeleteFunc(keys, func(k string) bool { return slices.Contains(opts.ContextKeys, k) })
		removed += n - len(keys)
		targets[v] = keys
		if len(keys) == 0 {
			delete(targets, v)
		}
	}
	cs := opts.IO.ColorScheme()
	if opts.Remove {
		if removed == 0 {
			return fmt.Errorf("none of %s is targeted by flag %s", strings.Join(opts.ContextKeys, ", "), opts.Key)
		}
	} else {
		for _, k := range opts.ContextKeys {
			if !slices.Contains(targets[opts.Variation], k) {
				targets[opts.Variation] = append(targets[opts.Variation], k)
			}
		}
	}
	if _, err := shared.PatchFlag(ctx, c, opts.Key, map[string]any{"targets": targets}); err != nil {
		return err
	}
	if opts.Remove {
		fmt.Fprintf(opts.IO.Out, "%s Untargeted %s from flag %s\n", cs.SuccessIcon(), strings.Join(opts.ContextKeys, ", "), opts.Key)
		return nil
	}
	fmt.Fprintf(opts.IO.Out, "%s Flag %s serves %s to %s\n", cs.SuccessIcon(), opts.Key, opts.Variation, strings.Join(opts.ContextKeys, ", "))
	return nil
}
