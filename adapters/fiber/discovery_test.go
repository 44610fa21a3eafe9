package waygatefiber_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	waygatefiber "github.com/waygate-go/waygate/adapters/fiber"
	"github.com/waygate-go/waygate/core/backend"
	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/route"
)

// newEngine returns an engine on a fresh memory backend in "production".
func newEngine(t testing.TB) *engine.Engine {
	t.Helper()
	e, err := engine.New(context.Background(), engine.WithBackend(backend.NewMemory()), engine.WithEnv("production"))
	if err != nil {
		t.Fatalf("engine.New: %v", err)
	}
	t.Cleanup(func() { e.Close() })
	return e
}

// registerApp registers app with a new middleware for e and returns the middleware.
func registerApp(t testing.TB, app *fiber.App, e *engine.Engine, opts ...waygatefiber.Option) fiber.Handler {
	t.Helper()
	mw := waygatefiber.Middleware(e, opts...)
	if err := waygatefiber.Register(context.Background(), app, mw); err != nil {
		t.Fatalf("Register: %v", err)
	}
	return mw
}

// listing is engine.Routes() as "key status reason" lines.
func listing(e *engine.Engine) []string {
	var out []string
	for _, st := range e.Routes() {
		out = append(out, strings.TrimSpace(st.Path+" "+string(st.Status)+" "+st.Reason))
	}
	return out
}

