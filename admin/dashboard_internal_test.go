package admin

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/waygate-go/waygate/admin/internal/auth"
	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/flag"
	"github.com/waygate-go/waygate/core/waygatetest"
)

// dashboardPatterns are the registered endpoints that are not REST API
// endpoints: the dashboard's.
func dashboardPatterns(h *Handler) []string {
	var out []string
	for p := range h.access {
		if !slices.Contains(h.patterns, p) {
			out = append(out, p)
		}
	}
	slices.Sort(out)
	return out
}

// junkForm sets every field any dashboard form reads to hostile values.
func junkForm(v string) url.Values {
	f := url.Values{}
	for _, k := range []string{"reason", "until", "duration", "envs", "sunset", "successor", "start", "end", "start_utc", "end_utc", "status",
		"exempt_paths", "include_force_active", "limit", "algorithm", "key_strategy", "on_missing_key", "burst", "tiers", "tier_resolver",
		"exempt_ips", "exempt_roles", "exempt_routes", "key", "name", "type", "description", "tags", "temporary", "maintainer",
		"var.0.name", "var.0.value", "var.1.name", "var.1.value", "off_variation", "fallthrough", "fallthrough_mode", "weight.on", "weight.off",
		"rule_id", "serve_mode", "variation", "rweight.on", "clause.0.attribute", "clause.0.operator", "clause.0.values", "clause.0.negate",
		"targets.on", "pre.0.flag", "pre.0.variation", "execute_at", "execute_at_utc", "action", "delete_rule", "move_up", "delete_change",
		"context_key", "kind", "attributes", "included", "excluded", "back", "next", "username", "password"} {
		f.Set(k, v)
	}
	return f
}

// No dashboard endpoint answers 500 (or panics) on any input.
func TestDashboardNeverAnswers500(t *testing.T) {
	eng, _ := waygatetest.NewEngine(t)
	ctx := context.Background()
	if err := eng.Register(ctx, engine.Registration{Method: "GET", Template: "/orders"}); err != nil {
		t.Fatal(err)
	}
	if _, err := eng.CreateFlag(ctx, flag.NewBoolean("f")); err != nil {
		t.Fatal(err)
	}
	if _, err := eng.CreateSegment(ctx, flag.Segment{Key: "s", Name: "s"}); err != nil {
		t.Fatal(err)
	}
	h, err := New(eng, WithOpenAccess(), WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Close() })
	csrf := h.auth.CSRF(auth.Principal{})
	pats := dashboardPatterns(h)
	if len(pats) < 40 {
		t.Fatalf("only %d dashboard endpoints: %v", len(pats), pats)
	}
	fill := []*strings.Replacer{
		strings.NewReplacer("{key}", EncodeRouteKey("GET:/orders"), "{service}", "billing", "{hash}", "x", "{file}", "waygate.css", "{$}", ""),
		strings.NewReplacer("{key}", "f", "{service}", "bad%20name", "{hash}", "x", "{file}", "nope", "{$}", ""),
		strings.NewReplacer("{key}", "s", "{service}", "s", "{hash}", "x", "{file}", "..", "{$}", ""),
		strings.NewReplacer("{key}", "%00", "{service}", "%00", "{hash}", "%00", "{file}", "%00", "{$}", ""),
	}
	for _, p := range pats {
		method, path, _ := strings.Cut(p, " ")
		if path == "/events" {
			continue // a stream; covered by the external tests
		}
		for _, r := range fill {
			target := r.Replace(path)
			for _, junk := range []string{"", "\x00<script>%zz", "-1", strings.Repeat("9", 40), "on"} {
				var req *http.Request
				if method == "GET" {
					q := url.Values{"page": {junk}, "tab": {junk}, "status": {junk}, "q": {junk}, "service": {junk}, "rule": {junk},
						"route": {junk}, "action": {junk}, "type": {junk}, "state": {junk}, "back": {junk}, "next": {junk}}
					req = httptest.NewRequest(method, target+"?"+q.Encode(), nil)
				} else {
					form := junkForm(junk)
					form.Set("csrf_token", csrf) // the dashboard's hidden CSRF field
					req = httptest.NewRequest(method, target, strings.NewReader(form.Encode()))
					req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				}
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code >= 500 {
					t.Errorf("%s %s with %q: %d\n%s", method, target, junk, rec.Code, rec.Body.String())
				}
				if rec.Code >= 400 && strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") && !strings.Contains(rec.Body.String(), `role="alert"`) {
					t.Errorf("%s %s with %q: %d without an inline message", method, target, junk, rec.Code)
				}
			}
		}
	}
}
