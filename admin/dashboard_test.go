package admin_test

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/waygate-go/waygate/admin"
	"github.com/waygate-go/waygate/core/backend"
	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/flag"
	"github.com/waygate-go/waygate/core/ratelimit"
	"github.com/waygate-go/waygate/core/route"
)

// dashboardPages are the pages every user can read.
var dashboardPages = []string{
	"/", "/?status=maintenance", "/?q=orders", "/?service=billing", "/rate-limits", "/rate-limits?service=billing",
	"/blocked", "/blocked?route=GET:/posts", "/flags", "/flags?q=check&type=boolean&state=on", "/segments", "/audit",
	"/audit?action=maintenance_on&actor=admin", "/services", "/traffic",
}

// flagTabsToRender are the tabs of a flag's page.
var flagTabsToRender = []string{"overview", "targeting", "rule", "variations", "targets", "prerequisites", "schedule", "settings", "debugger"}

// fillState puts something on every page: route statuses, a window,
// global and service maintenance, policies, hits, flags with rules,
// segments, evaluations and audit entries.
func fillState(t *testing.T, f *fixture) {
	t.Helper()
	ctx := engine.WithActor(context.Background(), "seed", "api")
	seedFlags(t, f)
	e := f.eng
	must := func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(e.SetMaintenance(ctx, "GET:/orders", "reindex"))
	must(e.Deprecate(ctx, "GET:/orders/{id}", "2027-01-01", "/v2/orders"))
	now := f.clk.Now()
	must(e.Schedule(ctx, "POST:/orders", route.Window{Start: now.Add(time.Hour), End: now.Add(2 * time.Hour), Reason: "upgrade"}))
	must(e.EnableMaintenance(ctx, engine.GlobalScope(), "all hands", engine.WithExemptPaths("/health")))
	must(e.DisableMaintenance(ctx, engine.GlobalScope()))
	must(e.EnableMaintenance(ctx, engine.ServiceScope("billing"), "ledger move"))
	limit := "100/minute"
	must(e.SetRateLimit(ctx, engine.GlobalScope(), ratelimit.Patch{Limit: &limit}))
	must(e.SetRateLimit(ctx, engine.ServiceScope("billing"), ratelimit.Patch{Limit: &limit}))
	for range 8 {
		e.Check(ctx, &engine.Request{Method: "GET", Route: "/posts", Path: "/posts", RemoteAddr: "192.0.2.7:1234"})
	}
	fl, found := e.Flags().Flag(demoFlag)
	if !found {
		t.Fatalf("flag %s not found", demoFlag)
	}
	fl.Rules = append(fl.Rules, flag.Rule{Description: "beta", Variation: "on",
		Clauses: []flag.Clause{{Attribute: "key", Operator: flag.OpInSegment, Values: []any{demoSegment}}}})
	must(e.SaveFlag(ctx, fl))
	for _, k := range []string{"u1", "u2", "beta-1"} {
		e.Flags().Bool(fl.Key, flag.EvaluationContext{Key: k}, false)
	}
}

