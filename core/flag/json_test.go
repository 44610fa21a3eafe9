package flag

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
)

// appendixA is the reference's minimal FeatureFlag (Appendix A).
const appendixA = `{"key": "new-checkout", "name": "New Checkout Flow", "description": "", "type": "boolean", "tags": [],
 "variations": [{"name": "on", "value": true, "description": ""}, {"name": "off", "value": false, "description": ""}],
 "off_variation": "off",
 "fallthrough": [{"variation": "on", "weight": 20000}, {"variation": "off", "weight": 80000}],
 "enabled": true, "prerequisites": [], "targets": {"on": ["beta_tester_1"]},
 "rules": [{"id": "r-1", "description": "Enterprise", "clauses": [{"attribute": "plan", "operator": "is",
            "values": ["enterprise"], "negate": false}], "variation": "on", "rollout": null, "track_events": false}],
 "scheduled_changes": [], "status": "active", "temporary": true, "maintainer": null,
 "created_at": "2025-06-01T02:00:00.123456", "updated_at": "2025-06-01T02:00:00.123456", "created_by": "system"}`

func TestFlagJSONReferenceShape(t *testing.T) {
	var f Flag
	if err := json.Unmarshal([]byte(appendixA), &f); err != nil {
		t.Fatal(err)
	}
	if err := f.Validate(); err != nil {
		t.Fatal(err)
	}
	wantTime := time.Date(2025, 6, 1, 2, 0, 0, 123456000, time.UTC)
	if !f.CreatedAt.Equal(wantTime) || f.CreatedAt.Location() != time.UTC {
		t.Errorf("created_at = %v", f.CreatedAt)
	}
	if len(f.Fallthrough.Rollout) != 2 || f.Fallthrough.Rollout[0] != (WeightedVariation{"on", 20000}) {
		t.Errorf("fallthrough = %+v", f.Fallthrough)
	}
	if f.Rules[0].Variation != "on" || f.Rules[0].Rollout != nil || f.Targets["on"][0] != "beta_tester_1" {
		t.Errorf("rules/targets = %+v %+v", f.Rules, f.Targets)
	}

	out, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	var got, want map[string]any
	_ = json.Unmarshal(out, &got)
	_ = json.Unmarshal([]byte(appendixA), &want)
	want["created_at"], want["updated_at"] = "2025-06-01T02:00:00.123456Z", "2025-06-01T02:00:00.123456Z"
	if !reflect.DeepEqual(got, want) {
		t.Errorf("round trip differs:\ngot  %s\nwant %s", out, appendixA)
	}

	var again Flag
	if err := json.Unmarshal(out, &again); err != nil || !reflect.DeepEqual(again, f) {
		t.Errorf("second round trip: %v\n%+v\n%+v", err, again, f)
	}
}

func TestFlagJSONDefaults(t *testing.T) {
	var f Flag
	if err := json.Unmarshal([]byte(`{"key":"k","type":"string","fallthrough":"a","rules":[{"variation":"a"}],
		"scheduled_changes":[{"action":"enable","execute_at":"2025-01-01T00:00:00+02:00"}]}`), &f); err != nil {
		t.Fatal(err)
	}
	if !f.Enabled || f.Status != StatusActive || !f.Temporary || f.CreatedBy != DefaultActor || f.Maintainer != "" {
		t.Errorf("defaults: %+v", f)
	}
	if f.Fallthrough.Variation != "a" || f.Rules[0].ID == "" {
		t.Errorf("fallthrough/rule id: %+v", f)
	}
	c := f.ScheduledChanges[0]
	if c.ID == "" || c.CreatedBy != DefaultActor || c.Payload == nil || !c.ExecuteAt.Equal(time.Date(2024, 12, 31, 22, 0, 0, 0, time.UTC)) {
		t.Errorf("change: %+v", c)
	}
	out, _ := json.Marshal(Flag{Key: "k", Maintainer: "alice"})
	for _, want := range []string{`"tags":[]`, `"variations":[]`, `"targets":{}`, `"rules":[]`, `"maintainer":"alice"`, `"fallthrough":""`} {
		if !strings.Contains(string(out), want) {
			t.Errorf("%s missing from %s", want, out)
		}
	}
	out, _ = json.Marshal(Rule{ID: "r", Rollout: []WeightedVariation{{"a", TotalWeight}}})
	if want := `{"id":"r","description":"","clauses":[],"rollout":[{"variation":"a","weight":100000}],"track_events":false,"variation":null}`; string(out) != want {
		t.Errorf("rule: %s", out)
	}
}

