package flags_test

// Flag parsing of the flags verbs.

import (
	"reflect"
	"slices"
	"testing"

	"github.com/waygate-go/waygate/cli/internal/cmd/flags/create"
	"github.com/waygate-go/waygate/cli/internal/cmd/flags/deleteflag"
	"github.com/waygate-go/waygate/cli/internal/cmd/flags/edit"
	"github.com/waygate-go/waygate/cli/internal/cmd/flags/eval"
	"github.com/waygate-go/waygate/cli/internal/cmd/flags/get"
	"github.com/waygate-go/waygate/cli/internal/cmd/flags/list"
	"github.com/waygate-go/waygate/cli/internal/cmd/flags/prereq"
	"github.com/waygate-go/waygate/cli/internal/cmd/flags/rule"
	"github.com/waygate-go/waygate/cli/internal/cmd/flags/shared"
	"github.com/waygate-go/waygate/cli/internal/cmd/flags/stream"
	"github.com/waygate-go/waygate/cli/internal/cmd/flags/target"
	"github.com/waygate-go/waygate/cli/internal/cmd/flags/targeting"
	"github.com/waygate-go/waygate/cli/internal/cmd/flags/toggle"
	"github.com/waygate-go/waygate/cli/internal/cmd/flags/variations"
	"github.com/waygate-go/waygate/cli/internal/cmdtest"
)

func TestCreate(t *testing.T) {
	cmdtest.RunCases(t, create.NewCmdCreate, []cmdtest.Case[create.CreateOptions]{
		{Name: "boolean defaults", Args: []string{"new-checkout"}, Check: func(t *testing.T, o *create.CreateOptions) {
			if o.Type != "boolean" || o.Name != "new-checkout" || o.OffVariation != "off" || o.Fallthrough != "off" ||
				!reflect.DeepEqual(o.Variations, []create.Variation{{Name: "off", Value: false}, {Name: "on", Value: true}}) {
				t.Fatalf("%+v", o)
			}
		}},
		{Name: "string defaults", Args: []string{"banner", "-t", "string"}, Check: func(t *testing.T, o *create.CreateOptions) {
			if o.OffVariation != "control" || o.Variations[1].Name != "treatment" {
				t.Fatalf("%+v", o)
			}
		}},
		{Name: "custom variations", Args: []string{"limit", "--type", "integer", "--variation", "low=10", "--variation", "high=100", "--fallthrough", "high", "--disabled"},
			Check: func(t *testing.T, o *create.CreateOptions) {
				if o.Variations[1].Value != int64(100) || o.Fallthrough != "high" || o.OffVariation != "low" || !o.Disabled {
					t.Fatalf("%+v", o)
				}
			}},
		{Name: "json variation", Args: []string{"cfg", "-t", "json", "--variation", `a={"x":1}`, "--variation", "b=[]"}, Check: func(t *testing.T, o *create.CreateOptions) {
			if !reflect.DeepEqual(o.Variations[0].Value, map[string]any{"x": float64(1)}) {
				t.Fatalf("%+v", o)
			}
		}},
		{Name: "unknown type", Args: []string{"x", "--type", "colour"}, Usage: true},
		{Name: "one variation", Args: []string{"x", "--variation", "a=true"}, Usage: true},
		{Name: "value of the wrong type", Args: []string{"x", "--variation", "a=maybe", "--variation", "b=true"}, Usage: true},
		{Name: "unknown fallthrough", Args: []string{"x", "--fallthrough", "maybe"}, Usage: true},
		{Name: "bad key", Args: []string{"-x"}, Usage: true},
	})
}

func TestEdit(t *testing.T) {
	cmdtest.RunCases(t, edit.NewCmdEdit, []cmdtest.Case[edit.EditOptions]{
		{Name: "rollout", Args: []string{"f", "--fallthrough", "on:12.5,off:87.5", "-n", "F"}, Check: func(t *testing.T, o *edit.EditOptions) {
			want := []shared.Weighted{{Variation: "on", Weight: 12500}, {Variation: "off", Weight: 87500}}
			if !reflect.DeepEqual(o.Fields["fallthrough"], want) || o.Fields["name"] != "F" || len(o.Fields) != 2 {
				t.Fatalf("%+v", o.Fields)
			}
		}},
		{Name: "variation", Args: []string{"f", "--fallthrough", "on"}, Check: func(t *testing.T, o *edit.EditOptions) {
			if o.Fields["fallthrough"] != "on" {
				t.Fatalf("%+v", o.Fields)
			}
		}},
		{Name: "nothing to change", Args: []string{"f"}, Usage: true},
		{Name: "rollout not 100", Args: []string{"f", "--fallthrough", "on:50,off:40"}, Usage: true},
	})
}

