package waygatefiber_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	waygatefiber "github.com/waygate-go/waygate/adapters/fiber"
	"github.com/waygate-go/waygate/core/engine"
)

// TestMiddlewareTranslatesDecisions checks what the adapter itself adds:
// fiber's HEAD routes, headers on allowed requests, per-outcome responders,
// errors from responders, and a middleware mounted with app.Use.
func TestMiddlewareTranslatesDecisions(t *testing.T) {
	e := newEngine(t)
	var handled []error
	app := fiber.New(fiber.Config{ErrorHandler: func(c *fiber.Ctx, err error) error {
		handled = append(handled, err)
		return c.Status(fiber.StatusTeapot).SendString("error handler: " + err.Error())
	}})
	errBroken := errors.New("responder broke")
	mw := waygatefiber.Middleware(e,
		waygatefiber.WithResponder(func(c *fiber.Ctx, d engine.Decision) error {
			return c.Status(d.Status).SendString("app:" + d.Outcome.String() + ":" + d.Key)
		}, engine.BlockMaintenance))
	app.Use(mw) // harmless: the check runs where fiber matched the route
	ok := func(c *fiber.Ctx) error { return c.SendString("ok") }
	app.Get("/health", waygatefiber.ForceActive(), ok)
	app.Get("/legacy", waygatefiber.Deprecated("2027-01-01", "/v2", "2026-06-01"), ok)
	app.Get("/payments", waygatefiber.Maintenance("migration"), ok)
	app.Get("/old", waygatefiber.Disabled("replaced"), ok)
	app.Get("/broken", waygatefiber.Disabled("x"), waygatefiber.Respond(func(*fiber.Ctx, engine.Decision) error { return errBroken }), ok)
	app.Get("/window", waygatefiber.MaintenanceWindow("upgrade", start2000(), start2000().AddDate(200, 0, 0)), ok)
	app.Get("/debug", waygatefiber.EnvOnly("dev"), ok)
	if err := waygatefiber.Register(context.Background(), app, mw); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		name, method, path string
		status             int
		body               string // substring
		header             map[string]string
		noHeader           []string
	}{
		{name: "deprecated GET gets headers", method: "GET", path: "/legacy", status: 200, body: "ok",
			header: map[string]string{"Deprecation": "@1780272000", "Sunset": "Fri, 01 Jan 2027 00:00:00 GMT", "Link": `</v2>; rel="successor-version"`}},
		{name: "deprecated HEAD twin gets headers", method: "HEAD", path: "/legacy", status: 200,
			header: map[string]string{"Deprecation": "@1780272000"}},
		{name: "maintenance goes to the app responder", method: "GET", path: "/payments", status: 503, body: "app:maintenance:GET:/payments"},
		{name: "HEAD twin is judged as GET", method: "HEAD", path: "/payments", status: 503},
		{name: "other outcomes keep the JSON body", method: "GET", path: "/old", status: 503, body: `"code":"ROUTE_DISABLED"`,
			header: map[string]string{"Content-Type": "application/json"}},
		{name: "env gate answers like an unknown path", method: "GET", path: "/debug", status: 418, body: "error handler: Cannot GET /debug"},
		{name: "running window blocks", method: "GET", path: "/window", status: 503, body: "app:maintenance:GET:/window",
			noHeader: []string{"Deprecation"}},
		{name: "responder errors reach fiber's error handler", method: "GET", path: "/broken", status: 418, body: "error handler: responder broke"},
		{name: "unknown paths stay fiber's 404", method: "GET", path: "/nowhere", status: 418, body: "Cannot GET /nowhere"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, body, hdr := do(t, app, tc.method, tc.path)
			if status != tc.status || !strings.Contains(body, tc.body) {
				t.Errorf("got %d %q, want %d containing %q", status, body, tc.status, tc.body)
			}
			for k, v := range tc.header {
				if hdr[k] != v {
					t.Errorf("header %s = %q, want %q", k, hdr[k], v)
				}
			}
			for _, k := range tc.noHeader {
				if _, ok := hdr[k]; ok {
					t.Errorf("header %s = %q, want none", k, hdr[k])
				}
			}
		})
	}
	if len(handled) != 3 || !errors.Is(handled[1], errBroken) {
		t.Errorf("error handler saw %v, want fiber's 404 for the hidden route, the responder's error, then fiber's 404", handled)
	}

	// Global maintenance: app.Use(mw) must not judge the request under the
	// middleware's own route, or force-active routes would be blocked too.
	if _, err := e.EnableMaintenance(context.Background(), engine.GlobalScope(), "deploy"); err != nil {
		t.Fatal(err)
	}
	if status, body, _ := do(t, app, "GET", "/health"); status != 200 || body != "ok" {
		t.Errorf("force-active under global maintenance: %d %q, want 200 ok", status, body)
	}
	if status, body, _ := do(t, app, "GET", "/legacy"); status != 503 || !strings.Contains(body, "app:maintenance") {
		t.Errorf("plain route under global maintenance: %d %q, want 503", status, body)
	}
}

func start2000() time.Time { return time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC) }

// TestMiddlewarePlacedInARouteRunsThere: an app that puts the middleware
// behind a route's own auth handler keeps that order, and Register adds no
// second check in front.
func TestMiddlewarePlacedInARouteRunsThere(t *testing.T) {
	e := newEngine(t)
	mw := waygatefiber.Middleware(e)
	auth := func(c *fiber.Ctx) error {
		if c.Get("X-Token") != "secret" {
			return c.SendStatus(fiber.StatusUnauthorized)
		}
		return c.Next()
	}
	app := fiber.New()
	app.Get("/reports", auth, mw, waygatefiber.Maintenance("rebuilding"), func(c *fiber.Ctx) error { return c.SendString("ok") })
	if err := waygatefiber.Register(context.Background(), app, mw); err != nil {
		t.Fatal(err)
	}
	if status, _, _ := do(t, app, "GET", "/reports"); status != 401 {
		t.Errorf("without a token: %d, want auth's 401 first", status)
	}
	if status, body, _ := do(t, app, "GET", "/reports", "X-Token", "secret"); status != 503 || !strings.Contains(body, "MAINTENANCE_MODE") {
		t.Errorf("with a token: %d %s, want 503 MAINTENANCE_MODE", status, body)
	}
}
