package admin_test

import (
	"context"
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/open-feature/go-sdk/openfeature"

	"github.com/waygate-go/waygate/admin"
	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/flag"
)

const (
	ofrepKey   = "ofrep-test-key-0123456789"
	ofrepToken = "token-of-service-ofrep-0123456789"
)

// ofrepFlags are one flag per OFREP reason and type.
func ofrepFlags(t *testing.T, eng *engine.Engine) {
	t.Helper()
	static := flag.Flag{Key: "theme", Type: flag.TypeString, Enabled: true, OffVariation: "light", Fallthrough: flag.Fallthrough{Variation: "dark"},
		Variations: []flag.Variation{{Name: "light", Value: "#fff"}, {Name: "dark", Value: "#000"}}}
	limit := flag.Flag{Key: "limit", Type: flag.TypeInteger, Enabled: true, OffVariation: "low", Fallthrough: flag.Fallthrough{Variation: "low"},
		Variations: []flag.Variation{{Name: "low", Value: 10}, {Name: "high", Value: 100}},
		Targets:    map[string][]string{"high": {"vip"}}}
	ratio := flag.Flag{Key: "ratio", Type: flag.TypeFloat, Enabled: true, OffVariation: "a", Fallthrough: flag.Fallthrough{Variation: "b"},
		Variations: []flag.Variation{{Name: "a", Value: 0.5}, {Name: "b", Value: 2.5}},
		Rules:      []flag.Rule{{ID: "pro", Variation: "a", Clauses: []flag.Clause{{Attribute: "plan", Operator: "is", Values: []any{"pro"}}}}}}
	obj := flag.Flag{Key: "config", Type: flag.TypeJSON, Enabled: true, OffVariation: "a", Fallthrough: flag.Fallthrough{Variation: "b"},
		Variations: []flag.Variation{{Name: "a", Value: map[string]any{}}, {Name: "b", Value: map[string]any{"retries": 3.0}}}}
	split := flag.NewBoolean("split")
	split.Fallthrough = flag.Fallthrough{Rollout: []flag.WeightedVariation{{Variation: "on", Weight: 50000}, {Variation: "off", Weight: 50000}}}
	off := flag.NewBoolean("dark-launch")
	off.Enabled = false
	pre := flag.NewBoolean("needs-launch")
	pre.Prerequisites = []flag.Prerequisite{{FlagKey: "dark-launch", Variation: "on"}}
	for _, f := range []flag.Flag{static, limit, ratio, obj, split, off, pre} {
		if _, err := eng.CreateFlag(context.Background(), f); err != nil {
			t.Fatalf("flag %s: %v", f.Key, err)
		}
	}
}

func newOFREPFixture(t *testing.T, opts ...admin.Option) *fixture {
	t.Helper()
	f := newFixture(t, append([]admin.Option{admin.WithOFREPKey(ofrepKey), admin.WithServiceToken("billing", ofrepToken)}, opts...)...)
	ofrepFlags(t, f.eng)
	return f
}

// ofrep posts body to an OFREP path with the test key and extra headers.
func (f *fixture) ofrep(path, body string, header ...string) response {
	f.t.Helper()
	return f.call("POST", "/ofrep/v1/evaluate/flags"+path, "", body, append([]string{"Authorization", "Bearer " + ofrepKey}, header...)...)
}

type ofrepAnswer struct {
	Key          string         `json:"key"`
	Value        any            `json:"value"`
	Reason       string         `json:"reason"`
	Variant      string         `json:"variant"`
	Metadata     map[string]any `json:"metadata"`
	ErrorCode    string         `json:"errorCode"`
	ErrorDetails string         `json:"errorDetails"`
}

