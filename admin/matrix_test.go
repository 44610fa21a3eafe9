package admin_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/waygate-go/waygate/admin"
)

// endpoint is a registered pattern made concrete.
type endpoint struct {
	pattern, method, path string
}

// The flag and segment that {key} names under /api/flags and
// /api/segments (seedFlags creates them).
const (
	demoFlag    = "new-checkout"
	demoSegment = "beta-testers"
)

// streams never end by themselves.
var streams = map[string]bool{"GET /api/events": true, "GET /api/flags/stream": true}

func endpoints(t *testing.T, h *admin.Handler) []endpoint {
	t.Helper()
	var out []endpoint
	for _, p := range admin.Patterns(h) {
		if strings.Contains(p, " /ofrep/") {
			continue // OFREP's own credential and error shapes: ofrep_test.go
		}
		method, path := concrete(p, key("GET:/orders"), demoFlag, demoSegment)
		out = append(out, endpoint{pattern: p, method: method, path: path})
	}
	if len(out) < 60 {
		t.Fatalf("only %d endpoints registered", len(out))
	}
	return out
}

// concrete fills a pattern's wildcards: {key} is the route key, or the flag
// or segment key under /api/flags and /api/segments.
func concrete(pattern, routeKey, flagKey, segmentKey string) (method, path string) {
	method, path, _ = strings.Cut(pattern, " ")
	k := routeKey
	switch {
	case strings.HasPrefix(path, "/api/flags/"):
		k = flagKey
	case strings.HasPrefix(path, "/api/segments/"):
		k = segmentKey
	}
	return method, strings.NewReplacer("{key}", k, "{service}", "billing", "{id}", "wh_missing").Replace(path)
}

func unsafe(method string) bool { return method != "GET" }

// Every endpoint refuses requests without credentials, except the public
// ones.
func TestEveryEndpointNeedsAuth(t *testing.T) {
	f := newFixture(t)
	for _, ep := range endpoints(t, f.h) {
		if admin.IsPublic(f.h, ep.pattern) {
			continue
		}
		for _, tok := range []string{"", "garbage", f.adminToken + "x"} {
			r := f.call(ep.method, ep.path, tok, "{}")
			if r.status != http.StatusUnauthorized {
				t.Errorf("%s with token %q: status %d, want 401", ep.pattern, tok, r.status)
				continue
			}
			r.errorMessage(t)
		}
	}
}

// A viewer reads everything and changes nothing.
func TestViewerReadsButCannotMutate(t *testing.T) {
	f := newFixture(t)
	seedFlags(t, f)
	for _, ep := range endpoints(t, f.h) {
		switch {
		case admin.IsMutation(f.h, ep.pattern):
			r := f.call(ep.method, ep.path, f.viewerToken, `{"reason":"x"}`)
			if r.status != http.StatusForbidden {
				t.Errorf("viewer %s: status %d, want 403 (%s)", ep.pattern, r.status, r.body)
				continue
			}
			if msg := r.errorMessage(t); !strings.Contains(msg, "viewer") {
				t.Errorf("viewer %s: message %q", ep.pattern, msg)
			}
		case ep.method == "GET" && !streams[ep.pattern]:
			r := f.call(ep.method, ep.path, f.viewerToken, "")
			if r.status != http.StatusOK {
				t.Errorf("viewer %s: status %d, want 200 (%s)", ep.pattern, r.status, r.body)
			}
		}
	}
	// Nothing changed.
	if st, _ := f.eng.Route("GET:/orders"); st.Status != "active" {
		t.Errorf("a viewer changed GET:/orders: %+v", st)
	}
	if fl, found := f.eng.Flags().Flag(demoFlag); !found || !fl.Enabled || fl.Name != "New checkout" {
		t.Errorf("a viewer changed flag %s: %+v, %v", demoFlag, fl, found)
	}
	if s, found := f.eng.Flags().Segment(demoSegment); !found || len(s.Included) != 1 || len(s.Excluded) != 0 {
		t.Errorf("a viewer changed segment %s: %+v, %v", demoSegment, s, found)
	}
	// Viewers may read through unsafe methods where nothing changes: the
	// flag debugger.
	want(t, f.call("POST", "/api/flags/"+demoFlag+"/evaluate", f.viewerToken, `{"context":{"key":"u"}}`), http.StatusOK)
}

