package flag

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"testing"

	"github.com/open-feature/go-sdk/openfeature"
)

func rule(id string, variation string, clauses ...Clause) Rule {
	return Rule{ID: id, Clauses: clauses, Variation: variation}
}

func is(attr string, values ...any) Clause {
	return Clause{Attribute: attr, Operator: OpIs, Values: values}
}

// chain returns flags f0 → f1 → … → fn, each requiring the next to serve "on".
func chain(n int) []Flag {
	flags := make([]Flag, n+1)
	for i := range flags {
		flags[i] = NewBoolean(fmt.Sprintf("f%d", i))
		flags[i].Fallthrough = Fallthrough{Variation: "on"}
		if i < n {
			flags[i].Prerequisites = []Prerequisite{{FlagKey: fmt.Sprintf("f%d", i+1), Variation: "on"}}
		}
	}
	return flags
}

// TestEvaluate covers every reason and the evaluation order.
func TestEvaluate(t *testing.T) {
	base := func() Flag {
		f := NewBoolean("f")
		f.Targets = map[string][]string{"on": {"vip"}, "off": {"banned"}}
		f.Rules = []Rule{
			rule("r1", "on", is("plan", "enterprise")),
			rule("r2", "off", is("plan", "enterprise", "pro")),
			rule("r3", "on", is("country", "FR"), is("plan", "pro")),
		}
		return f
	}
	disabledPre := NewBoolean("pre-off")
	disabledPre.Enabled = false
	onPre := NewBoolean("pre-on")
	onPre.Fallthrough = Fallthrough{Variation: "on"}
	offPre := NewBoolean("pre-fallthrough-off")

	tests := []struct {
		name   string
		flag   func(Flag) Flag
		others []Flag
		ctx    EvaluationContext
		want   Result
	}{
		{"fallthrough", nil, nil, attrs("plan", "free"),
			Result{Value: false, Variation: "off", Reason: ReasonFallthrough}},
		{"disabled serves off variation", func(f Flag) Flag { f.Enabled = false; f.OffVariation = "on"; return f }, nil, attrs("plan", "enterprise"),
			Result{Value: true, Variation: "on", Reason: ReasonOff}},
		{"target beats rules", nil, nil, EvaluationContext{Key: "banned", Attributes: map[string]any{"plan": "enterprise"}},
			Result{Value: false, Variation: "off", Reason: ReasonTargetMatch}},
		{"target on", nil, nil, EvaluationContext{Key: "vip"},
			Result{Value: true, Variation: "on", Reason: ReasonTargetMatch}},
		{"first matching rule wins", nil, nil, attrs("plan", "enterprise"),
			Result{Value: true, Variation: "on", Reason: ReasonRuleMatch, RuleID: "r1"}},
		{"second rule", nil, nil, attrs("plan", "pro", "country", "FR"),
			Result{Value: false, Variation: "off", Reason: ReasonRuleMatch, RuleID: "r2"}},
		{"clauses are AND-ed", func(f Flag) Flag { f.Rules = f.Rules[2:]; return f }, nil, attrs("plan", "pro"),
			Result{Value: false, Variation: "off", Reason: ReasonFallthrough}},
		{"empty clause list matches all", func(f Flag) Flag { f.Rules = []Rule{rule("all", "on")}; return f }, nil, attrs(),
			Result{Value: true, Variation: "on", Reason: ReasonRuleMatch, RuleID: "all"}},
		{"rule rollout", func(f Flag) Flag {
			f.Key = "new-checkout"
			f.Rules = []Rule{{ID: "split", Rollout: []WeightedVariation{{"on", 20000}, {"off", 80000}}}}
			return f
		}, nil, EvaluationContext{Key: "user_2"},
			Result{Value: true, Variation: "on", Reason: ReasonRuleMatch, RuleID: "split"}},
		{"prerequisite met", func(f Flag) Flag { f.Prerequisites = []Prerequisite{{"pre-on", "on"}}; return f }, []Flag{onPre}, attrs("plan", "enterprise"),
			Result{Value: true, Variation: "on", Reason: ReasonRuleMatch, RuleID: "r1"}},
		{"prerequisite unmet", func(f Flag) Flag { f.Prerequisites = []Prerequisite{{"pre-fallthrough-off", "on"}}; return f }, []Flag{offPre}, attrs("plan", "enterprise"),
			Result{Value: false, Variation: "off", Reason: ReasonPrerequisiteFail, PrerequisiteKey: "pre-fallthrough-off"}},
		{"prerequisite disabled", func(f Flag) Flag { f.Prerequisites = []Prerequisite{{"pre-off", "on"}}; return f }, []Flag{disabledPre}, attrs("plan", "enterprise"),
			Result{Value: false, Variation: "off", Reason: ReasonPrerequisiteFail, PrerequisiteKey: "pre-off"}},
		{"prerequisite missing", func(f Flag) Flag { f.Prerequisites = []Prerequisite{{"pre-on", "on"}, {"gone", "on"}}; return f }, []Flag{onPre}, attrs("plan", "enterprise"),
			Result{Value: false, Variation: "off", Reason: ReasonPrerequisiteFail, PrerequisiteKey: "gone"}},
		{"prerequisite checked before targets", func(f Flag) Flag { f.Prerequisites = []Prerequisite{{"gone", "on"}}; return f }, nil, EvaluationContext{Key: "vip"},
			Result{Value: false, Variation: "off", Reason: ReasonPrerequisiteFail, PrerequisiteKey: "gone"}},
		{"disabled beats prerequisites", func(f Flag) Flag { f.Enabled = false; f.Prerequisites = []Prerequisite{{"gone", "on"}}; return f }, nil, attrs(),
			Result{Value: false, Variation: "off", Reason: ReasonOff}},
		{"invalid flag serves error", func(f Flag) Flag { f.OffVariation = "nope"; return f }, nil, attrs(),
			Result{Reason: ReasonError, ErrorMessage: `flag "f": off_variation: variation "nope" does not exist; use one of "on", "off"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := base()
			if tt.flag != nil {
				f = tt.flag(f)
			}
			snap := NewSnapshot(append([]Flag{f}, tt.others...), nil)
			got, err := snap.Evaluate(f.Key, tt.ctx)
			if err != nil {
				t.Fatal(err)
			}
			tt.want.FlagKey = f.Key
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

// TestPrerequisiteDepth: a chain of 10 hops evaluates, 11 hops fails at the
// top with PREREQUISITE_FAIL (the deepest flag reports ERROR), as does a
// cycle that slipped past validation.
func TestPrerequisiteDepth(t *testing.T) {
	snap := NewSnapshot(chain(10), nil)
	if r, _ := snap.Evaluate("f0", EvaluationContext{}); r.Reason != ReasonFallthrough || r.Variation != "on" {
		t.Errorf("10 hops: %+v", r)
	}
	snap = NewSnapshot(chain(11), nil)
	if r, _ := snap.Evaluate("f0", EvaluationContext{}); r.Reason != ReasonPrerequisiteFail || r.PrerequisiteKey != "f1" {
		t.Errorf("11 hops: %+v", r)
	}
	ctx := EvaluationContext{Key: "k", Kind: DefaultKind}
	f11 := snap.flags["f11"]
	if o := snap.eval(f11, &ctx, 11); o.reason != ReasonError || o.err != depthMessage || o.variation != f11.off {
		t.Errorf("depth 11: %+v", o)
	}

	a, b := NewBoolean("a"), NewBoolean("b")
	a.Prerequisites = []Prerequisite{{"b", "on"}}
	b.Prerequisites = []Prerequisite{{"a", "on"}}
	snap = NewSnapshot([]Flag{a, b}, nil)
	if r, _ := snap.Evaluate("a", EvaluationContext{}); r.Reason != ReasonPrerequisiteFail || r.PrerequisiteKey != "b" {
		t.Errorf("cycle: %+v", r)
	}
}

// TestSegments covers membership order and recursion.
func TestSegments(t *testing.T) {
	ruleSeg := func(key string, clauses ...Clause) Segment {
		return Segment{Key: key, Rules: []SegmentRule{{ID: key + "-r", Clauses: clauses}}}
	}
	inSeg := func(keys ...any) Clause { return Clause{Operator: OpInSegment, Values: keys} }
	segs := []Segment{
		{Key: "beta", Included: []string{"u1", "u2"}, Excluded: []string{"u2", "u3"},
			Rules: []SegmentRule{{ID: "corp", Clauses: []Clause{{Attribute: "email", Operator: OpEndsWith, Values: []any{"@corp.com"}}}}}},
		ruleSeg("nested", inSeg("beta")),
		ruleSeg("nested2", inSeg("nested"), is("plan", "pro")),
	}
	tests := []struct {
		name    string
		segment string
		ctx     EvaluationContext
		want    bool
	}{
		{"included", "beta", EvaluationContext{Key: "u1"}, true},
		{"excluded beats included", "beta", EvaluationContext{Key: "u2"}, false},
		{"excluded beats rules", "beta", EvaluationContext{Key: "u3", Attributes: map[string]any{"email": "x@corp.com"}}, false},
		{"rule", "beta", EvaluationContext{Key: "u9", Attributes: map[string]any{"email": "x@corp.com"}}, true},
		{"not a member", "beta", EvaluationContext{Key: "u9"}, false},
		{"nested segment rule", "nested", EvaluationContext{Key: "u1"}, true},
		{"nested segment rule via rule", "nested", EvaluationContext{Key: "u9", Attributes: map[string]any{"email": "x@corp.com"}}, true},
		{"nested twice", "nested2", EvaluationContext{Key: "u1", Attributes: map[string]any{"plan": "pro"}}, true},
		{"nested twice, clause fails", "nested2", EvaluationContext{Key: "u1"}, false},
		{"unknown", "nope", EvaluationContext{Key: "u1"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := matches(t, inSeg(tt.segment), tt.ctx, segs...); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}

	t.Run("depth guard stops a cycle", func(t *testing.T) {
		// A cycle that bypassed validation ends at MaxSegmentDepth.
		loop := []Segment{ruleSeg("a", inSeg("b")), ruleSeg("b", inSeg("a"))}
		if matches(t, inSeg("a"), EvaluationContext{Key: "u"}, loop...) {
			t.Error("cyclic segments must not match")
		}
	})
	t.Run("depth guard", func(t *testing.T) {
		var deep []Segment
		for i := range MaxSegmentDepth + 2 {
			deep = append(deep, ruleSeg(fmt.Sprintf("s%d", i), inSeg(fmt.Sprintf("s%d", i+1))))
		}
		deep = append(deep, Segment{Key: fmt.Sprintf("s%d", MaxSegmentDepth+2), Included: []string{"u"}})
		if matches(t, inSeg("s0"), EvaluationContext{Key: "u"}, deep...) {
			t.Error("a chain deeper than MaxSegmentDepth must not match")
		}
		if !matches(t, inSeg("s2"), EvaluationContext{Key: "u"}, deep...) {
			t.Error("a chain of MaxSegmentDepth must match")
		}
	})
	t.Run("invalid segment has no members", func(t *testing.T) {
		bad := Segment{Key: "bad", Included: []string{"u1", ""}}
		snap := NewSnapshot(nil, []Segment{bad})
		if len(snap.Problems()) != 1 {
			t.Fatalf("problems: %v", snap.Problems())
		}
		if matches(t, inSeg("bad"), EvaluationContext{Key: "u1"}, bad) {
			t.Error("invalid segment matched")
		}
	})
}

// TestTypedGetters checks the typed API: values, defaults for missing
// flags, mismatched types and flags serving no value.
func TestTypedGetters(t *testing.T) {
	str := Flag{Key: "s", Type: TypeString, Enabled: true, OffVariation: "a", Fallthrough: Fallthrough{Variation: "b"},
		Variations: []Variation{{Name: "a", Value: "A"}, {Name: "b", Value: "B"}}}
	integer := Flag{Key: "i", Type: TypeInteger, Enabled: true, OffVariation: "a", Fallthrough: Fallthrough{Variation: "b"},
		Variations: []Variation{{Name: "a", Value: 1}, {Name: "b", Value: 2.0}}}
	float := Flag{Key: "x", Type: TypeFloat, Enabled: true, OffVariation: "a", Fallthrough: Fallthrough{Variation: "b"},
		Variations: []Variation{{Name: "a", Value: 1}, {Name: "b", Value: 2.5}}}
	obj := Flag{Key: "o", Type: TypeJSON, Enabled: true, OffVariation: "a", Fallthrough: Fallthrough{Variation: "b"},
		Variations: []Variation{{Name: "a", Value: []any{}}, {Name: "b", Value: map[string]any{"color": "blue"}}}}
	boolean := NewBoolean("b")
	boolean.Fallthrough = Fallthrough{Variation: "on"}
	broken := NewBoolean("broken")
	broken.Fallthrough = Fallthrough{Variation: "nope"}
	snap := NewSnapshot([]Flag{str, integer, float, obj, boolean, broken}, nil)
	ctx := EvaluationContext{Key: "k"}

	if got := snap.Bool("b", ctx, false); !got {
		t.Error("Bool")
	}
	if got := snap.Bool("broken", ctx, true); !got {
		t.Error("Bool on an invalid flag must return the default")
	}
	if got := snap.Bool("s", ctx, true); !got {
		t.Error("Bool on a string flag must return the default")
	}
	if got := snap.Bool("missing", ctx, true); !got {
		t.Error("Bool on a missing flag must return the default")
	}
	if got := snap.String("s", ctx, "def"); got != "B" {
		t.Errorf("String = %q", got)
	}
	if got := snap.String("b", ctx, "def"); got != "def" {
		t.Errorf("String on bool = %q", got)
	}
	if got := snap.Int("i", ctx, -1); got != 2 {
		t.Errorf("Int = %d", got)
	}
	if got := snap.Int("x", ctx, -1); got != -1 {
		t.Errorf("Int on float = %d", got)
	}
	if got := snap.Float("x", ctx, -1); got != 2.5 {
		t.Errorf("Float = %v", got)
	}
	if got := snap.Float("i", ctx, -1); got != 2 {
		t.Errorf("Float on integer = %v", got)
	}
	got := snap.Object("o", ctx, nil)
	if !reflect.DeepEqual(got, map[string]any{"color": "blue"}) {
		t.Errorf("Object = %v", got)
	}
	got.(map[string]any)["color"] = "red" // a copy: the snapshot is unchanged
	if again := snap.Object("o", ctx, nil); again.(map[string]any)["color"] != "blue" {
		t.Error("Object returned shared state")
	}
	if got := snap.Object("b", ctx, "def"); got != "def" {
		t.Errorf("Object on bool = %v", got)
	}

	r, err := snap.Evaluate("missing", ctx)
	if !errors.Is(err, ErrNotFound) || r.Reason != ReasonDefault || r.ErrorMessage != `flag "missing" not found` {
		t.Errorf("missing: %+v, %v", r, err)
	}
	if r, _ := snap.Evaluate("i", ctx); r.Value != int64(2) {
		t.Errorf("integer value %#v, want int64(2)", r.Value)
	}
}

func TestContextDefaults(t *testing.T) {
	f := NewBoolean("my-flag")
	f.Fallthrough = Fallthrough{Rollout: []WeightedVariation{{"on", 56557}, {"off", 43443}}}
	f.Rules = []Rule{rule("kind", "off", is("kind", "robot"))}
	snap := NewSnapshot([]Flag{f}, nil)
	// "my-flag:user:anonymous" buckets to 56556: just inside "on", for a
	// context that says it is "anonymous".
	if r, _ := snap.Evaluate("my-flag", EvaluationContext{Key: AnonymousKey}); r.Variation != "on" || r.Reason != ReasonFallthrough {
		t.Errorf("anonymous user: %+v", r)
	}
	// A context with no key is not placed by a rollout: no variation, and
	// OpenFeature's TARGETING_KEY_MISSING.
	if r, _ := snap.Evaluate("my-flag", EvaluationContext{}); r.Variation != "" || r.Reason != ReasonError || r.ErrorMessage != noKeyMessage {
		t.Errorf("no key: %+v", r)
	}
	if r := snap.Resolve("my-flag", EvaluationContext{}); r.ErrorCode != openfeature.TargetingKeyMissingCode || r.Value != nil {
		t.Errorf("no key, resolved: %+v", r)
	}
	if got := snap.Bool("my-flag", EvaluationContext{}, true); !got {
		t.Error("no key: the caller's default was not returned")
	}
	if r, _ := snap.Evaluate("my-flag", EvaluationContext{Kind: "robot"}); r.RuleID != "kind" {
		t.Errorf("kind attribute: %+v", r)
	}
}

func TestResultJSON(t *testing.T) {
	b, err := json.Marshal(Result{FlagKey: "new-checkout", Value: true, Variation: "on", Reason: ReasonRuleMatch, RuleID: "r1"})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"flag_key":"new-checkout","value":true,"variation":"on","reason":"RULE_MATCH","rule_id":"r1","prerequisite_key":null,"error_message":null}`
	if string(b) != want {
		t.Errorf("got  %s\nwant %s", b, want)
	}
}

func TestSnapshotAccessors(t *testing.T) {
	f := NewBoolean("a")
	f.Tags = []string{"x"}
	seg := Segment{Key: "s", Included: []string{"u"}}
	snap := NewSnapshot([]Flag{NewBoolean("b"), f}, []Segment{seg})
	got, ok := snap.Flag("a")
	if !ok || got.Tags[0] != "x" {
		t.Fatalf("Flag: %+v %v", got, ok)
	}
	got.Tags[0] = "changed"
	if again, _ := snap.Flag("a"); again.Tags[0] != "x" {
		t.Error("Flag returned shared state")
	}
	if fl := snap.Flags(); len(fl) != 2 || fl[0].Key != "a" || fl[1].Key != "b" {
		t.Errorf("Flags: %v", fl)
	}
	if s, ok := snap.Segment("s"); !ok || s.Included[0] != "u" {
		t.Errorf("Segment: %+v", s)
	}
	if _, ok := snap.Segment("nope"); ok {
		t.Error("Segment nope")
	}
	if _, ok := snap.Flag("nope"); ok {
		t.Error("Flag nope")
	}
	if len(snap.Segments()) != 1 || snap.Problems() != nil {
		t.Error("Segments/Problems")
	}
}

// TestLargeKeyLists covers targets and segment lists beyond the linear-scan
// size.
func TestLargeKeyLists(t *testing.T) {
	var keys []string
	for i := range 3 * smallSetMax {
		keys = append(keys, fmt.Sprint("u", i))
	}
	f := NewBoolean("f")
	f.Targets = map[string][]string{"on": keys[:2*smallSetMax]}
	f.Rules = []Rule{{ID: "seg", Clauses: []Clause{{Operator: OpInSegment, Values: []any{"s"}}}, Variation: "on"}}
	seg := Segment{Key: "s", Included: append(keys, keys[0]), Excluded: keys[:smallSetMax+2]}
	snap := NewSnapshot([]Flag{f}, []Segment{seg})
	for i, k := range keys {
		r, _ := snap.Evaluate("f", EvaluationContext{Key: k})
		want := ReasonTargetMatch
		if i >= 2*smallSetMax {
			want = ReasonRuleMatch // included in the segment, not excluded
		}
		if r.Reason != want {
			t.Errorf("%s: %s, want %s", k, r.Reason, want)
		}
	}
	if r, _ := snap.Evaluate("f", EvaluationContext{Key: "nobody"}); r.Reason != ReasonFallthrough {
		t.Errorf("nobody: %+v", r)
	}
	var k keyIndex
	for i := range 2 * smallSetMax {
		k.add(fmt.Sprint(i%(smallSetMax+3)), i)
	}
	if v, ok := k.get("0"); !ok || v != smallSetMax+3 {
		t.Errorf("re-adding a key keeps the last value: %d %v", v, ok)
	}
}