// Every reason and type over OFREP, each equal to what the Go provider
// answers for the same context.
func TestOFREPEvaluatesAsTheGoProvider(t *testing.T) {
	f := newOFREPFixture(t)
	if err := openfeature.SetNamedProviderAndWait("ofrep-test", flag.NewProvider(f.eng.Flags())); err != nil {
		t.Fatal(err)
	}
	client := openfeature.NewClient("ofrep-test")
	ctx := context.Background()
	tests := []struct {
		flag    string
		context string
		value   any
		reason  string
		variant string
		extra   map[string]any
	}{
		{"theme", `{"targetingKey":"u1"}`, "#000", "STATIC", "dark", nil},
		{"theme", `{}`, "#000", "STATIC", "dark", nil}, // no rollout, no key needed
		{"limit", `{"targetingKey":"vip"}`, 100.0, "TARGETING_MATCH", "high", nil},
		{"limit", `{"targetingKey":"u1"}`, 10.0, "DEFAULT", "low", nil},
		{"ratio", `{"targetingKey":"u1","plan":"pro"}`, 0.5, "TARGETING_MATCH", "a", map[string]any{"rule_id": "pro"}},
		{"limit", `{"targetingKey":"u1","age":42,"scores":[1,2.5],"org":{"size":10}}`, 10.0, "DEFAULT", "low", nil},
		{"config", `{"targetingKey":"u1"}`, map[string]any{"retries": 3.0}, "STATIC", "b", nil},
		{"split", `{"targetingKey":"user_2"}`, nil, "SPLIT", "", nil},
		{"dark-launch", `{"targetingKey":"u1"}`, false, "DISABLED", "off", nil},
		{"needs-launch", `{"targetingKey":"u1"}`, false, "PREREQUISITE_FAILED", "off", map[string]any{"prerequisite_key": "dark-launch"}},
	}
	for _, tt := range tests {
		r := f.ofrep("/"+tt.flag, `{"context":`+tt.context+`}`)
		want(t, r, http.StatusOK)
		var got ofrepAnswer
		r.json(t, &got)
		var ofCtx map[string]any
		if err := json.Unmarshal([]byte(tt.context), &ofCtx); err != nil {
			t.Fatal(err)
		}
		tk, _ := ofCtx["targetingKey"].(string)
		delete(ofCtx, "targetingKey")
		goDetails, err := goEvaluate(ctx, client, tt.flag, openfeature.NewEvaluationContext(tk, ofCtx))
		if err != nil {
			t.Fatalf("%s: the Go provider: %v", tt.flag, err)
		}
		goValue, _ := json.Marshal(goDetails.Value)
		ofrepValue, _ := json.Marshal(got.Value)
		if string(goValue) != string(ofrepValue) || got.Reason != string(goDetails.Reason) || got.Variant != goDetails.Variant ||
			!reflect.DeepEqual(got.Metadata, map[string]any(goDetails.FlagMetadata)) {
			t.Errorf("%s %s: OFREP %+v, Go provider %+v", tt.flag, tt.context, got, goDetails)
		}
		if tt.value != nil && !reflect.DeepEqual(got.Value, tt.value) || got.Reason != tt.reason || (tt.variant != "" && got.Variant != tt.variant) {
			t.Errorf("%s %s: %+v, want %v %s %s", tt.flag, tt.context, got, tt.value, tt.reason, tt.variant)
		}
		if got.Key != tt.flag || got.Metadata["flagSetId"] != "default" || got.Metadata["version"] == "" {
			t.Errorf("%s: key %q metadata %v", tt.flag, got.Key, got.Metadata)
		}
		for k, v := range tt.extra {
			if got.Metadata[k] != v {
				t.Errorf("%s: metadata %s = %v, want %v", tt.flag, k, got.Metadata[k], v)
			}
		}
	}
	if n := f.eng.Flags().Recorder().Counts("theme"); n["dark"] < 2 {
		t.Errorf("OFREP evaluations are not counted: %+v", n)
	}
}

// goEvaluate evaluates a flag of the test set through the Go provider with
// the method of its type.
func goEvaluate(ctx context.Context, c *openfeature.Client, key string, ec openfeature.EvaluationContext) (openfeature.InterfaceEvaluationDetails, error) {
	var d openfeature.InterfaceEvaluationDetails
	switch key {
	case "theme":
		s, err := c.StringValueDetails(ctx, key, "", ec)
		d.Value, d.EvaluationDetails = s.Value, s.EvaluationDetails
		return d, err
	case "limit", "ratio":
		f, err := c.FloatValueDetails(ctx, key, 0, ec)
		d.Value, d.EvaluationDetails = f.Value, f.EvaluationDetails
		return d, err
	case "config":
		return c.ObjectValueDetails(ctx, key, nil, ec)
	}
	b, err := c.BooleanValueDetails(ctx, key, false, ec)
	d.Value, d.EvaluationDetails = b.Value, b.EvaluationDetails
	return d, err
}

