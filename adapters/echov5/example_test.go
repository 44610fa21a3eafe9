package waygateechov5_test

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/labstack/echo/v5"
	waygateechov5 "github.com/waygate-go/waygate/adapters/echov5"
	"github.com/waygate-go/waygate/core/backend"
	"github.com/waygate-go/waygate/core/clock"
	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/ratelimit"
)

func listOrders(c *echo.Context) error { return c.JSON(http.StatusOK, []string{"o-1"}) }
func getOrder(c *echo.Context) error   { return c.JSON(http.StatusOK, c.Param("id")) }
func pay(c *echo.Context) error        { return c.NoContent(http.StatusCreated) }
func listUsers(c *echo.Context) error  { return c.JSON(http.StatusOK, []string{"ada"}) }
func health(c *echo.Context) error     { return c.String(http.StatusOK, "ok") }

// requireToken stands for the application's own auth middleware.
func requireToken(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c *echo.Context) error {
		if c.Request().Header.Get("X-Token") == "" {
			return echo.ErrUnauthorized
		}
		return next(c)
	}
}

// get sends one request to app and prints the answer.
func get(app http.Handler, path string) {
	rec := httptest.NewRecorder()
	app.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	fmt.Println(path, rec.Code, rec.Body.String())
}

// Add the middleware with Use, make the Router before adding routes,
// declare state with the wrappers, and call Register before serving: every
// route is listed at once.
func Example() {
	ctx := context.Background()
	eng, err := engine.New(ctx, engine.WithBackend(backend.NewMemory()))
	if err != nil {
		log.Fatal(err)
	}
	defer eng.Close()

	app := echo.New()
	app.Use(waygateechov5.Middleware(eng))
	r := waygateechov5.Wrap(eng, app)

	app.GET("/orders", listOrders)
	app.GET("/orders/:id", getOrder)
	app.POST("/payments", pay, waygateechov5.Maintenance("DB migration"))
	app.GET("/legacy/orders", listOrders, waygateechov5.Deprecated("2027-01-01", "/orders"))

	if err := r.Register(ctx); err != nil {
		log.Fatal(err)
	}
	// app.Start(":8080")

	for _, st := range eng.Routes() {
		fmt.Println(st.Path, st.Status)
	}
	rec := httptest.NewRecorder()
	app.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/payments", nil))
	fmt.Println(rec.Code, rec.Body.String())
	// Output:
	// GET:/legacy/orders deprecated
	// GET:/orders active
	// GET:/orders/{id} active
	// POST:/payments maintenance
	// 503 {"error":{"code":"MAINTENANCE_MODE","message":"This endpoint is temporarily unavailable","reason":"DB migration","path":"/payments"}}
}

// Declarations on a group apply to all its routes; a route's own
// declaration overrides its group's. The wrappers may sit behind the
// application's auth: Waygate reads them without running it, and judges
// requests before it.
func Example_groups() {
	ctx := context.Background()
	eng, err := engine.New(ctx, engine.WithBackend(backend.NewMemory()))
	if err != nil {
		log.Fatal(err)
	}
	defer eng.Close()
	app := echo.New()
	app.Use(waygateechov5.Middleware(eng))
	r := waygateechov5.Wrap(eng, app)

	admin := app.Group("/admin", requireToken, waygateechov5.Disabled("closed for audit"))
	admin.GET("/users", listUsers)
	admin.GET("/health", health, waygateechov5.ForceActive())

	if err := r.Register(ctx); err != nil {
		log.Fatal(err)
	}
	get(app, "/admin/users")
	get(app, "/admin/health")
	// Output:
	// /admin/users 503 {"error":{"code":"ROUTE_DISABLED","message":"This endpoint has been disabled","reason":"closed for audit","path":"/admin/users"}}
	// /admin/health 401 {"message":"Unauthorized"}
}

// Deprecated routes are served with RFC 9745 and RFC 8594 headers.
func ExampleDeprecated() {
	ctx := context.Background()
	eng, err := engine.New(ctx, engine.WithBackend(backend.NewMemory()))
	if err != nil {
		log.Fatal(err)
	}
	defer eng.Close()
	app := echo.New()
	app.Use(waygateechov5.Middleware(eng))
	r := waygateechov5.Wrap(eng, app)

	// Deprecated since 1 June 2026: without that date, Deprecation carries
	// the time the deprecation was first registered.
	app.GET("/legacy/orders", listOrders, waygateechov5.Deprecated("2027-01-01", "/orders", "2026-06-01"))

	if err := r.Register(ctx); err != nil {
		log.Fatal(err)
	}
	rec := httptest.NewRecorder()
	app.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/legacy/orders", nil))
	for _, h := range []string{"Deprecation", "Sunset", "Link"} {
		fmt.Printf("%s: %s\n", h, rec.Header().Get(h))
	}
	// Output:
	// Deprecation: @1780272000
	// Sunset: Fri, 01 Jan 2027 00:00:00 GMT
	// Link: </orders>; rel="successor-version"
}

