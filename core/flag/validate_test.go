package flag

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestValidateAcceptsValidFlags(t *testing.T) {
	f := NewBoolean("new-checkout")
	f.Tags = []string{"checkout"}
	f.Targets = map[string][]string{"on": {"beta_tester_1"}}
	f.Fallthrough = Fallthrough{Rollout: []WeightedVariation{{"on", 20000}, {"off", 80000}}}
	f.Rules = []Rule{
		{ID: "r1", Clauses: []Clause{{Attribute: "plan", Operator: OpIs, Values: []any{"enterprise"}}}, Variation: "on"},
		{ID: "r2", Clauses: []Clause{
			{Attribute: "ua", Operator: OpMatches, Values: []any{`^Mozilla`}},
			{Attribute: "v", Operator: OpSemverGt, Values: []any{"v1.2.3-rc.1"}},
			{Attribute: "age", Operator: OpGte, Values: []any{"18"}},
			{Attribute: "since", Operator: OpAfter, Values: []any{"2025-01-01"}},
			{Operator: OpInSegment, Values: []any{"beta"}},
			{Attribute: "country", Operator: OpNotIn, Values: []any{"FR", nil}},
		}, Rollout: []WeightedVariation{{"on", 50000}, {"off", 50000}}},
	}
	f.Prerequisites = []Prerequisite{{FlagKey: "other", Variation: "on"}}
	f.ScheduledChanges = []ScheduledChange{
		ScheduleEnable(time.Now()),
		ScheduleFallthrough(time.Now(), Fallthrough{Variation: "on"}),
		ScheduleAddRule(time.Now(), Rule{Variation: "off"}),
		ScheduleDeleteRule(time.Now(), "r1"),
	}
	if err := f.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, typ := range []struct {
		t      Type
		values []any
	}{
		{TypeString, []any{"a", ""}},
		{TypeInteger, []any{1, int64(-5), 3.0, uint8(2)}},
		{TypeFloat, []any{1, 2.5, float32(1)}},
		{TypeJSON, []any{map[string]any{"a": 1}, []any{1, "x"}, "plain", 3}},
	} {
		g := Flag{Key: "k", Type: typ.t, Enabled: true}
		for i, v := range typ.values {
			g.Variations = append(g.Variations, Variation{Name: fmt.Sprint("v", i), Value: v})
		}
		g.OffVariation, g.Fallthrough = "v0", Fallthrough{Variation: "v1"}
		if err := g.Validate(); err != nil {
			t.Errorf("%s: %v", typ.t, err)
		}
	}
}

