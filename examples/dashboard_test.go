package examples_test

// The dashboard in a real headless Chromium against a real demo process:
// sign in, change routes, limits and flags through the UI and check the
// effect over HTTP; a change made through the REST API shows up in the
// open page on its own; a viewer gets no controls and a forged post is
// refused. With WAYGATE_UPDATE_SCREENSHOTS=1 the test also rewrites the
// screenshots in docs/img.

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

const (
	dashAdminPass  = "browser-admin-pw"
	dashViewerPass = "browser-viewer-pw"
)

// tab wraps a chromedp tab with test failure handling.
type tab struct {
	t    *testing.T
	ctx  context.Context
	base string // the demo's URL
}

// on returns the tab for a subtest.
func (b *tab) on(t *testing.T) *tab {
	c := *b
	c.t = t
	return &c
}

// do runs steps, each group bounded by 20 seconds; on failure it reports
// the page's location and text.
func (b *tab) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		dctx, dcancel := context.WithTimeout(b.ctx, 5*time.Second)
		defer dcancel()
		loc, _ := chromedp.Run(dctx, chromedp.Location())
		html, _ := chromedp.Run(dctx, chromedp.Evaluate[string](`document.body ? document.body.innerText.slice(0, 3000) : ""`))
		b.t.Fatalf("%s: %v\nat %s:\n%s", what, err, loc, html)
	}
}

func (b *tab) text(sel string) string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("text of %s: %v", sel, err)
	}
	return strings.TrimSpace(s)
}

func (b *tab) eval(expr string) any {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[any](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// signIn signs in through the form and waits for the Routes page.
func (b *tab) signIn(user, pass string) {
	b.t.Helper()
	b.do("sign in as "+user,
		chromedp.Navigate(b.base+"/waygate/"),
		chromedp.WaitVisible(chromedp.CSS(`input[name="username"]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name="username"]`), user),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), pass),
		chromedp.Click(chromedp.CSS(`button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#routes-table`)),
	)
}

// action opens an action's dialog from a link, fills its fields and
// submits it.
func (b *tab) action(link string, fields map[string]string) {
	b.t.Helper()
	steps := []chromedp.Action[chromedp.Void]{
		chromedp.Click(chromedp.CSS(link)),
		chromedp.WaitVisible(chromedp.CSS(`#dialog[open] form`)),
	}
	for name, v := range fields {
		steps = append(steps, chromedp.SendKeys(chromedp.CSS(`#dialog[open] [name="`+name+`"]`), v))
	}
	steps = append(steps, chromedp.Click(chromedp.CSS(`#dialog[open] button[type="submit"]`)), chromedp.WaitVisible(chromedp.CSS(`[data-toast]`)))
	b.do("action "+link, steps...)
}