// WithResponder replaces the JSON body of blocked requests app-wide, for
// some outcomes or all; Respond does it for one route or group.
func ExampleWithResponder() {
	ctx := context.Background()
	eng, err := engine.New(ctx, engine.WithBackend(backend.NewMemory()))
	if err != nil {
		log.Fatal(err)
	}
	defer eng.Close()
	app := echo.New()

	backSoon := func(c *echo.Context, d engine.Decision) error {
		return c.HTML(d.Status, "<h1>Back soon: "+d.Reason+"</h1>")
	}
	app.Use(waygateechov5.Middleware(eng, waygateechov5.WithResponder(backSoon, engine.BlockMaintenance)))
	r := waygateechov5.Wrap(eng, app)

	app.GET("/shop", listOrders, waygateechov5.Maintenance("stocktaking"))
	app.GET("/api/shop", listOrders, waygateechov5.Maintenance("stocktaking"),
		waygateechov5.Respond(func(c *echo.Context, d engine.Decision) error {
			return c.JSON(d.Status, map[string]string{"retry": "later"})
		}))

	if err := r.Register(ctx); err != nil {
		log.Fatal(err)
	}
	get(app, "/shop")
	get(app, "/api/shop")
	// Output:
	// /shop 503 <h1>Back soon: stocktaking</h1>
	// /api/shop 503 {"retry":"later"}
}

// Runtime changes made through the engine apply to the next request.
func ExampleRouter_Register() {
	ctx := context.Background()
	eng, err := engine.New(ctx, engine.WithBackend(backend.NewMemory()))
	if err != nil {
		log.Fatal(err)
	}
	defer eng.Close()
	app := echo.New()
	app.Use(waygateechov5.Middleware(eng))
	r := waygateechov5.Wrap(eng, app)

	app.GET("/orders/:id", getOrder)
	app.Any("/webhooks/*", health)

	if err := r.Register(ctx); err != nil {
		log.Fatal(err)
	}
	for _, st := range eng.Routes() {
		fmt.Println(st.Path)
	}
	if _, err := eng.SetMaintenance(ctx, "GET:/orders/{id}", "reindexing"); err != nil {
		log.Fatal(err)
	}
	get(app, "/orders/7")
	// Output:
	// GET:/orders/{id}
	// /webhooks/{*}
	// /orders/7 503 {"error":{"code":"MAINTENANCE_MODE","message":"This endpoint is temporarily unavailable","reason":"reindexing","path":"/orders/7"}}
}

// identifyUser stands for the application's auth, added with Echo.Use
// before Waygate's middleware: it tells Waygate who the user is.
func identifyUser(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c *echo.Context) error {
		if user := c.Request().Header.Get("X-User"); user != "" {
			waygateechov5.SetUser(c, user)
		}
		return next(c)
	}
}

// Rate limits are declared like any other state; SetUser, SetRoles and
// SetAttr give them the request's identity.
func ExampleRateLimit() {
	ctx := context.Background()
	eng, err := engine.New(ctx, engine.WithBackend(backend.NewMemory()),
		engine.WithClock(clock.NewFake(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))))
	if err != nil {
		log.Fatal(err)
	}
	defer eng.Close()
	app := echo.New()
	app.Use(identifyUser, waygateechov5.Middleware(eng))
	r := waygateechov5.Wrap(eng, app)

	app.GET("/reports", listOrders, waygateechov5.RateLimit("2/minute", ratelimit.By(ratelimit.KeyUser)))

	if err := r.Register(ctx); err != nil {
		log.Fatal(err)
	}
	for range 3 {
		req := httptest.NewRequest(http.MethodGet, "/reports", nil)
		req.Header.Set("X-User", "ada")
		rec := httptest.NewRecorder()
		app.ServeHTTP(rec, req)
		fmt.Println(rec.Code, rec.Header().Get("X-RateLimit-Remaining"))
	}
	// Output:
	// 200 1
	// 200 0
	// 429 0
}

// An env-gated route outside its environments answers exactly like a path
// the app does not serve: echo's not-found error, rendered by the app's
// HTTPErrorHandler (echo's own here). Nothing tells a client the route
// exists. WithJSONNotFound gives the engine's JSON body instead.
func ExampleWithJSONNotFound() {
	ctx := context.Background()
	eng, err := engine.New(ctx, engine.WithBackend(backend.NewMemory()), engine.WithEnv("production"))
	if err != nil {
		log.Fatal(err)
	}
	defer eng.Close()
	build := func(opts ...waygateechov5.Option) *echo.Echo {
		app := echo.New()
		app.Use(waygateechov5.Middleware(eng, opts...))
		r := waygateechov5.Wrap(eng, app)
		app.GET("/debug", health, waygateechov5.EnvOnly("dev"))
		if err := r.Register(ctx); err != nil {
			log.Fatal(err)
		}
		return app
	}
	hidden, json := build(), build(waygateechov5.WithJSONNotFound())

	for _, tc := range []struct {
		app  *echo.Echo
		path string
	}{{hidden, "/debug"}, {hidden, "/nope"}, {json, "/debug"}} {
		rec := httptest.NewRecorder()
		tc.app.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, tc.path, nil))
		fmt.Printf("%s %d %s %q\n", tc.path, rec.Code, rec.Header().Get("Content-Type"), rec.Body.String())
	}
	// Output:
	// /debug 404 application/json "{\"message\":\"Not Found\"}\n"
	// /nope 404 application/json "{\"message\":\"Not Found\"}\n"
	// /debug 404 application/json "{\"error\":{\"code\":\"NOT_FOUND\",\"message\":\"Not Found\",\"path\":\"/debug\"}}"
}
