package admin_test

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/waygate-go/waygate/admin"
	"github.com/waygate-go/waygate/core/audit"
	"github.com/waygate-go/waygate/core/backend"
	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/flag"
	"github.com/waygate-go/waygate/core/waygatetest"
	"github.com/waygate-go/waygate/core/webhook"
)

// checkoutFlag is the demo flag: on for the target beta_tester_1 and for
// the enterprise plan, off otherwise.
const checkoutFlag = `{"key":"new-checkout","name":"New checkout","type":"boolean","tags":["checkout","Web"],` +
	`"variations":[{"name":"on","value":true},{"name":"off","value":false}],"off_variation":"off","fallthrough":"off",` +
	`"targets":{"on":["beta_tester_1"]},` +
	`"rules":[{"id":"enterprise","clauses":[{"attribute":"plan","operator":"is","values":["enterprise"]}],"variation":"on"}]}`

// betaSegment is the demo segment.
const betaSegment = `{"key":"beta-testers","name":"Beta testers","included":["u1"],"tags":["beta"]}`

// seedFlags creates the demo flag and segment through the API.
func seedFlags(t *testing.T, f *fixture) {
	t.Helper()
	want(t, f.as("POST", "/api/flags", checkoutFlag), http.StatusCreated)
	want(t, f.as("POST", "/api/segments", betaSegment), http.StatusCreated)
}

func flagOf(t *testing.T, r response) flag.Flag {
	t.Helper()
	var fl flag.Flag
	r.json(t, &fl)
	return fl
}

func segmentOf(t *testing.T, r response) flag.Segment {
	t.Helper()
	var s flag.Segment
	r.json(t, &s)
	return s
}

// wantError fails unless r has status and an error message containing
// every part.
func wantError(t *testing.T, r response, status int, parts ...string) {
	t.Helper()
	want(t, r, status)
	msg := r.errorMessage(t)
	for _, p := range parts {
		if !strings.Contains(msg, p) {
			t.Errorf("error %q does not mention %q", msg, p)
		}
	}
}

// auditOf returns the audit entries of a flag or segment path, newest
// first.
func auditOf(t *testing.T, f *fixture, path string) []audit.Entry {
	t.Helper()
	entries, err := f.eng.Audit(context.Background(), audit.Query{Route: path})
	if err != nil {
		t.Fatal(err)
	}
	return entries
}

func TestCreateFlag(t *testing.T) {
	f := newFixture(t)
	r := f.call("POST", "/api/flags", f.adminToken, checkoutFlag, admin.PlatformHeader, "cli")
	want(t, r, http.StatusCreated)
	got := flagOf(t, r)
	if got.Key != "new-checkout" || got.Name != "New checkout" || !got.Enabled || got.CreatedBy != "admin" ||
		got.Status != flag.StatusActive || len(got.Rules) != 1 || got.CreatedAt.IsZero() {
		t.Errorf("created %s", r.body)
	}
	stored, found := f.eng.Flags().Flag("new-checkout")
	if !found || stored.Name != "New checkout" || stored.Targets["on"][0] != "beta_tester_1" {
		t.Fatalf("engine: %+v, %v", stored, found)
	}
	if e := auditOf(t, f, "flag:new-checkout"); len(e) != 1 || e[0].Action != audit.ActionFlagCreated || e[0].Actor != "admin" || e[0].Platform != "cli" {
		t.Errorf("audit %+v", e)
	}
	// Never overwrites (reference quirk 46).
	dup := strings.Replace(checkoutFlag, "New checkout", "Overwritten", 1)
	wantError(t, f.as("POST", "/api/flags", dup), http.StatusConflict, "new-checkout", "already exists", "PUT")
	if stored, _ := f.eng.Flags().Flag("new-checkout"); stored.Name != "New checkout" {
		t.Errorf("a duplicate create changed the flag: %+v", stored)
	}
}