// screenshot saves the viewport as docs/img/dashboard-<name>.png when
// WAYGATE_UPDATE_SCREENSHOTS=1.
func (b *tab) screenshot(name string) {
	b.t.Helper()
	if os.Getenv("WAYGATE_UPDATE_SCREENSHOTS") != "1" {
		return
	}
	b.eval(`document.querySelectorAll("[data-toast]").forEach(e => e.remove()); 1`)
	png, err := chromedp.Run(b.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		b.t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join("..", "docs", "img", "dashboard-"+name+".png"), png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

func seg(key string) string { return base64.RawURLEncoding.EncodeToString([]byte(key)) }

func TestDashboardInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a demo program and Chromium")
	}
	base := start(t, "gin", "WAYGATE_ADMIN_PASSWORD="+dashAdminPass, "WAYGATE_VIEWER_PASSWORD="+dashViewerPass)
	b := &tab{t: t, ctx: newBrowser(t, 5*time.Minute), base: base}
	api := login(t, base, "admin", dashAdminPass)
	orders := seg("GET:/orders")

	b.do("sign-in page", chromedp.Navigate(base+"/waygate/"), chromedp.WaitVisible(chromedp.CSS(`input[name="password"]`)))
	// Nothing about the deployment before sign-in: no environment, no
	// version, no backend state.
	html, _ := b.eval(`document.documentElement.outerHTML`).(string)
	for _, secret := range []string{"production", `class="version"`, `id="sync-state"`, "in sync", "last sync", "Waygate for Go devel"} {
		if strings.Contains(html, secret) {
			t.Errorf("the sign-in page shows %q", secret)
		}
	}
	b.screenshot("sign-in")
	b.signIn("admin", dashAdminPass)
	if got := b.text(`footer`); !strings.Contains(got, "environment production") || !strings.Contains(got, "backend in sync") {
		t.Errorf("the footer after sign-in: %q", got)
	}

	if !t.Run("maintenance from the UI answers 503", func(t *testing.T) {
		b := b.on(t)
		b.action(`#row-`+orders+` a[href*="/maintenance"]`, map[string]string{"reason": "reindex from the browser"})
		b.do("row shows maintenance", chromedp.WaitVisible(chromedp.CSS(`#row-`+orders+` .st-maintenance`)))
		res := do(t, "GET", base+"/orders", nil)
		if res.status != 503 || errorCode(t, res.body) != "MAINTENANCE_MODE" || !strings.Contains(string(res.body), "reindex from the browser") {
			t.Fatalf("GET /orders after maintenance in the UI: %d %s", res.status, res.body)
		}
	}) {
		return
	}

	if !t.Run("maintenance with an end: bad input is explained in the dialog, a duration ends it", func(t *testing.T) {
		b := b.on(t)
		posts := seg("GET:/posts")
		field := func(name string) chromedp.CSS { return chromedp.CSS(`#dialog[open] [name="` + name + `"]`) }
		b.do("open the dialog", chromedp.Click(chromedp.CSS(`#row-`+posts+` a[href*="/maintenance"]`)), chromedp.WaitVisible(field("duration")),
			chromedp.SendKeys(field("reason"), "cache warm-up"), chromedp.SendKeys(field("duration"), "2h"))
		b.screenshot("maintenance")
		b.do("a bad duration", chromedp.Clear(field("duration")), chromedp.SendKeys(field("duration"), "soon"),
			chromedp.Click(chromedp.CSS(`#dialog[open] button[type="submit"]`)),
			chromedp.WaitVisible(chromedp.CSS(`#dialog[open] .alert.error`)))
		if got := b.text(`#dialog[open] .alert.error`); !strings.Contains(got, "write a duration like 30m, 2h or 1d") {
			t.Errorf("the dialog's message: %q", got)
		}
		if loc := b.eval(`location.pathname`); loc != "/waygate/" {
			t.Errorf("the error replaced the page: at %v", loc)
		}
		if got := b.eval(`document.querySelector('#dialog[open] [name="reason"]').value`); got != "cache warm-up" {
			t.Errorf("the dialog lost the reason: %v", got)
		}
		if res := do(t, "GET", base+"/posts", nil); res.status != 200 {
			t.Fatalf("GET /posts after refused input: %d", res.status)
		}
		b.do("a good duration", chromedp.Clear(field("duration")), chromedp.SendKeys(field("duration"), "2h"),
			chromedp.Click(chromedp.CSS(`#dialog[open] button[type="submit"]`)), chromedp.WaitVisible(chromedp.CSS(`[data-toast]`)),
			chromedp.WaitVisible(chromedp.CSS(`#row-`+posts+` .st-maintenance`)), chromedp.WaitVisible(chromedp.CSS(`#row-`+posts+` .window`)))
		res := do(t, "GET", base+"/posts", nil)
		retry, _ := strconv.Atoi(res.header.Get("Retry-After"))
		if res.status != 503 || errorCode(t, res.body) != "MAINTENANCE_MODE" || retry < 7000 || retry > 7200 || !strings.Contains(string(res.body), `"retry_after":"`) {
			t.Fatalf("GET /posts in a 2h maintenance: %d Retry-After %q %s", res.status, res.header.Get("Retry-After"), res.body)
		}

		// An end time is read in the browser's time zone (here UTC+5:30)
		// and sent as UTC.
		tz := func(id string) chromedp.Action[chromedp.Void] {
			return func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
				_, err := cdp.Call(ctx, tg, emulation.SetTimezoneOverride, emulation.SetTimezoneOverrideParams{TimezoneID: id})
				return chromedp.Void{}, err
			}
		}
		kolkata := time.FixedZone("IST", 5*3600+1800)
		end := time.Now().In(kolkata).Add(3 * time.Hour).Truncate(time.Minute)
		reports := seg("GET:/reports")
		b.do("Kolkata", tz("Asia/Kolkata"), chromedp.Navigate(base+"/waygate/"), chromedp.WaitVisible(chromedp.CSS(`#row-`+reports)))
		defer b.do("back to the host's time zone", tz(""))
		b.do("open the dialog", chromedp.Click(chromedp.CSS(`#row-`+reports+` a[href*="/maintenance"]`)), chromedp.WaitVisible(field("end")))
		if got := b.text(`#dialog[open] [data-tz]`); got != "Asia/Kolkata" && got != "Asia/Calcutta" { // ICU's older name
			t.Errorf("the dialog names the time zone %q, want Asia/Kolkata", got)
		}
		b.eval(`(() => { const el = document.querySelector('#dialog[open] [name="end"]'); el.value = "` + end.Format("2006-01-02T15:04") +
			`"; el.dispatchEvent(new Event("input", {bubbles: true})); return 1 })()`)
		b.do("submit an end", chromedp.Click(chromedp.CSS(`#dialog[open] button[type="submit"]`)),
			chromedp.WaitVisible(chromedp.CSS(`#row-`+reports+` .window`)))
		code, body := api.do("GET", "/api/routes/"+reports, nil)
		var st struct {
			Status string
			Window struct{ End time.Time }
		}
		if code != 200 || json.Unmarshal(body, &st) != nil || st.Status != "maintenance" || !st.Window.End.Equal(end) {
			t.Fatalf("GET:/reports after an end of %s in Kolkata: %d %s, want maintenance until %s", end.Format("15:04"), code, body, end.UTC())
		}
		if got := b.text(`#row-` + reports + ` .window`); !strings.Contains(got, end.UTC().Format("2006-01-02 15:04:05 UTC")) {
			t.Errorf("the row's window %q does not show the end in UTC", got)
		}
		if got := b.text(`#row-` + seg("GET:/legacy/orders") + ` .sunset`); got != "sunset 2027-01-01 00:00:00 UTC → /orders" {
			t.Errorf("the sunset reads %q", got)
		}
		b.screenshot("routes")
	}) {
		return
	}

	// The page is never reloaded here: each change reaches it over SSE.
	// How fast is logged, not asserted (a busy machine delays it); the
	// wait for each change has the browser step's deadline.
	if !t.Run("a REST change appears in the open page", func(t *testing.T) {
		b := b.on(t)
		b.do("live updates connected", chromedp.WaitVisible(chromedp.CSS(`#live-state[data-state="open"]`)))
		for i, change := range []struct{ path, sel string }{
			{"/api/routes/" + seg("GET:/orders/{id}") + "/disable", `#row-` + seg("GET:/orders/{id}") + ` .st-disabled`},
			{"/api/routes/" + seg("POST:/orders") + "/maintenance", `#row-` + seg("POST:/orders") + ` .st-maintenance`},
			{"/api/routes/" + seg("GET:/orders/{id}") + "/enable", `#row-` + seg("GET:/orders/{id}") + ` .st-active`},
		} {
			t0 := time.Now()
			if code, body := api.do("POST", change.path, map[string]string{"reason": "from the API"}); code != 200 {
				t.Fatalf("API change %d: %d %s", i, code, body)
			}
			b.do("see change", chromedp.WaitVisible(chromedp.CSS(change.sel), chromedp.RetryInterval(10*time.Millisecond)))
			t.Logf("REST change %d visible in the open page after %s", i+1, time.Since(t0).Round(time.Millisecond))
		}
	}) {
		return
	}

	if !t.Run("a rate limit set in the UI is enforced", func(t *testing.T) {
		b := b.on(t)
		if code, body := api.do("POST", "/api/routes/"+orders+"/enable", nil); code != 200 {
			t.Fatalf("enable: %d %s", code, body)
		}
		b.do("rate limits page", chromedp.Navigate(base+"/waygate/rate-limits"), chromedp.WaitVisible(chromedp.CSS(`#unprotected-`+orders)))
		b.do("open add limit", chromedp.Click(chromedp.CSS(`#unprotected-`+orders+` a`)), chromedp.WaitVisible(chromedp.CSS(`#dialog[open] [name="limit"]`)),
			chromedp.Clear(chromedp.CSS(`#dialog[open] [name="limit"]`)), chromedp.SendKeys(chromedp.CSS(`#dialog[open] [name="limit"]`), "2/minute"),
			chromedp.Click(chromedp.CSS(`#dialog[open] button[type="submit"]`)), chromedp.WaitVisible(chromedp.CSS(`#rl-`+orders)))
		var codes []int
		for range 3 {
			codes = append(codes, do(t, "GET", base+"/orders", nil).status)
		}
		if codes[0] != 200 || codes[1] != 200 || codes[2] != 429 {
			t.Fatalf("GET /orders three times after a 2/minute limit: %v", codes)
		}
		b.do("reload", chromedp.Navigate(base+"/waygate/rate-limits"), chromedp.WaitVisible(chromedp.CSS(`#rl-`+orders)))
		b.screenshot("rate-limits")
		b.do("blocked page", chromedp.Navigate(base+"/waygate/blocked"), chromedp.WaitVisible(chromedp.CSS(`#hits code`)))
		if got := b.text(`#hits tbody`); !strings.Contains(got, "GET:/orders") {
			t.Errorf("blocked page: %q", got)
		}
		b.screenshot("blocked")
	}) {
		return
	}

	if !t.Run("create a flag, add a rule, evaluate it", func(t *testing.T) {
		b := b.on(t)
		b.do("flags page", chromedp.Navigate(base+"/waygate/flags"), chromedp.WaitVisible(chromedp.CSS(`#flags`)))
		b.do("new flag", chromedp.Click(chromedp.CSS(`a[href$="/flags/new"]`)), chromedp.WaitVisible(chromedp.CSS(`#dialog[open] [name="key"]`)),
			chromedp.SendKeys(chromedp.CSS(`#dialog[open] [name="key"]`), "browser-beta"),
			chromedp.SendKeys(chromedp.CSS(`#dialog[open] [name="name"]`), "Browser beta"),
			chromedp.Click(chromedp.CSS(`#dialog[open] button[type="submit"]`)),
			chromedp.WaitVisible(chromedp.CSS(`#eval-counts`)))
		b.do("add rule", chromedp.Click(chromedp.CSS(`.tabs a[href$="tab=targeting"]`)), chromedp.WaitVisible(chromedp.CSS(`#rules`)),
			chromedp.Click(chromedp.CSS(`a[href$="tab=rule"]`)), chromedp.WaitVisible(chromedp.CSS(`#rule-editor`)),
			chromedp.SendKeys(chromedp.CSS(`[name="description"]`), "Germany"),
			chromedp.SendKeys(chromedp.CSS(`[name="clause.0.attribute"]`), "country"),
			chromedp.SetValue(chromedp.CSS(`[name="clause.0.operator"]`), "in"),
			chromedp.SendKeys(chromedp.CSS(`[name="clause.0.values"]`), "DE, AT"),
			chromedp.SetValue(chromedp.CSS(`#rule-editor select[name="variation"]`), "on"),
			chromedp.Click(chromedp.CSS(`#rule-editor button[type="submit"]`)),
			chromedp.WaitVisible(chromedp.CSS(`#rules tbody tr[id^="rule-"]`)))
		if got := b.text(`#rules tbody`); !strings.Contains(got, "country in") {
			t.Fatalf("rules table: %q", got)
		}
		b.do("evaluate", chromedp.Click(chromedp.CSS(`.tabs a[href$="tab=debugger"]`)), chromedp.WaitVisible(chromedp.CSS(`#debugger`)),
			chromedp.SendKeys(chromedp.CSS(`#debugger [name="context_key"]`), "user-7"),
			chromedp.SendKeys(chromedp.CSS(`#debugger [name="attributes"]`), "country = DE"),
			chromedp.Click(chromedp.CSS(`#debugger button[type="submit"]`)),
			chromedp.WaitVisible(chromedp.CSS(`#eval-result .variation`)))
		if v, reason := b.text(`#eval-result .variation`), b.text(`#eval-result .reason`); v != "on" || reason != "RULE_MATCH" {
			t.Fatalf("debugger: variation %q reason %q, want on RULE_MATCH", v, reason)
		}
		b.screenshot("flag-debugger")
		// The demo seeds new-checkout, which its /checkout evaluates:
		// evaluate it over HTTP and watch the overview count it live. Of
		// the seeded 20% rollout, bob (bucket 5511) gets on, ana (75892)
		// and ben (84050) off.
		b.do("overview", chromedp.Navigate(base+"/waygate/flags/new-checkout"), chromedp.WaitVisible(chromedp.CSS(`#live-state[data-state="open"]`)))
		for _, u := range []string{"ana", "ben", "bob"} {
			do(t, "GET", base+"/checkout", map[string]string{"X-User": u})
		}
		b.do("live evaluations", chromedp.WaitVisible(chromedp.CSS(`#eval-stream tr:nth-child(3)`)))
		b.do("live evaluation counts", chromedp.WaitVisible(chromedp.CSS(`#eval-total[data-n="3"]`)))
		if on, off := b.text(`#eval-counts tr[data-variation="on"] .count`), b.text(`#eval-counts tr[data-variation="off"] .count`); on != "1" || off != "2" {
			t.Errorf("evaluations: on %q, off %q after three requests, want 1 and 2", on, off)
		}
		b.screenshot("flag")
		b.do("flags list", chromedp.Navigate(base+"/waygate/flags"), chromedp.WaitVisible(chromedp.CSS(`#flag-browser-beta`)), chromedp.WaitVisible(chromedp.CSS(`#flag-new-checkout`)))
		b.screenshot("flags")
	}) {
		return
	}

	if !t.Run("other pages", func(t *testing.T) {
		b := b.on(t)
		if code, body := api.do("POST", "/api/segments", map[string]any{"key": "beta-testers", "name": "Beta testers", "included": []string{"ana", "ben"}}); code != 201 {
			t.Fatalf("segment: %d %s", code, body)
		}
		for _, p := range []struct{ path, sel, name string }{
			{"/waygate/segments", "#segments", "segments"},
			{"/waygate/audit", "#audit", "audit"},
			{"/waygate/services", "#services", ""}, // its screenshot comes from the server demo (server_test.go)
		} {
			b.do(p.path, chromedp.Navigate(base+p.path), chromedp.WaitVisible(chromedp.CSS(p.sel)))
			if p.name != "" {
				b.screenshot(p.name)
			}
			if p.name != "audit" {
				continue
			}
			if got := b.text(`#audit`); !strings.Contains(got, "rl_policy_set") || !strings.Contains(got, "via dashboard") {
				t.Errorf("audit page misses the dashboard's changes: %q", got)
			}
		}
	}) {
		return
	}

	if !t.Run("a post without a CSRF token is refused", func(t *testing.T) {
		b := b.on(t)
		b.do("home", chromedp.Navigate(base+"/waygate/"), chromedp.WaitVisible(chromedp.CSS(`#routes-table`)))
		status := b.eval(`fetch("/waygate/routes/` + seg("GET:/legacy/orders") + `/disable", {method: "POST", credentials: "same-origin",
			body: new URLSearchParams({reason: "no token"})}).then(r => r.status)`)
		if status != float64(403) {
			t.Fatalf("post without a CSRF token: %v, want 403", status)
		}
		if res := do(t, "GET", base+"/legacy/orders", nil); res.status != 200 {
			t.Fatalf("the refused post changed the route: %d", res.status)
		}
	}) {
		return
	}

	if !t.Run("a viewer sees no controls and a forged post is refused", func(t *testing.T) {
		b := b.on(t)
		b.do("sign out", chromedp.Click(chromedp.CSS(`form[action$="/sign-out"] button`)), chromedp.WaitVisible(chromedp.CSS(`input[name="password"]`)))
		b.signIn("viewer", dashViewerPass)
		for _, p := range []string{"/waygate/", "/waygate/rate-limits", "/waygate/flags", "/waygate/flags/browser-beta?tab=targeting", "/waygate/segments/beta-testers"} {
			b.do(p, chromedp.Navigate(base+p), chromedp.WaitVisible(chromedp.CSS(`main`)))
			n := b.eval(`document.querySelectorAll('a[data-dialog], form[method="post"]:not([action$="/sign-out"])').length`)
			if n != float64(0) {
				t.Errorf("viewer on %s sees %v mutating controls", p, n)
			}
		}
		status := b.eval(`fetch("/waygate/routes/` + seg("GET:/legacy/orders") + `/disable", {method: "POST", credentials: "same-origin",
			body: new URLSearchParams({reason: "forged", csrf_token: document.querySelector('input[name="csrf_token"]').value})}).then(r => r.status)`)
		if status != float64(403) {
			t.Fatalf("viewer's forged post: %v, want 403", status)
		}
		if res := do(t, "GET", base+"/legacy/orders", nil); res.status != 200 {
			t.Fatalf("the viewer's post changed the route: %d", res.status)
		}
	}) {
		return
	}

	if !t.Run("reading works with JavaScript disabled", func(t *testing.T) {
		b := b.on(t)
		noJS := chromedp.Action[chromedp.Void](func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
			_, err := cdp.Call(ctx, tg, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
			return chromedp.Void{}, err
		})
		b.do("disable scripts", noJS)
		for _, p := range []struct{ path, sel, want string }{
			{"/waygate/", "#routes-table", "/legacy/orders"},
			{"/waygate/rate-limits", "#policies", "2/minute"},
			{"/waygate/flags/browser-beta?tab=targeting", "#rules", "country in"},
			{"/waygate/audit", "#audit", "rl_policy_set"},
		} {
			b.do(p.path, chromedp.Navigate(base+p.path), chromedp.WaitVisible(chromedp.CSS(p.sel)))
			if got := b.text(p.sel); !strings.Contains(got, p.want) {
				t.Errorf("%s without JavaScript: %q lacks %q", p.path, got, p.want)
			}
			if kind := b.eval(`typeof htmx`); kind != "undefined" {
				t.Fatalf("%s: the page's scripts ran (htmx is %v)", p.path, kind)
			}
		}
		// Forms post and redirect without scripts: the debugger, which a
		// viewer may use.
		b.do("debugger without JavaScript", chromedp.Navigate(base+"/waygate/flags/browser-beta?tab=debugger"), chromedp.WaitVisible(chromedp.CSS(`#debugger`)),
			chromedp.SendKeys(chromedp.CSS(`#debugger [name="attributes"]`), "country = AT"),
			chromedp.Click(chromedp.CSS(`#debugger button[type="submit"]`)),
			chromedp.WaitVisible(chromedp.CSS(`#eval-result .variation`)))
		if v := b.text(`#eval-result .variation`); v != "on" {
			t.Errorf("debugger without JavaScript: %q", v)
		}
	}) {
		return
	}
}

