package waygatefiber_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"
	waygatefiber "github.com/waygate-go/waygate/adapters/fiber"
	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/ratelimit"
	"github.com/waygate-go/waygate/core/route"
)

// captured is what a responder keeps after its request is over.
type captured struct {
	decision engine.Decision
	rawURL   string // c.OriginalURL() kept as is: a view into fasthttp's buffer (the control)
	route    string // c.Route().Path
}

// TestNothingFromFasthttpOutlivesTheRequest drives fiber's own handler with
// one reused fasthttp.RequestCtx, as fasthttp's server does, so every
// request overwrites the previous one's buffers in place. Whatever the
// adapter hands on (the decision, its body and headers, the route
// template) must still read the same after later requests; the raw
// c.OriginalURL() kept by the test shows the buffers really are reused.
func TestNothingFromFasthttpOutlivesTheRequest(t *testing.T) {
	e := newEngine(t)
	var kept []captured
	keep := func(c *fiber.Ctx, d engine.Decision) error {
		kept = append(kept, captured{decision: d, rawURL: c.OriginalURL(), route: c.Route().Path})
		return c.Status(d.Status).Send(d.Body)
	}
	app := fiber.New() // Immutable: false, fiber's default: its strings alias reused memory
	app.Get("/files/*", waygatefiber.Maintenance("files moving"), waygatefiber.Respond(keep), func(c *fiber.Ctx) error { return nil })
	app.Get("/items/:id", waygatefiber.Deprecated("2027-01-01", "/v2/items"), func(c *fiber.Ctx) error { return c.SendString(c.Params("id")) })
	registerApp(t, app, e)
	h := app.Handler()

	var fctx fasthttp.RequestCtx
	serve := func(path string) (int, string, string) {
		fctx.Request.Reset()
		fctx.Response.Reset()
		fctx.Request.Header.SetMethod(fiber.MethodGet)
		fctx.Request.SetRequestURI(path)
		h(&fctx)
		return fctx.Response.StatusCode(), string(fctx.Response.Body()), string(fctx.Response.Header.Peek("Deprecation"))
	}

	paths := []string{"/files/aaaa", "/files/bbbb", "/files/cccc"} // same length: overwritten in place
	for _, p := range paths {
		if status, _, _ := serve(p); status != 503 {
			t.Fatalf("GET %s = %d, want 503", p, status)
		}
		// Requests to another route in between reuse the same buffers.
		if status, body, dep := serve("/items/zz"); status != 200 || body != "zz" || !strings.HasPrefix(dep, "@") {
			t.Fatalf("GET /items/zz = %d %q Deprecation %q", status, body, dep)
		}
	}
	if kept[0].rawURL == paths[0] {
		t.Fatalf("control: the raw c.OriginalURL() kept from the first request still reads %q; the buffers were not reused, so this test proves nothing", kept[0].rawURL)
	}
	for i, k := range kept {
		want := fmt.Sprintf(`{"error":{"code":"MAINTENANCE_MODE","message":"This endpoint is temporarily unavailable","reason":"files moving","path":%q}}`, paths[i])
		if string(k.decision.Body) != want {
			t.Errorf("request %d: kept body = %s, want %s", i, k.decision.Body, want)
		}
		if k.decision.Key != "GET:/files/{*}" || k.decision.Reason != "files moving" || k.route != "/files/*" {
			t.Errorf("request %d: kept key %q reason %q route %q", i, k.decision.Key, k.decision.Reason, k.route)
		}
		if len(k.decision.Header) == 0 || k.decision.Header[0] != (engine.Header{Name: "Content-Type", Value: "application/json"}) {
			t.Errorf("request %d: kept headers %v", i, k.decision.Header)
		}
	}
	// The engine's own state holds no request memory either.
	equal(t, listing(e), []string{"GET:/files/{*} maintenance files moving", "GET:/items/{id} deprecated"})
}