func TestDashboardPagesRenderEmptyAndFull(t *testing.T) {
	for _, full := range []bool{false, true} {
		t.Run(fmt.Sprintf("full=%v", full), func(t *testing.T) {
			f := newFixture(t)
			if full {
				fillState(t, f)
			}
			for _, who := range []struct{ user, pass string }{{"admin", adminPass}, {"viewer", viewerPass}} {
				s := newSession(t, f.base)
				s.signIn(who.user, who.pass)
				for _, p := range dashboardPages {
					wantPage(t, who.user+" "+p, s.get(p), http.StatusOK, "<title>", "Waygate for Go", `href="/waygate/assets/`)
				}
				if !full {
					wantPage(t, "empty flags", s.get("/flags"), http.StatusOK, "No flags")
					wantPage(t, "empty audit", s.get("/audit"), http.StatusOK, "No audit entries")
					continue
				}
				wantPage(t, "routes", s.get("/"), http.StatusOK, "reindex", "Maintenance", "Deprecated", "window", "protected")
				limits := s.get("/rate-limits")
				wantPage(t, "limits", limits, http.StatusOK, "100/minute", "5/minute", "Unprotected routes", "<code>192.0.2.7</code>")
				if strings.Contains(limits.body, "<code>GET:/posts:192.0.2.7</code>") {
					t.Error("the latest blocked requests show the counter key, not the client")
				}
				wantPage(t, "blocked", s.get("/blocked"), http.StatusOK, "GET:/posts", "192.0.2.7")
				wantPage(t, "services", s.get("/services"), http.StatusOK, "billing", "ledger move")
				wantPage(t, "audit", s.get("/audit"), http.StatusOK, "maintenance_on", "seed")
				wantPage(t, "segments", s.get("/segments/"+demoSegment), http.StatusOK, demoSegment, "Used by flags")
				for _, tab := range flagTabsToRender {
					wantPage(t, "flag tab "+tab, s.get("/flags/"+demoFlag+"?tab="+tab), http.StatusOK, demoFlag)
				}
				wantPage(t, "flag overview", s.get("/flags/"+demoFlag), http.StatusOK, "Live evaluations", `sse-connect="/waygate/events?flag=`+demoFlag+`"`)
			}
		})
	}
}

// Every action form renders for an admin; viewers get 403 on them and see
// no mutating controls on any page.
func TestDashboardRoles(t *testing.T) {
	f := newFixture(t)
	fillState(t, f)
	forms := []string{
		"/routes/" + key("GET:/orders") + "/enable", "/routes/" + key("GET:/orders") + "/maintenance", "/routes/" + key("GET:/orders") + "/disable",
		"/routes/" + key("GET:/orders") + "/env", "/routes/" + key("GET:/orders") + "/deprecate", "/routes/" + key("GET:/orders") + "/schedule",
		"/routes/" + key("POST:/orders") + "/cancel", "/maintenance/global/enable", "/maintenance/global/disable",
		"/maintenance/services/billing/enable", "/maintenance/services/billing/disable",
		"/rate-limits/routes/" + key("GET:/posts") + "/edit", "/rate-limits/routes/" + key("GET:/orders") + "/edit",
		"/rate-limits/routes/" + key("GET:/posts") + "/reset", "/rate-limits/routes/" + key("GET:/posts") + "/delete",
		"/rate-limits/global/edit", "/rate-limits/global/pause", "/rate-limits/global/resume", "/rate-limits/global/reset", "/rate-limits/global/delete",
		"/rate-limits/services/billing/edit", "/rate-limits/services/billing/pause", "/flags/new", "/flags/" + demoFlag + "/disable",
		"/flags/" + demoFlag + "/delete", "/segments/new", "/segments/" + demoSegment + "/delete",
	}
	adm := newSession(t, f.base)
	adm.signIn("admin", adminPass)
	for _, p := range forms {
		wantPage(t, "admin form "+p, adm.get(p), http.StatusOK, `id="form-card"`, `name="csrf_token"`)
	}
	v := newSession(t, f.base)
	v.signIn("viewer", viewerPass)
	for _, p := range forms {
		wantPage(t, "viewer form "+p, v.get(p), http.StatusForbidden, "viewer role")
	}
	pages := append([]string{}, dashboardPages...)
	for _, tab := range flagTabsToRender {
		pages = append(pages, "/flags/"+demoFlag+"?tab="+tab)
	}
	pages = append(pages, "/segments/"+demoSegment)
	for _, p := range pages {
		body := v.get(p).body
		if strings.Contains(body, "data-dialog") {
			t.Errorf("viewer %s: the page has action links", p)
		}
		for _, m := range regexpAll(`<form method="post" action="([^"]+)"`, body) {
			if !strings.HasSuffix(m, "/sign-out") && !strings.HasSuffix(m, "/evaluate") {
				t.Errorf("viewer %s: the page has a form posting to %s", p, m)
			}
		}
		if strings.Contains(body, `type="submit" class="btn primary">Save`) || strings.Contains(body, ">Save ") {
			t.Errorf("viewer %s: the page has a save button", p)
		}
	}
	// A forged post with the viewer's own valid CSRF token is refused and
	// changes nothing.
	before, _ := f.eng.Route("GET:/orders/{id}")
	wantPage(t, "viewer forged post", v.post("/routes/"+key("GET:/orders/{id}")+"/disable", url.Values{"reason": {"x"}}, true), http.StatusForbidden, "viewer role")
	wantPage(t, "viewer forged flag post", v.post("/flags/"+demoFlag+"/disable", nil, true), http.StatusForbidden)
	if after, _ := f.eng.Route("GET:/orders/{id}"); after.Status != before.Status {
		t.Errorf("a viewer changed GET:/orders/{id}: %s → %s", before.Status, after.Status)
	}
	if fl, _ := f.eng.Flags().Flag(demoFlag); !fl.Enabled {
		t.Error("a viewer turned the flag off")
	}
	// The debugger reads, so viewers may use it.
	wantPage(t, "viewer debugger", v.post("/flags/"+demoFlag+"/evaluate", url.Values{"context_key": {"u1"}}, true), http.StatusOK, "Result", "variation")
}

