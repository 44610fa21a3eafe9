package flag

import (
	"encoding/json"
	"slices"
	"testing"
	"time"
)

// matches evaluates one clause through a flag rule and reports whether the
// rule matched.
func matches(t *testing.T, c Clause, ctx EvaluationContext, segments ...Segment) bool {
	t.Helper()
	f := NewBoolean("op-test")
	f.Rules = []Rule{{ID: "r", Clauses: []Clause{c}, Variation: "on"}}
	if err := f.Validate(); err != nil {
		t.Fatalf("test clause does not validate: %v", err)
	}
	r, err := NewSnapshot([]Flag{f}, segments).Evaluate("op-test", ctx)
	if err != nil {
		t.Fatal(err)
	}
	switch r.Reason {
	case ReasonRuleMatch:
		return true
	case ReasonFallthrough:
		return false
	}
	t.Fatalf("unexpected result %+v", r)
	return false
}

func attrs(kv ...any) EvaluationContext {
	ctx := EvaluationContext{Key: "user-1", Attributes: map[string]any{}}
	for i := 0; i < len(kv); i += 2 {
		ctx.Attributes[kv[i].(string)] = kv[i+1]
	}
	return ctx
}

func TestOperatorSet(t *testing.T) {
	want := []string{"is", "is_not", "contains", "not_contains", "starts_with", "ends_with", "matches",
		"not_matches", "gt", "gte", "lt", "lte", "before", "after", "in", "not_in", "in_segment",
		"not_in_segment", "semver_eq", "semver_lt", "semver_gt"}
	var got []string
	for _, op := range Operators {
		got = append(got, string(op))
		if !op.Known() {
			t.Errorf("%s not Known", op)
		}
	}
	if !slices.Equal(got, want) {
		t.Fatalf("operators = %v, want %v", got, want)
	}
	if Operator("eq").Known() {
		t.Error("eq is not an operator")
	}
}