// Invalid flags are refused with the validation message; nothing is
// stored.
func TestCreateFlagInvalid(t *testing.T) {
	f := newFixture(t)
	for _, tc := range []struct {
		name, body string
		parts      []string
	}{
		{"no key", `{"type":"boolean","variations":[{"name":"on","value":true},{"name":"off","value":false}],"off_variation":"off","fallthrough":"off"}`,
			[]string{"key is required"}},
		{"bad key", strings.Replace(checkoutFlag, `"key":"new-checkout"`, `"key":"new checkout"`, 1),
			[]string{"may contain only"}},
		{"weights", strings.Replace(checkoutFlag, `"fallthrough":"off"`, `"fallthrough":[{"variation":"on","weight":50000},{"variation":"off","weight":40000}]`, 1),
			[]string{"fallthrough", "weights sum to 90000"}},
		{"value type", strings.Replace(checkoutFlag, `"value":true`, `"value":"yes"`, 1),
			[]string{"variations[0].value"}},
		{"one variation", strings.Replace(checkoutFlag, `{"name":"on","value":true},`, ``, 1),
			[]string{"at least 2 variations"}},
		{"unknown variation", strings.Replace(checkoutFlag, `"off_variation":"off"`, `"off_variation":"of"`, 1),
			[]string{"off_variation", `"of"`}},
		{"self prerequisite", strings.Replace(checkoutFlag, `"tags"`, `"prerequisites":[{"flag_key":"new-checkout","variation":"on"}],"tags"`, 1),
			[]string{"prerequisite"}},
		{"missing prerequisite", strings.Replace(checkoutFlag, `"tags"`, `"prerequisites":[{"flag_key":"nope","variation":"on"}],"tags"`, 1),
			[]string{"nope"}},
		{"bad regex", strings.Replace(checkoutFlag, `"operator":"is","values":["enterprise"]`, `"operator":"matches","values":["("]`, 1),
			[]string{"rules[0].clauses[0]"}},
		{"bad operator", strings.Replace(checkoutFlag, `"operator":"is"`, `"operator":"equals"`, 1),
			[]string{"equals"}},
		{"unknown field", strings.Replace(checkoutFlag, `"tags"`, `"fallthru":"on","tags"`, 1),
			[]string{`unknown field "fallthru"`}},
		{"unknown nested field", strings.Replace(checkoutFlag, `"attribute":"plan"`, `"atribute":"plan"`, 1),
			[]string{`unknown field "rules[0].clauses[0].atribute"`}},
		{"unknown variation field", strings.Replace(checkoutFlag, `{"name":"on","value":true}`, `{"name":"on","value":true,"weight":1}`, 1),
			[]string{`unknown field "variations[0].weight"`}},
		{"unknown rollout field", strings.Replace(checkoutFlag, `"fallthrough":"off"`, `"fallthrough":[{"variation":"on","weight":100000,"w":1}]`, 1),
			[]string{`unknown field "fallthrough[0].w"`}},
		{"fractional weight", strings.Replace(checkoutFlag, `"fallthrough":"off"`, `"fallthrough":[{"variation":"on","weight":99999.5}]`, 1),
			[]string{"weight", "whole number"}},
		{"bad time", strings.Replace(checkoutFlag, `"tags"`, `"created_at":"yesterday","tags"`, 1),
			[]string{"created_at", "RFC 3339"}},
		{"array", `[` + checkoutFlag + `]`, []string{"object"}},
	} {
		r := f.as("POST", "/api/flags", tc.body)
		if r.status != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400 (%s)", tc.name, r.status, r.body)
			continue
		}
		msg := r.errorMessage(t)
		for _, p := range tc.parts {
			if !strings.Contains(msg, p) {
				t.Errorf("%s: message %q does not mention %q", tc.name, msg, p)
			}
		}
	}
	if n := len(f.eng.Flags().Snapshot().Flags()); n != 0 {
		t.Errorf("%d invalid flags were stored", n)
	}
}

// Prerequisite cycles are refused on write.
func TestFlagPrerequisiteCycle(t *testing.T) {
	f := newFixture(t)
	a := strings.NewReplacer(`"key":"new-checkout"`, `"key":"a"`).Replace(checkoutFlag)
	b := strings.NewReplacer(`"key":"new-checkout"`, `"key":"b"`, `"tags"`, `"prerequisites":[{"flag_key":"a","variation":"on"}],"tags"`).Replace(checkoutFlag)
	want(t, f.as("POST", "/api/flags", a), http.StatusCreated)
	want(t, f.as("POST", "/api/flags", b), http.StatusCreated)
	r := f.as("PATCH", "/api/flags/a", `{"prerequisites":[{"flag_key":"b","variation":"on"}]}`)
	wantError(t, r, http.StatusBadRequest, "cycle")
	r = f.as("PUT", "/api/flags/a", strings.Replace(a, `"tags"`, `"prerequisites":[{"flag_key":"b","variation":"on"}],"tags"`, 1))
	wantError(t, r, http.StatusBadRequest, "cycle")
	if fl, _ := f.eng.Flags().Flag("a"); len(fl.Prerequisites) != 0 {
		t.Errorf("the cycle was stored: %+v", fl.Prerequisites)
	}
}

func TestListFlags(t *testing.T) {
	f := newFixture(t)
	seedFlags(t, f)
	for _, k := range []string{"zeta", "alpha"} {
		body := strings.NewReplacer(`"key":"new-checkout"`, `"key":"`+k+`"`, `"name":"New checkout"`, `"name":"Flag `+k+`"`,
			`"tags":["checkout","Web"]`, `"tags":["ops"]`).Replace(checkoutFlag)
		want(t, f.as("POST", "/api/flags", body), http.StatusCreated)
	}
	keys := func(query string) []string {
		t.Helper()
		r := f.call("GET", "/api/flags"+query, f.viewerToken, "")
		want(t, r, http.StatusOK)
		var list []flag.Flag
		r.json(t, &list)
		out := []string{}
		for _, fl := range list {
			out = append(out, fl.Key)
		}
		return out
	}
	for query, wantKeys := range map[string][]string{
		"":                    {"alpha", "new-checkout", "zeta"},
		"?search=checkout":    {"new-checkout"}, // key
		"?search=web":         {"new-checkout"}, // tag, any case
		"?search=FLAG%20Z":    {"zeta"},         // name
		"?search=ops":         {"alpha", "zeta"},
		"?search=nothing":     {},
		"?search=%20alpha%20": {"alpha"},
	} {
		if got := keys(query); !slices.Equal(got, wantKeys) {
			t.Errorf("GET /api/flags%s: %v, want %v", query, got, wantKeys)
		}
	}
	// An empty list is [], not null.
	g := newFixture(t)
	if r := g.as("GET", "/api/flags", ""); compact(t, r.body) != "[]" {
		t.Errorf("no flags: %s", r.body)
	}
}

func TestGetFlag(t *testing.T) {
	f := newFixture(t)
	seedFlags(t, f)
	r := f.call("GET", "/api/flags/new-checkout", f.viewerToken, "")
	want(t, r, http.StatusOK)
	if got := flagOf(t, r); got.Key != "new-checkout" || got.Fallthrough.Variation != "off" || got.Rules[0].ID != "enterprise" {
		t.Errorf("flag %s", r.body)
	}
	// The reference's JSON shape: empty lists as [], maintainer null.
	var raw map[string]any
	r.json(t, &raw)
	if raw["prerequisites"] == nil || raw["scheduled_changes"] == nil || raw["maintainer"] != nil || raw["fallthrough"] != "off" {
		t.Errorf("shape %s", r.body)
	}
	wantError(t, f.as("GET", "/api/flags/missing", ""), http.StatusNotFound, `flag "missing" does not exist`)
	// A flag named login is not public.
	want(t, f.call("GET", "/api/flags/login", "", ""), http.StatusUnauthorized)
}

