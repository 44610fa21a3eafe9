package waygateecho_test

import (
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/labstack/echo/v4"
	waygateecho "github.com/waygate-go/waygate/adapters/echo"
	"github.com/waygate-go/waygate/core/engine"
)

// TestMiddlewarePosition: the check runs where the middleware sits among
// the Use middleware, whether the middleware after it passes the route's
// handler on or wraps it anew on every request, and however often a route
// is requested.
func TestMiddlewarePosition(t *testing.T) {
	tests := []struct {
		name      string
		wrapsAnew bool // the middleware after Waygate's makes a closure per request
	}{
		{name: "Waygate last"},
		{name: "a middleware after Waygate's", wrapsAnew: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEngine(t)
			var before, after atomic.Int32
			app := echo.New()
			app.Use(func(next echo.HandlerFunc) echo.HandlerFunc {
				return func(c echo.Context) error { before.Add(1); return next(c) }
			}, waygateecho.Middleware(e))
			if tt.wrapsAnew {
				app.Use(func(next echo.HandlerFunc) echo.HandlerFunc {
					return func(c echo.Context) error { after.Add(1); return next(c) }
				})
			}
			r := waygateecho.Wrap(e, app)
			app.GET("/open/:id", func(c echo.Context) error { return c.String(200, "open "+c.Param("id")) })
			app.GET("/closed", func(c echo.Context) error { return c.String(200, "closed") }, waygateecho.Disabled("d"))
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
			wantAfter := int32(0)
			if tt.wrapsAnew {
				wantAfter = 3 // the allowed requests only
			}
			if before.Load() != 6 || after.Load() != wantAfter {
				t.Errorf("middleware before ran %d times, after %d; want 6 and %d", before.Load(), after.Load(), wantAfter)
			}
		})
	}
}

// TestUnmatchedRequests: requests echo matches to no route pass through the
// middleware too, so global maintenance answers them; otherwise echo's 404
// and 405 stand.
func TestUnmatchedRequests(t *testing.T) {
	e := newEngine(t)
	app := echo.New()
	app.Use(waygateecho.Middleware(e))
	r := waygateecho.Wrap(e, app)
	app.GET("/orders", func(c echo.Context) error { return c.String(200, "ok") })
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
