package admin_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/waygate-go/waygate/core/audit"
	"github.com/waygate-go/waygate/core/backend"
	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/route"
	"github.com/waygate-go/waygate/core/waygatetest"
)

func TestListRoutes(t *testing.T) {
	f := newFixture(t)
	r := f.call("GET", "/api/routes", f.viewerToken, "")
	want(t, r, http.StatusOK)
	var list []route.State
	r.json(t, &list)
	var keys []string
	for _, st := range list {
		keys = append(keys, st.Path)
	}
	for _, k := range []string{"GET:/health", "GET:/payments", "GET:/orders", "POST:/orders", "GET:/orders/{id}", "GET:/posts"} {
		if !slices.Contains(keys, k) {
			t.Errorf("route %s missing from %v", k, keys)
		}
	}
	// No route belongs to a service in an embedded engine.
	r = f.as("GET", "/api/routes?service=billing", "")
	want(t, r, http.StatusOK)
	if got := compact(t, r.body); got != "[]" {
		t.Errorf("service filter: %s, want []", got)
	}
}

func TestListRoutesByService(t *testing.T) {
	eng, clk := waygatetest.NewEngine(t, engine.WithService("payments"))
	f := newFixtureOn(t, eng, clk)
	var list []route.State
	f.as("GET", "/api/routes?service=payments", "").json(t, &list)
	if len(list) != 6 || list[0].Service != "payments" {
		t.Fatalf("got %d routes (%+v), want the 6 of service payments", len(list), list)
	}
	r := f.as("GET", "/api/services", "")
	want(t, r, http.StatusOK)
	if got := compact(t, r.body); got != `["payments"]` {
		t.Errorf("services %s", got)
	}
}

func TestGetRoute(t *testing.T) {
	f := newFixture(t)
	r := f.as("GET", "/api/routes/"+key("GET:/payments"), "")
	want(t, r, http.StatusOK)
	if st := state(t, r); st.Status != route.StatusMaintenance || st.Reason != "DB migration" || st.Path != "GET:/payments" {
		t.Errorf("state %+v", st)
	}
	// A bare path with one method resolves to it.
	want(t, f.as("GET", "/api/routes/"+key("/payments"), ""), http.StatusOK)

	r = f.as("GET", "/api/routes/"+key("GET:/nope"), "")
	want(t, r, http.StatusNotFound)
	if msg := r.errorMessage(t); !strings.Contains(msg, "not a registered route") {
		t.Errorf("404 message %q", msg)
	}
	r = f.as("GET", "/api/routes/"+key("/orders"), "")
	want(t, r, http.StatusConflict)
	var amb struct {
		Error   string   `json:"error"`
		Matches []string `json:"ambiguous_matches"`
	}
	r.json(t, &amb)
	if !slices.Equal(amb.Matches, []string{"GET:/orders", "POST:/orders"}) || amb.Error == "" {
		t.Errorf("ambiguous body %s", r.body)
	}
	r = f.as("GET", "/api/routes/not*base64", "")
	want(t, r, http.StatusBadRequest)
	r = f.as("GET", "/api/routes/"+key("no slash"), "")
	want(t, r, http.StatusBadRequest)
	r.errorMessage(t)
}