// TestValidateRejects lists one broken field per case and the message
// fragment that tells the user what to fix.
func TestValidateRejects(t *testing.T) {
	tests := []struct {
		name   string
		modify func(*Flag)
		want   string
	}{
		{"empty key", func(f *Flag) { f.Key = "" }, "key: key is required"},
		{"bad key", func(f *Flag) { f.Key = "a b" }, `key "a b" may contain only letters`},
		{"key starts with dash", func(f *Flag) { f.Key = "-a" }, "must start with a letter or digit"},
		{"long key", func(f *Flag) { f.Key = strings.Repeat("a", 300) }, "use at most 256"},
		{"unknown type", func(f *Flag) { f.Type = "bool" }, `type: unknown type "bool"; use one of boolean`},
		{"unknown status", func(f *Flag) { f.Status = "live" }, `unknown status "live"`},
		{"empty tag", func(f *Flag) { f.Tags = []string{" "} }, "tags[0]: tag must not be empty"},
		{"one variation", func(f *Flag) { f.Variations = f.Variations[:1]; f.Fallthrough.Variation = "on"; f.OffVariation = "on" }, "at least 2 variations; it has 1"},
		{"unnamed variation", func(f *Flag) { f.Variations[1].Name = "" }, "variations[1].name: name is required"},
		{"duplicate variation", func(f *Flag) { f.Variations[1].Name = "on" }, `variation "on" is defined twice`},
		{"null value", func(f *Flag) { f.Variations[0].Value = nil }, "variations[0].value: value is required"},
		{"wrong value type", func(f *Flag) { f.Variations[0].Value = "yes" }, `value must be true or false for a boolean flag; got string "yes"`},
		{"string flag number", func(f *Flag) { f.Type = TypeString }, "must be a string for a string flag; got boolean true"},
		{"integer flag fraction", func(f *Flag) {
			f.Type = TypeInteger
			f.Variations = []Variation{{Name: "on", Value: 1.5}, {Name: "off", Value: 0}}
		}, "whole number (64-bit) for an integer flag; got number 1.5"},
		{"float flag string", func(f *Flag) {
			f.Type = TypeFloat
			f.Variations = []Variation{{Name: "on", Value: "1"}, {Name: "off", Value: 0}}
		}, `finite number for a float flag; got string "1"`},
		{"json flag unencodable", func(f *Flag) {
			f.Type = TypeJSON
			f.Variations = []Variation{{Name: "on", Value: func() {}}, {Name: "off", Value: 0}}
		}, "cannot be encoded as JSON"},
		{"off variation missing", func(f *Flag) { f.OffVariation = "" }, `off_variation: a variation name is required; use one of "on", "off"`},
		{"off variation unknown", func(f *Flag) { f.OffVariation = "of" }, `off_variation: variation "of" does not exist; use one of "on", "off"`},
		{"fallthrough unknown", func(f *Flag) { f.Fallthrough.Variation = "x" }, `fallthrough: variation "x" does not exist`},
		{"fallthrough both", func(f *Flag) { f.Fallthrough.Rollout = []WeightedVariation{{"on", TotalWeight}} }, "fallthrough: set either a variation or a rollout, not both"},
		{"empty rollout", func(f *Flag) { f.Fallthrough = Fallthrough{Rollout: []WeightedVariation{}} }, "a rollout needs at least one weighted variation"},
		{"weights sum", func(f *Flag) {
			f.Fallthrough = Fallthrough{Rollout: []WeightedVariation{{"on", 20000}, {"off", 70000}}}
		}, "weights sum to 90000 (90%); they must sum to 100000"},
		{"weight range", func(f *Flag) {
			f.Fallthrough = Fallthrough{Rollout: []WeightedVariation{{"on", 120000}, {"off", -20000}}}
		}, "fallthrough[0].weight: weight 120000 is out of range"},
		{"rollout duplicate", func(f *Flag) { f.Fallthrough = Fallthrough{Rollout: []WeightedVariation{{"on", 50000}, {"on", 50000}}} }, `variation "on" appears twice in the rollout`},
		{"rollout unknown variation", func(f *Flag) { f.Fallthrough = Fallthrough{Rollout: []WeightedVariation{{"x", TotalWeight}}} }, `fallthrough[0].variation: variation "x" does not exist`},
		{"self prerequisite", func(f *Flag) { f.Prerequisites = []Prerequisite{{"f", "on"}} }, "a flag cannot be its own prerequisite"},
		{"prerequisite no key", func(f *Flag) { f.Prerequisites = []Prerequisite{{"", "on"}} }, "flag_key is required"},
		{"prerequisite no variation", func(f *Flag) { f.Prerequisites = []Prerequisite{{"g", ""}} }, `variation is required: the variation flag "g" must serve`},
		{"prerequisite twice", func(f *Flag) { f.Prerequisites = []Prerequisite{{"g", "on"}, {"g", "off"}} }, `flag "g" is a prerequisite twice`},
		{"target unknown variation", func(f *Flag) { f.Targets = map[string][]string{"maybe": {"u"}} }, `targets.maybe: variation "maybe" does not exist`},
		{"target empty key", func(f *Flag) { f.Targets = map[string][]string{"on": {""}} }, "targets.on[0]: context key must not be empty"},
		{"target in two lists", func(f *Flag) { f.Targets = map[string][]string{"on": {"u"}, "off": {"u"}} }, `context key "u" is also targeted to "off"`},
		{"rule without id", func(f *Flag) { f.Rules = []Rule{{Variation: "on"}} }, "rules[0].id: id is required"},
		{"rule ids unique", func(f *Flag) { f.Rules = []Rule{{ID: "a", Variation: "on"}, {ID: "a", Variation: "on"}} }, `rule id "a" is used twice`},
		{"rule neither", func(f *Flag) { f.Rules = []Rule{{ID: "a"}} }, "rules[0]: set a variation or a rollout"},
		{"rule both", func(f *Flag) {
			f.Rules = []Rule{{ID: "a", Variation: "on", Rollout: []WeightedVariation{{"on", TotalWeight}}}}
		}, "rules[0]: set either variation or rollout, not both"},
		{"rule unknown variation", func(f *Flag) { f.Rules = []Rule{{ID: "a", Variation: "x"}} }, `rules[0].variation: variation "x" does not exist`},
		{"rule rollout sum", func(f *Flag) { f.Rules = []Rule{{ID: "a", Rollout: []WeightedVariation{{"on", 1}}}} }, "rules[0].rollout: weights sum to 1"},
		{"unknown operator", func(f *Flag) { f.Rules = []Rule{ruleWith(Clause{"a", "eq", []any{1}, false})} }, `rules[0].clauses[0].operator: unknown operator "eq"; use one of is, is_not`},
		{"no values", func(f *Flag) { f.Rules = []Rule{ruleWith(Clause{"a", OpIs, nil, false})} }, "operator is needs at least one value"},
		{"no attribute", func(f *Flag) { f.Rules = []Rule{ruleWith(Clause{"", OpIs, []any{1}, false})} }, "attribute is required"},
		{"gt two values", func(f *Flag) { f.Rules = []Rule{ruleWith(Clause{"a", OpGt, []any{1, 2}, false})} }, "operator gt compares against exactly one value; got 2"},
		{"gt not a number", func(f *Flag) { f.Rules = []Rule{ruleWith(Clause{"a", OpGt, []any{"ten"}, false})} }, `operator gt needs a number; got string "ten"`},
		{"before not a string", func(f *Flag) { f.Rules = []Rule{ruleWith(Clause{"a", OpBefore, []any{5}, false})} }, "operator before needs a string"},
		{"bad semver", func(f *Flag) { f.Rules = []Rule{ruleWith(Clause{"a", OpSemverEq, []any{"1.x"}, false})} }, `operator semver_eq needs a version like "1.2.3"`},
		{"bad regex", func(f *Flag) { f.Rules = []Rule{ruleWith(Clause{"a", OpMatches, []any{"ok", "(unclosed"}, false})} }, `values[1]: regular expression "(unclosed" does not compile`},
		{"regex not a string", func(f *Flag) { f.Rules = []Rule{ruleWith(Clause{"a", OpNotMatches, []any{1}, false})} }, "needs a regular expression string; got number 1"},
		{"contains null", func(f *Flag) { f.Rules = []Rule{ruleWith(Clause{"a", OpContains, []any{nil}, false})} }, "operator contains cannot test for null"},
		{"segment key not string", func(f *Flag) { f.Rules = []Rule{ruleWith(Clause{"", OpInSegment, []any{1}, false})} }, "operator in_segment takes segment keys; got number 1"},
		{"change without id", func(f *Flag) { c := ScheduleEnable(time.Now()); c.ID = ""; f.ScheduledChanges = []ScheduledChange{c} }, "scheduled_changes[0].id: id is required"},
		{"change without time", func(f *Flag) { f.ScheduledChanges = []ScheduledChange{ScheduleEnable(time.Time{})} }, "execute_at is required"},
		{"change ids unique", func(f *Flag) {
			c := ScheduleEnable(time.Now())
			f.ScheduledChanges = []ScheduledChange{c, c}
		}, "is used twice; ids must be unique"},
		{"change unknown action", func(f *Flag) {
			c := ScheduleEnable(time.Now())
			c.Action = "flip"
			f.ScheduledChanges = []ScheduledChange{c}
		}, `unknown action "flip"`},
		{"change rollout payload", func(f *Flag) {
			f.ScheduledChanges = []ScheduledChange{ScheduleFallthrough(time.Now(), Fallthrough{Rollout: []WeightedVariation{{"on", 1}}})}
		}, "scheduled_changes[0].payload: weights sum to 1"},
		{"change empty payload", func(f *Flag) {
			c := ScheduleEnable(time.Now())
			c.Action = ActionUpdateRollout
			f.ScheduledChanges = []ScheduledChange{c}
		}, `payload needs "variation"`},
		{"change add bad rule", func(f *Flag) {
			f.ScheduledChanges = []ScheduledChange{ScheduleAddRule(time.Now(), Rule{Variation: "x"})}
		}, `payload.variation: variation "x" does not exist`},
		{"change delete without id", func(f *Flag) { f.ScheduledChanges = []ScheduledChange{ScheduleDeleteRule(time.Now(), "")} }, "payload rule_id is required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := NewBoolean("f")
			tt.modify(&f)
			err := f.Validate()
			if err == nil {
				t.Fatal("want an error")
			}
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("%v does not match ErrInvalid", err)
			}
			var ve *ValidationError
			if !errors.As(err, &ve) || ve.Kind != "flag" || len(ve.Problems) == 0 {
				t.Fatalf("not a *ValidationError: %#v", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q\ndoes not contain %q", err, tt.want)
			}
		})
	}
}

