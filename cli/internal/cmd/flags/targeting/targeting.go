// Package targeting implements "waygate flags targeting KEY": the targets,
// rules, prerequisites and fallthrough of a flag, in evaluation order.
package targeting

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/waygate-go/waygate/cli/internal/api"
	"github.com/waygate-go/waygate/cli/internal/cmd/flags/shared"
	"github.com/waygate-go/waygate/cli/internal/cmdutil"
	"github.com/waygate-go/waygate/cli/internal/iostreams"
)

// TargetingOptions are the inputs of flags targeting.
type TargetingOptions struct {
	IO        *iostreams.IOStreams
	APIClient func() (*api.Client, error)
	Key       string
	Output    cmdutil.Output
}

// NewCmdTargeting returns the flags targeting command.
func NewCmdTargeting(f *cmdutil.Factory, runF func(*TargetingOptions) error) *cobra.Command {
	opts := &TargetingOptions{IO: f.IOStreams, APIClient: f.APIClient}
	cmd := &cobra.Command{
		Use:   "targeting KEY",
		Short: "Show a flag's prerequisites, targets, rules and fallthrough",
		Args:  cmdutil.ExactArgs(1, "KEY"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := shared.CheckKey("flag", args[0]); err != nil {
				return err
			}
			opts.Key = args[0]
			if runF != nil {
				return runF(opts)
			}
			return targetingRun(cmd.Context(), opts)
		},
	}
	cmdutil.AddOutputFlag(cmd, &opts.Output)
	return cmd
}

func targetingRun(ctx context.Context, opts *TargetingOptions) error {
	c, err := opts.APIClient()
	if err != nil {
		return err
	}
	f, doc, err := shared.GetFlag(ctx, c, opts.Key)
	if err != nil {
		return err
	}
	if opts.Output.JSON() {
		out := map[string]json.RawMessage{}
		for _, k := range []string{"enabled", "off_variation", "prerequisites", "targets", "rules", "fallthrough"} {
			out[k] = doc[k]
		}
		return cmdutil.EncodeJSON(opts.IO.Out, out)
	}
	return Print(opts.IO.Out, opts.IO, f)
}

// Print writes the targeting of f in evaluation order.
func Print(w io.Writer, ios *iostreams.IOStreams, f shared.Flag) error {
	cs := ios.ColorScheme()
	p := func(format string, args ...any) { fmt.Fprintf(w, format+"\n", args...) }
	if !f.Enabled {
		p("%s: every context gets %s", cs.Red("Disabled"), f.OffVariation)
	}
	p("%s", cs.Bold("Prerequisites"))
	if len(f.Prerequisites) == 0 {
		p("  none")
	}
	for _, pr := range f.Prerequisites {
		p("  %s must serve %s (else %s)", pr.FlagKey, pr.Variation, f.OffVariation)
	}
	p("%s", cs.Bold("Targets"))
	variations := make([]string, 0, len(f.Targets))
	for v := range f.Targets {
		variations = append(variations, v)
	}
	sort.Strings(variations)
	if len(variations) == 0 {
		p("  none")
	}
	for _, v := range variations {
		p("  %s ← %s", v, strings.Join(f.Targets[v], ", "))
	}
	p("%s", cs.Bold("Rules"))
	if len(f.Rules) == 0 {
		p("  none")
	}
	for i, r := range f.Rules {
		serve := r.Variation
		if serve == "" {
			serve = shared.RolloutText(r.Rollout)
		}
		desc := ""
		if r.Description != "" {
			desc = " — " + r.Description
		}
		p("  %d. %s%s", i+1, cs.Gray(r.ID), desc)
		for _, cl := range r.Clauses {
			not := ""
			if cl.Negate {
				not = "NOT "
			}
			vals := make([]string, len(cl.Values))
			for j, v := range cl.Values {
				vals[j] = fmt.Sprint(v)
			}
			p("     if %s%s %s %s", not, cl.Attribute, cl.Operator, strings.Join(vals, ", "))
		}
		p("     serve %s", serve)
	}
	p("%s", cs.Bold("Fallthrough"))
	p("  serve %s", f.FallthroughText())
	return nil
}