// PUT replaces an existing flag; it never creates one (reference quirk 64).
func TestReplaceFlag(t *testing.T) {
	f := newFixture(t)
	seedFlags(t, f)
	before, _ := f.eng.Flags().Flag("new-checkout")
	f.clk.Advance(time.Hour)
	body := strings.NewReplacer(`"key":"new-checkout",`, ``, `"name":"New checkout"`, `"name":"Checkout v2"`, `"fallthrough":"off"`, `"fallthrough":"on"`).Replace(checkoutFlag)
	r := f.as("PUT", "/api/flags/new-checkout", body)
	want(t, r, http.StatusOK)
	got := flagOf(t, r)
	if got.Key != "new-checkout" || got.Name != "Checkout v2" || got.Fallthrough.Variation != "on" ||
		!got.CreatedAt.Equal(before.CreatedAt) || got.CreatedBy != "admin" || !got.UpdatedAt.After(before.UpdatedAt) {
		t.Errorf("replaced %s (before %+v)", r.body, before)
	}
	if stored, _ := f.eng.Flags().Flag("new-checkout"); stored.Name != "Checkout v2" {
		t.Errorf("engine %+v", stored)
	}
	if !f.eng.Flags().Bool("new-checkout", flag.EvaluationContext{Key: "anyone"}, false) {
		t.Error("the new fallthrough is not served")
	}
	// The key in the body must be the URL's.
	wantError(t, f.as("PUT", "/api/flags/new-checkout", strings.Replace(checkoutFlag, `"key":"new-checkout"`, `"key":"other"`, 1)),
		http.StatusBadRequest, `"other"`, `"new-checkout"`)
	want(t, f.as("PUT", "/api/flags/new-checkout", checkoutFlag), http.StatusOK)
	// A missing flag is 404 and is not created.
	wantError(t, f.as("PUT", "/api/flags/brand-new", body), http.StatusNotFound, `flag "brand-new" does not exist`, "POST /api/flags")
	if _, found := f.eng.Flags().Flag("brand-new"); found {
		t.Error("PUT created a flag")
	}
	// Invalid replacements are refused and change nothing.
	wantError(t, f.as("PUT", "/api/flags/new-checkout", strings.Replace(body, `"off_variation":"off"`, `"off_variation":"none"`, 1)),
		http.StatusBadRequest, "off_variation")
	wantError(t, f.as("PUT", "/api/flags/new-checkout", ``), http.StatusBadRequest, "body is required")
	if stored, _ := f.eng.Flags().Flag("new-checkout"); stored.OffVariation != "off" {
		t.Errorf("an invalid PUT changed the flag: %+v", stored)
	}
	// What GET answers, PUT takes back unchanged (nulls, times, rollouts,
	// scheduled changes included).
	want(t, f.as("PATCH", "/api/flags/new-checkout", `{"fallthrough":[{"variation":"on","weight":25000},{"variation":"off","weight":75000}],`+
		`"rules":[{"clauses":[],"rollout":[{"variation":"on","weight":100000}]}],`+
		`"scheduled_changes":[{"execute_at":"2030-01-01 00:00:00","action":"update_rollout","payload":{"variation":"on"}}]}`), http.StatusOK)
	got = flagOf(t, f.as("GET", "/api/flags/new-checkout", ""))
	raw := f.as("GET", "/api/flags/new-checkout", "").body
	r = f.as("PUT", "/api/flags/new-checkout", string(raw))
	want(t, r, http.StatusOK)
	again := flagOf(t, r)
	if len(again.Fallthrough.Rollout) != 2 || len(again.ScheduledChanges) != 1 || again.ScheduledChanges[0].ID != got.ScheduledChanges[0].ID ||
		again.Rules[0].ID != got.Rules[0].ID || !again.CreatedAt.Equal(got.CreatedAt) {
		t.Errorf("round trip changed the flag:\n%s\n%s", raw, r.body)
	}
	seg := f.as("GET", "/api/segments/beta-testers", "").body
	want(t, f.as("PUT", "/api/segments/beta-testers", string(seg)), http.StatusOK)
}

func TestPatchFlag(t *testing.T) {
	f := newFixture(t)
	seedFlags(t, f)
	r := f.call("PATCH", "/api/flags/new-checkout", f.adminToken, `{"name":"Renamed","tags":["x"],"maintainer":"ops"}`, admin.PlatformHeader, "dashboard")
	want(t, r, http.StatusOK)
	got := flagOf(t, r)
	if got.Name != "Renamed" || !slices.Equal(got.Tags, []string{"x"}) || got.Maintainer != "ops" ||
		len(got.Rules) != 1 || got.Targets["on"][0] != "beta_tester_1" || !got.Enabled {
		t.Errorf("patched %s", r.body)
	}
	if stored, _ := f.eng.Flags().Flag("new-checkout"); stored.Name != "Renamed" || len(stored.Rules) != 1 {
		t.Errorf("engine %+v", stored)
	}
	if e := auditOf(t, f, "flag:new-checkout"); e[0].Action != audit.ActionFlagUpdated || e[0].Actor != "admin" || e[0].Platform != "dashboard" {
		t.Errorf("audit %+v", e[0])
	}
	// The same key is allowed, another is not.
	want(t, f.as("PATCH", "/api/flags/new-checkout", `{"key":"new-checkout"}`), http.StatusOK)
	wantError(t, f.as("PATCH", "/api/flags/new-checkout", `{"key":"other"}`), http.StatusBadRequest, "rename")
	wantError(t, f.as("PATCH", "/api/flags/new-checkout", `{"fallthrough":[{"variation":"on","weight":1}]}`), http.StatusBadRequest, "weights sum to 1")
	wantError(t, f.as("PATCH", "/api/flags/new-checkout", `{"nmae":"x"}`), http.StatusBadRequest, `unknown field "nmae"`)
	wantError(t, f.as("PATCH", "/api/flags/new-checkout", `{"enabled":"no"}`), http.StatusBadRequest, `"enabled"`, "boolean")
	wantError(t, f.as("PATCH", "/api/flags/new-checkout", `[{"name":"x"}]`), http.StatusBadRequest, "object")
	wantError(t, f.as("PATCH", "/api/flags/new-checkout", ``), http.StatusBadRequest, "body is required")
	wantError(t, f.as("PATCH", "/api/flags/missing", `{"name":"x"}`), http.StatusNotFound, `flag "missing" does not exist`)
	if stored, _ := f.eng.Flags().Flag("new-checkout"); stored.Name != "Renamed" || stored.Fallthrough.Variation != "off" {
		t.Errorf("a refused patch changed the flag: %+v", stored)
	}
}