func TestRouteMutations(t *testing.T) {
	f := newFixture(t)
	k := "/api/routes/" + key("GET:/orders")
	for _, tc := range []struct {
		name, path, body string
		check            func(route.State) bool
	}{
		{"disable", "/disable", `{"reason":"broken"}`, func(s route.State) bool { return s.Status == route.StatusDisabled && s.Reason == "broken" }},
		{"enable", "/enable", ``, func(s route.State) bool { return s.Status == route.StatusActive && s.Reason == "" }},
		{"maintenance", "/maintenance", `{"reason":"upgrade"}`, func(s route.State) bool { return s.Status == route.StatusMaintenance && s.Window == nil }},
		{"env", "/env", `{"envs":["dev","staging"]}`, func(s route.State) bool {
			return s.Status == route.StatusEnvGated && slices.Equal(s.AllowedEnvs, []string{"dev", "staging"})
		}},
		{"deprecate", "/deprecate", `{"sunset":"2027-01-01","successor":"/v2/orders"}`, func(s route.State) bool {
			return s.Status == route.StatusDeprecated && s.SunsetDate == "2027-01-01T00:00:00Z" && s.SuccessorPath == "/v2/orders"
		}},
		{"enable with reason", "/enable", `{"reason":"fixed"}`, func(s route.State) bool { return s.Status == route.StatusActive }},
	} {
		r := f.as("POST", k+tc.path, tc.body)
		want(t, r, http.StatusOK)
		if st := state(t, r); !tc.check(st) {
			t.Errorf("%s: state %+v", tc.name, st)
		}
	}
	// The engine agrees, and the audit log names the admin.
	if st, _ := f.eng.Route("GET:/orders"); st.Status != route.StatusActive {
		t.Errorf("engine state %+v", st)
	}
	entries, _ := f.eng.Audit(context.Background(), audit.Query{Route: "GET:/orders", Action: audit.ActionDisable})
	if len(entries) != 1 || entries[0].Actor != "admin" || entries[0].Platform != "api" || entries[0].Reason != "broken" {
		t.Errorf("audit %+v", entries)
	}
}

func TestRouteMutationErrors(t *testing.T) {
	f := newFixture(t)
	for _, tc := range []struct {
		name, path, body string
		status           int
		contains         string
	}{
		{"unknown route", "/api/routes/" + key("GET:/nope") + "/disable", `{}`, 404, "not a registered route"},
		{"ambiguous", "/api/routes/" + key("/orders") + "/disable", `{}`, 409, "ambiguous"},
		{"force-active", "/api/routes/" + key("GET:/health") + "/disable", `{}`, 409, "force-active"},
		{"empty envs", "/api/routes/" + key("GET:/orders") + "/env", `{"envs":[]}`, 400, "at least one environment"},
		{"missing envs", "/api/routes/" + key("GET:/orders") + "/env", `{}`, 400, "envs is required"},
		{"no env body", "/api/routes/" + key("GET:/orders") + "/env", ``, 400, "body is required"},
		{"bad sunset", "/api/routes/" + key("GET:/orders") + "/deprecate", `{"sunset":"soon"}`, 400, "sunset"},
		{"bad successor", "/api/routes/" + key("GET:/orders") + "/deprecate", `{"successor":"no spaces"}`, 400, "successor"},
		{"half window", "/api/routes/" + key("GET:/orders") + "/maintenance", `{"start":"2026-01-01T01:00:00Z"}`, 400, "both start and end"},
		{"bad time", "/api/routes/" + key("GET:/orders") + "/maintenance", `{"start":"tomorrow","end":"later"}`, 400, "RFC 3339"},
		{"end before start", "/api/routes/" + key("GET:/orders") + "/schedule", `{"start":"2026-01-02T00:00:00Z","end":"2026-01-01T00:00:00Z"}`, 400, "after start"},
		{"past window", "/api/routes/" + key("GET:/orders") + "/schedule", `{"start":"2020-01-01T00:00:00Z","end":"2020-01-02T00:00:00Z"}`, 400, "in the past"},
		{"schedule without times", "/api/routes/" + key("GET:/orders") + "/schedule", `{}`, 400, "start and end are required"},
		{"bad window status", "/api/routes/" + key("GET:/orders") + "/schedule", `{"start":"2026-01-02T00:00:00Z","end":"2026-01-03T00:00:00Z","status":"active"}`, 400, "maintenance or disabled"},
		{"bad until", "/api/routes/" + key("GET:/orders") + "/disable", `{"until":"whenever"}`, 400, "until"},
		{"past until", "/api/routes/" + key("GET:/orders") + "/disable", `{"until":"-5m"}`, 400, "future"},
		{"no window to cancel", "/api/routes/" + key("GET:/orders") + "/schedule", ``, 404, "no scheduled window"},
	} {
		method := "POST"
		if tc.name == "no window to cancel" {
			method = "DELETE"
		}
		r := f.as(method, tc.path, tc.body)
		if r.status != tc.status {
			t.Errorf("%s: status %d, want %d (%s)", tc.name, r.status, tc.status, r.body)
			continue
		}
		if msg := r.errorMessage(t); !strings.Contains(msg, tc.contains) {
			t.Errorf("%s: message %q does not mention %q", tc.name, msg, tc.contains)
		}
	}
}

