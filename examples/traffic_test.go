package examples_test

// The dashboard's Traffic page in a real headless Chromium. Against a demo
// process: requests sent over HTTP show on the page at once, in the
// current minute's bar and the totals. Against an engine in this process
// on a fake clock: an hour of traffic, sampled minute by minute, shows as
// sixty bars, and a sampled minute reaches the open page over its event
// stream. With WAYGATE_UPDATE_SCREENSHOTS=1 the second rewrites
// docs/img/dashboard-traffic.png.

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/waygate-go/waygate/admin"
	"github.com/waygate-go/waygate/core/backend"
	"github.com/waygate-go/waygate/core/clock"
	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/flag"
	"github.com/waygate-go/waygate/core/route"
)

func TestTrafficInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a demo program and Chromium")
	}
	base := start(t, "gin", "WAYGATE_ADMIN_PASSWORD="+dashAdminPass)
	b := &tab{t: t, ctx: newBrowser(t, 2*time.Minute), base: base}
	for range 3 {
		if res := do(t, "GET", base+"/payments", nil); res.status != 503 {
			t.Fatalf("GET /payments: %d", res.status)
		}
	}
	for range 4 {
		if res := do(t, "GET", base+"/orders", nil); res.status != 200 {
			t.Fatalf("GET /orders: %d", res.status)
		}
	}
	orders, payments := `#traffic-`+seg("GET:/orders"), `#traffic-`+seg("GET:/payments")
	b.signIn("admin", dashAdminPass)
	b.do("traffic page", chromedp.Click(chromedp.CSS(`nav a[href="/waygate/traffic"]`)),
		chromedp.WaitVisible(chromedp.CSS(orders+` svg.spark path.allowed`)), chromedp.WaitVisible(chromedp.CSS(payments+` svg.spark path.blocked`)))
	if got := b.eval(`document.querySelector('nav a[aria-current="page"]').textContent`); got != "Traffic" {
		t.Errorf("the nav highlights %v", got)
	}
	if got := b.text(orders + ` .allowed-n`); got != "4" {
		t.Errorf("/orders allowed: %q, want 4", got)
	}
	if got := b.text(payments + ` .blocked-n`); !strings.HasPrefix(got, "3") || !strings.Contains(got, "maintenance 3") {
		t.Errorf("/payments blocked: %q, want 3, all maintenance", got)
	}
	// The requests were sent in this minute or, if a minute has ended
	// since, in the one before: the test never waits for the sampler.
	label, _ := b.eval(`document.querySelector('` + payments + ` svg').getAttribute('aria-label')`).(string)
	if !strings.HasPrefix(label, "GET:/payments, last hour: 0 allowed, 3 blocked (maintenance 3); this minute: ") ||
		!strings.HasSuffix(label, "; busiest minute: 3 requests") {
		t.Errorf("the /payments chart's label: %q", label)
	}
	// The chart is drawn: sixty minutes wide, the requests' bar at the
	// right end (the current minute's, or the one before it).
	if w := b.eval(`document.querySelector('` + orders + ` svg').getBoundingClientRect().width`); w != float64(240) {
		t.Errorf("the chart is %v px wide, want 240", w)
	}
	if x := b.eval(`document.querySelector('` + orders + ` path.allowed').getBBox().x`); x != float64(236) && x != float64(232) {
		t.Errorf("the requests' bar starts at %v, want 236 (the last of 60) or 232", x)
	}
	// The page watches the sampler's minutes over the live stream.
	b.do("live updates connected", chromedp.WaitVisible(chromedp.CSS(`#live-state[data-state="open"]`)))
	if src := b.eval(`document.querySelector('main').getAttribute('sse-connect')`); src != "/waygate/events?traffic=1" {
		t.Errorf("the page's stream: %v", src)
	}

	// Fresh requests are counted before their response is sent: the next
	// load shows them.
	for range 2 {
		do(t, "GET", base+"/orders", nil)
	}
	b.do("reload", chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS(orders)))
	b.do("six orders", chromedp.Poll[chromedp.Void](`document.querySelector('`+orders+` .allowed-n').textContent === "6"`,
		chromedp.WithPollingTimeout(10*time.Second)))
	if got := b.text(`#traffic-hour .big`); got == "" || got == "0" {
		t.Errorf("the hour's total: %q", got)
	}
}