func TestJSONErrors(t *testing.T) {
	for _, in := range []string{
		`{"fallthrough": 5}`,
		`{"created_at": "yesterday"}`,
		`{"created_at": 5}`,
		`{"variations": [{"name": "a", "value": }]}`,
	} {
		var f Flag
		if err := json.Unmarshal([]byte(in), &f); err == nil {
			t.Errorf("%s: want an error", in)
		}
	}
}

func TestVariationNumbers(t *testing.T) {
	var v []Variation
	if err := json.Unmarshal([]byte(`[{"name":"a","value":9007199254740993},{"name":"b","value":1.5},{"name":"c","value":1e3},
		{"name":"d","value":{"n":1}},{"name":"e","value":[2]}]`), &v); err != nil {
		t.Fatal(err)
	}
	want := []any{int64(9007199254740993), 1.5, 1000.0, map[string]any{"n": 1.0}, []any{2.0}}
	for i, w := range want {
		if !reflect.DeepEqual(v[i].Value, w) {
			t.Errorf("%s: %#v, want %#v", v[i].Name, v[i].Value, w)
		}
	}
}

func TestSegmentJSON(t *testing.T) {
	in := `{"key": "beta", "name": "Beta Users", "description": "", "included": ["user_1"], "excluded": [],
		"rules": [{"description": "", "clauses": [{"attribute":"plan","operator":"is","values":["pro"],"negate":false}]}],
		"tags": [], "created_at": "2025-06-01 02:00:00", "updated_at": null}`
	var s Segment
	if err := json.Unmarshal([]byte(in), &s); err != nil {
		t.Fatal(err)
	}
	if s.Rules[0].ID == "" || !s.CreatedAt.Equal(time.Date(2025, 6, 1, 2, 0, 0, 0, time.UTC)) || !s.UpdatedAt.IsZero() {
		t.Errorf("%+v", s)
	}
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	out, _ := json.Marshal(Segment{Key: "x", Rules: []SegmentRule{{ID: "r"}}})
	if want := `{"key":"x","name":"","description":"","included":[],"excluded":[],"rules":[{"id":"r","description":"","clauses":[]}],"tags":[],"created_at":"0001-01-01T00:00:00Z","updated_at":"0001-01-01T00:00:00Z"}`; string(out) != want {
		t.Errorf("got  %s\nwant %s", out, want)
	}
}

func TestEvaluationContextJSON(t *testing.T) {
	var c EvaluationContext
	if err := json.Unmarshal([]byte(`{"key":"u","kind":"org","email":"a@b.c","country":null,"app_version":"1.2.0",
		"attributes":{"app_version":"2.0.0","plan":"pro"}}`), &c); err != nil {
		t.Fatal(err)
	}
	want := EvaluationContext{Key: "u", Kind: "org", Attributes: map[string]any{"email": "a@b.c", "app_version": "2.0.0", "plan": "pro"}}
	if !reflect.DeepEqual(c, want) {
		t.Errorf("got %+v", c)
	}
}

func TestParseTime(t *testing.T) {
	for in, want := range map[string]time.Time{
		"":                          {},
		"2025-06-01T02:00:00Z":      time.Date(2025, 6, 1, 2, 0, 0, 0, time.UTC),
		"2025-06-01T04:00:00+02:00": time.Date(2025, 6, 1, 2, 0, 0, 0, time.UTC),
		"2025-06-01T02:00:00.5":     time.Date(2025, 6, 1, 2, 0, 0, 500000000, time.UTC),
		"2025-06-01 02:00:00":       time.Date(2025, 6, 1, 2, 0, 0, 0, time.UTC),
		"2025-06-01":                time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC),
	} {
		got, err := ParseTime(in)
		if err != nil || !got.Equal(want) {
			t.Errorf("ParseTime(%q) = %v, %v", in, got, err)
		}
	}
	if _, err := ParseTime("June 1st"); err == nil || !strings.Contains(err.Error(), "use e.g.") {
		t.Errorf("want a helpful error, got %v", err)
	}
}
