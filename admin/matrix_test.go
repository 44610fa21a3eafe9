package admin_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/waygate-go/waygate/admin"
)

// endpoint is a registered pattern made concrete.
type endpoint struct {
	pattern, method, path string
}

func endpoints(t *testing.T, h *admin.Handler) []endpoint {
	t.Helper()
	var out []endpoint
	for _, p := range admin.Patterns(h) {
		method, path, _ := strings.Cut(p, " ")
		path = strings.NewReplacer("{key}", key("GET:/orders"), "{service}", "billing", "{id}", "wh_missing").Replace(path)
		out = append(out, endpoint{pattern: p, method: method, path: path})
	}
	if len(out) < 40 {
		t.Fatalf("only %d endpoints registered", len(out))
	}
	return out
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
		case ep.method == "GET" && ep.pattern != "GET /api/events":
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
			r.errorMessage(t)
		}
	}
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
	} {
		r := f.call(tc.method, tc.path, f.adminToken, tc.body)
		if r.status != http.StatusBadRequest {
			t.Errorf("%s %s %s: status %d, want 400 (%s)", tc.method, tc.path, tc.body, r.status, r.body)
			continue
		}
		if msg := r.errorMessage(t); !strings.Contains(msg, tc.field) {
			t.Errorf("%s %s: message %q does not name %q", tc.method, tc.path, msg, tc.field)
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
	// Unknown route keys in every route endpoint are 404.
	for _, ep := range endpoints(t, f.h) {
		if !strings.Contains(ep.pattern, "{key}") || strings.Contains(ep.pattern, "rate-limits") {
			continue
		}
		path := strings.Replace(ep.path, key("GET:/orders"), key("GET:/missing"), 1)
		body := map[string]string{
			"POST /api/routes/{key}/env":      `{"envs":["dev"]}`,
			"POST /api/routes/{key}/schedule": `{"start":"2026-02-01T00:00:00Z","end":"2026-02-02T00:00:00Z"}`,
		}[ep.pattern]
		r := f.as(ep.method, path, body)
		if r.status != http.StatusNotFound {
			t.Errorf("%s for an unknown route: %d (%s)", ep.pattern, r.status, r.body)
		}
	}
}