// do sends one request through app and returns status, body and headers.
func do(t testing.TB, app *fiber.App, method, target string, hdr ...string) (int, string, map[string]string) {
	t.Helper()
	req := httptest.NewRequest(method, target, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	res, err := app.Test(req, -1)
	if err != nil {
		t.Fatalf("%s %s: %v", method, target, err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	h := map[string]string{}
	for k := range res.Header {
		h[k] = res.Header.Get(k)
	}
	return res.StatusCode, string(body), h
}

func counting(n *atomic.Int64) fiber.Handler {
	return func(c *fiber.Ctx) error {
		n.Add(1)
		return c.SendString("ok")
	}
}

func equal(t *testing.T, got, want []string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("routes:\n got  %q\n want %q", got, want)
	}
}

func TestRegisterListsEveryRouteBeforeAnyRequest(t *testing.T) {
	e := newEngine(t)
	var calls atomic.Int64
	app := fiber.New()
	app.Get("/orders", counting(&calls))
	app.Post("/orders", counting(&calls))
	app.Get("/payments", waygatefiber.Maintenance("DB migration"), counting(&calls))
	admin := app.Group("/admin", waygatefiber.Maintenance("admin rebuild"))
	admin.Get("/users", counting(&calls))
	admin.Get("/status", waygatefiber.Disabled("gone"), counting(&calls))
	v1 := admin.Group("/v1", waygatefiber.EnvOnly("dev"))
	v1.Get("/items/:id", counting(&calls))
	app.Get("/administrator", counting(&calls)) // not in the /admin group
	app.Get("/late", counting(&calls))
	app.Use("/late", waygatefiber.Disabled("after the route")) // fiber never runs it for /late
	shop := fiber.New()
	shop.Group("/cart", waygatefiber.Maintenance("cart rebuild")).Get("/items", counting(&calls))
	shop.Get("/catalog", counting(&calls))
	app.Mount("/shop", shop)
	registerApp(t, app, e)

	equal(t, listing(e), []string{
		"GET:/admin/status disabled gone",
		"GET:/admin/users maintenance admin rebuild",
		"GET:/admin/v1/items/{id} env_gated admin rebuild",
		"GET:/administrator active",
		"GET:/late active",
		"GET:/orders active",
		"POST:/orders active",
		"GET:/payments maintenance DB migration",
		"GET:/shop/cart/items maintenance cart rebuild",
		"GET:/shop/catalog active",
	})
	if n := calls.Load(); n != 0 {
		t.Errorf("handlers ran %d times during Register, want 0", n)
	}
	st, err := e.Route("GET:/admin/v1/items/{id}")
	if err != nil || !slices.Equal(st.AllowedEnvs, []string{"dev"}) {
		t.Errorf("nested group route = %+v, %v; want env-gated to dev", st, err)
	}
}

func TestDiscoveryBehindAuthNeverRunsMiddlewareOrHandlers(t *testing.T) {
	e := newEngine(t)
	var authCalls, handlerCalls atomic.Int64
	auth := func(c *fiber.Ctx) error {
		authCalls.Add(1)
		if c.Get("X-Token") != "secret" {
			return c.Status(fiber.StatusUnauthorized).SendString("who are you")
		}
		return c.Next()
	}
	app := fiber.New()
	app.Use(auth)
	app.Get("/reports", auth, waygatefiber.Maintenance("rebuilding"), counting(&handlerCalls))
	admin := app.Group("/admin", auth, waygatefiber.Disabled("closed"))
	admin.Get("/users", counting(&handlerCalls))
	registerApp(t, app, e)

	equal(t, listing(e), []string{
		"GET:/admin/users disabled closed",
		"GET:/reports maintenance rebuilding",
	})
	if a, h := authCalls.Load(), handlerCalls.Load(); a != 0 || h != 0 {
		t.Fatalf("Register ran auth %d and handlers %d times, want 0", a, h)
	}

	for _, tc := range []struct {
		name, path, token string
		status            int
		code              string
	}{
		{"app auth answers first", "/reports", "", 401, ""},
		{"declared maintenance behind auth", "/reports", "secret", 503, "MAINTENANCE_MODE"},
		{"group declaration behind group auth", "/admin/users", "secret", 503, "ROUTE_DISABLED"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, body, _ := do(t, app, "GET", tc.path, "X-Token", tc.token)
			if status != tc.status || !strings.Contains(body, tc.code) {
				t.Errorf("status %d body %s, want %d %s", status, body, tc.status, tc.code)
			}
		})
	}
	if n := handlerCalls.Load(); n != 0 {
		t.Errorf("blocked handlers ran %d times", n)
	}
}

func TestRouteKeysAreStable(t *testing.T) {
	e := newEngine(t)
	ok := func(c *fiber.Ctx) error { return c.SendString("ok") }
	app := fiber.New()
	app.Get("/items/:id", ok)
	app.Get("/users/:id/posts/:post", ok)
	app.Get("/files/*", ok)
	app.Get("/opt/:id?", ok)
	app.Get("/typed/:id<int>", ok)
	app.All("/anything", ok)
	app.Head("/probe", ok)
	app.Group("/static").Get("/*", ok)
	sub := fiber.New()
	sub.Get("/ping", ok)
	app.Mount("/sub", sub)
	mw := registerApp(t, app, e)
	want := []string{
		"/anything active",
		"GET:/files/{*} active",
		"GET:/items/{id} active",
		"GET:/opt/{id} active",
		"HEAD:/probe active",
		"GET:/static/{*} active",
		"GET:/sub/ping active",
		"GET:/typed/{id} active",
		"GET:/users/{id}/posts/{post} active",
	}
	equal(t, listing(e), want)
	if err := waygatefiber.Register(context.Background(), app, mw); err != nil { // changes nothing
		t.Fatal(err)
	}
	equal(t, listing(e), want)
	if err := waygatefiber.Register(context.Background(), app, waygatefiber.Middleware(e)); !errors.Is(err, waygatefiber.ErrOtherMiddleware) {
		t.Errorf("Register with a second middleware = %v, want ErrOtherMiddleware", err)
	}

	// Every concrete request resolves to its key: a runtime change made by
	// key reaches it, including fiber's HEAD twin of a GET route.
	for _, tc := range []struct{ key, method, path string }{
		{"GET:/items/{id}", "GET", "/items/42"},
		{"GET:/items/{id}", "HEAD", "/items/42"},
		{"GET:/users/{id}/posts/{post}", "GET", "/users/1/posts/2"},
		{"GET:/files/{*}", "GET", "/files/a/b/c.txt"},
		{"GET:/opt/{id}", "GET", "/opt"},
		{"GET:/typed/{id}", "GET", "/typed/7"},
		{"/anything", "DELETE", "/anything"},
		{"/anything", "PATCH", "/anything"},
		{"HEAD:/probe", "HEAD", "/probe"},
		{"GET:/static/{*}", "GET", "/static/app.js"},
		{"GET:/sub/ping", "GET", "/sub/ping"},
	} {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			if status, _, _ := do(t, app, tc.method, tc.path); status != 200 {
				t.Fatalf("before: status %d, want 200", status)
			}
			if _, err := e.SetMaintenance(context.Background(), tc.key, "busy"); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { e.Enable(context.Background(), tc.key) })
			if status, _, _ := do(t, app, tc.method, tc.path); status != 503 {
				t.Errorf("after SetMaintenance(%s): status %d, want 503", tc.key, status)
			}
		})
	}
}