// The dashboard is served through every framework's mount: sign-in,
// pages with links under the mount, a form post with its CSRF token and
// the live stream.
func TestDashboardOnEveryFramework(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the demo programs")
	}
	for _, fw := range frameworks {
		t.Run(fw, func(t *testing.T) {
			base := start(t, fw, "WAYGATE_ADMIN_PASSWORD="+dashAdminPass)
			jar, _ := cookiejar.New(nil)
			c := &http.Client{Jar: jar, Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			get := func(path string) (int, http.Header, string) {
				t.Helper()
				res, err := c.Get(base + path)
				if err != nil {
					t.Fatal(err)
				}
				defer res.Body.Close()
				b, _ := io.ReadAll(res.Body)
				return res.StatusCode, res.Header, string(b)
			}
			post := func(path string, form url.Values) (int, http.Header) {
				t.Helper()
				res, err := c.PostForm(base+path, form)
				if err != nil {
					t.Fatal(err)
				}
				res.Body.Close()
				return res.StatusCode, res.Header
			}
			if code, h, _ := get("/waygate/"); code != 303 || h.Get("Location") != "/waygate/sign-in?next=%2Fwaygate%2F" {
				t.Fatalf("anonymous: %d %q", code, h.Get("Location"))
			}
			if code, h := post("/waygate/sign-in", url.Values{"username": {"admin"}, "password": {dashAdminPass}}); code != 303 || h.Get("Location") != "/waygate/" {
				t.Fatalf("sign in: %d %q", code, h.Get("Location"))
			}
			code, _, body := get("/waygate/")
			if code != 200 || !strings.Contains(body, `href="/waygate/rate-limits"`) || !strings.Contains(body, `sse-connect="/waygate/events"`) {
				t.Fatalf("routes page: %d", code)
			}
			token := regexp.MustCompile(`name="csrf_token" value="([^"]+)"`).FindStringSubmatch(body)
			if token == nil {
				t.Fatal("no CSRF token on the page")
			}
			css := regexp.MustCompile(`href="(/waygate/assets/[^"]+)"`).FindStringSubmatch(body)
			if code, h, _ := get(css[1]); code != 200 || !strings.HasPrefix(h.Get("Content-Type"), "image/svg") && !strings.HasPrefix(h.Get("Content-Type"), "text/css") {
				t.Fatalf("asset %s: %d %q", css[1], code, h.Get("Content-Type"))
			}
			// The live stream reports a change made by a form post.
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			req, _ := http.NewRequestWithContext(ctx, "GET", base+"/waygate/events", nil)
			res, err := (&http.Client{Jar: jar}).Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			sc := bufio.NewScanner(res.Body)
			for sc.Scan() && sc.Text() != ": connected" {
			}
			if code, h := post("/waygate/routes/"+seg("GET:/orders")+"/maintenance", url.Values{"reason": {"via " + fw}, "csrf_token": {token[1]}}); code != 303 || h.Get("Location") != "/waygate/" {
				t.Fatalf("maintenance form: %d %q", code, h.Get("Location"))
			}
			got := ""
			for sc.Scan() {
				if sc.Text() == "event: route" {
					sc.Scan()
					got = sc.Text()
					break
				}
			}
			if got != "data: GET:/orders" {
				t.Fatalf("live stream: %q, %v", got, sc.Err())
			}
			if r := do(t, "GET", base+"/orders", nil); r.status != 503 {
				t.Fatalf("GET /orders after the form: %d", r.status)
			}
		})
	}
}