// TestOperators covers every operator: match, no match, a missing
// attribute, an explicit null and negate.
func TestOperators(t *testing.T) {
	ts := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		clause Clause
		ctx    EvaluationContext
		want   bool
	}{
		// is
		{"is string", Clause{"plan", OpIs, []any{"free", "pro"}, false}, attrs("plan", "pro"), true},
		{"is no match", Clause{"plan", OpIs, []any{"free"}, false}, attrs("plan", "pro"), false},
		{"is number numeric equality", Clause{"n", OpIs, []any{1.0}, false}, attrs("n", 1), true},
		{"is int64 vs float", Clause{"n", OpIs, []any{3}, false}, attrs("n", int64(3)), true},
		{"is string never equals number", Clause{"n", OpIs, []any{"5"}, false}, attrs("n", 5), false},
		{"is bool never equals number", Clause{"b", OpIs, []any{1}, false}, attrs("b", true), false},
		{"is bool", Clause{"b", OpIs, []any{true}, false}, attrs("b", true), true},
		{"is object by JSON", Clause{"o", OpIs, []any{map[string]any{"a": 1.0}}, false}, attrs("o", map[string]any{"a": 1}), true},
		{"is missing", Clause{"plan", OpIs, []any{"free"}, false}, attrs(), false},
		{"is null value never matches", Clause{"plan", OpIs, []any{nil}, false}, attrs("plan", nil), false},
		{"is negate", Clause{"plan", OpIs, []any{"free"}, true}, attrs("plan", "pro"), true},
		{"is negate missing", Clause{"plan", OpIs, []any{"free"}, true}, attrs(), true},
		{"is key attribute", Clause{"key", OpIs, []any{"user-1"}, false}, attrs(), true},
		{"is kind attribute", Clause{"kind", OpIs, []any{"user"}, false}, attrs(), true},
		{"attributes override key", Clause{"key", OpIs, []any{"other"}, false}, attrs("key", "other"), true},
		// is_not
		{"is_not differs from all", Clause{"plan", OpIsNot, []any{"free", "pro"}, false}, attrs("plan", "team"), true},
		{"is_not equals one", Clause{"plan", OpIsNot, []any{"free", "pro"}, false}, attrs("plan", "pro"), false},
		{"is_not missing", Clause{"plan", OpIsNot, []any{"free"}, false}, attrs(), true},
		{"is_not null", Clause{"plan", OpIsNot, []any{"free"}, false}, attrs("plan", nil), true},
		{"is_not missing, values hold null", Clause{"plan", OpIsNot, []any{"free", nil}, false}, attrs(), false},
		{"is_not negate", Clause{"plan", OpIsNot, []any{"free"}, true}, attrs(), false},
		// contains / not_contains
		{"contains", Clause{"email", OpContains, []any{"@corp", "@x"}, false}, attrs("email", "a@corp.com"), true},
		{"contains no", Clause{"email", OpContains, []any{"@corp"}, false}, attrs("email", "a@b.com"), false},
		{"contains number canonical", Clause{"n", OpContains, []any{"15"}, false}, attrs("n", 1.5e1), true},
		{"contains float canonical", Clause{"n", OpContains, []any{"1.5"}, false}, attrs("n", 1.5), true},
		{"contains bool canonical", Clause{"b", OpContains, []any{"tru"}, false}, attrs("b", true), true},
		{"contains array JSON", Clause{"groups", OpContains, []any{`"admin"`}, false}, attrs("groups", []any{"admin", "dev"}), true},
		{"contains missing", Clause{"email", OpContains, []any{"@"}, false}, attrs(), false},
		{"contains negate", Clause{"email", OpContains, []any{"@corp"}, true}, attrs("email", "a@b.com"), true},
		{"not_contains", Clause{"email", OpNotContains, []any{"@corp", "@x"}, false}, attrs("email", "a@b.com"), true},
		{"not_contains one matches", Clause{"email", OpNotContains, []any{"@corp", "@b"}, false}, attrs("email", "a@b.com"), false},
		{"not_contains missing", Clause{"email", OpNotContains, []any{"@corp"}, false}, attrs(), false},
		{"not_contains negate missing", Clause{"email", OpNotContains, []any{"@corp"}, true}, attrs(), true},
		// starts_with / ends_with
		{"starts_with", Clause{"path", OpStartsWith, []any{"/x", "/api"}, false}, attrs("path", "/api/v1"), true},
		{"starts_with no", Clause{"path", OpStartsWith, []any{"/x"}, false}, attrs("path", "/api/v1"), false},
		{"starts_with missing", Clause{"path", OpStartsWith, []any{"/"}, false}, attrs(), false},
		{"starts_with negate", Clause{"path", OpStartsWith, []any{"/x"}, true}, attrs("path", "/api"), true},
		{"ends_with", Clause{"email", OpEndsWith, []any{"@example.com"}, false}, attrs("email", "a@example.com"), true},
		{"ends_with no", Clause{"email", OpEndsWith, []any{"@example.com"}, false}, attrs("email", "a@example.org"), false},
		{"ends_with null", Clause{"email", OpEndsWith, []any{"m"}, false}, attrs("email", nil), false},
		{"ends_with negate", Clause{"email", OpEndsWith, []any{"@example.com"}, true}, attrs("email", "a@example.com"), false},
		// matches / not_matches
		{"matches unanchored search", Clause{"ua", OpMatches, []any{`Chrome/\d+`}, false}, attrs("ua", "Mozilla Chrome/120 Safari"), true},
		{"matches any pattern", Clause{"ua", OpMatches, []any{`^Firefox`, `Safari$`}, false}, attrs("ua", "Mozilla Safari"), true},
		{"matches no", Clause{"ua", OpMatches, []any{`^Chrome`}, false}, attrs("ua", "Mozilla Chrome"), false},
		{"matches number canonical", Clause{"n", OpMatches, []any{`^\d+$`}, false}, attrs("n", 42), true},
		{"matches missing", Clause{"ua", OpMatches, []any{`.*`}, false}, attrs(), false},
		{"matches negate", Clause{"ua", OpMatches, []any{`^Chrome`}, true}, attrs("ua", "Mozilla"), true},
		{"not_matches", Clause{"ua", OpNotMatches, []any{`bot`, `crawler`}, false}, attrs("ua", "Mozilla"), true},
		{"not_matches one matches", Clause{"ua", OpNotMatches, []any{`bot`, `crawler`}, false}, attrs("ua", "googlebot"), false},
		{"not_matches missing", Clause{"ua", OpNotMatches, []any{`bot`}, false}, attrs(), false},
		{"not_matches negate", Clause{"ua", OpNotMatches, []any{`bot`}, true}, attrs("ua", "googlebot"), true},
		// gt / gte / lt / lte
		{"gt", Clause{"age", OpGt, []any{18}, false}, attrs("age", 21), true},
		{"gt equal", Clause{"age", OpGt, []any{18}, false}, attrs("age", 18), false},
		{"gt numeric string attribute", Clause{"age", OpGt, []any{18}, false}, attrs("age", " 19.5 "), true},
		{"gt numeric string value", Clause{"age", OpGt, []any{"18"}, false}, attrs("age", 19), true},
		{"gt unparsable attribute", Clause{"age", OpGt, []any{18}, false}, attrs("age", "old"), false},
		{"gt bool is not a number", Clause{"age", OpGt, []any{0}, false}, attrs("age", true), false},
		{"gt missing", Clause{"age", OpGt, []any{18}, false}, attrs(), false},
		{"gt negate missing", Clause{"age", OpGt, []any{18}, true}, attrs(), true},
		{"gte", Clause{"age", OpGte, []any{18}, false}, attrs("age", 18), true},
		{"gte no", Clause{"age", OpGte, []any{18}, false}, attrs("age", 17.9), false},
		{"gte negate", Clause{"age", OpGte, []any{18}, true}, attrs("age", 17), true},
		{"lt", Clause{"age", OpLt, []any{18}, false}, attrs("age", uint8(17)), true},
		{"lt no", Clause{"age", OpLt, []any{18}, false}, attrs("age", 18), false},
		{"lt null", Clause{"age", OpLt, []any{18}, false}, attrs("age", nil), false},
		{"lte", Clause{"age", OpLte, []any{18}, false}, attrs("age", json.Number("18")), true},
		{"lte no", Clause{"age", OpLte, []any{18}, false}, attrs("age", float32(18.5)), false},
		{"lte negate", Clause{"age", OpLte, []any{18}, true}, attrs("age", 19), true},
		// before / after
		{"before lexicographic", Clause{"d", OpBefore, []any{"b"}, false}, attrs("d", "a"), true},
		{"before timestamps as instants", Clause{"d", OpBefore, []any{"2025-01-01T00:00:00.5Z"}, false}, attrs("d", "2025-01-01T00:00:00Z"), true},
		{"before with offset", Clause{"d", OpBefore, []any{"2025-01-01T00:00:00Z"}, false}, attrs("d", "2025-01-01T00:30:00+01:00"), true},
		{"before date", Clause{"d", OpBefore, []any{"2025-06-02"}, false}, attrs("d", ts), true},
		{"before no", Clause{"d", OpBefore, []any{"2025-01-01"}, false}, attrs("d", "2025-06-01"), false},
		{"before missing", Clause{"d", OpBefore, []any{"2025-01-01"}, false}, attrs(), false},
		{"before negate", Clause{"d", OpBefore, []any{"2025-01-01"}, true}, attrs("d", "2025-06-01"), true},
		{"after", Clause{"d", OpAfter, []any{"2025-01-01"}, false}, attrs("d", "2025-06-01T00:00:00Z"), true},
		{"after time.Time", Clause{"d", OpAfter, []any{"2025-05-31T23:59:59Z"}, false}, attrs("d", ts), true},
		{"after no", Clause{"d", OpAfter, []any{"2026-01-01"}, false}, attrs("d", "2025-06-01"), false},
		{"after not a timestamp falls back to strings", Clause{"d", OpAfter, []any{"2025-01-01"}, false}, attrs("d", "zzz"), true},
		{"after null", Clause{"d", OpAfter, []any{"2025-01-01"}, false}, attrs("d", nil), false},
		{"after negate", Clause{"d", OpAfter, []any{"2026-01-01"}, true}, attrs("d", "2025-06-01"), true},
		// in / not_in
		{"in", Clause{"country", OpIn, []any{"FR", "DE"}, false}, attrs("country", "DE"), true},
		{"in no", Clause{"country", OpIn, []any{"FR", "DE"}, false}, attrs("country", "US"), false},
		{"in numbers", Clause{"tier", OpIn, []any{1, 2}, false}, attrs("tier", 2.0), true},
		{"in missing", Clause{"country", OpIn, []any{"FR"}, false}, attrs(), false},
		{"in negate", Clause{"country", OpIn, []any{"FR"}, true}, attrs("country", "US"), true},
		{"not_in", Clause{"country", OpNotIn, []any{"FR", "DE"}, false}, attrs("country", "US"), true},
		{"not_in no", Clause{"country", OpNotIn, []any{"FR", "DE"}, false}, attrs("country", "FR"), false},
		{"not_in missing", Clause{"country", OpNotIn, []any{"FR"}, false}, attrs(), true},
		{"not_in missing, values hold null", Clause{"country", OpNotIn, []any{"FR", nil}, false}, attrs(), false},
		{"not_in negate missing", Clause{"country", OpNotIn, []any{"FR"}, true}, attrs(), false},
		// semver
		{"semver_eq", Clause{"v", OpSemverEq, []any{"1.0.0"}, false}, attrs("v", "v1.0"), true},
		{"semver_eq build ignored", Clause{"v", OpSemverEq, []any{"1.2.3+abc"}, false}, attrs("v", "1.2.3+def"), true},
		{"semver_eq no", Clause{"v", OpSemverEq, []any{"1.0.0"}, false}, attrs("v", "1.0.1"), false},
		{"semver_eq unparsable", Clause{"v", OpSemverEq, []any{"1.0.0"}, false}, attrs("v", "one"), false},
		{"semver_eq missing", Clause{"v", OpSemverEq, []any{"1.0.0"}, false}, attrs(), false},
		{"semver_eq negate", Clause{"v", OpSemverEq, []any{"1.0.0"}, true}, attrs("v", "2.0.0"), true},
		{"semver_lt", Clause{"v", OpSemverLt, []any{"2.0.0"}, false}, attrs("v", "1.10.0"), true},
		{"semver_lt prerelease before release", Clause{"v", OpSemverLt, []any{"2.0.0"}, false}, attrs("v", "2.0.0-beta.1"), true},
		{"semver_lt no", Clause{"v", OpSemverLt, []any{"2.0.0"}, false}, attrs("v", "2.0.0"), false},
		{"semver_lt null", Clause{"v", OpSemverLt, []any{"2.0.0"}, false}, attrs("v", nil), false},
		{"semver_gt", Clause{"v", OpSemverGt, []any{"2.0.0"}, false}, attrs("v", "2.0.1"), true},
		{"semver_gt numeric not lexicographic", Clause{"v", OpSemverGt, []any{"1.9.0"}, false}, attrs("v", "1.10.0"), true},
		{"semver_gt number attribute", Clause{"v", OpSemverGt, []any{"1.0.0"}, false}, attrs("v", 2), true},
		{"semver_gt no", Clause{"v", OpSemverGt, []any{"2.0.0"}, false}, attrs("v", "1.0.0"), false},
		{"semver_gt negate", Clause{"v", OpSemverGt, []any{"2.0.0"}, true}, attrs("v", "1.0.0"), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := matches(t, tt.clause, tt.ctx); got != tt.want {
				t.Errorf("%s %s %v (negate %v) on %v = %v, want %v",
					tt.clause.Attribute, tt.clause.Operator, tt.clause.Values, tt.clause.Negate, tt.ctx.Attributes, got, tt.want)
			}
		})
	}
}

