package waygatefiber_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"net/http/httptest"
	"strings"

	"github.com/gofiber/fiber/v2"
	waygatefiber "github.com/waygate-go/waygate/adapters/fiber"
	"github.com/waygate-go/waygate/core/backend"
	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/ratelimit"
	"github.com/waygate-go/waygate/core/route"
)

// show sends one request to app and prints the status, the named headers
// and the body.
func show(app *fiber.App, method, path string, headers ...string) {
	res, err := app.Test(httptest.NewRequest(method, path, nil), -1)
	if err != nil {
		log.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	fmt.Println(method, path, "→", res.StatusCode)
	for _, h := range headers {
		fmt.Printf("  %s: %s\n", h, res.Header.Get(h))
	}
	if len(body) > 0 {
		fmt.Printf("  %s\n", body)
	}
}

func newExampleEngine() *engine.Engine {
	e, err := engine.New(context.Background(), engine.WithBackend(backend.NewMemory()), engine.WithEnv("production"))
	if err != nil {
		log.Fatal(err)
	}
	return e
}

// Declare state on routes and groups, then Register: every route is
// registered with the engine and checked on every request.
func Example() {
	ctx := context.Background()
	e, err := engine.New(ctx, engine.WithBackend(backend.NewMemory()))
	if err != nil {
		log.Fatal(err)
	}
	defer e.Close()

	ok := func(c *fiber.Ctx) error { return c.SendString("ok") }
	app := fiber.New()
	app.Get("/orders", ok)
	app.Get("/payments", waygatefiber.Maintenance("DB migration"), ok)
	admin := app.Group("/admin", waygatefiber.Disabled("closed for audit"))
	admin.Get("/users", ok)

	if err := waygatefiber.Register(ctx, app, waygatefiber.Middleware(e)); err != nil {
		log.Fatal(err)
	}
	// app.Listen(":8080")

	show(app, "GET", "/orders")
	show(app, "GET", "/payments")
	show(app, "GET", "/admin/users")
	// Output:
	// GET /orders → 200
	//   ok
	// GET /payments → 503
	//   {"error":{"code":"MAINTENANCE_MODE","message":"This endpoint is temporarily unavailable","reason":"DB migration","path":"/payments"}}
	// GET /admin/users → 503
	//   {"error":{"code":"ROUTE_DISABLED","message":"This endpoint has been disabled","reason":"closed for audit","path":"/admin/users"}}
}

// Register gives the engine every route, wrapped or plain, before the first
// request, so the engine (and the CLI and dashboard on top of it) lists
// them all.
func ExampleRegister() {
	e := newExampleEngine()
	defer e.Close()
	ok := func(c *fiber.Ctx) error { return c.SendString("ok") }

	app := fiber.New()
	app.Get("/health", waygatefiber.ForceActive(), ok)
	app.Get("/orders/:id", ok)
	app.Get("/files/*", ok)
	app.All("/anything", ok)
	app.Get("/debug", waygatefiber.EnvOnly("dev", "staging"), ok)
	v1 := app.Group("/v1", waygatefiber.Maintenance("v1 retired"))
	v1.Get("/items", ok)
	v1.Get("/items/:id", waygatefiber.Disabled("use /v2/items"), ok)

	if err := waygatefiber.Register(context.Background(), app, waygatefiber.Middleware(e)); err != nil {
		log.Fatal(err)
	}
	for _, st := range e.Routes() {
		fmt.Println(strings.TrimSpace(st.Path + " " + string(st.Status) + " " + st.Reason))
	}
	// Output:
	// /anything active
	// GET:/debug env_gated
	// GET:/files/{*} active
	// GET:/health active
	// GET:/orders/{id} active
	// GET:/v1/items maintenance v1 retired
	// GET:/v1/items/{id} disabled use /v2/items
}

// Deprecated routes are served with RFC 9745 Deprecation, RFC 8594 Sunset
// and a successor Link.
func ExampleDeprecated() {
	e := newExampleEngine()
	defer e.Close()
	ok := func(c *fiber.Ctx) error { return c.SendString("ok") }

	app := fiber.New()
	app.Get("/legacy/orders", waygatefiber.Deprecated("2027-01-01", "/orders", "2026-06-01"), ok)

	if err := waygatefiber.Register(context.Background(), app, waygatefiber.Middleware(e)); err != nil {
		log.Fatal(err)
	}
	show(app, "GET", "/legacy/orders", "Deprecation", "Sunset", "Link")
	// Output:
	// GET /legacy/orders → 200
	//   Deprecation: @1780272000
	//   Sunset: Fri, 01 Jan 2027 00:00:00 GMT
	//   Link: </orders>; rel="successor-version"
	//   ok
}

// Blocked requests can be answered by your own code: per route with
// Respond, app-wide (per outcome or for all) with WithResponder.
func ExampleWithResponder() {
	e := newExampleEngine()
	defer e.Close()
	ok := func(c *fiber.Ctx) error { return c.SendString("ok") }

	page := func(c *fiber.Ctx, d engine.Decision) error {
		return c.Status(d.Status).SendString("Back soon: " + d.Reason)
	}
	teapot := func(c *fiber.Ctx, _ engine.Decision) error {
		return c.Status(fiber.StatusTeapot).SendString("no reports today")
	}
	app := fiber.New()
	app.Get("/payments", waygatefiber.Maintenance("DB migration"), ok)
	app.Get("/reports", waygatefiber.Disabled("moved"), waygatefiber.Respond(teapot), ok)
	app.Get("/old", waygatefiber.Disabled("replaced"), ok)

	mw := waygatefiber.Middleware(e, waygatefiber.WithResponder(page, engine.BlockMaintenance))
	if err := waygatefiber.Register(context.Background(), app, mw); err != nil {
		log.Fatal(err)
	}
	show(app, "GET", "/payments")
	show(app, "GET", "/reports")
	show(app, "GET", "/old")
	// Output:
	// GET /payments → 503
	//   Back soon: DB migration
	// GET /reports → 418
	//   no reports today
	// GET /old → 503
	//   {"error":{"code":"ROUTE_DISABLED","message":"This endpoint has been disabled","reason":"replaced","path":"/old"}}
}

// Declare takes core route options, so options added to core (a rate
// limit, a deprecation date) work on fiber routes and groups at once. A
// route's own declaration overrides its group's.
func ExampleDeclare() {
	e := newExampleEngine()
	defer e.Close()
	ok := func(c *fiber.Ctx) error { return c.SendString("ok") }

	app := fiber.New()
	api := app.Group("/api", waygatefiber.Declare(
		route.Deprecated("2027-06-30", "/v2"),
		route.DeprecatedSince("2026-01-01"),
	))
	api.Get("/orders", ok)
	api.Get("/export", waygatefiber.Declare(route.Maintenance("rebuilding the exporter")), ok)

	if err := waygatefiber.Register(context.Background(), app, waygatefiber.Middleware(e)); err != nil {
		log.Fatal(err)
	}
	show(app, "GET", "/api/orders", "Deprecation", "Sunset")
	show(app, "GET", "/api/export")
	// Output:
	// GET /api/orders → 200
	//   Deprecation: @1767225600
	//   Sunset: Wed, 30 Jun 2027 00:00:00 GMT
	//   ok
	// GET /api/export → 503
	//   {"error":{"code":"MAINTENANCE_MODE","message":"This endpoint is temporarily unavailable","reason":"rebuilding the exporter","path":"/api/export"}}
}

// Rate limits are declared like any other state. Your auth middleware
// tells Waygate who is calling with SetUser (and SetRoles), and sets other
// attributes, such as the "plan" a tiered limit reads, with SetAttr.
func ExampleSetUser() {
	e := newExampleEngine()
	defer e.Close()
	ok := func(c *fiber.Ctx) error { return c.SendString("ok") }

	app := fiber.New()
	app.Use(func(c *fiber.Ctx) error { // your auth layer
		waygatefiber.SetUser(c, c.Get("X-User"))
		waygatefiber.SetAttr(c, "plan", c.Get("X-Plan"))
		return c.Next()
	})
	app.Get("/reports", waygatefiber.RateLimit("1/minute",
		ratelimit.By(ratelimit.KeyUser),
		ratelimit.Tiers(ratelimit.Tier{Name: "pro", Limit: "2/minute"}),
	), ok)

	if err := waygatefiber.Register(context.Background(), app, waygatefiber.Middleware(e)); err != nil {
		log.Fatal(err)
	}
	for _, user := range []string{"alice", "alice", "bob", "bob", "bob"} {
		req := httptest.NewRequest("GET", "/reports", nil)
		req.Header.Set("X-User", user)
		if user == "bob" {
			req.Header.Set("X-Plan", "pro")
		}
		res, err := app.Test(req, -1)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(user, res.StatusCode, res.Header.Get("X-RateLimit-Remaining"))
	}
	// Output:
	// alice 200 0
	// alice 429 0
	// bob 200 1
	// bob 200 0
	// bob 429 0
}

// An env-gated route outside its environments answers exactly like a path
// the app does not serve: fiber's router goes on to the routes after it
// (the app's catch-all 404 handler, if it has one) and, past the last,
// answers "Cannot GET /path" through the app's error handler. Nothing
// tells a client the route exists. WithJSONNotFound gives the engine's
// JSON body instead.
func ExampleWithJSONNotFound() {
	e := newExampleEngine()
	defer e.Close()

	build := func(opts ...waygatefiber.Option) *fiber.App {
		app := fiber.New()
		app.Get("/debug", waygatefiber.EnvOnly("dev"), func(c *fiber.Ctx) error { return c.SendString("debug") })
		if err := waygatefiber.Register(context.Background(), app, waygatefiber.Middleware(e, opts...)); err != nil {
			log.Fatal(err)
		}
		return app
	}
	hidden, json := build(), build(waygatefiber.WithJSONNotFound())

	show(hidden, "GET", "/debug", "Content-Type")
	show(hidden, "GET", "/nope", "Content-Type")
	show(json, "GET", "/debug", "Content-Type")
	// Output:
	// GET /debug → 404
	//   Content-Type: text/plain; charset=utf-8
	//   Cannot GET /debug
	// GET /nope → 404
	//   Content-Type: text/plain; charset=utf-8
	//   Cannot GET /nope
	// GET /debug → 404
	//   Content-Type: application/json
	//   {"error":{"code":"NOT_FOUND","message":"Not Found","path":"/debug"}}
}
