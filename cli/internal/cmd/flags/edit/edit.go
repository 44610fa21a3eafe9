// Package edit implements "waygate flags edit KEY": change a flag's name,
// description, off variation or fallthrough.
package edit

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/waygate-go/waygate/cli/internal/api"
	"github.com/waygate-go/waygate/cli/internal/cmd/flags/shared"
	"github.com/waygate-go/waygate/cli/internal/cmdutil"
	"github.com/waygate-go/waygate/cli/internal/iostreams"
)

// EditOptions are the inputs of flags edit.
type EditOptions struct {
	IO        *iostreams.IOStreams
	APIClient func() (*api.Client, error)
	Key       string
	// Fields are the top-level fields to change.
	Fields map[string]any
	Output cmdutil.Output
}

// NewCmdEdit returns the flags edit command.
func NewCmdEdit(f *cmdutil.Factory, runF func(*EditOptions) error) *cobra.Command {
	opts := &EditOptions{IO: f.IOStreams, APIClient: f.APIClient}
	var name, description, off, through string
	var tags []string
	cmd := &cobra.Command{
		Use:   "edit KEY",
		Short: "Change a flag's name, description, tags, off variation or fallthrough",
		Long: "Change the given fields and keep the others. --fallthrough takes a variation name or a\n" +
			"rollout like on:25,off:75 (percentages adding up to 100).",
		Example: "  waygate flags edit new-checkout --fallthrough on\n" +
			"  waygate flags edit new-checkout --fallthrough on:10,off:90 --description \"10% rollout\"",
		Args: cmdutil.ExactArgs(1, "KEY"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := shared.CheckKey("flag", args[0]); err != nil {
				return err
			}
			opts.Key, opts.Fields = args[0], map[string]any{}
			set := func(flag, field string, v any) {
				if cmd.Flags().Changed(flag) {
					opts.Fields[field] = v
				}
			}
			set("name", "name", name)
			set("description", "description", description)
			set("tag", "tags", tags)
			set("off-variation", "off_variation", off)
			if cmd.Flags().Changed("fallthrough") {
				ft, err := ParseFallthrough(through)
				if err != nil {
					return err
				}
				opts.Fields["fallthrough"] = ft
			}
			if len(opts.Fields) == 0 {
				return cmdutil.FlagErrorf("nothing to change: give --name, --description, --tag, --off-variation or --fallthrough")
			}
			if runF != nil {
				return runF(opts)
			}
			return editRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&name, "name", "n", "", "display name")
	fl.StringVarP(&description, "description", "d", "", "description")
	fl.StringSliceVar(&tags, "tag", nil, "tags (repeatable; replaces the list)")
	fl.StringVar(&off, "off-variation", "", "variation served while disabled")
	fl.StringVar(&through, "fallthrough", "", "variation, or rollout like on:25,off:75, when nothing else matches")
	cmdutil.AddOutputFlag(cmd, &opts.Output)
	return cmd
}

// ParseFallthrough reads a variation name, or a rollout "a:25,b:75" whose
// percentages add up to 100 (weights in 1/100000).
func ParseFallthrough(s string) (any, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, cmdutil.FlagErrorf("--fallthrough is empty: give a variation or a rollout like on:25,off:75")
	}
	if !strings.Contains(s, ":") {
		return s, nil
	}
	var rollout []shared.Weighted
	total := 0
	for _, part := range strings.Split(s, ",") {
		name, pct, _ := strings.Cut(strings.TrimSpace(part), ":")
		p, err := strconv.ParseFloat(strings.TrimSuffix(pct, "%"), 64)
		if err != nil || name == "" || p < 0 || p > 100 {
			return nil, cmdutil.FlagErrorf("--fallthrough %q: write VARIATION:PERCENT pairs, like on:25,off:75", s)
		}
		w := int(p*1000 + 0.5)
		total += w
		rollout = append(rollout, shared.Weighted{Variation: name, Weight: w})
	}
	if total != 100000 {
		return nil, cmdutil.FlagErrorf("--fallthrough %q: the percentages add up to %g, not 100", s, float64(total)/1000)
	}
	return rollout, nil
}

func editRun(ctx context.Context, opts *EditOptions) error {
	c, err := opts.APIClient()
	if err != nil {
		return err
	}
	raw, err := shared.PatchFlag(ctx, c, opts.Key, opts.Fields)
	if err != nil {
		return err
	}
	if opts.Output.JSON() {
		return cmdutil.PrintJSON(opts.IO.Out, raw)
	}
	var f shared.Flag
	if err := json.Unmarshal(raw, &f); err != nil {
		return fmt.Errorf("unexpected answer: %w", err)
	}
	fmt.Fprintf(opts.IO.Out, "%s Updated flag %s (fallthrough %s, off %s)\n", opts.IO.ColorScheme().SuccessIcon(), f.Key, f.FallthroughText(), f.OffVariation)
	return nil
}