func ruleWith(c Clause) Rule { return Rule{ID: "r", Clauses: []Clause{c}, Variation: "on"} }

func TestValidateListsEveryProblem(t *testing.T) {
	f := NewBoolean("f")
	f.OffVariation = "x"
	f.Fallthrough = Fallthrough{Variation: "y"}
	err := f.Validate()
	var ve *ValidationError
	if !errors.As(err, &ve) || len(ve.Problems) != 2 {
		t.Fatalf("%v", err)
	}
	want := `flag "f": off_variation: variation "x" does not exist; use one of "on", "off"; fallthrough: variation "y" does not exist; use one of "on", "off"`
	if err.Error() != want {
		t.Errorf("got  %s\nwant %s", err, want)
	}
}

func flagMap(flags ...Flag) map[string]Flag {
	m := map[string]Flag{}
	for _, f := range flags {
		m[f.Key] = f
	}
	return m
}

func TestCheckPrerequisites(t *testing.T) {
	withPre := func(key string, pre ...Prerequisite) Flag {
		f := NewBoolean(key)
		f.Prerequisites = pre
		return f
	}
	t.Run("met", func(t *testing.T) {
		if err := CheckPrerequisites(withPre("a", Prerequisite{"b", "on"}), flagMap(NewBoolean("b"))); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("missing flag", func(t *testing.T) {
		err := CheckPrerequisites(withPre("a", Prerequisite{"b", "on"}), nil)
		if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), `flag "b" does not exist; create it first or remove this prerequisite`) {
			t.Fatal(err)
		}
	})
	t.Run("missing variation", func(t *testing.T) {
		err := CheckPrerequisites(withPre("a", Prerequisite{"b", "yes"}), flagMap(NewBoolean("b")))
		if err == nil || !strings.Contains(err.Error(), `flag "b" has no variation "yes"; use one of "on", "off"`) {
			t.Fatal(err)
		}
	})
	t.Run("cycle rejected", func(t *testing.T) {
		all := flagMap(withPre("b", Prerequisite{"c", "on"}), withPre("c", Prerequisite{"a", "on"}), NewBoolean("a"))
		err := CheckPrerequisites(withPre("a", Prerequisite{"b", "on"}), all)
		if !errors.Is(err, ErrPrerequisiteCycle) || !errors.Is(err, ErrInvalid) {
			t.Fatalf("%v", err)
		}
		if !strings.Contains(err.Error(), "prerequisites form a cycle: a → b → c → a") {
			t.Errorf("%v", err)
		}
	})
	t.Run("depth 10 accepted, 11 rejected", func(t *testing.T) {
		flags := chain(10)
		if err := CheckPrerequisites(flags[0], flagMap(flags...)); err != nil {
			t.Fatalf("10 hops: %v", err)
		}
		flags = chain(11)
		err := CheckPrerequisites(flags[0], flagMap(flags...))
		if !errors.Is(err, ErrPrerequisiteDepth) || !strings.Contains(err.Error(), "f0 → f1 → f2 → f3 → f4 → f5 → f6 → f7 → f8 → f9 → f10 → f11 is 11 levels deep; at most 10") {
			t.Fatalf("11 hops: %v", err)
		}
	})
	t.Run("depth counts dependents", func(t *testing.T) {
		// f0 … f10 exist (10 hops); giving f10 a prerequisite makes 11.
		flags := chain(10)
		all := flagMap(append(flags, NewBoolean("extra"))...)
		last := flags[10]
		last.Prerequisites = []Prerequisite{{"extra", "on"}}
		if err := CheckPrerequisites(last, all); !errors.Is(err, ErrPrerequisiteDepth) {
			t.Fatalf("%v", err)
		}
	})
}

