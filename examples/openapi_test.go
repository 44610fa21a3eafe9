package examples_test

// The demos' live API documentation (SPEC §14, issue 10): /openapi.json is
// the swag document patched with the running state, /docs is Swagger UI
// over it, both on every framework, both untouched by maintenance.

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// liveDoc is what the tests read from /openapi.json.
type liveDoc struct {
	Info struct {
		Description string         `json:"description"`
		Global      map[string]any `json:"x-waygate-global-maintenance"`
	} `json:"info"`
	Paths map[string]map[string]map[string]any `json:"paths"`
}

func decodeDoc(t *testing.T, body []byte) liveDoc {
	t.Helper()
	var d liveDoc
	if err := json.Unmarshal(body, &d); err != nil {
		t.Fatalf("/openapi.json is not JSON: %v\n%s", err, body)
	}
	return d
}

// fetchDoc polls /openapi.json with If-None-Match until cond holds, and
// returns the document and how long it took.
func fetchDoc(t *testing.T, base string, etag string, limit time.Duration, cond func(liveDoc) bool) (liveDoc, time.Duration) {
	t.Helper()
	start := time.Now()
	for {
		res := do(t, "GET", base+"/openapi.json", map[string]string{"If-None-Match": etag})
		if res.status == 200 {
			etag = res.header.Get("ETag")
			if d := decodeDoc(t, res.body); cond(d) {
				return d, time.Since(start)
			}
		} else if res.status != http.StatusNotModified {
			t.Fatalf("GET /openapi.json: %d %s", res.status, res.body)
		}
		if time.Since(start) > limit {
			t.Fatalf("/openapi.json did not change within %v", limit)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

var pageAsset = regexp.MustCompile(`(?:src|href)="\./([^"]+)"`)

func TestDemoOpenAPI(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the demo programs")
	}
	var first []byte
	for _, fw := range frameworks {
		t.Run(fw, func(t *testing.T) {
			base := start(t, fw)
			res := do(t, "GET", base+"/openapi.json", nil)
			if res.status != 200 || res.header.Get("Content-Type") != "application/json; charset=utf-8" || res.header.Get("ETag") == "" {
				t.Fatalf("GET /openapi.json: %d %q ETag %q", res.status, res.header.Get("Content-Type"), res.header.Get("ETag"))
			}
			d := decodeDoc(t, res.body)
			pay := d.Paths["/payments"]["get"]
			if pay["summary"] != "Maintenance: DB migration — back at 04:00 UTC — List payments" ||
				pay["description"] != "> 🔧 Maintenance: DB migration — back at 04:00 UTC\n\nLists the payments." ||
				pay["x-waygate-status"] != "maintenance" || pay["x-waygate-reason"] != "DB migration — back at 04:00 UTC" {
				t.Errorf("GET /payments in the document: %v", pay)
			}
			for _, p := range []string{"/old-reports", "/debug"} {
				if _, ok := d.Paths[p]; ok {
					t.Errorf("%s is in the document", p)
				}
			}
			if legacy := d.Paths["/legacy/orders"]["get"]; legacy["deprecated"] != true || legacy["x-waygate-sunset"] == nil {
				t.Errorf("GET /legacy/orders in the document: %v", legacy)
			}
			// Same app, same document, byte for byte.
			if first == nil {
				first = res.body
			} else if !bytes.Equal(first, res.body) {
				t.Errorf("%s serves a different document than %s", fw, frameworks[0])
			}
			etag := res.header.Get("ETag")
			if again := do(t, "GET", base+"/openapi.json", map[string]string{"If-None-Match": etag}); again.status != http.StatusNotModified || len(again.body) != 0 {
				t.Errorf("If-None-Match: %d, %d bytes", again.status, len(again.body))
			}

			// Swagger UI and every file it loads.
			for _, page := range []string{"/docs", "/docs/"} {
				res := do(t, "GET", base+page, nil)
				if res.status != 200 || !strings.HasPrefix(res.header.Get("Content-Type"), "text/html") {
					t.Fatalf("GET %s: %d %q", page, res.status, res.header.Get("Content-Type"))
				}
				dir := base + page
				if !strings.HasSuffix(dir, "/") {
					dir = base + "/"
				}
				refs := pageAsset.FindAllSubmatch(res.body, -1)
				if len(refs) != 4 {
					t.Fatalf("GET %s references %d files, want 4:\n%s", page, len(refs), res.body)
				}
				for _, m := range refs {
					if a := do(t, "GET", dir+string(m[1]), nil); a.status != 200 || len(a.body) < 100 {
						t.Errorf("%s loads %s: %d", page, m[1], a.status)
					}
				}
			}

			// The docs are not routes of the API.
			adm := login(t, base, "admin", "secret")
			code, body := adm.do("GET", "/api/routes", nil)
			if code != 200 || bytes.Contains(body, []byte("openapi.json")) || bytes.Contains(body, []byte(`"GET:/docs`)) {
				t.Errorf("GET /api/routes = %d, lists the docs:\n%s", code, body)
			}

			// Enabling /old-reports through the API: the document follows
			// within the 1 s budget.
			enabled := time.Now()
			if code, body := adm.do("POST", "/api/routes/"+routeSeg("GET:/old-reports")+"/enable", map[string]string{}); code != 200 {
				t.Fatalf("enable /old-reports: %d %s", code, body)
			}
			_, took := fetchDoc(t, base, etag, 5*time.Second, func(d liveDoc) bool { return d.Paths["/old-reports"] != nil })
			total := time.Since(enabled)
			t.Logf("%s: /old-reports in /openapi.json %v after the enable answered (%v after it was sent)", fw, took, total)
			if total > time.Second {
				t.Errorf("/old-reports appeared %v after the enable, over the 1 s budget", total)
			}

			// Global maintenance blocks the API, never the docs.
			if code, body := adm.do("POST", "/api/global/enable", map[string]any{"reason": "Moving racks", "exempt_paths": []string{"/health"}}); code != 200 {
				t.Fatalf("global maintenance on: %d %s", code, body)
			}
			if r := do(t, "GET", base+"/orders", nil); r.status != 503 {
				t.Fatalf("GET /orders during global maintenance: %d", r.status)
			}
			d, _ = fetchDoc(t, base, "", 5*time.Second, func(d liveDoc) bool { return d.Info.Global["enabled"] == true })
			if !strings.HasPrefix(d.Info.Description, "> 🔧 Maintenance: Moving racks") || d.Paths["/orders"]["get"]["x-waygate-reason"] != "Moving racks" {
				t.Errorf("document during global maintenance: %q %v", d.Info.Description, d.Paths["/orders"]["get"])
			}
			if r := do(t, "GET", base+"/docs", nil); r.status != 200 {
				t.Errorf("GET /docs during global maintenance: %d", r.status)
			}
		})
	}
}

// TestDemoDocsMatchTheRoutes: the document the demos share documents
// exactly the routes they register.
func TestDemoDocsMatchTheRoutes(t *testing.T) {
	want, err := os.ReadFile(filepath.Join("internal", "apidocs", "swagger.json"))
	if err != nil {
		t.Fatalf("%v (generate it: cd examples/internal/apidocs && go generate)", err)
	}
	var doc struct {
		Paths map[string]map[string]any `json:"paths"`
	}
	if err := json.Unmarshal(want, &doc); err != nil {
		t.Fatal(err)
	}
	var documented []string
	for p, item := range doc.Paths {
		for m := range item {
			documented = append(documented, strings.ToUpper(m)+":"+p)
		}
	}
	slices.Sort(documented)
	if testing.Short() {
		return
	}
	base := start(t, "nethttp")
	code, body := login(t, base, "admin", "secret").do("GET", "/api/routes", nil)
	var routes []struct {
		Path string `json:"path"`
	}
	if code != 200 || json.Unmarshal(body, &routes) != nil {
		t.Fatalf("GET /api/routes: %d %s", code, body)
	}
	var registered []string
	for _, r := range routes {
		registered = append(registered, r.Path)
	}
	slices.Sort(registered)
	if !slices.Equal(documented, registered) {
		t.Errorf("documented operations %v\nregistered routes        %v\n(annotate every handler and run go generate)", documented, registered)
	}
}

// TestDemoDocsInBrowser: Swagger UI renders the live document in headless
// Chromium, shows the maintenance banner, and follows a change made
// through the admin API without a reload.
func TestDemoDocsInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the demo programs")
	}
	for _, fw := range frameworks {
		t.Run(fw, func(t *testing.T) {
			base := start(t, fw)
			ctx := newBrowser(t, 60*time.Second)
			if err := chromedp.Do(ctx, chromedp.Navigate(base+"/docs")); err != nil {
				t.Fatal(err)
			}
			banner, err := chromedp.Run(ctx, chromedp.Poll[string](
				`(() => { const b = document.getElementById("waygate-banner"); return b && b.textContent.includes("GET /payments") && b.textContent; })()`,
				chromedp.WithPollingInterval(20*time.Millisecond)))
			if err != nil {
				t.Fatalf("no maintenance banner: %v", err)
			}
			if !strings.Contains(banner, "In maintenance") || !strings.Contains(banner, "DB migration — back at 04:00 UTC") {
				t.Errorf("banner = %q", banner)
			}
			paths := `Array.from(document.querySelectorAll(".opblock-summary-path")).map(e => e.getAttribute("data-path"))`
			shown, err := chromedp.Run(ctx, chromedp.Poll[[]string](paths+`.length > 0 && `+paths, chromedp.WithPollingInterval(20*time.Millisecond)))
			if err != nil {
				t.Fatalf("Swagger UI rendered no operation: %v", err)
			}
			if !slices.Contains(shown, "/payments") || slices.Contains(shown, "/old-reports") || slices.Contains(shown, "/debug") {
				t.Errorf("Swagger UI shows %v", shown)
			}
			summary, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`.opblock-summary-path[data-path="/payments"] ~ .opblock-summary-description`)))
			if err != nil || !strings.HasPrefix(summary, "Maintenance: DB migration") {
				t.Errorf("GET /payments summary in Swagger UI = %q, %v", summary, err)
			}

			// The operation itself is outlined and badged, the reason in
			// the badge's tooltip.
			marked, err := chromedp.Run(ctx, chromedp.Poll[[]string](
				`(() => { const m = Array.from(document.querySelectorAll(".opblock.waygate-op-maintenance")).map(b => b.querySelector(".opblock-summary-path").getAttribute("data-path") + " " + b.querySelector(".waygate-op-badge").title); return m.length > 0 && m; })()`,
				chromedp.WithPollingInterval(20*time.Millisecond)))
			if err != nil || !slices.Equal(marked, []string{"/payments DB migration — back at 04:00 UTC"}) {
				t.Errorf("operations marked in maintenance: %q, %v", marked, err)
			}

			adm := login(t, base, "admin", "secret")
			enabled := time.Now()
			if code, body := adm.do("POST", "/api/routes/"+routeSeg("GET:/old-reports")+"/enable", map[string]string{}); code != 200 {
				t.Fatalf("enable /old-reports: %d %s", code, body)
			}
			if _, err := chromedp.Run(ctx, chromedp.Poll[bool](paths+`.includes("/old-reports")`, chromedp.WithPollingInterval(20*time.Millisecond))); err != nil {
				t.Fatalf("the page never showed the enabled /old-reports: %v", err)
			}
			t.Logf("%s: /old-reports shown in Swagger UI %v after the enable", fw, time.Since(enabled))

			if code, body := adm.do("POST", "/api/global/enable", map[string]any{"reason": "Moving racks"}); code != 200 {
				t.Fatalf("global maintenance on: %d %s", code, body)
			}
			global, err := chromedp.Run(ctx, chromedp.Poll[string](
				`(() => { const t = document.getElementById("waygate-banner").textContent; return t.includes("Site-wide") && t; })()`,
				chromedp.WithPollingInterval(20*time.Millisecond)))
			if err != nil || !strings.Contains(global, "Site-wide maintenance: Moving racks") {
				t.Errorf("site-wide banner = %q, %v", global, err)
			}

			// A reason is admin-set text: Swagger UI shows it as text, never
			// as markup, in the operation's description.
			evil := `<img src=x id=pwn1> <h1 id=pwn2>Big</h1> [click](javascript:alert(1))`
			if code, body := adm.do("POST", "/api/routes/"+routeSeg("GET:/orders")+"/maintenance", map[string]string{"reason": evil}); code != 200 {
				t.Fatalf("maintenance on /orders: %d %s", code, body)
			}
			if _, err := chromedp.Run(ctx, chromedp.Poll[bool](
				`(() => { const s = document.querySelector('.opblock-summary-path[data-path="/orders"]'); if (!s) return false; const b = s.closest(".opblock"); if (!b.classList.contains("is-open")) s.click(); const d = b.querySelector(".opblock-description-wrapper"); return !!d && d.textContent.includes("id=pwn2"); })()`,
				chromedp.WithPollingInterval(50*time.Millisecond))); err != nil {
				t.Fatalf("the description of GET /orders never showed the reason: %v", err)
			}
			rendered, err := chromedp.Run(ctx, chromedp.Evaluate[[]any](
				`(() => { const d = document.querySelector('.opblock-summary-path[data-path="/orders"]').closest(".opblock").querySelector(".opblock-description-wrapper"); return [d.textContent, document.querySelectorAll("#pwn1, #pwn2, .opblock-description-wrapper a[href^='javascript']").length]; })()`))
			if err != nil || len(rendered) != 2 {
				t.Fatalf("reading the description: %v", err)
			}
			if text, _ := rendered[0].(string); !strings.Contains(text, evil) || rendered[1] != float64(0) {
				t.Errorf("GET /orders description renders %q with %v injected elements, want the reason as text", text, rendered[1])
			}
		})
	}
}
