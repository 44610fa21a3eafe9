package waygateechov5_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/labstack/echo/v5"
	waygateechov5 "github.com/waygate-go/waygate/adapters/echov5"
	"github.com/waygate-go/waygate/core/engine"
)

// TestResponders: route → group → app per outcome → app → default JSON,
// and a responder's error goes to echo's error handler.
func TestResponders(t *testing.T) {
	e := newEngine(t)
	app := echo.New()
	named := func(name string) waygateechov5.ResponseFunc {
		return func(c *echo.Context, d engine.Decision) error {
			return c.String(299, name+":"+d.Outcome.String()+":"+d.Key)
		}
	}
	app.Use(waygateechov5.Middleware(e,
		waygateechov5.WithResponder(named("app")),
		waygateechov5.WithResponder(named("app-disabled"), engine.BlockDisabled)))
	r := waygateechov5.Wrap(e, app)
	ok := func(c *echo.Context) error { return c.String(200, "ok") }
	app.GET("/maint", ok, waygateechov5.Maintenance("m"))
	app.GET("/off", ok, waygateechov5.Disabled("d"))
	app.GET("/own", ok, waygateechov5.Maintenance("m"), waygateechov5.Respond(named("route")))
	app.GET("/fails", ok, waygateechov5.Maintenance("m"), waygateechov5.Respond(func(*echo.Context, engine.Decision) error {
		return echo.NewHTTPError(http.StatusTeapot, "from responder")
	}))
	g := app.Group("/g", waygateechov5.Respond(named("group")), waygateechov5.Maintenance("g"))
	g.GET("/a", ok)
	g.GET("/b", ok, waygateechov5.Respond(named("route")))
	if err := r.Register(context.Background()); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		path   string
		status int
		body   string
	}{
		{"/maint", 299, "app:maintenance:GET:/maint"},
		{"/off", 299, "app-disabled:disabled:GET:/off"},
		{"/own", 299, "route:maintenance:GET:/own"},
		{"/g/a", 299, "group:maintenance:GET:/g/a"},
		{"/g/b", 299, "route:maintenance:GET:/g/b"},
		{"/fails", http.StatusTeapot, `{"message":"from responder"}` + "\n"},
	}
	for _, tc := range tests {
		rec := do(app, "GET", tc.path)
		if rec.Code != tc.status || rec.Body.String() != tc.body {
			t.Errorf("GET %s = %d %q, want %d %q", tc.path, rec.Code, rec.Body, tc.status, tc.body)
		}
	}
}

// TestDefaultResponseHeaders: the default block carries the engine's
// headers, and an allowed request's headers survive the handler.
func TestDefaultResponseHeaders(t *testing.T) {
	e := newEngine(t)
	app := echo.New()
	app.Use(waygateechov5.Middleware(e))
	r := waygateechov5.Wrap(e, app)
	app.GET("/dep", func(c *echo.Context) error { return c.JSON(200, map[string]bool{"ok": true}) },
		waygateechov5.Deprecated("2027-01-01", "/v2/dep", "2026-06-01"))
	app.GET("/m", func(c *echo.Context) error { return nil }, waygateechov5.Maintenance("m"))
	if err := r.Register(context.Background()); err != nil {
		t.Fatal(err)
	}
	rec := do(app, "GET", "/dep")
	want := map[string]string{"Deprecation": "@1780272000", "Sunset": "Fri, 01 Jan 2027 00:00:00 GMT",
		"Link": `</v2/dep>; rel="successor-version"`, "Content-Type": "application/json"}
	for k, v := range want {
		if got := rec.Header().Get(k); got != v {
			t.Errorf("GET /dep header %s = %q, want %q", k, got, v)
		}
	}
	rec = do(app, "GET", "/m")
	if rec.Code != 503 || rec.Header().Get("Content-Type") != "application/json" || rec.Header().Get("Deprecation") != "" {
		t.Errorf("GET /m = %d %v", rec.Code, rec.Header())
	}
}
