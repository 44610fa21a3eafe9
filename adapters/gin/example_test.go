package waygategin_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/gin-gonic/gin"

	waygategin "github.com/waygate-go/waygate/adapters/gin"
	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/ratelimit"
)

func health(c *gin.Context)   { c.JSON(http.StatusOK, gin.H{"status": "ok"}) }
func payments(c *gin.Context) { c.String(http.StatusOK, "paid") }
func orders(c *gin.Context)   { c.String(http.StatusOK, "orders") }
func order(c *gin.Context)    { c.String(http.StatusOK, "order "+c.Param("id")) }
func users(c *gin.Context)    { c.String(http.StatusOK, "users") }
func debug(c *gin.Context)    { c.String(http.StatusOK, "debug") }

// requireToken is an app's own auth middleware.
func requireToken(c *gin.Context) {
	if c.GetHeader("Authorization") == "" {
		c.AbortWithStatus(http.StatusUnauthorized)
	}
}

// show sends one request and prints the status and the body.
func show(h http.Handler, method, path string) {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(method, path, nil))
	fmt.Println(method, path, rec.Code, rec.Body.String())
}

// Add the middleware, declare state next to each route through the Router,
// and register every route before serving.
func ExampleWrap() {
	ctx := context.Background()
	e, err := engine.New(ctx, engine.WithEnv("production"))
	if err != nil {
		panic(err)
	}
	defer e.Close()

	g := gin.New()
	g.Use(gin.Recovery(), waygategin.Middleware(e))

	r := waygategin.Wrap(e, g)
	r.GET("/health", waygategin.ForceActive(), health)
	r.GET("/payments", waygategin.Maintenance("DB migration"), payments)
	r.GET("/orders", orders)
	r.GET("/orders/:id", order)
	r.GET("/legacy/orders", waygategin.Deprecated("2027-01-01", "/orders"), orders)
	r.GET("/debug", waygategin.EnvOnly("dev", "staging"), debug)

	if err := r.Register(ctx); err != nil {
		panic(err)
	}
	// g.Run(":8080")

	for _, st := range e.Routes() {
		fmt.Println(st.Path, st.Status)
	}
	show(g, "GET", "/payments")
	show(g, "GET", "/orders/42")
	show(g, "GET", "/debug")
	// Output:
	// GET:/debug env_gated
	// GET:/health active
	// GET:/legacy/orders deprecated
	// GET:/orders active
	// GET:/orders/{id} active
	// GET:/payments maintenance
	// GET /payments 503 {"error":{"code":"MAINTENANCE_MODE","message":"This endpoint is temporarily unavailable","reason":"DB migration","path":"/payments"}}
	// GET /orders/42 200 order 42
	// GET /debug 404 404 page not found
}

// A group's declaration applies to all its routes; a route's own overrides
// it. Declarations may sit behind the app's own middleware, such as auth.
func ExampleRouter_Group() {
	ctx := context.Background()
	e, _ := engine.New(ctx)
	defer e.Close()
	g := gin.New()
	g.Use(waygategin.Middleware(e))
	r := waygategin.Wrap(e, g)

	admin := r.Group("/admin", requireToken, waygategin.Disabled("closed for audit"))
	admin.GET("/users", users)
	admin.GET("/health", waygategin.ForceActive(), health)

	if err := r.Register(ctx); err != nil {
		panic(err)
	}
	show(g, "GET", "/admin/users")
	show(g, "GET", "/admin/health")
	// Output:
	// GET /admin/users 503 {"error":{"code":"ROUTE_DISABLED","message":"This endpoint has been disabled","reason":"closed for audit","path":"/admin/users"}}
	// GET /admin/health 401
}

// Routes added to gin directly, by the app or by another library, are
// registered as plain routes by Register and can be changed at runtime by
// their key.
func ExampleRouter_Register() {
	ctx := context.Background()
	e, _ := engine.New(ctx)
	defer e.Close()
	g := gin.New()
	g.Use(waygategin.Middleware(e))
	g.GET("/orders/:id", order)
	g.Any("/files/*path", orders)

	r := waygategin.Wrap(e, g)
	if err := r.Register(ctx); err != nil {
		panic(err)
	}
	if _, err := e.SetMaintenance(ctx, "GET:/orders/{id}", "reindexing"); err != nil {
		panic(err)
	}

	fmt.Println(len(e.Routes()), "routes")
	show(g, "GET", "/orders/7")
	// Output:
	// 10 routes
	// GET /orders/7 503 {"error":{"code":"MAINTENANCE_MODE","message":"This endpoint is temporarily unavailable","reason":"reindexing","path":"/orders/7"}}
}

