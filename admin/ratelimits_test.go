package admin_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/waygate-go/waygate/core/audit"
	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/ratelimit"
)

func TestRouteRateLimits(t *testing.T) {
	f := newFixture(t)
	r := f.as("GET", "/api/rate-limits", "")
	want(t, r, http.StatusOK)
	var list []struct {
		Key string `json:"key"`
		ratelimit.Policy
	}
	r.json(t, &list)
	if len(list) != 1 || list[0].Key != "GET:/posts" || list[0].Limit != "5/minute" || !list[0].Enabled {
		t.Fatalf("declared policies %s, want GET:/posts 5/minute, enabled (it is enforced)", r.body)
	}

	// Creating: 201. The route is named by path and method or by key.
	r = f.as("POST", "/api/rate-limits", `{"path":"/orders","method":"post","limit":"10/minute","algorithm":"sliding_window"}`)
	want(t, r, http.StatusCreated)
	if got := compact(t, r.body); !strings.Contains(got, `"key":"POST:/orders"`) || !strings.Contains(got, `"algorithm":"sliding_window"`) {
		t.Errorf("create %s", got)
	}
	// Updating merges: tiers stay when only the limit changes.
	want(t, f.as("POST", "/api/rate-limits", `{"key":"GET:/posts","tiers":[{"name":"pro","limit":"50/minute"}],"key_strategy":"user"}`), http.StatusOK)
	r = f.as("POST", "/api/rate-limits", `{"key":"GET:/posts","limit":"7/minute","enabled":true}`) // as GET shows it: accepted
	want(t, r, http.StatusOK)
	p := policy(t, r)
	if p.Limit != "7/minute" || len(p.Tiers) != 1 || p.KeyStrategy != ratelimit.KeyUser || !p.Enabled {
		t.Errorf("merge lost fields: %+v", p)
	}
	entries, _ := f.eng.Audit(context.Background(), audit.Query{Route: "GET:/posts", Action: audit.ActionRateLimitUpdated})
	if len(entries) != 2 || entries[0].Actor != "admin" || entries[0].Platform != "api" {
		t.Errorf("audit %+v", entries)
	}

	for _, tc := range []struct {
		body     string
		status   int
		contains string
	}{
		{`{"key":"GET:/orders/{id}"}`, 400, "no rate limit yet"},
		{`{"key":"GET:/orders","limit":"lots"}`, 400, "lots"},
		{`{"key":"GET:/orders","limit":"1/minute","algorithm":"magic"}`, 400, "algorithm"},
		{`{"key":"GET:/orders","limit":"1/minute","key_strategy":"custom"}`, 400, "custom"},
		{`{"key":"GET:/orders","limit":"1/minute","burst":-1}`, 400, "burst"},
		{`{"key":"GET:/orders","limit":"1/minute","burst":9223372036854775807}`, 400, "burst 9223372036854775807 is too large"},
		{`{"key":"GET:/orders","limit":"99999999999999999999/minute"}`, 400, "too large"},
		{`{"key":"GET:/orders","limit":"1/minute","enabled":false}`, 400, "enabled"},
		{`{"key":"GET:/orders","path":"/orders","limit":"1/minute"}`, 400, "either"},
		{`{"limit":"1/minute"}`, 400, "required"},
		{`{"key":"GET:/nope","limit":"1/minute"}`, 404, "not a registered route"},
		{`{"path":"/orders","limit":"1/minute"}`, 409, "ambiguous"},
	} {
		r := f.as("POST", "/api/rate-limits", tc.body)
		if r.status != tc.status || !strings.Contains(r.errorMessage(t), tc.contains) {
			t.Errorf("%s: %d %s", tc.body, r.status, r.body)
		}
	}

	r = f.as("DELETE", "/api/rate-limits/"+key("POST:/orders")+"/reset", "")
	want(t, r, http.StatusOK)
	if got := compact(t, r.body); got != `{"key":"POST:/orders","ok":true}` {
		t.Errorf("reset %s", got)
	}
	want(t, f.as("DELETE", "/api/rate-limits/"+key("POST:/orders"), ""), http.StatusOK)
	want(t, f.as("DELETE", "/api/rate-limits/"+key("POST:/orders"), ""), http.StatusNotFound)
	want(t, f.as("DELETE", "/api/rate-limits/"+key("GET:/nope")+"/reset", ""), http.StatusNotFound)
	if _, found := f.eng.RateLimits()["POST:/orders"]; found {
		t.Error("the policy was not deleted")
	}
}