func TestDeleteFlag(t *testing.T) {
	f := newFixture(t)
	seedFlags(t, f)
	dep := strings.NewReplacer(`"key":"new-checkout"`, `"key":"dependent"`, `"tags"`, `"prerequisites":[{"flag_key":"new-checkout","variation":"on"}],"tags"`).Replace(checkoutFlag)
	want(t, f.as("POST", "/api/flags", dep), http.StatusCreated)
	// A prerequisite of another flag stays.
	wantError(t, f.as("DELETE", "/api/flags/new-checkout", ""), http.StatusBadRequest, "prerequisite of dependent")
	r := f.as("DELETE", "/api/flags/dependent", "")
	want(t, r, http.StatusOK)
	if got := compact(t, r.body); got != `{"ok":true,"deleted":"dependent"}` {
		t.Errorf("delete %s", got)
	}
	if _, found := f.eng.Flags().Flag("dependent"); found {
		t.Error("the flag is still there")
	}
	if e := auditOf(t, f, "flag:dependent"); e[0].Action != audit.ActionFlagDeleted || e[0].Actor != "admin" {
		t.Errorf("audit %+v", e[0])
	}
	wantError(t, f.as("DELETE", "/api/flags/dependent", ""), http.StatusNotFound, "does not exist")
	want(t, f.as("DELETE", "/api/flags/new-checkout", ""), http.StatusOK)
}

// Enable and disable are the kill switch.
func TestEnableDisableFlag(t *testing.T) {
	f := newFixture(t)
	seedFlags(t, f)
	beta := flag.EvaluationContext{Key: "beta_tester_1"}
	r := f.as("POST", "/api/flags/new-checkout/disable", "")
	want(t, r, http.StatusOK)
	if got := flagOf(t, r); got.Enabled || got.Key != "new-checkout" {
		t.Errorf("disable %s", r.body)
	}
	if f.eng.Flags().Bool("new-checkout", beta, true) {
		t.Error("a disabled flag serves on")
	}
	if e := auditOf(t, f, "flag:new-checkout"); e[0].Action != audit.ActionFlagDisabled || e[0].Actor != "admin" {
		t.Errorf("audit %+v", e[0])
	}
	r = f.as("POST", "/api/flags/new-checkout/enable", "{}")
	want(t, r, http.StatusOK)
	if got := flagOf(t, r); !got.Enabled {
		t.Errorf("enable %s", r.body)
	}
	if !f.eng.Flags().Bool("new-checkout", beta, false) {
		t.Error("an enabled flag does not serve its target")
	}
	if e := auditOf(t, f, "flag:new-checkout"); e[0].Action != audit.ActionFlagEnabled {
		t.Errorf("audit %+v", e[0])
	}
	wantError(t, f.as("POST", "/api/flags/missing/enable", ""), http.StatusNotFound, `flag "missing"`)
	wantError(t, f.as("POST", "/api/flags/missing/disable", ""), http.StatusNotFound, `flag "missing"`)
	wantError(t, f.as("POST", "/api/flags/new-checkout/disable", `{"reason":"x"}`), http.StatusBadRequest, "unknown field")
}

