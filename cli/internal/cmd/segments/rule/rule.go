// Package rule implements "waygate segments add-rule KEY" and "waygate
// segments remove-rule KEY RULE_ID". Segments have no PATCH: the segment is
// read, changed and written back whole, keeping every field.
package rule

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/waygate-go/waygate/cli/internal/api"
	"github.com/waygate-go/waygate/cli/internal/cmd/flags/shared"
	"github.com/waygate-go/waygate/cli/internal/cmdutil"
	"github.com/waygate-go/waygate/cli/internal/iostreams"
)

// RuleOptions are the inputs of add-rule and remove-rule.
type RuleOptions struct {
	IO        *iostreams.IOStreams
	APIClient func() (*api.Client, error)
	Key       string
	// Clause and Description make the new rule (add-rule).
	Clause      map[string]any
	Description string
	// RuleID is the rule to remove (remove-rule).
	RuleID string
}

// NewCmdAddRule returns segments add-rule.
func NewCmdAddRule(f *cmdutil.Factory, runF func(*RuleOptions) error) *cobra.Command {
	opts := &RuleOptions{IO: f.IOStreams, APIClient: f.APIClient}
	var attribute, operator string
	var values []string
	var negate bool
	cmd := &cobra.Command{
		Use:   "add-rule KEY --attribute A [--operator OP] --values V,...",
		Short: "Add a rule: contexts matching it are members",
		Example: "  waygate segments add-rule beta-testers --attribute email --operator ends_with --values @example.com\n" +
			"  waygate segments add-rule big-accounts --attribute seats --operator gte --values 100",
		Args: cmdutil.ExactArgs(1, "KEY"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := shared.CheckKey("segment", args[0]); err != nil {
				return err
			}
			opts.Key = args[0]
			var err error
			if opts.Clause, err = shared.MakeClause(attribute, operator, cmdutil.SplitList(values), negate); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return update(cmd.Context(), opts, addRule)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&attribute, "attribute", "a", "", "context attribute to test (required)")
	fl.StringVarP(&operator, "operator", "o", "is", "operator: "+strings.Join(shared.Operators(), ", "))
	fl.StringSliceVarP(&values, "values", "V", nil, "values to compare with (comma-separated, required)")
	fl.StringVarP(&opts.Description, "description", "d", "", "what the rule is for")
	fl.BoolVar(&negate, "negate", false, "invert the clause")
	_ = cmd.RegisterFlagCompletionFunc("operator", cobra.FixedCompletions(shared.Operators(), cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

// NewCmdRemoveRule returns segments remove-rule.
func NewCmdRemoveRule(f *cmdutil.Factory, runF func(*RuleOptions) error) *cobra.Command {
	opts := &RuleOptions{IO: f.IOStreams, APIClient: f.APIClient}
	return &cobra.Command{
		Use:   "remove-rule KEY RULE_ID",
		Short: "Remove a rule from a segment (ids: waygate segments get KEY)",
		Args:  cmdutil.ExactArgs(2, "KEY RULE_ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := shared.CheckKey("segment", args[0]); err != nil {
				return err
			}
			opts.Key, opts.RuleID = args[0], args[1]
			if runF != nil {
				return runF(opts)
			}
			return update(cmd.Context(), opts, removeRule)
		},
	}
}

func addRule(opts *RuleOptions, rules []map[string]any) ([]map[string]any, string, error) {
	id := shared.NewID()
	rules = append(rules, map[string]any{"id": id, "description": opts.Description, "clauses": []any{opts.Clause}})
	return rules, fmt.Sprintf("Added rule %s to segment %s", id, opts.Key), nil
}

func removeRule(opts *RuleOptions, rules []map[string]any) ([]map[string]any, string, error) {
	i := slices.IndexFunc(rules, func(r map[string]any) bool { return r["id"] == opts.RuleID })
	if i < 0 {
		return nil, "", fmt.Errorf("segment %s has no rule %q: list the rule ids with: waygate segments get %s", opts.Key, opts.RuleID, opts.Key)
	}
	return slices.Delete(rules, i, i+1), fmt.Sprintf("Removed rule %s from segment %s", opts.RuleID, opts.Key), nil
}

// update reads the segment, changes its rules and writes it back whole.
func update(ctx context.Context, opts *RuleOptions, change func(*RuleOptions, []map[string]any) ([]map[string]any, string, error)) error {
	c, err := opts.APIClient()
	if err != nil {
		return err
	}
	var doc map[string]json.RawMessage
	if err := c.Get(ctx, shared.SegmentPath(opts.Key, ""), &doc); err != nil {
		return err
	}
	rules, err := shared.RawList(doc["rules"])
	if err != nil {
		return err
	}
	rules, msg, err := change(opts, rules)
	if err != nil {
		return err
	}
	b, err := json.Marshal(rules)
	if err != nil {
		return err
	}
	doc["rules"] = b
	if err := c.Do(ctx, http.MethodPut, shared.SegmentPath(opts.Key, ""), doc, nil); err != nil {
		return err
	}
	fmt.Fprintf(opts.IO.Out, "%s %s\n", opts.IO.ColorScheme().SuccessIcon(), msg)
	return nil
}