func TestRegisterRejectsInvalidDeclarations(t *testing.T) {
	for _, tc := range []struct {
		name string
		decl fiber.Handler
	}{
		{"sunset date", waygatefiber.Deprecated("next tuesday", "")},
		{"rate limit", waygatefiber.RateLimit("100/fortnight")},
		{"no environment", waygatefiber.EnvOnly()},
		{"window backwards", waygatefiber.MaintenanceWindow("x", start2000().AddDate(1, 0, 0), start2000())},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEngine(t)
			ok := func(c *fiber.Ctx) error { return c.SendString("ok") }
			app := fiber.New()
			app.Get("/ok", ok)
			app.Group("/bad", tc.decl).Get("/x", ok)
			err := waygatefiber.Register(context.Background(), app, waygatefiber.Middleware(e))
			if !errors.Is(err, route.ErrInvalidDeclaration) || !strings.Contains(err.Error(), "/bad/x") {
				t.Fatalf("Register = %v, want an invalid declaration naming /bad/x", err)
			}
			if got := listing(e); len(got) != 0 {
				t.Errorf("routes registered despite the error: %q", got)
			}
			for _, r := range app.GetRoutes(true) {
				if len(r.Handlers) != 1 {
					t.Errorf("%s %s: middleware installed despite the error (%d handlers)", r.Method, r.Path, len(r.Handlers))
				}
			}
		})
	}
}

func TestRegisterNeedsTheMiddlewareFromMiddleware(t *testing.T) {
	app := fiber.New()
	for _, h := range []fiber.Handler{nil, func(c *fiber.Ctx) error { return c.Next() }, waygatefiber.Maintenance("x")} {
		if err := waygatefiber.Register(context.Background(), app, h); !errors.Is(err, waygatefiber.ErrNotMiddleware) {
			t.Errorf("Register = %v, want ErrNotMiddleware", err)
		}
	}
}

func TestRegisterIsIdempotentAndPicksUpNewRoutes(t *testing.T) {
	e := newEngine(t)
	ok := func(c *fiber.Ctx) error { return c.SendString("ok") }
	app := fiber.New()
	mw := waygatefiber.Middleware(e)
	app.Get("/a", ok)
	app.Get("/b", mw, ok) // placed by the app itself: Register adds no second one
	for range 2 {
		if err := waygatefiber.Register(context.Background(), app, mw); err != nil {
			t.Fatal(err)
		}
	}
	app.Get("/c", waygatefiber.Disabled("new"), ok)
	if err := waygatefiber.Register(context.Background(), app, mw); err != nil {
		t.Fatal(err)
	}
	equal(t, listing(e), []string{"GET:/a active", "GET:/b active", "GET:/c disabled new"})
	for _, r := range app.GetRoutes(true) {
		want := 2 // the middleware once, then the handler
		if r.Path == "/c" {
			want = 3 // the middleware, the wrapper, the handler
		}
		if len(r.Handlers) != want {
			t.Errorf("%s %s has %d handlers, want %d", r.Method, r.Path, len(r.Handlers), want)
		}
	}
	if status, _, _ := do(t, app, "GET", "/c"); status != 503 {
		t.Errorf("GET /c = %d, want 503", status)
	}
}

// captureLog sends log/slog's default logger to a buffer for the test.
func captureLog(t *testing.T) *strings.Builder {
	t.Helper()
	var buf strings.Builder
	old := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(&buf, nil)))
	t.Cleanup(func() { slog.SetDefault(old) })
	return &buf
}