func TestEvaluateFlag(t *testing.T) {
	f := newFixture(t)
	seedFlags(t, f)
	// eval answers the reference's fields as compact JSON and, apart, the
	// same evaluation in OpenFeature's terms.
	var of struct {
		Reason    string         `json:"reason"`
		Variant   string         `json:"variant"`
		ErrorCode string         `json:"error_code"`
		Metadata  map[string]any `json:"metadata"`
	}
	eval := func(token, key, body string) string {
		t.Helper()
		r := f.call("POST", "/api/flags/"+key+"/evaluate", token, body)
		want(t, r, http.StatusOK)
		var all map[string]json.RawMessage
		r.json(t, &all)
		of.Reason, of.Variant, of.ErrorCode, of.Metadata = "", "", "", nil
		if err := json.Unmarshal(all["openfeature"], &of); err != nil {
			t.Fatalf("openfeature: %s: %v", r.body, err)
		}
		i := strings.LastIndex(string(r.body), `,"openfeature":`)
		if i < 0 {
			t.Fatalf("no openfeature details: %s", r.body)
		}
		return compact(t, append(r.body[:i:i], '}'))
	}
	for _, tc := range []struct{ body, want, of string }{
		{`{"context":{"key":"beta_tester_1"}}`,
			`{"flag_key":"new-checkout","value":true,"variation":"on","reason":"TARGET_MATCH","rule_id":null,"prerequisite_key":null,"error_message":null}`, "TARGETING_MATCH"},
		{`{"context":{"key":"u2","kind":"user","attributes":{"plan":"enterprise"}}}`,
			`{"flag_key":"new-checkout","value":true,"variation":"on","reason":"RULE_MATCH","rule_id":"enterprise","prerequisite_key":null,"error_message":null}`, "TARGETING_MATCH"},
		{`{"context":{"key":"u2","attributes":{"plan":"free"}},"default":true}`,
			`{"flag_key":"new-checkout","value":false,"variation":"off","reason":"FALLTHROUGH","rule_id":null,"prerequisite_key":null,"error_message":null}`, "DEFAULT"},
		// The reference's top-level context fields are attributes.
		{`{"context":{"key":"u3","email":"a@example.com","country":"DE"}}`,
			`{"flag_key":"new-checkout","value":false,"variation":"off","reason":"FALLTHROUGH","rule_id":null,"prerequisite_key":null,"error_message":null}`, "DEFAULT"},
		// Without a body: no key, which this flag (no rollout) does not need.
		{``, `{"flag_key":"new-checkout","value":false,"variation":"off","reason":"FALLTHROUGH","rule_id":null,"prerequisite_key":null,"error_message":null}`, "DEFAULT"},
	} {
		if got := eval(f.viewerToken, "new-checkout", tc.body); got != tc.want || of.Reason != tc.of || of.Variant == "" ||
			of.Metadata["flagSetId"] != "default" || of.Metadata["version"] == "" {
			t.Errorf("evaluate %s\n got %s %+v\nwant %s %s", tc.body, got, of, tc.want, tc.of)
		}
	}
	want(t, f.as("POST", "/api/flags/new-checkout/disable", ""), http.StatusOK)
	if got := eval(f.adminToken, "new-checkout", `{"context":{"key":"beta_tester_1"}}`); !strings.Contains(got, `"reason":"OFF"`) {
		t.Errorf("disabled: %s", got)
	}
	// A missing flag is 404, default or not.
	wantError(t, f.as("POST", "/api/flags/missing/evaluate", `{"context":{"key":"u"},"default":true}`), http.StatusNotFound, `flag "missing" does not exist`)
	// The default is the value when the flag serves none. The engine
	// refuses invalid flags, so one is put straight into its store.
	f.eng.Flags().SetFlag(flag.Flag{Key: "broken", Type: flag.TypeBoolean})
	got := eval(f.adminToken, "broken", `{"context":{"key":"u"},"default":{"fallback":[1,2]}}`)
	if !strings.HasPrefix(got, `{"flag_key":"broken","value":{"fallback":[1,2]},"variation":null,"reason":"ERROR"`) {
		t.Errorf("default not applied: %s", got)
	}
	if got := eval(f.adminToken, "broken", `{"default":null}`); !strings.Contains(got, `"value":null`) {
		t.Errorf("null default: %s", got)
	}
	// Bad input.
	wantError(t, f.as("POST", "/api/flags/new-checkout/evaluate", `{"context":{"key":"u","attribute":{}}}`), http.StatusBadRequest, `unknown field "context.attribute"`)
	wantError(t, f.as("POST", "/api/flags/new-checkout/evaluate", `{"ctx":{}}`), http.StatusBadRequest, `unknown field "ctx"`)
	wantError(t, f.as("POST", "/api/flags/new-checkout/evaluate", `{"context":{"kind":["user"]}}`), http.StatusBadRequest, `"context.kind"`)
	// The debugger is not counted.
	if c := f.eng.Flags().Recorder().Counts("new-checkout"); len(c) != 0 {
		t.Errorf("debugger evaluations were counted: %v", c)
	}
}

func TestFlagMetrics(t *testing.T) {
	f := newFixture(t)
	seedFlags(t, f)
	r := f.call("GET", "/api/flags/new-checkout/metrics", f.viewerToken, "")
	want(t, r, http.StatusOK)
	if got := compact(t, r.body); got != `{"flag_key":"new-checkout","total":0,"counts":{"off":0,"on":0},"no_variation":0}` {
		t.Errorf("before: %s", got)
	}
	store := f.eng.Flags()
	store.Bool("new-checkout", flag.EvaluationContext{Key: "beta_tester_1"}, false)
	store.Bool("new-checkout", flag.EvaluationContext{Key: "beta_tester_1"}, false)
	store.Bool("new-checkout", flag.EvaluationContext{Key: "someone"}, false)
	store.Bool("missing", flag.EvaluationContext{Key: "someone"}, false)
	r = f.call("GET", "/api/flags/new-checkout/metrics", f.viewerToken, "")
	want(t, r, http.StatusOK)
	if got := compact(t, r.body); got != `{"flag_key":"new-checkout","total":3,"counts":{"off":1,"on":2},"no_variation":0}` {
		t.Errorf("after: %s", got)
	}
	wantError(t, f.as("GET", "/api/flags/missing/metrics", ""), http.StatusNotFound, `flag "missing"`)
}

// An evaluation made through the engine's store reaches the stream within
// 100 ms.
func TestFlagStreamDeliversEvaluationsWithin100ms(t *testing.T) {
	f := newFixture(t)
	seedFlags(t, f)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	lines, resp := streamAt(t, ctx, f, "/api/flags/stream")
	if resp.Header.Get("Cache-Control") != "no-cache" {
		t.Errorf("headers %v", resp.Header)
	}
	start := time.Now()
	f.eng.Flags().Bool("new-checkout", flag.EvaluationContext{Key: "u9", Attributes: map[string]any{"plan": "enterprise"}}, false)
	name, data := next(t, lines, 100*time.Millisecond)
	var ev flag.Event
	if err := json.Unmarshal([]byte(data), &ev); err != nil {
		t.Fatal(err)
	}
	if name != "evaluation" || ev.FlagKey != "new-checkout" || ev.Variation != "on" || ev.Reason != flag.ReasonRuleMatch ||
		ev.ContextKey != "u9" || ev.RuleID != "enterprise" || ev.Time.IsZero() {
		t.Errorf("event %s %s", name, data)
	}
	t.Logf("delivered in %s", time.Since(start))

	// ?flag= keeps one flag's evaluations.
	want(t, f.as("POST", "/api/flags", strings.Replace(checkoutFlag, "new-checkout", "other", 1)), http.StatusCreated)
	lines2, _ := streamAt(t, ctx, f, "/api/flags/stream?flag=other")
	f.eng.Flags().Bool("new-checkout", flag.EvaluationContext{Key: "u1"}, false)
	f.eng.Flags().Bool("other", flag.EvaluationContext{Key: "beta_tester_1"}, false)
	if _, data := next(t, lines2, time.Second); !strings.Contains(data, `"flag_key":"other"`) || !strings.Contains(data, `"reason":"TARGET_MATCH"`) {
		t.Errorf("filtered stream: %s", data)
	}
}

