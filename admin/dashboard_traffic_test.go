package admin_test

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/flag"
)

// check has the engine decide n requests for path, as an adapter would.
func check(f *fixture, path string, n int) {
	for range n {
		f.eng.Check(context.Background(), &engine.Request{Method: "GET", Route: path, Path: path, RemoteAddr: "192.0.2.9:1234"})
	}
}

// trafficRow returns the Traffic page's table row of a route key.
func trafficRow(t *testing.T, body, routeKey string) string {
	t.Helper()
	m := regexp.MustCompile(`(?s)<tr id="traffic-` + regexp.QuoteMeta(key(routeKey)) + `".*?</tr>`).FindString(body)
	if m == "" {
		t.Fatalf("no row for %s on the Traffic page", routeKey)
	}
	return m
}

func TestDashboardTraffic(t *testing.T) {
	f := newFixture(t)
	seedFlags(t, f)
	s := newSession(t, f.base)
	s.signIn("viewer", viewerPass)
	wantPage(t, "no traffic yet", s.get("/traffic"), http.StatusOK, "No requests in the last hour", "No flag evaluations", `aria-current="page">Traffic`)

	check(f, "/orders", 5)
	check(f, "/payments", 2) // in maintenance
	check(f, "/posts", 7)    // 5/minute: two are limited
	for _, k := range []string{"ana", "ben", "beta_tester_1"} {
		f.eng.Flags().Bool("new-checkout", flag.EvaluationContext{Key: k}, false)
	}

	// The current minute shows at once, before any sample.
	p := s.get("/traffic")
	wantPage(t, "traffic", p, http.StatusOK, `<svg class="spark"`, `role="img"`, `sse-connect="/waygate/events?traffic=1"`,
		"23:01 UTC to 00:00 UTC", `<strong class="big">14</strong> requests`)
	posts := trafficRow(t, p.body, "GET:/posts")
	for _, want := range []string{`<td class="num allowed-n">5</td>`, `data-outcome="rate_limited">rate limited 2</span>`,
		`aria-label="GET:/posts, last hour: 5 allowed, 2 blocked (rate limited 2); this minute: 5 allowed, 2 blocked; busiest minute: 7 requests"`,
		`<path class="allowed" d="M236 `, `<path class="blocked" d="M236 `} {
		if !strings.Contains(posts, want) {
			t.Errorf("the /posts row lacks %s:\n%s", want, posts)
		}
	}
	if pay := trafficRow(t, p.body, "GET:/payments"); !strings.Contains(pay, `data-outcome="maintenance">maintenance 2</span>`) ||
		!strings.Contains(pay, `<title>GET:/payments, last hour: 0 allowed, 2 blocked (maintenance 2)`) {
		t.Errorf("the /payments row:\n%s", pay)
	}
	// Busiest first; routes without traffic are only counted.
	if i, j, k := strings.Index(p.body, `id="traffic-`+key("GET:/posts")), strings.Index(p.body, `id="traffic-`+key("GET:/orders")),
		strings.Index(p.body, `id="traffic-`+key("GET:/payments")); i > j || j > k {
		t.Errorf("rows are not sorted by traffic: /posts at %d, /orders at %d, /payments at %d", i, j, k)
	}
	if strings.Contains(p.body, `id="traffic-`+key("GET:/health")) || !strings.Contains(p.body, "3 registered routes had no requests") {
		t.Errorf("quiet routes: %s", regexp.MustCompile(`(?s)<p class="muted table-note".*?</p>`).FindString(p.body))
	}
	flagRow := regexp.MustCompile(`(?s)<tr id="traffic-flag-new-checkout".*?</tr>`).FindString(p.body)
	for _, want := range []string{`<span class="count">3</span>`, `<li data-variation="on"><span class="swatch v0"></span> on <strong class="count">1</strong> <span class="share">33.3%</span>`,
		`<li data-variation="off"><span class="swatch v1"></span> off <strong class="count">2</strong> <span class="share">66.7%</span>`,
		`aria-label="new-checkout, last hour: 3 evaluations: on 1 (33.3%), off 2 (66.7%); this minute: 3; busiest minute: 3 evaluations"`} {
		if !strings.Contains(flagRow, want) {
			t.Errorf("the flag row lacks %s:\n%s", want, flagRow)
		}
	}

	// A sampled minute moves one bar to the left, and tells the pages
	// that watch.
	minute := liveEvent(t, s, "/events?traffic=1", "traffic", func() { f.clk.Advance(time.Minute) })
	if minute != "2026-01-01T00:00:00Z" {
		t.Errorf("traffic event data %q, want the minute sampled", minute)
	}
	check(f, "/orders", 1)
	p = s.get("/traffic")
	orders := trafficRow(t, p.body, "GET:/orders")
	for _, want := range []string{`<td class="num allowed-n">6</td>`, `<path class="allowed" d="M232 0h3v32h-3zM236 `, `this minute: 1 allowed, 0 blocked; busiest minute: 5 requests"`} {
		if !strings.Contains(orders, want) {
			t.Errorf("after a minute the /orders row lacks %s:\n%s", want, orders)
		}
	}
	// An hour later it is all gone.
	f.clk.Advance(time.Hour)
	wantPage(t, "an hour later", s.get("/traffic"), http.StatusOK, "No requests in the last hour", "No flag evaluations")
}

// Route keys, flag keys and variation names are escaped in the table, the
// chart's title and its aria-label.
func TestDashboardTrafficEscapes(t *testing.T) {
	f := newFixture(t)
	const evil = `"><script>alert(1)</script>`
	rec := f.eng.Flags().Recorder()
	rec.Record(flag.Event{FlagKey: "x" + evil, Variation: "v" + evil}) // as an SDK client's evaluation would be recorded
	if err := f.eng.Register(context.Background(), engine.Registration{Method: "GET", Template: "/search/" + evil}); err == nil {
		check(f, "/search/"+evil, 2)
	} else {
		t.Logf("the hostile template was refused at registration (%v); the flag still carries one", err)
	}
	s := newSession(t, f.base)
	s.signIn("admin", adminPass)
	p := s.get("/traffic")
	wantPage(t, "traffic", p, http.StatusOK, "x&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;")
	if strings.Contains(p.body, "<script>alert") || strings.Contains(p.body, `"><script>`) {
		t.Errorf("unescaped value on the Traffic page:\n%s", p.body)
	}
}

// The page charts the 200 busiest routes and says how many more had
// traffic; the totals count them all.
func TestDashboardTrafficCapsRows(t *testing.T) {
	f := newFixture(t)
	var regs []engine.Registration
	for i := range 202 {
		regs = append(regs, engine.Registration{Method: "GET", Template: fmt.Sprintf("/r/%03d", i)})
	}
	if err := f.eng.Register(context.Background(), regs...); err != nil {
		t.Fatal(err)
	}
	for i := range 202 {
		check(f, fmt.Sprintf("/r/%03d", i), 1+i%3)
	}
	s := newSession(t, f.base)
	s.signIn("admin", adminPass)
	p := s.get("/traffic")
	wantPage(t, "traffic", p, http.StatusOK, "2 more routes had requests in the last hour", `<strong class="big">403</strong> requests`)
	if n := strings.Count(p.body, `<tr id="traffic-`); n != 200 {
		t.Errorf("%d rows, want 200", n)
	}
}