// TestSegmentOperators covers in_segment and not_in_segment: the attribute
// is ignored, the context key is tested, negate applies.
func TestSegmentOperators(t *testing.T) {
	beta := Segment{Key: "beta", Included: []string{"user-1"}}
	staff := Segment{Key: "staff", Rules: []SegmentRule{{ID: "s", Clauses: []Clause{{Attribute: "email", Operator: OpEndsWith, Values: []any{"@corp.com"}}}}}}
	segs := []Segment{beta, staff}
	tests := []struct {
		name   string
		clause Clause
		ctx    EvaluationContext
		want   bool
	}{
		{"in_segment included", Clause{"ignored", OpInSegment, []any{"beta"}, false}, attrs(), true},
		{"in_segment any of", Clause{"", OpInSegment, []any{"staff", "beta"}, false}, attrs(), true},
		{"in_segment by rule", Clause{"", OpInSegment, []any{"staff"}, false}, attrs("email", "a@corp.com"), true},
		{"in_segment not member", Clause{"", OpInSegment, []any{"staff"}, false}, attrs("email", "a@b.com"), false},
		{"in_segment unknown segment", Clause{"", OpInSegment, []any{"nope"}, false}, attrs(), false},
		{"in_segment negate", Clause{"", OpInSegment, []any{"beta"}, true}, attrs(), false},
		{"not_in_segment", Clause{"", OpNotInSegment, []any{"staff"}, false}, attrs(), true},
		{"not_in_segment member of one", Clause{"", OpNotInSegment, []any{"staff", "beta"}, false}, attrs(), false},
		{"not_in_segment unknown", Clause{"", OpNotInSegment, []any{"nope"}, false}, attrs(), true},
		{"not_in_segment negate", Clause{"", OpNotInSegment, []any{"staff"}, true}, attrs(), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := matches(t, tt.clause, tt.ctx, segs...); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestParseVersion(t *testing.T) {
	tests := []struct {
		in   string
		ok   bool
		nums [3]uint64
		pre  string
	}{
		{"1.2.3", true, [3]uint64{1, 2, 3}, ""},
		{"v1.2", true, [3]uint64{1, 2, 0}, ""},
		{"V7", true, [3]uint64{7, 0, 0}, ""},
		{" 1.0.0-rc.1+build.5 ", true, [3]uint64{1, 0, 0}, "rc.1"},
		{"1.0.0+build", true, [3]uint64{1, 0, 0}, ""},
		{"1.2.3.4", false, [3]uint64{}, ""},
		{"1..2", false, [3]uint64{}, ""},
		{"1.", false, [3]uint64{}, ""},
		{"", false, [3]uint64{}, ""},
		{"v", false, [3]uint64{}, ""},
		{"1.0b1", false, [3]uint64{}, ""},
		{"1.0.0-", false, [3]uint64{}, ""},
		{"1.0.0-a..b", false, [3]uint64{}, ""},
		{"1.0.0+", false, [3]uint64{}, ""},
		{"99999999999999999999.0.0", false, [3]uint64{}, ""},
	}
	for _, tt := range tests {
		v, ok := parseVersion(tt.in)
		if ok != tt.ok || ok && (v.nums != tt.nums || v.pre != tt.pre) {
			t.Errorf("parseVersion(%q) = %+v, %v; want %v %q, %v", tt.in, v, ok, tt.nums, tt.pre, tt.ok)
		}
	}
	order := []string{"1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "1.0.1", "1.1.0", "2.0.0"}
	for i := 0; i+1 < len(order); i++ {
		a, _ := parseVersion(order[i])
		b, _ := parseVersion(order[i+1])
		if compareVersions(&a, &b) != -1 || compareVersions(&b, &a) != 1 || compareVersions(&a, &a) != 0 {
			t.Errorf("%s < %s does not hold", order[i], order[i+1])
		}
	}
}

func TestCanonicalString(t *testing.T) {
	tests := []struct {
		in   any
		want string
	}{
		{"x", "x"}, {true, "true"}, {false, "false"}, {1, "1"}, {int64(-3), "-3"}, {uint64(18446744073709551615), "18446744073709551615"},
		{1.0, "1"}, {1.5, "1.5"}, {1e21, "1e+21"}, {1e-7, "1e-7"}, {json.Number("12"), "12"},
		{[]any{"a", 1.0}, `["a",1]`}, {map[string]any{"b": true}, `{"b":true}`},
		{time.Date(2025, 1, 2, 3, 4, 5, 0, time.FixedZone("x", 3600)), "2025-01-02T02:04:05Z"},
	}
	for _, tt := range tests {
		o := operandOf(tt.in)
		if got := o.str(); got != tt.want {
			t.Errorf("str(%#v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