// The stream sends keepalives and ends when the client hangs up or the
// handler closes.
func TestFlagStreamKeepAliveAndEnd(t *testing.T) {
	f := newFixture(t, admin.WithKeepAlive(10*time.Millisecond))
	ctx, hangUp := context.WithCancel(context.Background())
	lines, _ := streamAt(t, ctx, f, "/api/flags/stream")
	deadline := time.After(5 * time.Second)
	for got := false; !got; {
		select {
		case line := <-lines:
			got = line == ": keepalive"
		case <-deadline:
			t.Fatal("no keepalive")
		}
	}
	// The client hangs up: the handler returns, so the server can close
	// (httptest.Server.Close waits for running handlers).
	hangUp()
	done := make(chan struct{})
	go func() { f.srv.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("the stream handler kept running after the client went away")
	}

	g := newFixture(t, admin.WithKeepAlive(time.Hour))
	ctx2, cancel2 := context.WithCancel(context.Background())
	defer cancel2()
	lines, _ = streamAt(t, ctx2, g, "/api/flags/stream")
	g.h.Close()
	for {
		select {
		case _, open := <-lines:
			if !open {
				return // Close ended the stream
			}
		case <-time.After(5 * time.Second):
			t.Fatal("Close did not end the stream")
		}
	}
}

func TestCreateAndListSegments(t *testing.T) {
	f := newFixture(t)
	r := f.as("POST", "/api/segments", betaSegment)
	want(t, r, http.StatusCreated)
	if got := segmentOf(t, r); got.Key != "beta-testers" || got.Name != "Beta testers" || !slices.Equal(got.Included, []string{"u1"}) || got.CreatedAt.IsZero() {
		t.Errorf("created %s", r.body)
	}
	if s, found := f.eng.Flags().Segment("beta-testers"); !found || s.Name != "Beta testers" {
		t.Errorf("engine %+v %v", s, found)
	}
	if e := auditOf(t, f, "segment:beta-testers"); len(e) != 1 || e[0].Action != audit.ActionSegmentCreated || e[0].Actor != "admin" {
		t.Errorf("audit %+v", e)
	}
	wantError(t, f.as("POST", "/api/segments", betaSegment), http.StatusConflict, `segment "beta-testers" already exists`)
	wantError(t, f.as("POST", "/api/segments", `{"name":"x"}`), http.StatusBadRequest, "key is required")
	wantError(t, f.as("POST", "/api/segments", `{"key":"s","included":[""]}`), http.StatusBadRequest, "included[0]")
	wantError(t, f.as("POST", "/api/segments", `{"key":"s","rules":[{"clauses":[{"attribute":"a","operator":"in_segment","values":["s"]}]}]}`), http.StatusBadRequest, "s")
	wantError(t, f.as("POST", "/api/segments", `{"key":"s","rules":[{"clauses":[{"atribute":"a"}]}]}`), http.StatusBadRequest, `unknown field "rules[0].clauses[0].atribute"`)
	wantError(t, f.as("POST", "/api/segments", `{"key":"s","members":["u"]}`), http.StatusBadRequest, `unknown field "members"`)

	want(t, f.as("POST", "/api/segments", `{"key":"alpha","name":"Alpha","tags":["ops"]}`), http.StatusCreated)
	var list []flag.Segment
	r = f.call("GET", "/api/segments", f.viewerToken, "")
	want(t, r, http.StatusOK)
	r.json(t, &list)
	if len(list) != 2 || list[0].Key != "alpha" || list[1].Key != "beta-testers" {
		t.Errorf("list %s", r.body)
	}
	f.as("GET", "/api/segments?search=BETA", "").json(t, &list)
	if len(list) != 1 || list[0].Key != "beta-testers" {
		t.Errorf("search %+v", list)
	}
	r = f.call("GET", "/api/segments/beta-testers", f.viewerToken, "")
	want(t, r, http.StatusOK)
	if got := segmentOf(t, r); got.Key != "beta-testers" {
		t.Errorf("get %s", r.body)
	}
	wantError(t, f.as("GET", "/api/segments/missing", ""), http.StatusNotFound, `segment "missing" does not exist`)
}

