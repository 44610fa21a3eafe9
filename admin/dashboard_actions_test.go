package admin_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/flag"
	"github.com/waygate-go/waygate/core/route"
)

// The actions change the engine through the forms, as a browser without
// JavaScript would post them.
func TestDashboardActions(t *testing.T) {
	f := newFixture(t)
	s := newSession(t, f.base)
	s.signIn("admin", adminPass)
	ok := func(what, path string, form url.Values) {
		t.Helper()
		form.Set("back", "/waygate/?q=orders")
		p := s.post(path, form, true)
		if p.status != http.StatusSeeOther {
			t.Fatalf("%s: %d\n%s", what, p.status, p.body)
		}
		if loc := p.header.Get("Location"); loc != "/waygate/?q=orders" && !strings.HasPrefix(loc, "/waygate/flags") && !strings.HasPrefix(loc, "/waygate/segments") {
			t.Fatalf("%s: redirected to %q", what, loc)
		}
	}
	k := key("GET:/orders")
	ok("maintenance", "/routes/"+k+"/maintenance", url.Values{"reason": {"reindex"}})
	if st, _ := f.eng.Route("GET:/orders"); st.Status != route.StatusMaintenance || st.Reason != "reindex" {
		t.Fatalf("after maintenance: %+v", st)
	}
	wantPage(t, "flash", s.get("/?q=orders"), http.StatusOK, "GET:/orders is in maintenance")
	if strings.Contains(s.get("/?q=orders").body, "is in maintenance</div>") {
		t.Error("the confirmation is shown twice")
	}
	ok("env", "/routes/"+k+"/env", url.Values{"envs": {"dev, staging"}})
	if st, _ := f.eng.Route("GET:/orders"); st.Status != route.StatusEnvGated || strings.Join(st.AllowedEnvs, ",") != "dev,staging" {
		t.Fatalf("after env: %+v", st)
	}
	ok("enable", "/routes/"+k+"/enable", url.Values{})
	// The browser sends the window in UTC next to the local time it shows.
	start, end := f.clk.Now().Add(time.Hour).UTC(), f.clk.Now().Add(3*time.Hour).UTC()
	ok("schedule", "/routes/"+k+"/schedule", url.Values{"start": {"2030-01-01T10:00"}, "start_utc": {start.Format(time.RFC3339)},
		"end": {"2030-01-01T12:00"}, "end_utc": {end.Format(time.RFC3339)}, "reason": {"upgrade"}, "status": {"maintenance"}})
	if st, _ := f.eng.Route("GET:/orders"); st.Window == nil || !st.Window.Start.Equal(start) || !st.Window.End.Equal(end) {
		t.Fatalf("after schedule: %+v", st.Window)
	}
	ok("cancel", "/routes/"+k+"/cancel", url.Values{})
	ok("disable until", "/routes/"+k+"/disable", url.Values{"reason": {"gone"}, "until": {"2h"}})
	if st, _ := f.eng.Route("GET:/orders"); st.Status != route.StatusDisabled || st.Window == nil {
		t.Fatalf("after disable until: %+v", st)
	}
	ok("deprecate", "/routes/"+k+"/deprecate", url.Values{"sunset": {"2027-01-01"}, "successor": {"/v2/orders"}})
	ok("global on", "/maintenance/global/enable", url.Values{"reason": {"upgrade"}, "exempt_paths": {"/health\nGET:/status"}})
	if g := f.eng.Maintenance(engine.GlobalScope()); !g.Enabled || len(g.ExemptPaths) != 2 {
		t.Fatalf("global: %+v", g)
	}
	ok("global off", "/maintenance/global/disable", url.Values{})
	ok("service on", "/maintenance/services/billing/enable", url.Values{"reason": {"move"}})
	if c := f.eng.Maintenance(engine.ServiceScope("billing")); !c.Enabled {
		t.Fatalf("service: %+v", c)
	}
	// Rate limits: add to an unprotected route with every field.
	ok("add limit", "/rate-limits/routes/"+k+"/edit", url.Values{"limit": {"3/minute"}, "algorithm": {"sliding_window"}, "key_strategy": {"user"},
		"on_missing_key": {"fallback_ip"}, "burst": {"2"}, "tiers": {"pro = 10/minute"}, "tier_resolver": {"plan"}, "exempt_ips": {"10.0.0.0/8"}, "exempt_roles": {"ops"}})
	p := f.eng.RateLimits()["GET:/orders"]
	if p.Limit != "3/minute" || p.Algorithm != "sliding_window" || p.KeyStrategy != "user" || p.Burst != 2 || len(p.Tiers) != 1 || len(p.ExemptIPs) != 1 {
		t.Fatalf("route policy: %+v", p)
	}
	ok("reset limit", "/rate-limits/routes/"+k+"/reset", url.Values{})
	ok("delete limit", "/rate-limits/routes/"+k+"/delete", url.Values{})
	if _, found := f.eng.RateLimits()["GET:/orders"]; found {
		t.Fatal("the route limit was not deleted")
	}
	ok("global limit", "/rate-limits/global/edit", url.Values{"limit": {"50/second"}, "exempt_routes": {"/health"}})
	ok("pause", "/rate-limits/global/pause", url.Values{})
	if g, _ := f.eng.RateLimit(engine.GlobalScope()); g.Enabled || g.Limit != "50/second" {
		t.Fatalf("global limit after pause: %+v", g)
	}
	ok("resume", "/rate-limits/global/resume", url.Values{})
	ok("reset", "/rate-limits/global/reset", url.Values{})
	ok("delete", "/rate-limits/global/delete", url.Values{})
	if _, found := f.eng.RateLimit(engine.GlobalScope()); found {
		t.Fatal("the global limit was not deleted")
	}
	ok("service limit", "/rate-limits/services/billing/edit", url.Values{"limit": {"10/second"}})
	if _, found := f.eng.RateLimit(engine.ServiceScope("billing")); !found {
		t.Fatal("no service limit")
	}
	// Flags: create with the type's defaults, add a rule, evaluate.
	ok("create flag", "/flags/new", url.Values{"key": {"dark-mode"}, "name": {"Dark mode"}, "type": {"string"}})
	fl, found := f.eng.Flags().Flag("dark-mode")
	if !found || fl.Type != flag.TypeString || fl.OffVariation != "control" || len(fl.Variations) != 2 || !fl.Enabled {
		t.Fatalf("created flag: %+v %v", fl, found)
	}
	ok("add rule", "/flags/dark-mode/rule", url.Values{"rule_id": {""}, "description": {"Germans"}, "clause.0.attribute": {"country"},
		"clause.0.operator": {"in"}, "clause.0.values": {"DE, AT"}, "clause.1.attribute": {""}, "clause.1.operator": {"is"}, "clause.1.values": {""},
		"serve_mode": {"variation"}, "variation": {"treatment"}})
	fl, _ = f.eng.Flags().Flag("dark-mode")
	if len(fl.Rules) != 1 || fl.Rules[0].Variation != "treatment" || len(fl.Rules[0].Clauses) != 1 || len(fl.Rules[0].Clauses[0].Values) != 2 {
		t.Fatalf("rule: %+v", fl.Rules)
	}
	wantPage(t, "evaluate", s.post("/flags/dark-mode/evaluate", url.Values{"context_key": {"u1"}, "attributes": {"country = DE"}}, true),
		http.StatusOK, `<strong class="variation">treatment</strong>`, "RULE_MATCH")
	ok("rollout", "/flags/dark-mode/targeting", url.Values{"off_variation": {"control"}, "fallthrough_mode": {"rollout"}, "weight.control": {"25"}, "weight.treatment": {"75"}})
	fl, _ = f.eng.Flags().Flag("dark-mode")
	if len(fl.Fallthrough.Rollout) != 2 || fl.Fallthrough.Rollout[1].Weight != 75000 {
		t.Fatalf("rollout: %+v", fl.Fallthrough)
	}
	ok("variations", "/flags/dark-mode/variations", url.Values{"var.0.name": {"control"}, "var.0.value": {"control"}, "var.1.name": {"treatment"},
		"var.1.value": {"blue"}, "var.2.name": {"extra"}, "var.2.value": {"green"}})
	ok("targets", "/flags/dark-mode/targets", url.Values{"targets.extra": {"vip-1\nvip-2"}})
	ok("second flag", "/flags/new", url.Values{"key": {"base"}, "type": {"boolean"}})
	ok("prerequisites", "/flags/dark-mode/prerequisites", url.Values{"pre.0.flag": {"base"}, "pre.0.variation": {"on"}})
	ok("schedule change", "/flags/dark-mode/schedule", url.Values{"execute_at_utc": {f.clk.Now().Add(time.Hour).UTC().Format(time.RFC3339)}, "action": {"disable"}})
	ok("settings", "/flags/dark-mode/settings", url.Values{"name": {"Dark"}, "tags": {"ui, beta"}, "status": {"launched"}, "maintainer": {"ana"}})
	fl, _ = f.eng.Flags().Flag("dark-mode")
	if len(fl.Variations) != 3 || len(fl.Targets["extra"]) != 2 || len(fl.Prerequisites) != 1 || len(fl.ScheduledChanges) != 1 || fl.Status != "launched" || len(fl.Tags) != 2 {
		t.Fatalf("edited flag: %+v", fl)
	}
	ok("kill switch", "/flags/dark-mode/disable", url.Values{})
	if fl, _ := f.eng.Flags().Flag("dark-mode"); fl.Enabled {
		t.Fatal("the kill switch did not turn the flag off")
	}
	// Segments.
	ok("create segment", "/segments/new", url.Values{"key": {"staff"}, "included": {"a\nb"}})
	ok("members", "/segments/staff/members", url.Values{"name": {"Staff"}, "included": {"a, c"}, "excluded": {"b"}})
	ok("segment rule", "/segments/staff/rules", url.Values{"clause.0.attribute": {"email"}, "clause.0.operator": {"ends_with"}, "clause.0.values": {"@example.com"}})
	sg, found := f.eng.Flags().Segment("staff")
	if !found || len(sg.Included) != 2 || len(sg.Excluded) != 1 || len(sg.Rules) != 1 {
		t.Fatalf("segment: %+v %v", sg, found)
	}
	ok("delete segment rule", "/segments/staff/rules", url.Values{"delete_rule": {sg.Rules[0].ID}})
	ok("delete segment", "/segments/staff/delete", url.Values{})
	ok("delete flag", "/flags/dark-mode/delete", url.Values{})
	ok("delete base flag", "/flags/base/delete", url.Values{})
	// Everything is audited as the dashboard user.
	wantPage(t, "audit", s.get("/audit?actor=admin"), http.StatusOK, "via dashboard", "flag_deleted", "maintenance_on")
}