func TestEval(t *testing.T) {
	cmdtest.RunCases(t, eval.NewCmdEval, []cmdtest.Case[eval.EvalOptions]{
		{Name: "context", Args: []string{"f", "--user", "alice", "--kind", "org", "-a", "plan=pro", "-a", "age=42", "-a", "beta=true", "-a", `zip="01234"`},
			Check: func(t *testing.T, o *eval.EvalOptions) {
				want := map[string]any{"plan": "pro", "age": float64(42), "beta": true, "zip": "01234"}
				if o.User != "alice" || o.Kind != "org" || !reflect.DeepEqual(o.Attributes, want) {
					t.Fatalf("%+v", o)
				}
			}},
		{Name: "anonymous", Args: []string{"f"}, Check: func(t *testing.T, o *eval.EvalOptions) {
			if o.User != "" || len(o.Attributes) != 0 {
				t.Fatalf("%+v", o)
			}
		}},
		{Name: "malformed attribute", Args: []string{"f", "--attr", "plan"}, Usage: true},
		{Name: "no key", Usage: true},
	})
}

func TestRules(t *testing.T) {
	cmdtest.RunCases(t, rule.NewCmdAddRule, []cmdtest.Case[rule.AddRuleOptions]{
		{Name: "segment", Args: []string{"f", "-v", "on", "--segment", "beta"}, Check: func(t *testing.T, o *rule.AddRuleOptions) {
			want := map[string]any{"attribute": "key", "operator": "in_segment", "values": []any{"beta"}, "negate": false}
			if o.Serve != "on" || !reflect.DeepEqual(o.Clause, want) {
				t.Fatalf("%+v", o)
			}
		}},
		{Name: "numeric attribute", Args: []string{"f", "-v", "on:50,off:50", "-a", "age", "-o", "gte", "--values", "18", "--negate"},
			Check: func(t *testing.T, o *rule.AddRuleOptions) {
				if o.Clause["values"].([]any)[0] != float64(18) || o.Clause["negate"] != true {
					t.Fatalf("%+v", o)
				}
				if _, rollout := o.Serve.([]shared.Weighted); !rollout {
					t.Fatalf("serve %v", o.Serve)
				}
			}},
		{Name: "no variation", Args: []string{"f", "--segment", "beta"}, Usage: true},
		{Name: "segment and attribute", Args: []string{"f", "-v", "on", "--segment", "beta", "-a", "plan", "--values", "pro"}, Usage: true},
		{Name: "neither", Args: []string{"f", "-v", "on"}, Usage: true},
		{Name: "no values", Args: []string{"f", "-v", "on", "-a", "plan"}, Usage: true},
		{Name: "unknown operator", Args: []string{"f", "-v", "on", "-a", "plan", "-o", "like", "--values", "x"}, Usage: true},
		{Name: "number operator with text", Args: []string{"f", "-v", "on", "-a", "age", "-o", "gt", "--values", "old"}, Usage: true},
	})
	cmdtest.RunCases(t, rule.NewCmdRemoveRule, []cmdtest.Case[rule.RemoveRuleOptions]{
		{Name: "id", Args: []string{"f", "r1"}, Check: func(t *testing.T, o *rule.RemoveRuleOptions) {
			if o.Key != "f" || o.RuleID != "r1" {
				t.Fatalf("%+v", o)
			}
		}},
		{Name: "no id", Args: []string{"f"}, Usage: true},
	})
}

