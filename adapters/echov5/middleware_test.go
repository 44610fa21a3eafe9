package waygateechov5_test

import (
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/labstack/echo/v5"
	waygateechov5 "github.com/waygate-go/waygate/adapters/echov5"
	"github.com/waygate-go/waygate/core/engine"
)

// TestMiddlewarePosition: the check runs where the middleware sits among
// the Use middleware, before the middleware after it, and however often a
// route is requested.
func TestMiddlewarePosition(t *testing.T) {
	e := newEngine(t)
	var before, after atomic.Int32
	app := echo.New()
	app.Use(func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c *echo.Context) error { before.Add(1); return next(c) }
	}, waygateechov5.Middleware(e))
	app.Use(func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c *echo.Context) error { after.Add(1); return next(c) }
	})
	r := waygateechov5.Wrap(e, app)
	app.GET("/open/:id", func(c *echo.Context) error { return c.String(200, "open "+c.Param("id")) })
	app.GET("/closed", func(c *echo.Context) error { return c.String(200, "closed") }, waygateechov5.Disabled("d"))
	if err := r.Register(t.Context()); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		if rec := do(app, "GET", "/open/7"); rec.Code != 200 || rec.Body.String() != "open 7" {
			t.Errorf("request %d: GET /open/7 = %d %q, want 200 %q", i+1, rec.Code, rec.Body, "open 7")
		}
		if rec := do(app, "GET", "/closed"); rec.Code != 503 {
			t.Errorf("request %d: GET /closed = %d, want 503", i+1, rec.Code)
		}
	}
	if before.Load() != 6 || after.Load() != 3 {
		t.Errorf("middleware before ran %d times, after %d; want 6 and 3 (the allowed requests only)", before.Load(), after.Load())
	}
}

// TestUnmatchedRequests: requests echo matches to no route pass through the
// middleware too, so global maintenance answers them; otherwise echo's 404
// and 405 stand.
func TestUnmatchedRequests(t *testing.T) {
	e := newEngine(t)
	app := echo.New()
	app.Use(waygateechov5.Middleware(e))
	r := waygateechov5.Wrap(e, app)
	app.GET("/orders", func(c *echo.Context) error { return c.String(200, "ok") })
	app.Group("/admin", waygateechov5.Disabled("audit")).GET("/users", func(c *echo.Context) error { return c.String(200, "ok") })
	if err := r.Register(t.Context()); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		method, path string
		status       int
	}{
		{"GET", "/nowhere", http.StatusNotFound},
		{"POST", "/orders", http.StatusMethodNotAllowed},
		{"OPTIONS", "/orders", http.StatusNoContent},
		{"GET", "/admin/nowhere", http.StatusNotFound}, // the group's own 404 route
	}
	for _, tc := range tests {
		if rec := do(app, tc.method, tc.path); rec.Code != tc.status {
			t.Errorf("%s %s = %d, want echo's %d", tc.method, tc.path, rec.Code, tc.status)
		}
	}
	if _, err := e.EnableMaintenance(t.Context(), engine.GlobalScope(), "deploy"); err != nil {
		t.Fatal(err)
	}
	for _, tc := range tests {
		rec := do(app, tc.method, tc.path)
		if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Content-Type") != "application/json" {
			t.Errorf("%s %s under global maintenance = %d %q, want 503 JSON", tc.method, tc.path, rec.Code, rec.Header().Get("Content-Type"))
		}
	}
}

// TestAutoHandleHEAD: with echo's AutoHandleHEAD, a HEAD request served by
// a GET route is judged as that route.
func TestAutoHandleHEAD(t *testing.T) {
	e := newEngine(t)
	app := echo.NewWithConfig(echo.Config{Router: echo.NewRouter(echo.RouterConfig{AutoHandleHEAD: true})})
	app.Use(waygateechov5.Middleware(e))
	r := waygateechov5.Wrap(e, app)
	app.GET("/m", func(c *echo.Context) error { return c.String(200, "ok") }, waygateechov5.Maintenance("m"))
	app.GET("/ok", func(c *echo.Context) error { return c.String(200, "ok") })
	if err := r.Register(t.Context()); err != nil {
		t.Fatal(err)
	}
	for path, status := range map[string]int{"/m": 503, "/ok": 200} {
		if rec := do(app, http.MethodHead, path); rec.Code != status {
			t.Errorf("HEAD %s = %d, want %d", path, rec.Code, status)
		}
	}
}