// Junk bodies get 400 with a message on every endpoint that takes a body,
// never 500.
func TestJunkBodiesAre400(t *testing.T) {
	f := newFixture(t)
	junk := map[string]string{
		"malformed":      `{"reason": `,
		"not JSON":       `reason=x`,
		"array":          `[{"reason":"x"}]`,
		"string":         `"x"`,
		"number":         `42`,
		"null":           `null`,
		"unknown field":  `{"zzz_unknown": 1}`,
		"trailing data":  `{} {}`,
		"nested garbage": `{"reason": {"a": [}}`,
	}
	for _, ep := range endpoints(t, f.h) {
		if !unsafe(ep.method) {
			continue
		}
		for name, body := range junk {
			r := f.call(ep.method, ep.path, f.adminToken, body)
			if r.status != http.StatusBadRequest {
				t.Errorf("%s with %s body: status %d, want 400 (%s)", ep.pattern, name, r.status, r.body)
				continue
			}
			msg := r.errorMessage(t)
			if want, ok := notAnObject[name]; ok && !strings.Contains(msg, want) {
				t.Errorf("%s with %s body: %q, want it to say %q", ep.pattern, name, msg, want)
			}
		}
	}
}

// notAnObject is what the 400 says of bodies that are not a JSON object.
var notAnObject = map[string]string{
	"not JSON": "must be a JSON object {...}, not text that is not JSON",
	"array":    "must be a JSON object {...}, not a JSON array",
	"string":   "not a JSON string",
	"number":   "not a JSON number",
	"null":     "not a JSON null",
}

// Fields of the wrong JSON type are named in the 400 message.
func TestWrongTypesAre400(t *testing.T) {
	f := newFixture(t)
	k := key("GET:/orders")
	for _, tc := range []struct{ method, path, body, field string }{
		{"POST", "/api/auth/login", `{"username": 1, "password": "x"}`, "username"},
		{"POST", "/api/routes/" + k + "/enable", `{"reason": 5}`, "reason"},
		{"POST", "/api/routes/" + k + "/disable", `{"reason": "x", "until": 30}`, "until"},
		{"POST", "/api/routes/" + k + "/maintenance", `{"start": true}`, "start"},
		{"POST", "/api/routes/" + k + "/env", `{"envs": "dev"}`, "envs"},
		{"POST", "/api/routes/" + k + "/env", `{"envs": [1, 2]}`, "envs"},
		{"POST", "/api/routes/" + k + "/deprecate", `{"sunset": 2027}`, "sunset"},
		{"POST", "/api/routes/" + k + "/schedule", `{"start": [], "end": "x"}`, "start"},
		{"POST", "/api/global/enable", `{"exempt_paths": "/health"}`, "exempt_paths"},
		{"POST", "/api/global/enable", `{"include_force_active": "yes"}`, "include_force_active"},
		{"PUT", "/api/global/exempt-paths", `{"exempt_paths": {"a": 1}}`, "exempt_paths"},
		{"POST", "/api/services/billing/maintenance/enable", `{"reason": false}`, "reason"},
		{"PUT", "/api/services/billing/maintenance/exempt-paths", `{"exempt_paths": 3}`, "exempt_paths"},
		{"POST", "/api/rate-limits", `{"key": "GET:/orders", "limit": 10}`, "limit"},
		{"POST", "/api/rate-limits", `{"key": "GET:/orders", "burst": "many"}`, "burst"},
		{"POST", "/api/rate-limits", `{"key": "GET:/orders", "tiers": [{"name": 1}]}`, "name"},
		{"POST", "/api/global-rate-limit", `{"limit": "1/second", "enabled": "on"}`, "enabled"},
		{"POST", "/api/services/billing/rate-limit", `{"exempt_routes": "/health"}`, "exempt_routes"},
		{"POST", "/api/webhooks", `{"url": ["http://x"]}`, "url"},
		{"POST", "/api/flags", `{"key": 5}`, "key"},
		{"POST", "/api/flags", `{"key": "x", "type": true}`, "type"},
		{"POST", "/api/flags", `{"key": "x", "enabled": "yes"}`, "enabled"},
		{"POST", "/api/flags", `{"key": "x", "variations": "on"}`, "variations"},
		{"POST", "/api/flags", `{"key": "x", "variations": [{"name": 1}]}`, "name"},
		{"POST", "/api/flags", `{"key": "x", "rules": [{"clauses": [{"negate": "no"}]}]}`, "negate"},
		{"POST", "/api/flags", `{"key": "x", "targets": {"on": "u"}}`, "targets"},
		{"POST", "/api/flags", `{"key": "x", "fallthrough": 5}`, "fallthrough"},
		{"POST", "/api/flags", `{"key": "x", "created_at": 5}`, "created_at"},
		{"PUT", "/api/flags/" + demoFlag, `{"tags": "web"}`, "tags"},
		{"PATCH", "/api/flags/" + demoFlag, `{"off_variation": false}`, "off_variation"},
		{"POST", "/api/flags/" + demoFlag + "/evaluate", `{"context": "u"}`, "context"},
		{"POST", "/api/flags/" + demoFlag + "/evaluate", `{"context": {"key": 5}}`, "key"},
		{"POST", "/api/flags/" + demoFlag + "/evaluate", `{"context": {"attributes": []}}`, "attributes"},
		{"POST", "/api/segments", `{"key": "s", "included": "u"}`, "included"},
		{"PUT", "/api/segments/" + demoSegment, `{"rules": {}}`, "rules"},
		{"POST", "/api/segments/" + demoSegment + "/include", `{"keys": "u"}`, "keys"},
		{"POST", "/api/segments/" + demoSegment + "/exclude", `{"keys": [1]}`, "keys"},
	} {
		r := f.call(tc.method, tc.path, f.adminToken, tc.body)
		if r.status != http.StatusBadRequest {
			t.Errorf("%s %s %s: status %d, want 400 (%s)", tc.method, tc.path, tc.body, r.status, r.body)
			continue
		}
		msg := r.errorMessage(t)
		if !strings.Contains(msg, tc.field) {
			t.Errorf("%s %s: message %q does not name %q", tc.method, tc.path, msg, tc.field)
		}
		if goName.MatchString(msg) {
			t.Errorf("%s %s: message %q names a Go type, not the body's path", tc.method, tc.path, msg)
		}
	}
}