func TestTargetingVerbs(t *testing.T) {
	cmdtest.RunCases(t, target.NewCmdTarget, []cmdtest.Case[target.TargetOptions]{
		{Name: "keys", Args: []string{"f", "on", "alice", "bob,carol"}, Check: func(t *testing.T, o *target.TargetOptions) {
			if o.Variation != "on" || !slices.Equal(o.ContextKeys, []string{"alice", "bob", "carol"}) || o.Remove {
				t.Fatalf("%+v", o)
			}
		}},
		{Name: "no keys", Args: []string{"f", "on"}, Usage: true},
	})
	cmdtest.RunCases(t, target.NewCmdUntarget, []cmdtest.Case[target.TargetOptions]{
		{Name: "keys", Args: []string{"f", "alice", "-v", "on"}, Check: func(t *testing.T, o *target.TargetOptions) {
			if !o.Remove || o.Variation != "on" || !slices.Equal(o.ContextKeys, []string{"alice"}) {
				t.Fatalf("%+v", o)
			}
		}},
		{Name: "no keys", Args: []string{"f"}, Usage: true},
	})
	cmdtest.RunCases(t, prereq.NewCmdAdd, []cmdtest.Case[prereq.PrereqOptions]{
		{Name: "add", Args: []string{"f", "g", "on"}, Check: func(t *testing.T, o *prereq.PrereqOptions) {
			if o.Key != "f" || o.Flag != "g" || o.Variation != "on" || o.Remove {
				t.Fatalf("%+v", o)
			}
		}},
		{Name: "itself", Args: []string{"f", "f", "on"}, Usage: true},
		{Name: "no variation", Args: []string{"f", "g"}, Usage: true},
	})
	cmdtest.RunCases(t, prereq.NewCmdRemove, []cmdtest.Case[prereq.PrereqOptions]{
		{Name: "remove", Args: []string{"f", "g"}, Check: func(t *testing.T, o *prereq.PrereqOptions) {
			if !o.Remove || o.Flag != "g" {
				t.Fatalf("%+v", o)
			}
		}},
	})
}

func TestReadVerbs(t *testing.T) {
	cmdtest.RunCases(t, list.NewCmdList, []cmdtest.Case[list.ListOptions]{
		{Name: "filters", Args: []string{"-t", "string", "--state", "enabled", "--search", "check"}, Check: func(t *testing.T, o *list.ListOptions) {
			if o.Type != "string" || o.State != "enabled" || o.Search != "check" {
				t.Fatalf("%+v", o)
			}
		}},
		{Name: "bad state", Args: []string{"--state", "on"}, Usage: true},
	})
	cmdtest.RunCases(t, get.NewCmdGet, []cmdtest.Case[get.GetOptions]{{Name: "key", Args: []string{"f"}}, {Name: "no key", Usage: true}})
	cmdtest.RunCases(t, variations.NewCmdVariations, []cmdtest.Case[variations.VariationsOptions]{{Name: "key", Args: []string{"f", "-o", "json"}}})
	cmdtest.RunCases(t, targeting.NewCmdTargeting, []cmdtest.Case[targeting.TargetingOptions]{{Name: "key", Args: []string{"f"}}, {Name: "bad key", Args: []string{"f g"}, Usage: true}})
	cmdtest.RunCases(t, stream.NewCmdStream, []cmdtest.Case[stream.StreamOptions]{
		{Name: "filters", Args: []string{"--flag", "f", "-n", "3", "-o", "json"}, Check: func(t *testing.T, o *stream.StreamOptions) {
			if o.Flag != "f" || o.Count != 3 || !o.Output.JSON() {
				t.Fatalf("%+v", o)
			}
		}},
		{Name: "negative count", Args: []string{"-n", "-1"}, Usage: true},
	})
}

func TestSwitchAndDelete(t *testing.T) {
	cmdtest.RunCases(t, toggle.NewCmdDisable, []cmdtest.Case[toggle.ToggleOptions]{
		{Name: "disable", Args: []string{"f"}, Check: func(t *testing.T, o *toggle.ToggleOptions) {
			if o.Enable {
				t.Fatalf("%+v", o)
			}
		}},
	})
	cmdtest.RunCases(t, deleteflag.NewCmdDelete, []cmdtest.Case[deleteflag.DeleteOptions]{
		{Name: "yes", Args: []string{"f", "--yes"}, Check: func(t *testing.T, o *deleteflag.DeleteOptions) {
			if !o.Yes || o.Kind != "flag" {
				t.Fatalf("%+v", o)
			}
		}},
		{Name: "prompt on a terminal", Args: []string{"f"}, TTY: true},
		{Name: "no prompt in scripts", Args: []string{"f"}, Usage: true},
	})
}
