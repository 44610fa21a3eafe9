package waygateecho_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/labstack/echo/v4"
	waygateecho "github.com/waygate-go/waygate/adapters/echo"
	"github.com/waygate-go/waygate/core/engine"
)

// TestResponders: route → group → app per outcome → app → default JSON,
// and a responder's error goes to echo's error handler.
func TestResponders(t *testing.T) {
	e := newEngine(t)
	app := echo.New()
	named := func(name string) waygateecho.ResponseFunc {
		return func(c echo.Context, d engine.Decision) error {
			return c.String(299, name+":"+d.Outcome.String()+":"+d.Key)
		}
	}
	app.Use(waygateecho.Middleware(e,
		waygateecho.WithResponder(named("app")),
		waygateecho.WithResponder(named("app-disabled"), engine.BlockDisabled)))
	r := waygateecho.Wrap(e, app)
	ok := func(c echo.Context) error { return c.String(200, "ok") }
	app.GET("/maint", ok, waygateecho.Maintenance("m"))
	app.GET("/off", ok, waygateecho.Disabled("d"))
	app.GET("/own", ok, waygateecho.Maintenance("m"), waygateecho.Respond(named("route")))
	app.GET("/fails", ok, waygateecho.Maintenance("m"), waygateecho.Respond(func(echo.Context, engine.Decision) error {
		return echo.NewHTTPError(http.StatusTeapot, "from responder")
	}))
	g := app.Group("/g", waygateecho.Respond(named("group")), waygateecho.Maintenance("g"))
	g.GET("/a", ok)
	g.GET("/b", ok, waygateecho.Respond(named("route")))
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
	app.Use(waygateecho.Middleware(e))
	r := waygateecho.Wrap(e, app)
	app.GET("/dep", func(c echo.Context) error { return c.JSON(200, map[string]bool{"ok": true}) },
		waygateecho.Deprecated("2027-01-01", "/v2/dep", "2026-06-01"))
	app.GET("/m", func(c echo.Context) error { return nil }, waygateecho.Maintenance("m"))
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