func TestHits(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	for _, client := range []string{"10.0.0.1:1", "10.0.0.2:1"} {
		for range 7 { // 5 allowed, one 429 logged, one folded into it (same client, same second)
			f.eng.Check(ctx, &engine.Request{Method: "GET", Route: "/posts", Path: "/posts", RemoteAddr: client})
		}
	}
	var hits []ratelimit.Hit
	for i := 0; i < 200 && len(hits) < 2; i++ { // hits are written in the background
		hits = nil
		f.as("GET", "/api/rate-limits/hits?route=GET:/posts&limit=10", "").json(t, &hits)
	}
	if len(hits) != 2 || hits[0].Path != "GET:/posts" || hits[0].Limit != "5/minute" {
		t.Fatalf("hits %+v", hits)
	}
	f.as("GET", "/api/rate-limits/hits?limit=1", "").json(t, &hits)
	if len(hits) != 1 {
		t.Errorf("limit=1 gave %d hits", len(hits))
	}
	if got := compact(t, f.as("GET", "/api/rate-limits/hits?route=GET:/orders", "").body); got != "[]" {
		t.Errorf("filtered hits %s", got)
	}
	for _, q := range []string{"limit=0", "limit=x", "limit=100000"} {
		r := f.as("GET", "/api/rate-limits/hits?"+q, "")
		want(t, r, http.StatusBadRequest)
		r.errorMessage(t)
	}
}

// Global and service policies share one shape of endpoints.
func TestScopeRateLimits(t *testing.T) {
	for _, base := range []string{"/api/global-rate-limit", "/api/services/billing/rate-limit"} {
		t.Run(strings.Split(base, "/")[2], func(t *testing.T) {
			f := newFixture(t)
			r := f.as("GET", base, "")
			want(t, r, http.StatusOK)
			if got := compact(t, r.body); !strings.Contains(got, `"enabled":false,"policy":null`) {
				t.Errorf("unset %s", got)
			}
			for _, path := range []string{"", "/enable", "/disable"} {
				method := "POST"
				if path == "" {
					method = "DELETE"
				}
				r := f.as(method, base+path, "")
				want(t, r, http.StatusNotFound)
				r.errorMessage(t)
			}
			r = f.as("POST", base, `{"exempt_routes":["/health"]}`)
			want(t, r, http.StatusBadRequest) // a new policy needs a limit
			r = f.as("POST", base, `{"limit":"1000/minute","exempt_routes":["/health"]}`)
			want(t, r, http.StatusCreated)
			if p := policy(t, r); !p.Enabled || p.Limit != "1000/minute" || p.Algorithm != ratelimit.FixedWindow {
				t.Errorf("created %+v", p)
			}
			r = f.as("POST", base, `{"limit":"500/minute"}`)
			want(t, r, http.StatusOK)
			if p := policy(t, r); !slices.Equal(p.ExemptRoutes, []string{"/health"}) {
				t.Errorf("update dropped exempt routes: %+v", p)
			}
			r = f.as("POST", base+"/disable", "")
			want(t, r, http.StatusOK)
			if p := policy(t, r); p.Enabled || p.Limit != "500/minute" {
				t.Errorf("disable %+v", p)
			}
			if got := compact(t, f.as("GET", base, "").body); !strings.Contains(got, `"enabled":false,"policy":{`) {
				t.Errorf("paused %s", got)
			}
			if p := policy(t, f.as("POST", base+"/enable", "")); !p.Enabled {
				t.Errorf("enable %+v", p)
			}
			want(t, f.as("DELETE", base+"/reset", ""), http.StatusOK)
			r = f.as("POST", base, `{"on_missing_key":"sometimes"}`)
			want(t, r, http.StatusBadRequest)
			r = f.as("DELETE", base, "")
			want(t, r, http.StatusOK)
			if got := compact(t, r.body); got != `{"ok":true}` {
				t.Errorf("delete %s", got)
			}
			want(t, f.as("DELETE", base, ""), http.StatusNotFound)
		})
	}
}
