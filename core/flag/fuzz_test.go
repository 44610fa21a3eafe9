package flag

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/open-feature/go-sdk/openfeature"
)

// fuzzContexts exercise every attribute kind.
var fuzzContexts = []EvaluationContext{
	{},
	{Key: "user_1", Kind: "user", Attributes: map[string]any{"plan": "pro", "age": 30.0, "beta": true, "email": "a@corp.com",
		"app_version": "2.1.0", "since": "2025-01-01T00:00:00Z", "groups": []any{"a"}, "meta": map[string]any{"x": 1.0}, "null": nil}},
	{Key: "beta_tester_1", Kind: "organization", Attributes: map[string]any{"plan": 5, "age": "x", "app_version": 3, "since": time.Unix(0, 0)}},
}

// FuzzFlagJSON: flag JSON → validate → evaluate never panics, whatever
// the JSON holds, and a flag that validates round-trips through JSON.
func FuzzFlagJSON(f *testing.F) {
	f.Add([]byte(appendixA))
	flags, _ := benchComplex()
	for _, fl := range flags {
		b, _ := json.Marshal(fl)
		f.Add(b)
	}
	for _, fl := range typedFlags() {
		b, _ := json.Marshal(fl)
		f.Add(b)
	}
	f.Add([]byte(`{"key":"k","type":"integer","variations":[{"name":"a","value":1},{"name":"b","value":2}],"off_variation":"a",
		"fallthrough":"b","rules":[{"clauses":[{"attribute":"v","operator":"semver_lt","values":["1.0.0-rc.1"],"negate":true},
		{"attribute":"d","operator":"before","values":["2025-01-01"]},{"attribute":"x","operator":"matches","values":["^a+$"]}],"variation":"a"}],
		"prerequisites":[{"flag_key":"checkout-enabled","variation":"on"}],"scheduled_changes":[{"action":"add_rule","execute_at":"2025-01-01T00:00:00Z","payload":{"variation":"a"}}]}`))
	f.Add([]byte(`{"fallthrough":[{"variation":"x","weight":-1}],"targets":{"a":["",""]}}`))
	f.Add([]byte(`null`))

	f.Fuzz(checkFlagJSON)
}

// checkFlagJSON is the body of FuzzFlagJSON.
func checkFlagJSON(t *testing.T, data []byte) {
	flags, segs := benchComplex()
	prereq := flags[0]
	var fl Flag
	if err := json.Unmarshal(data, &fl); err != nil {
		return
	}
	valid := fl.Validate() == nil
	_ = CheckPrerequisites(fl, map[string]Flag{prereq.Key: prereq})
	_ = ValidateAll(map[string]Flag{fl.Key: fl, prereq.Key: prereq})
	_, _, _ = ApplyDue(fl, time.Now())

	store := NewStore(WithRecorder(NewRecorder(4)))
	store.Replace([]Flag{prereq, fl}, segs)
	p := NewProvider(store)
	for _, ctx := range fuzzContexts {
		r, err := store.Evaluate(fl.Key, ctx)
		if err != nil && fl.Key != prereq.Key {
			t.Fatalf("flag %q not found: %v", fl.Key, err)
		}
		if valid && r.Reason == ReasonError && !(ctx.Key == "" && r.ErrorMessage == noKeyMessage) {
			t.Fatalf("a valid flag evaluated to ERROR: %+v", r)
		}
		store.Bool(fl.Key, ctx, false)
		store.String(fl.Key, ctx, "")
		store.Int(fl.Key, ctx, 0)
		store.Float(fl.Key, ctx, 0)
		store.Object(fl.Key, ctx, nil)
		flat := openfeature.FlattenedContext{openfeature.TargetingKey: ctx.Key}
		for k, v := range ctx.Attributes {
			flat[k] = v
		}
		p.BooleanEvaluation(context.Background(), fl.Key, false, flat)
		p.ObjectEvaluation(context.Background(), fl.Key, nil, flat)
	}
	if !valid {
		return
	}
	out, err := json.Marshal(fl)
	if err != nil {
		t.Fatalf("marshal a valid flag: %v", err)
	}
	var back Flag
	if err := json.Unmarshal(out, &back); err != nil {
		t.Fatalf("unmarshal %s: %v", out, err)
	}
	if err := back.Validate(); err != nil {
		t.Fatalf("round trip invalidated the flag: %v\n%s", err, out)
	}
}

// FuzzSegmentJSON: segment JSON → validate → membership never panics.
func FuzzSegmentJSON(f *testing.F) {
	_, segs := benchComplex()
	for _, s := range segs {
		b, _ := json.Marshal(s)
		f.Add(b)
	}
	f.Add([]byte(`{"key":"beta","included":["user_1"],"excluded":["user_1"],"rules":[{"clauses":[{"operator":"in_segment","values":["beta","other"]}]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var s Segment
		if err := json.Unmarshal(data, &s); err != nil {
			return
		}
		_ = s.Validate()
		_ = CheckSegmentReferences(s, map[string]Segment{"other": {Key: "other", Rules: []SegmentRule{{ID: "r",
			Clauses: []Clause{{Operator: OpInSegment, Values: []any{s.Key}}}}}}})
		fl := NewBoolean("f")
		fl.Rules = []Rule{{ID: "r", Clauses: []Clause{{Operator: OpInSegment, Values: []any{s.Key, "other"}}}, Variation: "on"}}
		snap := NewSnapshot([]Flag{fl}, []Segment{s})
		for _, ctx := range fuzzContexts {
			_, _ = snap.Evaluate("f", ctx)
		}
	})
}