func TestRoutesAddedAfterRegisterAreReportedOnce(t *testing.T) {
	logs := captureLog(t)
	e := newEngine(t)
	ok := func(c *fiber.Ctx) error { return c.SendString("ok") }
	app := fiber.New()
	app.Get("/early", ok)
	mw := registerApp(t, app, e)
	if logs.Len() != 0 {
		t.Fatalf("routes added before Register were reported: %s", logs)
	}
	app.Get("/late", waygatefiber.Disabled("late"), ok) // its GET and HEAD routes
	app.All("/any", ok)                                 // one route per method
	if n := strings.Count(logs.String(), "level=WARN"); n != 2 {
		t.Fatalf("%d warnings, want one per added route:\n%s", n, logs)
	}
	for _, want := range []string{"path=/late", "path=/any", "not checked until Register runs again"} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("the warnings do not say %q:\n%s", want, logs)
		}
	}
	if status, _, _ := do(t, app, "GET", "/late"); status != 200 {
		t.Errorf("GET /late before Register runs again = %d, want 200: not checked", status)
	}
	if err := waygatefiber.Register(context.Background(), app, mw); err != nil {
		t.Fatal(err)
	}
	equal(t, listing(e), []string{"/any active", "GET:/early active", "GET:/late disabled late"})
	if status, _, _ := do(t, app, "GET", "/late"); status != 503 {
		t.Errorf("GET /late after Register = %d, want 503", status)
	}
}

// The usual order — routes, Register, more routes, Listen — checks every
// route: Register runs again when the app starts listening. app.Test does
// not run the listen hooks, so this test serves on a real listener.
func TestListenRegistersRoutesAddedAfterRegister(t *testing.T) {
	captureLog(t)
	e := newEngine(t)
	ok := func(c *fiber.Ctx) error { return c.SendString("ok") }
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	app.Get("/early", ok)
	registerApp(t, app, e)
	app.Group("/late", waygatefiber.Maintenance("late group")).Get("/items/:id", ok)

	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- app.Listener(l) }()
	t.Cleanup(func() {
		app.Shutdown()
		if err := <-served; err != nil {
			t.Errorf("Listener: %v", err)
		}
	})
	base := "http://" + l.Addr().String()
	var res *http.Response
	for deadline := time.Now().Add(5 * time.Second); ; {
		if res, err = http.Get(base + "/late/items/1"); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the app did not answer: %v", err)
		}
		time.Sleep(5 * time.Millisecond) // poll until the listener serves
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 503 || !strings.Contains(string(body), "late group") {
		t.Errorf("GET /late/items/1 = %d %s, want the group's 503", res.StatusCode, body)
	}
	equal(t, listing(e), []string{"GET:/early active", "GET:/late/items/{id} maintenance late group"})
}

// Routes of custom methods the app accepts keep keys of their own, and an
// All route covers them.
func TestCustomMethodsKeepTheirKeys(t *testing.T) {
	e := newEngine(t)
	ok := func(c *fiber.Ctx) error { return c.SendString("ok") }
	app := fiber.New(fiber.Config{RequestMethods: append(slices.Clone(fiber.DefaultMethods), "PURGE")})
	app.Add("PURGE", "/cache", waygatefiber.Disabled("no purging"), ok)
	app.All("/any", ok)
	registerApp(t, app, e)
	equal(t, listing(e), []string{"/any active", "PURGE:/cache disabled no purging"})
	for _, tc := range []struct {
		method, path string
		status       int
	}{{"PURGE", "/cache", 503}, {"PURGE", "/any", 200}} {
		if status, _, _ := do(t, app, tc.method, tc.path); status != tc.status {
			t.Errorf("%s %s = %d, want %d", tc.method, tc.path, status, tc.status)
		}
	}
	if _, err := e.SetMaintenance(context.Background(), "/any", "busy"); err != nil {
		t.Fatal(err)
	}
	if status, _, _ := do(t, app, "PURGE", "/any"); status != 503 {
		t.Errorf("PURGE /any under the all-methods key's maintenance = %d, want 503", status)
	}
}