func TestReplaceAndDeleteSegment(t *testing.T) {
	f := newFixture(t)
	seedFlags(t, f)
	r := f.as("PUT", "/api/segments/beta-testers", `{"name":"Beta","included":["u7"],"excluded":["u8"]}`)
	want(t, r, http.StatusOK)
	if got := segmentOf(t, r); got.Key != "beta-testers" || got.Name != "Beta" || !slices.Equal(got.Included, []string{"u7"}) || len(got.Tags) != 0 {
		t.Errorf("replaced %s", r.body)
	}
	if s, _ := f.eng.Flags().Segment("beta-testers"); !slices.Equal(s.Excluded, []string{"u8"}) {
		t.Errorf("engine %+v", s)
	}
	wantError(t, f.as("PUT", "/api/segments/beta-testers", `{"key":"other"}`), http.StatusBadRequest, `"other"`)
	wantError(t, f.as("PUT", "/api/segments/new-one", `{"name":"x"}`), http.StatusNotFound, `segment "new-one" does not exist`)
	if _, found := f.eng.Flags().Segment("new-one"); found {
		t.Error("PUT created a segment")
	}
	// A segment a flag uses stays.
	want(t, f.as("PATCH", "/api/flags/new-checkout",
		`{"rules":[{"id":"beta","clauses":[{"attribute":"key","operator":"in_segment","values":["beta-testers"]}],"variation":"on"}]}`), http.StatusOK)
	wantError(t, f.as("DELETE", "/api/segments/beta-testers", ""), http.StatusBadRequest, "new-checkout")
	want(t, f.as("PATCH", "/api/flags/new-checkout", `{"rules":[]}`), http.StatusOK)
	r = f.as("DELETE", "/api/segments/beta-testers", "")
	want(t, r, http.StatusOK)
	if got := compact(t, r.body); got != `{"ok":true,"deleted":"beta-testers"}` {
		t.Errorf("delete %s", got)
	}
	if _, found := f.eng.Flags().Segment("beta-testers"); found {
		t.Error("the segment is still there")
	}
	if e := auditOf(t, f, "segment:beta-testers"); e[0].Action != audit.ActionSegmentDeleted || e[0].Actor != "admin" {
		t.Errorf("audit %+v", e[0])
	}
	wantError(t, f.as("DELETE", "/api/segments/beta-testers", ""), http.StatusNotFound, "does not exist")
}

// Include and exclude move context keys between the two lists, and
// evaluations follow.
func TestSegmentIncludeExclude(t *testing.T) {
	f := newFixture(t)
	seedFlags(t, f)
	want(t, f.as("PUT", "/api/segments/beta-testers", `{"included":["a"],"excluded":["b"]}`), http.StatusOK)
	want(t, f.as("PATCH", "/api/flags/new-checkout",
		`{"rules":[{"id":"beta","clauses":[{"attribute":"key","operator":"in_segment","values":["beta-testers"]}],"variation":"on"}]}`), http.StatusOK)
	on := func(user string) bool {
		return f.eng.Flags().Bool("new-checkout", flag.EvaluationContext{Key: user}, false)
	}
	if !on("a") || on("b") || on("c") {
		t.Fatal("membership before the change")
	}
	r := f.as("POST", "/api/segments/beta-testers/include", `{"keys":["b","c","c","a"]}`)
	want(t, r, http.StatusOK)
	if got := segmentOf(t, r); !slices.Equal(got.Included, []string{"a", "b", "c"}) || len(got.Excluded) != 0 {
		t.Errorf("include %s", r.body)
	}
	if !on("b") || !on("c") {
		t.Error("included keys are not members")
	}
	r = f.as("POST", "/api/segments/beta-testers/exclude", `{"keys":["a","z"]}`)
	want(t, r, http.StatusOK)
	if got := segmentOf(t, r); !slices.Equal(got.Included, []string{"b", "c"}) || !slices.Equal(got.Excluded, []string{"a", "z"}) {
		t.Errorf("exclude %s", r.body)
	}
	if on("a") || !on("b") {
		t.Error("exclusion not applied")
	}
	if s, _ := f.eng.Flags().Segment("beta-testers"); !slices.Equal(s.Excluded, []string{"a", "z"}) {
		t.Errorf("engine %+v", s)
	}
	if e := auditOf(t, f, "segment:beta-testers"); e[0].Action != audit.ActionSegmentUpdated || e[0].Actor != "admin" {
		t.Errorf("audit %+v", e[0])
	}
	wantError(t, f.as("POST", "/api/segments/beta-testers/include", `{"keys":[]}`), http.StatusBadRequest, "keys is required")
	wantError(t, f.as("POST", "/api/segments/beta-testers/include", `{}`), http.StatusBadRequest, "keys is required")
	wantError(t, f.as("POST", "/api/segments/beta-testers/include", ``), http.StatusBadRequest, "body is required")
	wantError(t, f.as("POST", "/api/segments/beta-testers/exclude", `{"keys":["ok"," "]}`), http.StatusBadRequest, "keys[1]")
	wantError(t, f.as("POST", "/api/segments/missing/include", `{"keys":["a"]}`), http.StatusNotFound, `segment "missing"`)
}

// Viewers read flags and segments, evaluate and watch, and change nothing;
// look-alike public paths need a token.
func TestFlagAccess(t *testing.T) {
	f := newFixture(t)
	seedFlags(t, f)
	for _, c := range []struct{ method, path, body string }{
		{"POST", "/api/flags", strings.Replace(checkoutFlag, "new-checkout", "x", 1)},
		{"PUT", "/api/flags/new-checkout", checkoutFlag},
		{"PATCH", "/api/flags/new-checkout", `{"name":"x"}`},
		{"DELETE", "/api/flags/new-checkout", ""},
		{"POST", "/api/flags/new-checkout/disable", ""},
		{"POST", "/api/segments", `{"key":"x"}`},
		{"PUT", "/api/segments/beta-testers", `{}`},
		{"DELETE", "/api/segments/beta-testers", ""},
		{"POST", "/api/segments/beta-testers/include", `{"keys":["v"]}`},
		{"POST", "/api/segments/beta-testers/exclude", `{"keys":["u1"]}`},
	} {
		wantError(t, f.call(c.method, c.path, f.viewerToken, c.body), http.StatusForbidden, "viewer")
	}
	if fl, _ := f.eng.Flags().Flag("new-checkout"); !fl.Enabled || fl.Name != "New checkout" {
		t.Errorf("a viewer changed the flag: %+v", fl)
	}
	for _, p := range []string{"/api/flags/login", "/api/flags/login/evaluate", "/api/segments/login", "/api/flags/login/metrics", "/api/flags/stream"} {
		for _, m := range []string{"GET", "POST", "PUT", "PATCH", "DELETE"} {
			if r := f.call(m, p, "", "{}"); r.status != http.StatusUnauthorized {
				t.Errorf("%s %s without a token: %d (%s)", m, p, r.status, r.body)
			}
		}
	}
	// A flag named login is an ordinary flag.
	want(t, f.as("POST", "/api/flags", strings.Replace(checkoutFlag, "new-checkout", "login", 1)), http.StatusCreated)
	want(t, f.call("GET", "/api/flags/login", f.viewerToken, ""), http.StatusOK)
	want(t, f.call("GET", "/api/flags/login", "", ""), http.StatusUnauthorized)
	// Cookie sessions need the CSRF token for the debugger too.
	jar := f.login("viewer", viewerPass)
	r := f.call("POST", "/api/flags/new-checkout/evaluate", "", `{}`, "Cookie", admin.SessionCookie+"="+jar)
	wantError(t, r, http.StatusForbidden, "CSRF")
}