// trafficApp is an engine with the demo's routes and flag on a fake clock,
// with its admin handler served at /waygate.
type trafficApp struct {
	eng  *engine.Engine
	clk  *clock.Fake
	base string
}

func newTrafficApp(t *testing.T, start time.Time) *trafficApp {
	t.Helper()
	ctx := context.Background()
	clk := clock.NewFake(start)
	eng, err := engine.New(ctx, engine.WithBackend(backend.NewMemory()), engine.WithClock(clk), engine.WithEnv("production"),
		engine.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { eng.Close() })
	decl := func(opts ...route.Option) route.Declaration {
		d, err := route.Declare(opts...)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	if err := eng.Register(ctx,
		engine.Registration{Method: "GET", Template: "/health", Declaration: decl(route.ForceActive())},
		engine.Registration{Method: "GET", Template: "/payments"},
		engine.Registration{Method: "GET", Template: "/orders"},
		engine.Registration{Method: "POST", Template: "/orders"},
		engine.Registration{Method: "GET", Template: "/orders/{id}"},
		engine.Registration{Method: "GET", Template: "/debug", Declaration: decl(route.EnvOnly("dev", "staging"))},
		engine.Registration{Method: "GET", Template: "/old-reports", Declaration: decl(route.Disabled("Replaced by /reports"))},
		engine.Registration{Method: "GET", Template: "/posts", Declaration: decl(route.RateLimit("5/minute"))},
		engine.Registration{Method: "GET", Template: "/checkout"},
	); err != nil {
		t.Fatal(err)
	}
	checkout := flag.NewBoolean("new-checkout")
	checkout.Fallthrough = flag.Fallthrough{Rollout: []flag.WeightedVariation{{Variation: "on", Weight: 20_000}, {Variation: "off", Weight: 80_000}}}
	theme := flag.NewBoolean("theme")
	theme.Type = flag.TypeString
	theme.Variations = []flag.Variation{{Name: "light", Value: "light"}, {Name: "dark", Value: "dark"}, {Name: "system", Value: "system"}}
	theme.OffVariation = "light"
	theme.Fallthrough = flag.Fallthrough{Rollout: []flag.WeightedVariation{{Variation: "light", Weight: 50_000}, {Variation: "dark", Weight: 30_000},
		{Variation: "system", Weight: 20_000}}}
	for _, f := range []flag.Flag{checkout, theme} {
		if _, err := eng.CreateFlag(ctx, f); err != nil {
			t.Fatal(err)
		}
	}
	h, err := admin.New(eng, admin.WithPrefix("/waygate"), admin.WithClock(clk), admin.WithUser("admin", dashAdminPass, admin.RoleAdmin),
		admin.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(func() {
		srv.Close()
		h.Close()
	})
	return &trafficApp{eng: eng, clk: clk, base: srv.URL}
}

// hit has the engine decide n requests, as the app's middleware would.
func (a *trafficApp) hit(method, path string, n int, ip string) {
	for range n {
		a.eng.Check(context.Background(), &engine.Request{Method: method, Route: path, Path: path, RemoteAddr: ip + ":40000"})
	}
}

// minute is one minute of a busy morning: minute i of the hour.
func (a *trafficApp) minute(i int) {
	wave := 1 + math.Sin(float64(i)/9) // 0..2, a slow swell
	n := func(base float64) int { return int(base * (0.6 + 0.4*wave) * (1 + 0.15*math.Sin(float64(i*7)))) }
	a.hit("GET", "/orders", n(60), "198.51.100.1")
	a.hit("GET", "/orders/{id}", n(25), "198.51.100.2")
	a.hit("POST", "/orders", n(8), "198.51.100.3")
	a.hit("GET", "/health", 2, "10.0.0.1")
	a.hit("GET", "/payments", n(12), "198.51.100.4")
	for c := range 3 { // three clients, the last two over 5/minute now and then
		a.hit("GET", "/posts", 3+c*(i%3), "203.0.113."+strconv.Itoa(c+1))
	}
	if i%4 == 0 {
		a.hit("GET", "/old-reports", 2, "198.51.100.5")
	}
	if i%6 == 1 {
		a.hit("GET", "/debug", 1, "198.51.100.6")
	}
	checkouts := n(30)
	a.hit("GET", "/checkout", checkouts, "198.51.100.7")
	for u := range checkouts {
		user := fmt.Sprintf("user-%d-%d", i, u)
		a.eng.Flags().Bool("new-checkout", flag.EvaluationContext{Key: user}, false)
		if u%2 == 0 {
			a.eng.Flags().String("theme", flag.EvaluationContext{Key: user}, "light")
		}
	}
}

func TestTrafficHistoryInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("runs Chromium")
	}
	// An hour ending now, so the session cookie's expiry (by the fake
	// clock) is in the browser's future.
	now := time.Now().UTC().Truncate(time.Minute)
	app := newTrafficApp(t, now.Add(-time.Hour+30*time.Second))
	ctx := context.Background()
	for i := range 60 {
		if i == 40 {
			if _, err := app.eng.SetMaintenance(engine.WithActor(ctx, "ops", "cli"), "GET:/payments", "DB migration — back at 04:00 UTC"); err != nil {
				t.Fatal(err)
			}
		}
		app.minute(i)
		if i < 59 {
			app.clk.Advance(time.Minute)
		}
	}
	b := &tab{t: t, ctx: newBrowser(t, 2*time.Minute), base: app.base}
	b.signIn("admin", dashAdminPass)
	orders, payments := `#traffic-`+seg("GET:/orders"), `#traffic-`+seg("GET:/payments")
	b.do("traffic page", chromedp.Navigate(app.base+"/waygate/traffic"), chromedp.WaitVisible(chromedp.CSS(orders+` svg.spark`)),
		chromedp.WaitVisible(chromedp.CSS(`#live-state[data-state="open"]`)))
	// Sixty bars: one per minute of the hour.
	bars := b.eval(`document.querySelector('` + orders + ` path.allowed').getAttribute('d').split('M').length - 1`)
	if bars != float64(60) {
		t.Errorf("/orders has %v bars, want 60", bars)
	}
	// /payments went into maintenance 40 minutes in: allowed before, blocked after.
	pay := b.eval(`(() => { const d = s => document.querySelector('` + payments + ` path.' + s).getAttribute('d').split('M').length - 1;
		return d('allowed') + "/" + d('blocked') })()`)
	if pay != "40/20" {
		t.Errorf("/payments minutes allowed/blocked: %v, want 40/20", pay)
	}
	t.Logf("the /payments chart reads %q", b.eval(`document.querySelector('`+payments+` svg').getAttribute('aria-label')`))
	if got := b.text(`#traffic-routes tbody tr:first-child code`); got != "/orders" {
		t.Errorf("the busiest route is %q, want /orders", got)
	}
	for _, v := range []string{"light", "dark", "system"} {
		b.do("theme variation "+v, chromedp.WaitVisible(chromedp.CSS(`#traffic-flag-theme li[data-variation="`+v+`"] .share`)))
	}
	if got := b.text(`#traffic-flag-new-checkout li[data-variation="on"] .share`); !strings.HasSuffix(got, "%") {
		t.Errorf("new-checkout on share: %q", got)
	}
	// The whole page, not just the first screen.
	b.do("tall viewport", chromedp.EmulateViewport(1280, 1200))
	b.screenshot("traffic")
	b.do("usual viewport", chromedp.EmulateViewport(1280, 900))

	// A sampled minute reaches the open page: it refreshes in place.
	before := b.text(`#traffic-hour .big`)
	b.eval(`window.notReloaded = true; 1`)
	app.hit("GET", "/orders", 500, "198.51.100.1")
	app.clk.Advance(time.Minute)
	b.do("the page refreshed itself", chromedp.Poll[chromedp.Void](`window.notReloaded === true &&
		document.querySelector('#traffic-hour .big').textContent !== `+strconv.Quote(before), chromedp.WithPollingTimeout(10*time.Second)))
}