// TestConcurrentRequestsShareNoRequestState runs requests in parallel, each
// on its own RequestCtx, under the race detector: the middleware keeps no
// per-request state of its own and touches each context only while fiber
// runs it.
func TestConcurrentRequestsShareNoRequestState(t *testing.T) {
	e := newEngine(t)
	var mu sync.Mutex
	var bodies []string
	app := fiber.New()
	app.Get("/blocked/:id", waygatefiber.Disabled("off"), waygatefiber.Respond(func(c *fiber.Ctx, d engine.Decision) error {
		mu.Lock()
		bodies = append(bodies, string(d.Body))
		mu.Unlock()
		return c.Status(d.Status).Send(d.Body)
	}), func(c *fiber.Ctx) error { return nil })
	app.Get("/open/:id", func(c *fiber.Ctx) error { return c.SendString(c.Params("id")) })
	registerApp(t, app, e)
	h := app.Handler()

	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			var fctx fasthttp.RequestCtx
			for i := range 50 {
				id := fmt.Sprintf("%d-%d", w, i)
				for _, p := range []string{"/blocked/" + id, "/open/" + id} {
					fctx.Request.Reset()
					fctx.Response.Reset()
					fctx.Request.Header.SetMethod(fiber.MethodGet)
					fctx.Request.SetRequestURI(p)
					h(&fctx)
					if body := string(fctx.Response.Body()); !strings.Contains(body, id) {
						t.Errorf("GET %s answered %q", p, body)
					}
				}
			}
		})
	}
	wg.Wait()
	seen := map[string]bool{}
	for _, b := range bodies {
		seen[b] = true
	}
	if len(seen) != 8*50 {
		t.Errorf("%d distinct kept bodies, want %d: a kept body changed after its request", len(seen), 8*50)
	}
}

// TestRateLimitKeysAreCopies: a rate-limit counter outlives its request,
// keyed by a header or an attribute. Were the key a view into fasthttp's
// buffer, a later request would rewrite the stored key in place and the
// first client's counter would be lost. Each client is limited to one
// request a minute, on one reused RequestCtx; a padding header moves the
// key header to another slot of fasthttp's header storage, so a stale view
// reads something else.
func TestRateLimitKeysAreCopies(t *testing.T) {
	e := newEngine(t)
	ok := func(c *fiber.Ctx) error { return c.SendString("ok") }
	app := fiber.New()
	app.Use(func(c *fiber.Ctx) error {
		c.Locals(ratelimit.AttrUser, c.Get("X-User")) // a view, stored as is
		return c.Next()
	})
	app.Get("/by-key", waygatefiber.Declare(route.RateLimit("1/minute", ratelimit.By(ratelimit.KeyAPIKey))), ok)
	app.Get("/by-user", waygatefiber.Declare(route.RateLimit("1/minute", ratelimit.By(ratelimit.KeyUser))), ok)
	app.Get("/by-func", waygatefiber.Declare(route.RateLimit("1/minute", ratelimit.ByFunc(func(r ratelimit.Request) (string, bool) {
		t := r.HeaderValue("X-Tenant")
		return t, t != ""
	}))), ok)
	registerApp(t, app, e)
	h := app.Handler()

	var fctx fasthttp.RequestCtx
	serve := func(path, header, value string, pad bool) int {
		fctx.Request.Reset()
		fctx.Response.Reset()
		fctx.Request.Header.SetMethod(fiber.MethodGet)
		fctx.Request.SetRequestURI(path)
		if pad {
			fctx.Request.Header.Set("X-Pad", "zzzzzzzzzzz")
		}
		fctx.Request.Header.Set(header, value)
		h(&fctx)
		return fctx.Response.StatusCode()
	}
	for _, tc := range []struct{ path, header string }{
		{"/by-key", "X-API-Key"},
		{"/by-user", "X-User"},
		{"/by-func", "X-Tenant"},
	} {
		t.Run(tc.path, func(t *testing.T) {
			for i, step := range []struct {
				client string
				pad    bool
				status int
			}{
				{"client-aaaa", false, 200},
				{"client-bbbb", true, 200},  // another counter
				{"client-aaaa", true, 429},  // the first counter still holds its request
				{"client-bbbb", false, 429}, // and so does the second
				{"client-cccc", true, 200},
			} {
				if got := serve(tc.path, tc.header, step.client, step.pad); got != step.status {
					t.Errorf("request %d (%s) = %d, want %d", i, step.client, got, step.status)
				}
			}
		})
	}
}