func TestValidateAll(t *testing.T) {
	a, b := NewBoolean("a"), NewBoolean("b")
	a.Prerequisites = []Prerequisite{{"b", "on"}}
	b.Prerequisites = []Prerequisite{{"a", "on"}}
	bad := NewBoolean("bad")
	bad.OffVariation = "nope"
	all := flagMap(a, b, bad, NewBoolean("ok"))
	all["renamed"] = NewBoolean("other")
	err := ValidateAll(all)
	if !errors.Is(err, ErrPrerequisiteCycle) || !errors.Is(err, ErrInvalid) {
		t.Fatalf("%v", err)
	}
	msg := err.Error()
	for _, want := range []string{`flag "a": prerequisites: prerequisites form a cycle: a → b → a`, `flag "b"`, `flag "bad": off_variation`, `flag "renamed": key: flag stored under "renamed" has key "other"`} {
		if !strings.Contains(msg, want) {
			t.Errorf("missing %q in\n%s", want, msg)
		}
	}
	if strings.Contains(msg, `flag "ok"`) {
		t.Errorf("valid flag reported: %s", msg)
	}
	if err := ValidateAll(flagMap(chain(10)...)); err != nil {
		t.Errorf("chain of 10: %v", err)
	}
	if got := Dependents("b", all); len(got) != 1 || got[0] != "a" {
		t.Errorf("Dependents = %v", got)
	}
}

