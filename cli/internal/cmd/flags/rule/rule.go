// Package rule implements "waygate flags add-rule KEY" and "waygate flags
// remove-rule KEY RULE_ID".
package rule

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/waygate-go/waygate/cli/internal/api"
	"github.com/waygate-go/waygate/cli/internal/cmd/flags/edit"
	"github.com/waygate-go/waygate/cli/internal/cmd/flags/shared"
	"github.com/waygate-go/waygate/cli/internal/cmdutil"
	"github.com/waygate-go/waygate/cli/internal/iostreams"
)

// AddRuleOptions are the inputs of flags add-rule.
type AddRuleOptions struct {
	IO        *iostreams.IOStreams
	APIClient func() (*api.Client, error)
	Key       string
	// Clause is the rule's one clause.
	Clause map[string]any
	// Serve is a variation name or a rollout ([]shared.Weighted).
	Serve       any
	Description string
}

// NewCmdAddRule returns flags add-rule.
func NewCmdAddRule(f *cmdutil.Factory, runF func(*AddRuleOptions) error) *cobra.Command {
	opts := &AddRuleOptions{IO: f.IOStreams, APIClient: f.APIClient}
	var variation, segment, attribute, operator string
	var values []string
	var negate bool
	cmd := &cobra.Command{
		Use:   "add-rule KEY --variation V (--segment S | --attribute A --operator OP --values V,...)",
		Short: "Append a targeting rule to a flag",
		Long: "Append a rule with one clause. --segment S matches members of segment S; --attribute tests a\n" +
			"context attribute with --operator (default is) against --values. --variation takes a\n" +
			"variation name or a rollout like on:50,off:50.",
		Example: "  waygate flags add-rule new-checkout --variation on --segment beta-testers\n" +
			"  waygate flags add-rule new-checkout --variation on --attribute plan --operator in --values pro,enterprise\n" +
			"  waygate flags add-rule new-checkout --variation on:50,off:50 --attribute country --values FR",
		Args: cmdutil.ExactArgs(1, "KEY"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := shared.CheckKey("flag", args[0]); err != nil {
				return err
			}
			opts.Key = args[0]
			if variation == "" {
				return cmdutil.FlagErrorf("--variation is required")
			}
			serve, err := edit.ParseFallthrough(variation)
			if err != nil {
				return cmdutil.FlagErrorf("--variation %q: a variation name or a rollout like on:50,off:50", variation)
			}
			opts.Serve = serve
			if (segment == "") == (attribute == "") {
				return cmdutil.FlagErrorf("give exactly one of --segment or --attribute")
			}
			if segment != "" {
				if err := shared.CheckKey("segment", segment); err != nil {
					return err
				}
				op := "in_segment"
				if operator == "not_in_segment" {
					op = operator
				}
				opts.Clause, err = shared.MakeClause("key", op, []string{segment}, negate)
			} else {
				opts.Clause, err = shared.MakeClause(attribute, operator, cmdutil.SplitList(values), negate)
			}
			if err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return addRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&variation, "variation", "v", "", "variation to serve, or a rollout like on:50,off:50 (required)")
	fl.StringVarP(&segment, "segment", "s", "", "match members of this segment")
	fl.StringVarP(&attribute, "attribute", "a", "", "context attribute to test")
	fl.StringVarP(&operator, "operator", "o", "is", "operator: "+strings.Join(shared.Operators(), ", "))
	fl.StringSliceVar(&values, "values", nil, "values to compare with (comma-separated)")
	fl.StringVarP(&opts.Description, "description", "d", "", "what the rule is for")
	fl.BoolVar(&negate, "negate", false, "invert the clause")
	_ = cmd.RegisterFlagCompletionFunc("operator", cobra.FixedCompletions(shared.Operators(), cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func addRun(ctx context.Context, opts *AddRuleOptions) error {
	c, err := opts.APIClient()
	if err != nil {
		return err
	}
	f, doc, err := shared.GetFlag(ctx, c, opts.Key)
	if err != nil {
		return err
	}
	rule := map[string]any{"id": shared.NewID(), "description": opts.Description,
		"clauses": []any{opts.Clause}, "track_events": false}
	switch s := opts.Serve.(type) {
	case string:
		if !f.HasVariation(s) {
			return fmt.Errorf("flag %s has no variation %q: use one of %s", opts.Key, s, strings.Join(f.VariationNames(), ", "))
		}
		rule["variation"], rule["rollout"] = s, nil
	default:
		rule["variation"], rule["rollout"] = "", s
	}
	rules, err := shared.RawList(doc["rules"])
	if err != nil {
		return err
	}
	rules = append(rules, rule)
	if _, err := shared.PatchFlag(ctx, c, opts.Key, map[string]any{"rules": rules}); err != nil {
		return err
	}
	fmt.Fprintf(opts.IO.Out, "%s Added rule %s to flag %s (rule %d of %d)\n", opts.IO.ColorScheme().SuccessIcon(), rule["id"], opts.Key, len(rules), len(rules))
	return nil
}

// RemoveRuleOptions are the inputs of flags remove-rule.
type RemoveRuleOptions struct {
	IO        *iostreams.IOStreams
	APIClient func() (*api.Client, error)
	Key       string
	RuleID    string
}

// NewCmdRemoveRule returns flags remove-rule.
func NewCmdRemoveRule(f *cmdutil.Factory, runF func(*RemoveRuleOptions) error) *cobra.Command {
	opts := &RemoveRuleOptions{IO: f.IOStreams, APIClient: f.APIClient}
	return &cobra.Command{
		Use:     "remove-rule KEY RULE_ID",
		Short:   "Remove a targeting rule from a flag (ids: waygate flags targeting KEY)",
		Example: "  waygate flags remove-rule new-checkout 3f1c2a9e-...",
		Args:    cmdutil.ExactArgs(2, "KEY RULE_ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := shared.CheckKey("flag", args[0]); err != nil {
				return err
			}
			opts.Key, opts.RuleID = args[0], args[1]
			if runF != nil {
				return runF(opts)
			}
			return removeRun(cmd.Context(), opts)
		},
	}
}

func removeRun(ctx context.Context, opts *RemoveRuleOptions) error {
	c, err := opts.APIClient()
	if err != nil {
		return err
	}
	_, doc, err := shared.GetFlag(ctx, c, opts.Key)
	if err != nil {
		return err
	}
	rules, err := shared.RawList(doc["rules"])
	if err != nil {
		return err
	}
	i := slices.IndexFunc(rules, func(r map[string]any) bool { return r["id"] == opts.RuleID })
	if i < 0 {
		return fmt.Errorf("flag %s has no rule %q: list the rule ids with: waygate flags targeting %s", opts.Key, opts.RuleID, opts.Key)
	}
	rules = slices.Delete(rules, i, i+1)
	if _, err := shared.PatchFlag(ctx, c, opts.Key, map[string]any{"rules": rules}); err != nil {
		return err
	}
	fmt.Fprintf(opts.IO.Out, "%s Removed rule %s from flag %s\n", opts.IO.ColorScheme().SuccessIcon(), opts.RuleID, opts.Key)
	return nil
}