func TestDashboardCSRF(t *testing.T) {
	f := newFixture(t)
	s := newSession(t, f.base)
	s.signIn("admin", adminPass)
	path := "/routes/" + key("GET:/orders") + "/maintenance"
	wantPage(t, "no token", s.post(path, url.Values{"reason": {"x"}}, false), http.StatusForbidden, "CSRF")
	wantPage(t, "wrong token", s.post(path, url.Values{"reason": {"x"}, "csrf_token": {"forged"}}, false), http.StatusForbidden, "CSRF")
	if st, _ := f.eng.Route("GET:/orders"); st.Status != route.StatusActive {
		t.Fatalf("a post without a CSRF token changed the route: %s", st.Status)
	}
	// Another session's token does not work either.
	other := newSession(t, f.base)
	other.signIn("admin", adminPass)
	wantPage(t, "another session's token", s.post(path, url.Values{"reason": {"x"}, "csrf_token": {other.csrf}}, false), http.StatusForbidden)
	// The header works as well as the field (htmx requests).
	req, _ := http.NewRequest("POST", f.base+path, strings.NewReader("reason=hdr"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set(admin.CSRFHeader, s.csrf)
	if p := s.do(req); p.status != http.StatusSeeOther {
		t.Fatalf("header token: %d %s", p.status, p.body)
	}
	// A cross-site post is refused before anything else.
	req, _ = http.NewRequest("POST", f.base+path, strings.NewReader("reason=x&csrf_token="+url.QueryEscape(s.csrf)))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	if p := s.do(req); p.status != http.StatusForbidden {
		t.Fatalf("cross-site post: %d", p.status)
	}
}

func TestDashboardSignIn(t *testing.T) {
	f := newFixture(t)
	s := newSession(t, f.base)
	p := s.get("/flags?q=x")
	if p.status != http.StatusSeeOther || p.header.Get("Location") != "/waygate/sign-in?next=%2Fwaygate%2Fflags%3Fq%3Dx" {
		t.Fatalf("anonymous page: %d %q", p.status, p.header.Get("Location"))
	}
	wantPage(t, "sign-in page", s.get("/sign-in"), http.StatusOK, `name="password"`)
	wantPage(t, "bad password", s.post("/sign-in", url.Values{"username": {"admin"}, "password": {"nope"}}, false), http.StatusUnauthorized, "invalid credentials")
	p = s.post("/sign-in", url.Values{"username": {"admin"}, "password": {adminPass}, "next": {"/waygate/flags?q=x"}}, false)
	if p.status != http.StatusSeeOther || p.header.Get("Location") != "/waygate/flags?q=x" {
		t.Fatalf("sign in: %d %q", p.status, p.header.Get("Location"))
	}
	for _, next := range []string{"//evil.example/", "https://evil.example/", "/elsewhere", "/waygate/api/routes", "/waygate/\\evil",
		"/waygate/../elsewhere", "/waygate/%2e%2e/elsewhere", "/waygate/./flags/../../elsewhere", "/waygate/%2F%2Fevil.example", "/waygate/..%2Felsewhere"} {
		o := newSession(t, f.base)
		p := o.post("/sign-in", url.Values{"username": {"admin"}, "password": {adminPass}, "next": {next}}, false)
		if p.header.Get("Location") != "/waygate/" {
			t.Errorf("next=%q redirected to %q", next, p.header.Get("Location"))
		}
	}
	s.csrf = csrfOf(s.get("/").body)
	wantPage(t, "sign out without token", s.post("/sign-out", nil, false), http.StatusForbidden)
	if p := s.post("/sign-out", nil, true); p.status != http.StatusSeeOther {
		t.Fatalf("sign out: %d", p.status)
	}
	if p := s.get("/"); p.status != http.StatusSeeOther {
		t.Fatalf("after sign-out the dashboard answers %d", p.status)
	}
	// htmx requests without a session are told where to go.
	req, _ := http.NewRequest("GET", f.base+"/", nil)
	req.Header.Set("HX-Request", "true")
	if p := s.do(req); p.status != http.StatusUnauthorized || !strings.HasPrefix(p.header.Get("HX-Redirect"), "/waygate/sign-in") {
		t.Fatalf("htmx without a session: %d %q", p.status, p.header.Get("HX-Redirect"))
	}
}

// Hostile names, reasons and values are escaped everywhere they appear.
func TestDashboardEscapesHostileValues(t *testing.T) {
	f := newFixture(t)
	ctx := engine.WithActor(context.Background(), `<img src=x onerror=alert(1)>`, "api")
	const evil = `<script>alert("x")</script>`
	eng := f.eng
	if err := eng.Register(ctx, engine.Registration{Method: "GET", Template: `/search/"><script>alert(1)</script>`}); err != nil {
		t.Logf("a hostile template was refused at registration (%v); the reason and flag fields still carry one", err)
	}
	if _, err := eng.SetMaintenance(ctx, "GET:/orders", evil); err != nil {
		t.Fatal(err)
	}
	if _, err := eng.EnableMaintenance(ctx, engine.GlobalScope(), evil, engine.WithExemptPaths(`/"><b>x`)); err != nil {
		t.Fatal(err)
	}
	fl := flag.NewBoolean("hostile.flag_key-1")
	fl.Name, fl.Description, fl.Tags = evil, evil, []string{evil}
	fl.Variations[0].Description = evil
	fl.Rules = []flag.Rule{{Description: evil, Variation: "on", Clauses: []flag.Clause{{Attribute: `a"><script>`, Operator: flag.OpIs, Values: []any{evil}}}}}
	if _, err := eng.CreateFlag(ctx, fl); err != nil {
		t.Fatal(err)
	}
	if _, err := eng.CreateSegment(ctx, flag.Segment{Key: "seg", Name: evil, Included: []string{evil}}); err != nil {
		t.Fatal(err)
	}
	eng.Flags().Bool(fl.Key, flag.EvaluationContext{Key: evil}, false)
	s := newSession(t, f.base)
	s.signIn("admin", adminPass)
	pages := append([]string{"/?q=" + url.QueryEscape(evil), "/flags?q=" + url.QueryEscape(evil), "/audit?actor=" + url.QueryEscape(evil),
		"/segments/seg", "/blocked?route=" + url.QueryEscape(evil)}, dashboardPages...)
	for _, tab := range flagTabsToRender {
		pages = append(pages, "/flags/"+fl.Key+"?tab="+tab)
	}
	for _, p := range pages {
		body := s.get(p).body
		for _, raw := range []string{"<script>alert", "<img src=x", `"><b>x`, `"><script>`} {
			if strings.Contains(body, raw) {
				t.Errorf("%s: unescaped %q", p, raw)
			}
		}
	}
	if body := s.get("/").body; !strings.Contains(body, "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;") {
		t.Error("the routes page does not show the escaped reason")
	}
	// The live evaluation row is escaped as well.
	row := liveEvent(t, s, "/events?flag="+fl.Key, "evaluation", func() {
		eng.Flags().Bool(fl.Key, flag.EvaluationContext{Key: evil}, false)
	})
	if strings.Contains(row, "<script>") || !strings.Contains(row, "&lt;script&gt;") {
		t.Errorf("evaluation row %q", row)
	}
}

// liveEvent opens the dashboard's event stream, runs change and returns
// the data of the first event named name.
func liveEvent(t *testing.T, s *session, path, name string, change func()) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", s.base+path, nil)
	res, err := s.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("events: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	sc := bufio.NewScanner(res.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		if sc.Text() == ": connected" {
			break
		}
	}
	change()
	event := ""
	for sc.Scan() {
		line := sc.Text()
		if v, found := strings.CutPrefix(line, "event: "); found {
			event = v
		}
		if v, found := strings.CutPrefix(line, "data: "); found && event == name {
			return v
		}
	}
	t.Fatalf("no %s event: %v", name, sc.Err())
	return ""
}