// Blocked requests get a JSON body by default; WithResponder (app-wide,
// optionally per outcome) and Respond (per route) replace it.
func ExampleWithResponder() {
	ctx := context.Background()
	e, _ := engine.New(ctx)
	defer e.Close()

	page := func(c *gin.Context, d engine.Decision) {
		c.String(d.Status, "%s is unavailable: %s", c.Request.URL.Path, d.Reason)
	}
	teapot := func(c *gin.Context, d engine.Decision) {
		c.JSON(http.StatusTeapot, gin.H{"blocked": d.Outcome.String()})
	}
	g := gin.New()
	g.Use(waygategin.Middleware(e, waygategin.WithResponder(page, engine.BlockMaintenance)))
	r := waygategin.Wrap(e, g)
	r.GET("/payments", waygategin.Maintenance("DB migration"), payments)
	r.GET("/brew", waygategin.Disabled("no coffee"), waygategin.Respond(teapot), orders)

	if err := r.Register(ctx); err != nil {
		panic(err)
	}
	show(g, "GET", "/payments")
	show(g, "GET", "/brew")
	// Output:
	// GET /payments 503 /payments is unavailable: DB migration
	// GET /brew 418 {"blocked":"disabled"}
}

// Rate limits key on the client IP by default; SetUser, SetRoles and
// SetAttr (or gin's own c.Set) give them a user, roles and a tier.
func ExampleRateLimit() {
	ctx := context.Background()
	e, _ := engine.New(ctx)
	defer e.Close()

	identify := func(c *gin.Context) {
		if user := c.GetHeader("X-User"); user != "" {
			waygategin.SetUser(c, user)
			waygategin.SetAttr(c, "plan", c.GetHeader("X-Plan"))
		}
	}
	g := gin.New()
	g.Use(identify, waygategin.Middleware(e))
	r := waygategin.Wrap(e, g)
	r.GET("/reports", waygategin.RateLimit("2/minute",
		ratelimit.By(ratelimit.KeyUser),
		ratelimit.Tiers(ratelimit.Tier{Name: "pro", Limit: "10/minute"})), orders)

	if err := r.Register(ctx); err != nil {
		panic(err)
	}
	for range 3 {
		req := httptest.NewRequest("GET", "/reports", nil)
		req.Header.Set("X-User", "alice")
		rec := httptest.NewRecorder()
		g.ServeHTTP(rec, req)
		fmt.Println(rec.Code, rec.Header().Get("X-RateLimit-Remaining"))
	}
	// Output:
	// 200 1
	// 200 0
	// 429 0
}

// An env-gated route outside its environments answers exactly like a path
// the app does not serve — through the app's NoRoute handlers when it has
// some — so nothing tells a client the route exists. WithJSONNotFound
// gives the engine's JSON body instead.
func ExampleWithJSONNotFound() {
	ctx := context.Background()
	e, _ := engine.New(ctx, engine.WithEnv("production"))
	defer e.Close()

	build := func(opts ...waygategin.Option) *gin.Engine {
		g := gin.New()
		g.Use(waygategin.Middleware(e, opts...))
		r := waygategin.Wrap(e, g)
		r.GET("/debug", waygategin.EnvOnly("dev"), debug)
		g.NoRoute(func(c *gin.Context) { c.String(http.StatusNotFound, "no such page") })
		if err := r.Register(ctx); err != nil {
			panic(err)
		}
		return g
	}
	hidden, json := build(), build(waygategin.WithJSONNotFound())

	for _, tc := range []struct {
		g    *gin.Engine
		path string
	}{{hidden, "/debug"}, {hidden, "/nope"}, {json, "/debug"}} {
		rec := httptest.NewRecorder()
		tc.g.ServeHTTP(rec, httptest.NewRequest("GET", tc.path, nil))
		fmt.Printf("%s %d %s %q\n", tc.path, rec.Code, rec.Header().Get("Content-Type"), rec.Body.String())
	}
	// Output:
	// /debug 404 text/plain; charset=utf-8 "no such page"
	// /nope 404 text/plain; charset=utf-8 "no such page"
	// /debug 404 application/json "{\"error\":{\"code\":\"NOT_FOUND\",\"message\":\"Not Found\",\"path\":\"/debug\"}}"
}