// Flag and segment changes fire webhooks and reach the change stream.
func TestFlagChangesFireWebhooksAndEvents(t *testing.T) {
	rv := newReceiver(t)
	f := newHookFixture(t, webhook.WithHook(rv.URL, webhook.Secret("s")))
	lines, _ := stream(t, f)

	want(t, f.as("POST", "/api/flags", checkoutFlag), http.StatusCreated)
	d := rv.next(t)
	var ev webhook.Event
	if err := json.Unmarshal(d.body, &ev); err != nil {
		t.Fatal(err)
	}
	if ev.Event != "flag_created" || ev.Kind != "flag" || ev.Path != "flag:new-checkout" || ev.Actor != "admin" ||
		ev.Flag == nil || ev.Flag.Key != "new-checkout" || ev.Flag.Name != "New checkout" || ev.State != nil {
		t.Errorf("payload %s", d.body)
	}
	if d.header.Get("X-Waygate-Event") != "flag_created" || d.header.Get("X-Waygate-Signature") != webhook.Sign("s", d.body) {
		t.Errorf("headers %v", d.header)
	}
	if name, data := next(t, lines, 100*time.Millisecond); name != "flag" || !strings.Contains(data, `"event":"flag_created","kind":"flag","path":"flag:new-checkout"`) {
		t.Errorf("stream %s %s", name, data)
	}

	want(t, f.as("POST", "/api/flags/new-checkout/disable", ""), http.StatusOK)
	if d := rv.next(t); !strings.Contains(string(d.body), `"event":"flag_disabled","kind":"flag","path":"flag:new-checkout"`) || !strings.Contains(string(d.body), `"enabled":false`) {
		t.Errorf("disable payload %s", d.body)
	}
	want(t, f.as("PATCH", "/api/flags/new-checkout", `{"name":"v2"}`), http.StatusOK)
	if d := rv.next(t); !strings.Contains(string(d.body), `"event":"flag_updated"`) {
		t.Errorf("patch payload %s", d.body)
	}
	want(t, f.as("POST", "/api/segments", betaSegment), http.StatusCreated)
	d = rv.next(t)
	ev = webhook.Event{}
	if err := json.Unmarshal(d.body, &ev); err != nil {
		t.Fatal(err)
	}
	if ev.Event != "segment_created" || ev.Kind != "segment" || ev.Path != "segment:beta-testers" || ev.Segment == nil || ev.Segment.Name != "Beta testers" {
		t.Errorf("segment payload %s", d.body)
	}
	want(t, f.as("POST", "/api/segments/beta-testers/include", `{"keys":["u2"]}`), http.StatusOK)
	if d := rv.next(t); !strings.Contains(string(d.body), `"event":"segment_updated","kind":"segment"`) || !strings.Contains(string(d.body), `"included":["u1","u2"]`) {
		t.Errorf("include payload %s", d.body)
	}
	want(t, f.as("DELETE", "/api/segments/beta-testers", ""), http.StatusOK)
	if d := rv.next(t); !strings.Contains(string(d.body), `"event":"segment_deleted","kind":"segment","path":"segment:beta-testers"`) || strings.Contains(string(d.body), `"segment":{`) {
		t.Errorf("segment delete payload %s", d.body)
	}
	want(t, f.as("DELETE", "/api/flags/new-checkout", ""), http.StatusOK)
	if d := rv.next(t); !strings.Contains(string(d.body), `"event":"flag_deleted","kind":"flag","path":"flag:new-checkout"`) || strings.Contains(string(d.body), `"flag":{`) {
		t.Errorf("flag delete payload %s", d.body)
	}
	rv.none(t)
}

// Slack colours for the kill switch.
func TestSlackFlagColours(t *testing.T) {
	for action, color := range map[string]string{"flag_enabled": "#36A64F", "flag_disabled": "#FF0000", "flag_updated": "#888888"} {
		got, _ := json.Marshal(webhook.SlackFormatter(webhook.Event{Event: action, Path: "flag:x"}))
		if !strings.Contains(string(got), `"color":"`+color+`"`) || !strings.Contains(string(got), "`flag:x`") {
			t.Errorf("%s: %s", action, got)
		}
	}
}

// A backend that cannot take writes answers 503 and stores nothing.
func TestFlagBackendDown(t *testing.T) {
	eng, clk := waygatetest.NewEngine(t, engine.WithBackend(failingBackend{backend.NewMemory()}))
	f := newFixtureOn(t, eng, clk)
	wantError(t, f.as("POST", "/api/flags", checkoutFlag), http.StatusServiceUnavailable)
	wantError(t, f.as("POST", "/api/segments", betaSegment), http.StatusServiceUnavailable)
	if _, found := eng.Flags().Flag("new-checkout"); found {
		t.Error("the flag was stored")
	}
}