func TestDashboardEventStream(t *testing.T) {
	f := newFixture(t)
	s := newSession(t, f.base)
	s.signIn("viewer", viewerPass)
	data := liveEvent(t, s, "/events", "route", func() {
		if _, err := f.eng.Disable(context.Background(), "GET:/orders", "x"); err != nil {
			t.Error(err)
		}
	})
	if data != "GET:/orders" {
		t.Errorf("route event data %q", data)
	}
	// Without a session the stream is refused.
	req, _ := http.NewRequest("GET", f.base+"/events", nil)
	if p := newSession(t, f.base).do(req); p.status != http.StatusSeeOther {
		t.Errorf("anonymous events: %d", p.status)
	}
}

// Pages render concurrently with changes (run with -race).
func TestDashboardConcurrentRendering(t *testing.T) {
	f := newFixture(t)
	fillState(t, f)
	s := newSession(t, f.base)
	s.signIn("admin", adminPass)
	var wg sync.WaitGroup
	errs := make(chan string, 100)
	for i := range 8 {
		wg.Go(func() {
			for j := range 6 {
				p := dashboardPages[(i+j)%len(dashboardPages)]
				if got := s.get(p); got.status != http.StatusOK {
					errs <- fmt.Sprintf("%s: %d", p, got.status)
				}
				if got := s.get("/flags/" + demoFlag + "?tab=" + flagTabsToRender[(i+j)%len(flagTabsToRender)]); got.status != http.StatusOK {
					errs <- fmt.Sprintf("flag tab: %d", got.status)
				}
			}
		})
	}
	wg.Go(func() {
		for i := range 20 {
			reason := fmt.Sprint("r", i)
			if p := s.post("/routes/"+key("GET:/orders")+"/maintenance", url.Values{"reason": {reason}}, true); p.status != http.StatusSeeOther {
				errs <- fmt.Sprintf("maintenance: %d", p.status)
			}
			f.eng.Flags().Bool(demoFlag, flag.EvaluationContext{Key: reason}, false)
		}
	})
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

// The dashboard works under another prefix, mounted with StripPrefix or
// with WithPrefix.
func TestDashboardUnderAnotherPrefix(t *testing.T) {
	for _, mode := range []string{"strip", "option"} {
		t.Run(mode, func(t *testing.T) {
			f := newFixture(t)
			var h http.Handler
			mux := http.NewServeMux()
			if mode == "option" {
				h2, err := admin.New(f.eng, admin.WithUser("admin", adminPass, admin.RoleAdmin), admin.WithIterations(1000), admin.WithPrefix("/ops/waygate"))
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { h2.Close() })
				h = h2
			} else {
				h = http.StripPrefix("/ops/waygate", f.h)
			}
			mux.Handle("/ops/waygate/", h)
			srv := httptest.NewServer(mux)
			t.Cleanup(srv.Close)
			s := newSession(t, srv.URL+"/ops/waygate")
			if p := s.get("/"); p.header.Get("Location") != "/ops/waygate/sign-in?next=%2Fops%2Fwaygate%2F" {
				t.Fatalf("redirect %q", p.header.Get("Location"))
			}
			s.signIn("admin", adminPass)
			home := s.get("/")
			wantPage(t, "home", home, http.StatusOK, `href="/ops/waygate/rate-limits"`, `sse-connect="/ops/waygate/events"`,
				`href="/ops/waygate/routes/`+key("GET:/orders")+`/maintenance?back=%2Fops%2Fwaygate%2F"`)
			if strings.Contains(home.body, `"/waygate/`) {
				t.Error("a link ignores the prefix")
			}
			css := regexpAll(`href="(/ops/waygate/assets/[^"]+\.css)"`, home.body)
			if len(css) != 1 {
				t.Fatalf("stylesheet links %v", css)
			}
			res, err := http.Get(srv.URL + css[0])
			if err != nil || res.StatusCode != 200 || !strings.Contains(res.Header.Get("Cache-Control"), "immutable") {
				t.Fatalf("asset %s: %v %v", css[0], res.StatusCode, err)
			}
			res.Body.Close()
			p := s.post("/routes/"+key("GET:/orders")+"/maintenance", url.Values{"reason": {"x"}, "back": {"/ops/waygate/?q=o"}}, true)
			if p.status != http.StatusSeeOther || p.header.Get("Location") != "/ops/waygate/?q=o" {
				t.Fatalf("action under the prefix: %d %q", p.status, p.header.Get("Location"))
			}
			// A back link outside the dashboard is ignored.
			p = s.post("/routes/"+key("GET:/orders")+"/enable", url.Values{"back": {"https://evil.example/"}}, true)
			if p.header.Get("Location") != "/ops/waygate/" {
				t.Fatalf("back outside the dashboard: %q", p.header.Get("Location"))
			}
		})
	}
}