func TestScheduleAndCancel(t *testing.T) {
	f := newFixture(t)
	k := "/api/routes/" + key("GET:/orders")
	start, end := f.clk.Now().Add(time.Hour), f.clk.Now().Add(2*time.Hour)
	r := f.as("POST", k+"/schedule", mustJSON(map[string]any{"start": start, "end": end, "reason": "nightly"}))
	want(t, r, http.StatusOK)
	st := state(t, r)
	if st.Status != route.StatusActive || st.Window == nil || !st.Window.Start.Equal(start) {
		t.Fatalf("pending window: %+v", st)
	}
	f.clk.Advance(90 * time.Minute)
	if st, _ := f.eng.Route("GET:/orders"); st.Status != route.StatusMaintenance {
		t.Fatalf("window did not start: %+v", st)
	}
	r = f.as("DELETE", k+"/schedule", "")
	want(t, r, http.StatusOK)
	if st := state(t, r); st.Status != route.StatusActive || st.Window != nil {
		t.Errorf("after cancel: %+v", st)
	}

	// maintenance with start and end schedules the same way; naive times are UTC.
	r = f.as("POST", k+"/maintenance", `{"reason":"later","start":"2026-01-01T05:00:00","end":"2026-01-01T06:00"}`)
	want(t, r, http.StatusOK)
	if st := state(t, r); st.Window == nil || st.Window.Start.Hour() != 5 || st.Status != route.StatusActive {
		t.Errorf("maintenance window: %+v", st)
	}

	// disable until a duration: disabled now, active again after it.
	r = f.as("POST", k+"/disable", `{"reason":"hotfix","until":"30m"}`)
	want(t, r, http.StatusOK)
	if st := state(t, r); st.Status != route.StatusDisabled || st.Window == nil {
		t.Fatalf("disable until: %+v", st)
	}
	f.clk.Advance(31 * time.Minute)
	if st, _ := f.eng.Route("GET:/orders"); st.Status != route.StatusActive {
		t.Errorf("after until: %+v", st)
	}
}

func TestPruneStale(t *testing.T) {
	b := backend.NewMemory()
	old, _ := waygatetest.NewEngine(t, engine.WithBackend(b))
	if err := old.Register(context.Background(), engine.Registration{Method: "GET", Template: "/legacy"}); err != nil {
		t.Fatal(err)
	}
	old.Close()
	eng, clk := waygatetest.NewEngine(t, engine.WithBackend(b))
	f := newFixtureOn(t, eng, clk)
	if st := state(t, f.as("GET", "/api/routes/"+key("GET:/legacy"), "")); !st.Stale {
		t.Fatalf("GET:/legacy is not stale: %+v", st)
	}
	r := f.as("POST", "/api/routes/prune", "")
	want(t, r, http.StatusOK)
	if got := compact(t, r.body); got != `{"pruned":["GET:/legacy"]}` {
		t.Errorf("prune: %s", got)
	}
	want(t, f.as("GET", "/api/routes/"+key("GET:/legacy"), ""), http.StatusNotFound)
	r = f.as("POST", "/api/routes/prune", "")
	if got := compact(t, r.body); got != `{"pruned":[]}` {
		t.Errorf("prune with nothing stale: %s", got)
	}
}