// Bad input answers 4xx with the reason on the page, never 500.
func TestDashboardBadInput(t *testing.T) {
	f := newFixture(t)
	seedFlags(t, f)
	s := newSession(t, f.base)
	s.signIn("admin", adminPass)
	k := key("GET:/orders")
	posts := []struct {
		path   string
		form   url.Values
		status int
		msg    string
	}{
		{"/routes/" + k + "/schedule", url.Values{"start": {"soon"}, "end": {"later"}}, 400, "is not a time"},
		{"/routes/" + k + "/schedule", url.Values{"start_utc": {"2030-01-02T00:00:00Z"}, "end_utc": {"2030-01-01T00:00:00Z"}}, 400, "must be after"},
		{"/routes/" + k + "/disable", url.Values{"until": {"whenever"}}, 400, "until"},
		{"/routes/" + k + "/env", url.Values{"envs": {" "}}, 400, "environment"},
		{"/routes/" + key("GET:/health") + "/maintenance", url.Values{}, 409, ""},
		{"/routes/" + key("GET:/nope") + "/maintenance", url.Values{}, 404, ""},
		{"/routes/!!!/maintenance", url.Values{}, 400, "base64url"},
		{"/maintenance/services/bad name/enable", url.Values{}, 400, "service name"},
		{"/rate-limits/routes/" + k + "/edit", url.Values{"limit": {"lots"}}, 400, ""},
		{"/rate-limits/routes/" + k + "/edit", url.Values{"limit": {""}}, 400, "limit is required"},
		{"/rate-limits/routes/" + k + "/edit", url.Values{"limit": {"5/minute"}, "burst": {"-1"}}, 400, "burst"},
		{"/rate-limits/routes/" + k + "/edit", url.Values{"limit": {"5/minute"}, "tiers": {"pro"}}, 400, "tier"},
		{"/rate-limits/routes/" + k + "/edit", url.Values{"limit": {"5/minute"}, "algorithm": {"magic"}}, 400, ""},
		{"/rate-limits/global/pause", url.Values{}, 404, "no global rate limit"},
		{"/rate-limits/routes/" + k + "/delete", url.Values{}, 404, ""},
		{"/flags/new", url.Values{"key": {""}}, 400, "key is required"},
		{"/flags/new", url.Values{"key": {"x y"}, "type": {"boolean"}}, 400, ""},
		{"/flags/new", url.Values{"key": {demoFlag}, "type": {"boolean"}}, 409, "already exists"},
		{"/flags/new", url.Values{"key": {"z"}, "type": {"tuple"}}, 400, "type"},
		{"/flags/nope/disable", url.Values{}, 404, "does not exist"},
		{"/flags/" + demoFlag + "/variations", url.Values{"var.0.name": {"on"}, "var.0.value": {"maybe"}}, 400, "boolean"},
		{"/flags/" + demoFlag + "/variations", url.Values{"var.0.name": {"on"}, "var.0.value": {"true"}}, 400, "two variations"},
		{"/flags/" + demoFlag + "/rule", url.Values{"clause.0.attribute": {"x"}, "clause.0.operator": {"approximately"}, "clause.0.values": {"1"}}, 400, "operator"},
		{"/flags/" + demoFlag + "/rule", url.Values{"clause.0.attribute": {""}, "clause.0.operator": {"is"}, "clause.0.values": {""}}, 400, "at least one clause"},
		{"/flags/" + demoFlag + "/rule", url.Values{"clause.0.attribute": {"x"}, "clause.0.operator": {"matches"}, "clause.0.values": {"("}, "variation": {"on"}}, 400, ""},
		{"/flags/" + demoFlag + "/rule", url.Values{"clause.0.attribute": {"x"}, "clause.0.operator": {"is"}, "clause.0.values": {"1"}, "variation": {"nope"}}, 400, ""},
		{"/flags/" + demoFlag + "/rule", url.Values{"rule_id": {"gone"}, "clause.0.attribute": {"x"}, "clause.0.operator": {"is"}, "clause.0.values": {"1"}}, 404, ""},
		{"/flags/" + demoFlag + "/targeting", url.Values{"fallthrough_mode": {"rollout"}, "weight.on": {"30"}, "weight.off": {"30"}}, 400, ""},
		{"/flags/" + demoFlag + "/targeting", url.Values{"fallthrough_mode": {"rollout"}, "weight.on": {"abc"}}, 400, "percentage"},
		{"/flags/" + demoFlag + "/prerequisites", url.Values{"pre.0.flag": {demoFlag}, "pre.0.variation": {"on"}}, 400, "own prerequisite"},
		{"/flags/" + demoFlag + "/schedule", url.Values{"execute_at": {"2001-01-01T00:00"}, "action": {"enable"}}, 400, "in the past"},
		{"/flags/" + demoFlag + "/schedule", url.Values{"execute_at": {"2099-01-01T00:00"}, "action": {"explode"}}, 400, "action"},
		{"/flags/" + demoFlag + "/evaluate", url.Values{"attributes": {"no equals sign"}}, 400, "name = value"},
		{"/segments/new", url.Values{"key": {""}}, 400, "key is required"},
		{"/segments/" + demoSegment + "/members", url.Values{"included": {"a"}, "excluded": {"a"}}, 400, "both included and excluded"},
		{"/segments/" + demoSegment + "/rules", url.Values{"clause.0.attribute": {""}, "clause.0.operator": {"is"}}, 400, "at least one clause"},
		{"/segments/nope/delete", url.Values{}, 404, "does not exist"},
	}
	for _, c := range posts {
		p := s.post(c.path, c.form, true)
		if p.status != c.status {
			t.Errorf("POST %s %v: status %d, want %d\n%s", c.path, c.form, p.status, c.status, between(p.body, `role="alert">`, "</p>"))
			continue
		}
		msg := between(p.body, `role="alert">`, "</p>")
		if msg == "" || !strings.Contains(msg, c.msg) {
			t.Errorf("POST %s: inline message %q does not mention %q", c.path, msg, c.msg)
		}
		if !strings.Contains(p.body, "Waygate for Go") {
			t.Errorf("POST %s: the error is not a dashboard page", c.path)
		}
	}
	gets := []string{"/?status=sleeping", "/?service=a%20b", "/blocked?page=0", "/audit?page=x", "/audit?action=launch", "/flags?type=tuple",
		"/flags?state=maybe", "/flags/nope", "/flags/" + demoFlag + "?tab=nope", "/flags/" + demoFlag + "?tab=rule&rule=gone", "/segments/nope",
		"/routes/" + key("GET:/nope") + "/enable", "/rate-limits?service=a%20b", "/rate-limits/routes/" + key("GET:/orders") + "/reset"}
	for _, g := range gets {
		p := s.get(g)
		if p.status < 400 || p.status >= 500 || between(p.body, `role="alert">`, "</p>") == "" {
			t.Errorf("GET %s: %d without an inline message", g, p.status)
		}
	}
}
