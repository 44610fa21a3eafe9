package segments_test

// Flag parsing of the segments verbs.

import (
	"slices"
	"testing"

	"github.com/spf13/cobra"

	"github.com/waygate-go/waygate/cli/internal/cmd/flags/deleteflag"
	"github.com/waygate-go/waygate/cli/internal/cmd/segments/create"
	"github.com/waygate-go/waygate/cli/internal/cmd/segments/get"
	"github.com/waygate-go/waygate/cli/internal/cmd/segments/include"
	"github.com/waygate-go/waygate/cli/internal/cmd/segments/list"
	"github.com/waygate-go/waygate/cli/internal/cmd/segments/rule"
	"github.com/waygate-go/waygate/cli/internal/cmdtest"
	"github.com/waygate-go/waygate/cli/internal/cmdutil"
)

func TestSegmentVerbs(t *testing.T) {
	cmdtest.RunCases(t, create.NewCmdCreate, []cmdtest.Case[create.CreateOptions]{
		{Name: "members", Args: []string{"beta", "--include", "a,b", "--include", "c", "--exclude", "d"}, Check: func(t *testing.T, o *create.CreateOptions) {
			if o.Name != "beta" || !slices.Equal(o.Included, []string{"a", "b", "c"}) || !slices.Equal(o.Excluded, []string{"d"}) {
				t.Fatalf("%+v", o)
			}
		}},
		{Name: "bad key", Args: []string{"beta testers"}, Usage: true},
	})
	cmdtest.RunCases(t, include.NewCmdExclude, []cmdtest.Case[include.IncludeOptions]{
		{Name: "keys", Args: []string{"beta", "x", "y"}, Check: func(t *testing.T, o *include.IncludeOptions) {
			if !o.Exclude || !slices.Equal(o.ContextKeys, []string{"x", "y"}) {
				t.Fatalf("%+v", o)
			}
		}},
		{Name: "no keys", Args: []string{"beta"}, Usage: true},
	})
	cmdtest.RunCases(t, include.NewCmdInclude, []cmdtest.Case[include.IncludeOptions]{{Name: "keys", Args: []string{"beta", "x"}}})
	cmdtest.RunCases(t, rule.NewCmdAddRule, []cmdtest.Case[rule.RuleOptions]{
		{Name: "clause", Args: []string{"beta", "-a", "email", "-o", "ends_with", "-V", "@example.com,@example.org", "-d", "staff"},
			Check: func(t *testing.T, o *rule.RuleOptions) {
				if o.Clause["attribute"] != "email" || len(o.Clause["values"].([]any)) != 2 || o.Description != "staff" {
					t.Fatalf("%+v", o)
				}
			}},
		{Name: "no attribute", Args: []string{"beta", "-V", "x"}, Usage: true},
		{Name: "no values", Args: []string{"beta", "-a", "email"}, Usage: true},
	})
	cmdtest.RunCases(t, rule.NewCmdRemoveRule, []cmdtest.Case[rule.RuleOptions]{{Name: "id", Args: []string{"beta", "r1"}}, {Name: "no id", Args: []string{"beta"}, Usage: true}})
	cmdtest.RunCases(t, list.NewCmdList, []cmdtest.Case[list.ListOptions]{{Name: "list"}})
	cmdtest.RunCases(t, get.NewCmdGet, []cmdtest.Case[get.GetOptions]{{Name: "key", Args: []string{"beta"}}})
	newDelete := func(f *cmdutil.Factory, runF func(*deleteflag.DeleteOptions) error) *cobra.Command {
		return deleteflag.NewCmd(f, "segment", runF)
	}
	cmdtest.RunCases(t, newDelete, []cmdtest.Case[deleteflag.DeleteOptions]{
		{Name: "yes", Args: []string{"beta", "-y"}, Check: func(t *testing.T, o *deleteflag.DeleteOptions) {
			if o.Kind != "segment" {
				t.Fatalf("%+v", o)
			}
		}},
		{Name: "no yes off a terminal", Args: []string{"beta"}, Usage: true},
	})
}