func TestValidateSegments(t *testing.T) {
	ref := func(key string, refs ...any) Segment {
		return Segment{Key: key, Rules: []SegmentRule{{ID: "r", Clauses: []Clause{{Operator: OpInSegment, Values: refs}}}}}
	}
	if err := (Segment{Key: "s", Included: []string{"a"}, Excluded: []string{"a"}}).Validate(); err != nil {
		t.Errorf("included and excluded may overlap: %v", err)
	}
	tests := []struct {
		name string
		seg  Segment
		want string
	}{
		{"no key", Segment{}, "key is required"},
		{"empty included", Segment{Key: "s", Included: []string{""}}, "included[0]: context key must not be empty"},
		{"empty excluded", Segment{Key: "s", Excluded: []string{""}}, "excluded[0]: context key must not be empty"},
		{"rule without id", Segment{Key: "s", Rules: []SegmentRule{{}}}, "rules[0].id: id is required"},
		{"duplicate rule id", Segment{Key: "s", Rules: []SegmentRule{{ID: "a"}, {ID: "a"}}}, `rule id "a" is used twice`},
		{"bad clause", Segment{Key: "s", Rules: []SegmentRule{{ID: "a", Clauses: []Clause{{Attribute: "x", Operator: "nope", Values: []any{1}}}}}}, `rules[0].clauses[0].operator: unknown operator "nope"`},
		{"self reference", ref("s", "s"), `segment "s" cannot refer to itself`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.seg.Validate()
			if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("%v; want %q", err, tt.want)
			}
		})
	}
	all := map[string]Segment{"a": ref("a", "b"), "b": ref("b", "c"), "c": {Key: "c"}}
	if err := CheckSegmentReferences(ref("c", "a"), all); !errors.Is(err, ErrSegmentCycle) || !strings.Contains(err.Error(), "c → a → b → c") {
		t.Errorf("cycle: %v", err)
	}
	if err := CheckSegmentReferences(ref("c", "unknown"), all); err != nil {
		t.Errorf("unknown segments are allowed: %v", err)
	}
	deep := map[string]Segment{}
	for i := range MaxSegmentDepth + 1 {
		deep[fmt.Sprint("s", i)] = ref(fmt.Sprint("s", i), fmt.Sprint("s", i+1))
	}
	deep[fmt.Sprint("s", MaxSegmentDepth+1)] = Segment{Key: fmt.Sprint("s", MaxSegmentDepth+1)}
	if err := ValidateSegments(deep); !errors.Is(err, ErrSegmentDepth) {
		t.Errorf("depth: %v", err)
	}
	all["c"] = ref("c", "a")
	if err := ValidateSegments(all); !errors.Is(err, ErrSegmentCycle) {
		t.Errorf("ValidateSegments cycle: %v", err)
	}
	flags := map[string]Flag{"f": {Key: "f", Rules: []Rule{{Clauses: []Clause{{Operator: OpNotInSegment, Values: []any{"b"}}}}}}}
	fk, sk := SegmentReferences("b", flags, all)
	if len(fk) != 1 || fk[0] != "f" || len(sk) != 1 || sk[0] != "a" {
		t.Errorf("SegmentReferences = %v, %v", fk, sk)
	}
}