func TestDashboardOpenAccess(t *testing.T) {
	f := newOpenFixture(t)
	s := newSession(t, f.base)
	home := s.get("/")
	wantPage(t, "open home", home, http.StatusOK, "anonymous")
	s.csrf = csrfOf(s.get("/routes/" + key("GET:/orders") + "/disable").body)
	wantPage(t, "open post without token", s.post("/routes/"+key("GET:/orders")+"/disable", nil, false), http.StatusForbidden)
	if p := s.post("/routes/"+key("GET:/orders")+"/disable", nil, true); p.status != http.StatusSeeOther {
		t.Fatalf("open post: %d", p.status)
	}
}

func between(s, from, to string) string {
	_, rest, found := strings.Cut(s, from)
	if !found {
		return ""
	}
	v, _, _ := strings.Cut(rest, to)
	return v
}

// On a Waygate Server the Services page shows the services' SDKs and
// their routes, service-scoped keys included.
func TestDashboardServicesOnAServer(t *testing.T) {
	srv := newSDKServer(t, backend.NewMemory())
	newService(t, srv.base, "payments", paymentsToken)
	s := newSession(t, srv.base)
	s.signIn("admin", adminPass)
	eventually(t, "payments connected", func() bool {
		return strings.Contains(s.get("/services").body, "Connected")
	})
	wantPage(t, "services", s.get("/services"), http.StatusOK, "payments", "last seen")
	wantPage(t, "routes of payments", s.get("/?service=payments"), http.StatusOK, "/pay", "Service payments", "declared")
	p := s.post("/routes/"+key("payments:GET:/free")+"/maintenance", url.Values{"reason": {"from the server"}}, true)
	if p.status != http.StatusSeeOther {
		t.Fatalf("maintenance of a service route: %d %s", p.status, between(p.body, `role="alert">`, "</p>"))
	}
	// The Rate limits page names the service of each route, and says it
	// cannot see limits declared in services' code.
	limits := s.get("/rate-limits")
	wantPage(t, "rate limits", limits, http.StatusOK, `id="service-declared-note"`, "enforced by the service")
	if row := between(limits.body, `id="unprotected-`+key("payments:GET:/free")+`"`, "</tr>"); !strings.Contains(row, `<span class="chip">payments</span>`) {
		t.Errorf("the unprotected row of payments:GET:/free has no service chip: %s", row)
	}
}