// Failures in OFREP's shapes and statuses.
func TestOFREPErrors(t *testing.T) {
	f := newOFREPFixture(t)
	tests := []struct {
		name, path, body string
		status           int
		code             string
	}{
		{"unknown flag", "/missing", `{"context":{"targetingKey":"u"}}`, 404, "FLAG_NOT_FOUND"},
		{"a rollout without a targeting key", "/split", `{"context":{"plan":"pro"}}`, 400, "TARGETING_KEY_MISSING"},
		{"not JSON", "/theme", `{"context":`, 400, "PARSE_ERROR"},
		{"context not an object", "/theme", `{"context":["u"]}`, 400, "INVALID_CONTEXT"},
		{"targeting key not a string", "/theme", `{"context":{"targetingKey":42}}`, 400, "INVALID_CONTEXT"},
		{"bulk, not JSON", "", `[1`, 400, "PARSE_ERROR"},
		{"bulk, context not an object", "", `{"context":"u"}`, 400, "INVALID_CONTEXT"},
	}
	for _, tt := range tests {
		r := f.ofrep(tt.path, tt.body)
		var got ofrepAnswer
		r.json(t, &got)
		if r.status != tt.status || got.ErrorCode != tt.code || got.ErrorDetails == "" || (tt.path != "" && got.Key != tt.path[1:]) {
			t.Errorf("%s: %d %s, want %d %s", tt.name, r.status, r.body, tt.status, tt.code)
		}
	}
	// Nothing at all: an empty context, fine for a flag without a rollout.
	want(t, f.ofrep("/theme", ""), http.StatusOK)
}

// The bulk endpoint: every flag, each a success or a failure, an ETag that
// changes with any answer, 304 for a matching If-None-Match.
func TestOFREPBulk(t *testing.T) {
	f := newOFREPFixture(t)
	r := f.ofrep("", `{"context":{"targetingKey":"vip"}}`)
	want(t, r, http.StatusOK)
	var bulk struct{ Flags []ofrepAnswer }
	r.json(t, &bulk)
	got := map[string]ofrepAnswer{}
	for _, a := range bulk.Flags {
		got[a.Key] = a
	}
	if len(bulk.Flags) != 7 || bulk.Flags[0].Key != "config" || got["limit"].Value != 100.0 || got["limit"].Reason != "TARGETING_MATCH" ||
		got["split"].Reason != "SPLIT" || got["needs-launch"].Reason != "PREREQUISITE_FAILED" {
		t.Fatalf("bulk: %s", r.body)
	}
	etag := r.header.Get("ETag")
	if len(etag) < 10 || etag[0] != '"' {
		t.Fatalf("ETag %q", etag)
	}
	r = f.ofrep("", `{"context":{"targetingKey":"vip"}}`, "If-None-Match", etag)
	if r.status != http.StatusNotModified || len(r.body) != 0 {
		t.Fatalf("same answers with If-None-Match: %d %s", r.status, r.body)
	}
	// Without a key the rollouts fail, each on its own.
	r = f.ofrep("", `{"context":{}}`, "If-None-Match", etag)
	want(t, r, http.StatusOK)
	bulk.Flags = nil
	r.json(t, &bulk)
	for _, a := range bulk.Flags {
		if a.Key == "split" && (a.ErrorCode != "TARGETING_KEY_MISSING" || a.Value != nil) {
			t.Errorf("split without a key: %+v", a)
		}
		if a.Key == "theme" && a.Value != "#000" {
			t.Errorf("theme without a key: %+v", a)
		}
	}
	// A change of a flag changes the answer and the ETag.
	if _, err := f.eng.SetFlagEnabled(context.Background(), "limit", false); err != nil {
		t.Fatal(err)
	}
	r = f.ofrep("", `{"context":{"targetingKey":"vip"}}`, "If-None-Match", etag)
	if r.status != http.StatusOK || r.header.Get("ETag") == etag {
		t.Fatalf("after a change: %d ETag %q (was %q)", r.status, r.header.Get("ETag"), etag)
	}
}