func TestFillDefaults(t *testing.T) {
	now := time.Date(2025, 6, 1, 2, 0, 0, 0, time.FixedZone("CEST", 7200))
	f := Flag{Key: "f", Rules: []Rule{{}}, ScheduledChanges: []ScheduledChange{{Action: ActionEnable, ExecuteAt: now}}}
	f.FillDefaults(now)
	if f.Status != StatusActive || f.CreatedBy != DefaultActor || !f.CreatedAt.Equal(now) || f.CreatedAt.Location() != time.UTC ||
		!f.UpdatedAt.Equal(now) || len(f.Rules[0].ID) != 36 || f.ScheduledChanges[0].ID == "" ||
		f.ScheduledChanges[0].CreatedBy != DefaultActor || f.ScheduledChanges[0].ExecuteAt.Location() != time.UTC {
		t.Errorf("%+v", f)
	}
	s := Segment{Key: "s", Rules: []SegmentRule{{}}}
	s.FillDefaults(now)
	if s.Rules[0].ID == "" || !s.CreatedAt.Equal(now) || !s.UpdatedAt.Equal(now) {
		t.Errorf("%+v", s)
	}
	if a, b := NewID(), NewID(); a == b || a[14] != '4' {
		t.Errorf("NewID: %s %s", a, b)
	}
}

func TestIntegerValues(t *testing.T) {
	tests := []struct {
		in   any
		want int64
		ok   bool
	}{
		{1, 1, true}, {int8(-2), -2, true}, {int16(3), 3, true}, {int32(4), 4, true}, {int64(5), 5, true},
		{uint(6), 6, true}, {uint8(7), 7, true}, {uint16(8), 8, true}, {uint32(9), 9, true}, {uint64(10), 10, true},
		{uint64(1 << 63), 0, false}, {uint(1 << 63), 0, false},
		{json.Number("11"), 11, true}, {json.Number("12.0"), 12, true}, {json.Number("1.5"), 0, false}, {json.Number("x"), 0, false},
		{13.0, 13, true}, {float32(14), 14, true}, {1e19, 0, false}, {"15", 0, false}, {true, 0, false},
	}
	for _, tt := range tests {
		got, ok := toInt64(tt.in)
		if ok != tt.ok || ok && got != tt.want {
			t.Errorf("toInt64(%#v) = %d, %v", tt.in, got, ok)
		}
	}
	for _, v := range []any{json.Number("3"), int16(2), uint32(1), float32(2.5), map[string]any{}, []any{}, time.Time{}, struct{}{}} {
		if describe(v) == "" {
			t.Errorf("describe(%#v) is empty", v)
		}
	}
}

// TestEmptyRolloutIsAbsent: an empty rollout next to a variation counts as
// no rollout, as in the reference (an empty list is falsy there).
func TestEmptyRolloutIsAbsent(t *testing.T) {
	f := NewBoolean("f")
	f.Fallthrough = Fallthrough{Variation: "on", Rollout: []WeightedVariation{}}
	f.Rules = []Rule{{ID: "r", Clauses: []Clause{is("plan", "pro")}, Variation: "on", Rollout: []WeightedVariation{}}}
	if err := f.Validate(); err != nil {
		t.Fatal(err)
	}
	snap := NewSnapshot([]Flag{f}, nil)
	if r, _ := snap.Evaluate("f", attrs()); r.Variation != "on" || r.Reason != ReasonFallthrough {
		t.Errorf("%+v", r)
	}
	if r, _ := snap.Evaluate("f", attrs("plan", "pro")); r.Variation != "on" || r.Reason != ReasonRuleMatch {
		t.Errorf("%+v", r)
	}
	b, _ := json.Marshal(f.Fallthrough)
	if string(b) != `"on"` {
		t.Errorf("fallthrough JSON %s", b)
	}
	var r Rule
	if err := json.Unmarshal([]byte(`{"id":"r","variation":"on","rollout":[]}`), &r); err != nil {
		t.Fatal(err)
	}
	f.Rules = []Rule{r}
	if err := f.Validate(); err != nil {
		t.Errorf("rule with variation and rollout []: %v", err)
	}
}