// Bodies over 1 MiB are refused with 413.
func TestBodyTooLarge(t *testing.T) {
	f := newFixture(t)
	big := `{"reason":"` + strings.Repeat("x", admin.MaxBodyBytes) + `"}`
	r := f.as("POST", "/api/routes/"+key("GET:/orders")+"/disable", big)
	want(t, r, http.StatusRequestEntityTooLarge)
	if msg := r.errorMessage(t); !strings.Contains(msg, "larger than") {
		t.Errorf("message %q", msg)
	}
	if st, _ := f.eng.Route("GET:/orders"); st.Status != "active" {
		t.Errorf("an oversized request changed the route: %+v", st)
	}
}

// Unknown paths: 401 before signing in, then JSON 404; wrong methods 405.
func TestUnknownPaths(t *testing.T) {
	f := newFixture(t)
	want(t, f.call("GET", "/api/nope", "", ""), http.StatusUnauthorized)
	r := f.as("GET", "/api/nope", "")
	want(t, r, http.StatusNotFound)
	r.errorMessage(t)
	r = f.as("PATCH", "/api/routes", "")
	want(t, r, http.StatusMethodNotAllowed)
	if !strings.Contains(r.header.Get("Allow"), "GET") {
		t.Errorf("Allow %q", r.header.Get("Allow"))
	}
	r.errorMessage(t)
	// Unknown route, flag and segment keys in every endpoint that takes
	// one are 404, with valid bodies.
	for _, ep := range endpoints(t, f.h) {
		if !strings.Contains(ep.pattern, "{key}") || strings.Contains(ep.pattern, "rate-limits") {
			continue
		}
		_, path := concrete(ep.pattern, key("GET:/missing"), "missing-flag", "missing-segment")
		body := map[string]string{
			"POST /api/routes/{key}/env":       `{"envs":["dev"]}`,
			"POST /api/routes/{key}/schedule":  `{"start":"2026-02-01T00:00:00Z","end":"2026-02-02T00:00:00Z"}`,
			"PUT /api/flags/{key}":             checkoutFlag,
			"PATCH /api/flags/{key}":           `{"name":"x"}`,
			"POST /api/flags/{key}/evaluate":   `{"context":{"key":"u"},"default":true}`,
			"PUT /api/segments/{key}":          `{"included":["u"]}`,
			"POST /api/segments/{key}/include": `{"keys":["u"]}`,
			"POST /api/segments/{key}/exclude": `{"keys":["u"]}`,
		}[ep.pattern]
		if strings.HasPrefix(ep.pattern, "PUT /api/flags/") {
			body = strings.Replace(body, `"key":"new-checkout",`, "", 1)
		}
		r := f.as(ep.method, path, body)
		if r.status != http.StatusNotFound {
			t.Errorf("%s for an unknown key: %d (%s)", ep.pattern, r.status, r.body)
		}
		r.errorMessage(t)
	}
}

// goName matches a field path that starts with a Go identifier
// ("Patch.burst"), which the body does not have.
var goName = regexp.MustCompile(`"[A-Z][A-Za-z]*\.`)