// The mount path without its trailing slash leads to the dashboard, not
// to the host's root, also when the handler gets an empty path from
// http.StripPrefix (gin's and echo's mounts do that).
func TestDashboardMountWithoutSlash(t *testing.T) {
	f := newFixture(t)
	rec := httptest.NewRecorder()
	http.StripPrefix("/waygate", f.h).ServeHTTP(rec, httptest.NewRequest("GET", "/waygate", nil))
	if rec.Code != http.StatusPermanentRedirect || rec.Header().Get("Location") != "/waygate/" {
		t.Fatalf("GET /waygate: %d %q", rec.Code, rec.Header().Get("Location"))
	}
}

// A path with ., .. or empty elements is redirected to its clean form
// under the mount, as http.ServeMux would, but without leaving the mount:
// gin's, echo's and fiber's mounts pass such paths through.
func TestUncleanPathsStayUnderTheMount(t *testing.T) {
	f := newFixture(t)
	for in, want := range map[string]string{
		"/waygate/./api/routes":          "/waygate/api/routes",
		"/waygate//api/routes?x=1":       "/waygate/api/routes?x=1",
		"/waygate/api/../api/routes":     "/waygate/api/routes",
		"/waygate/../routes":             "/waygate/routes",
		"/waygate/./":                    "/waygate/",
		"/waygate/api/./services/a/b/..": "/waygate/api/services/a",
		"/waygate/./\\evil.example/x":    "/waygate/%5Cevil.example/x", // a backslash would read as a slash
	} {
		req := httptest.NewRequest("GET", "/", nil)
		req.RequestURI = in // as the server read it, before anyone cleaned it
		if in == "/waygate//api/routes?x=1" {
			req.RequestURI = "http://example.com" + in // the absolute form a proxy may send
		}
		req.URL.Path, req.URL.RawQuery, _ = strings.Cut(in, "?")
		rec := httptest.NewRecorder()
		http.StripPrefix("/waygate", f.h).ServeHTTP(rec, req)
		if rec.Code != http.StatusTemporaryRedirect || rec.Header().Get("Location") != want {
			t.Errorf("GET %s: %d %q, want 307 to %q", in, rec.Code, rec.Header().Get("Location"), want)
		}
	}
}

// Mounted at the host's root, an unclean path still redirects on this
// host: never to //host or /\host, which browsers read as another host.
func TestUncleanPathsNeverLeaveTheHost(t *testing.T) {
	f := newFixture(t)
	for in, want := range map[string]string{
		"//evil.example/x":  "/evil.example/x",
		"/.//evil.example":  "/evil.example",
		"/./\\evil.example": "/%5Cevil.example",
	} {
		req := httptest.NewRequest("GET", "/", nil)
		req.RequestURI, req.URL.Path = in, in
		rec := httptest.NewRecorder()
		f.h.ServeHTTP(rec, req)
		loc := rec.Header().Get("Location")
		if rec.Code != http.StatusTemporaryRedirect || loc != want {
			t.Errorf("GET %s: %d %q, want 307 to %q", in, rec.Code, loc, want)
		}
	}
}