// Credentials: an evaluation key or a service token, in the configured
// header; wrong ones get 401, and too many of them 429 with Retry-After.
func TestOFREPCredentials(t *testing.T) {
	f := newOFREPFixture(t)
	body := `{"context":{"targetingKey":"u"}}`
	for name, header := range map[string][]string{
		"none":                      nil,
		"a wrong key":               {"Authorization", "Bearer not-the-key-0123456789"},
		"the key without Bearer":    {"Authorization", ofrepKey},
		"an admin session token":    {admin.TokenHeader, f.adminToken},
		"the key in another header": {"X-API-Key", ofrepKey},
	} {
		r := f.call("POST", "/ofrep/v1/evaluate/flags/theme", "", body, header...)
		var got ofrepAnswer
		r.json(t, &got)
		if r.status != http.StatusUnauthorized || !strings.Contains(got.ErrorDetails, "WithOFREPKey") || r.header.Get("WWW-Authenticate") == "" {
			t.Errorf("%s: %d %s", name, r.status, r.body)
		}
	}
	want(t, f.call("POST", "/ofrep/v1/evaluate/flags/theme", "", body, "Authorization", "Bearer "+ofrepToken), http.StatusOK)

	// Another header, for providers that send an API key.
	g := newOFREPFixture(t, admin.WithOFREPHeader("X-API-Key"))
	want(t, g.call("POST", "/ofrep/v1/evaluate/flags/theme", "", body, "X-API-Key", ofrepKey), http.StatusOK)
	want(t, g.call("POST", "/ofrep/v1/evaluate/flags/theme", "", body, "Authorization", "Bearer "+ofrepKey), http.StatusUnauthorized)

	// Guessing: 20 wrong keys from one client, then 429 even for the right one.
	for range 17 { // 3 wrong ones above (this fixture's) + 17
		f.call("POST", "/ofrep/v1/evaluate/flags/theme", "", body, "Authorization", "Bearer guess-0123456789abcdef")
	}
	r := f.ofrep("/theme", body)
	if r.status != http.StatusTooManyRequests || r.header.Get("Retry-After") == "" {
		t.Fatalf("after 20 wrong keys: %d Retry-After %q %s", r.status, r.header.Get("Retry-After"), r.body)
	}
	f.clk.Advance(61e9)
	want(t, f.ofrep("/theme", body), http.StatusOK)

	if _, err := admin.New(f.eng, admin.WithOpenAccess(), admin.WithOFREPKey("short")); err == nil || !strings.Contains(err.Error(), "at least 12") {
		t.Errorf("a short key: %v", err)
	}
	if _, err := admin.New(f.eng, admin.WithOpenAccess(), admin.WithOFREPOrigins("app.example.com")); err == nil || !strings.Contains(err.Error(), "scheme") {
		t.Errorf("an origin without a scheme: %v", err)
	}
}

// Browsers: an allowed origin gets CORS headers (preflight and answer),
// cross-site requests are not refused as CSRF, other origins get 403.
func TestOFREPCORS(t *testing.T) {
	f := newOFREPFixture(t, admin.WithOFREPOrigins("https://app.example.com"))
	pre := f.call("OPTIONS", "/ofrep/v1/evaluate/flags", "", "", "Origin", "https://app.example.com",
		"Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "authorization,content-type")
	if pre.status != http.StatusNoContent || pre.header.Get("Access-Control-Allow-Origin") != "https://app.example.com" ||
		!strings.Contains(pre.header.Get("Access-Control-Allow-Headers"), "Authorization") {
		t.Fatalf("preflight: %d %v", pre.status, pre.header)
	}
	r := f.ofrep("", `{"context":{"targetingKey":"u"}}`, "Origin", "https://app.example.com", "Sec-Fetch-Site", "cross-site")
	if r.status != http.StatusOK || r.header.Get("Access-Control-Allow-Origin") != "https://app.example.com" ||
		!strings.Contains(r.header.Get("Access-Control-Expose-Headers"), "ETag") {
		t.Fatalf("cross-site evaluation: %d %v %s", r.status, r.header, r.body)
	}
	r = f.ofrep("", `{}`, "Origin", "https://evil.example.com", "Sec-Fetch-Site", "cross-site")
	if r.status != http.StatusForbidden || r.header.Get("Access-Control-Allow-Origin") != "" {
		t.Fatalf("another origin: %d %v", r.status, r.header)
	}
	want(t, f.call("OPTIONS", "/ofrep/v1/evaluate/flags", "", "", "Origin", "https://evil.example.com"), http.StatusForbidden)
	// A page of this server (browsers send Origin with same-origin POSTs
	// too) needs no allowed origin.
	g := newOFREPFixture(t)
	host := strings.TrimPrefix(g.srv.URL, "http://")
	want(t, g.ofrep("", `{}`, "Origin", g.srv.URL, "Sec-Fetch-Site", "same-origin"), http.StatusOK)
	want(t, g.ofrep("", `{}`, "Origin", "http://"+host), http.StatusOK)
	want(t, g.ofrep("", `{}`, "Origin", "https://app.example.com", "Sec-Fetch-Site", "cross-site"), http.StatusForbidden)
	// The admin API itself still refuses cross-site writes.
	r = f.call("POST", "/api/flags/theme/disable", f.adminToken, "", "Origin", "https://app.example.com", "Sec-Fetch-Site", "cross-site")
	want(t, r, http.StatusForbidden)
}
