package waygateechov5_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/labstack/echo/v5"
	waygateechov5 "github.com/waygate-go/waygate/adapters/echov5"
	"github.com/waygate-go/waygate/core/backend"
	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/route"
)

func newEngine(t testing.TB, opts ...engine.Option) *engine.Engine {
	t.Helper()
	e, err := engine.New(context.Background(), append([]engine.Option{engine.WithBackend(backend.NewMemory())}, opts...)...)
	if err != nil {
		t.Fatalf("engine.New: %v", err)
	}
	t.Cleanup(func() { e.Close() })
	return e
}

// states returns the engine's listing as key → state.
func states(e *engine.Engine) map[string]route.State {
	m := map[string]route.State{}
	for _, st := range e.Routes() {
		m[st.Path] = st
	}
	return m
}

func do(h http.Handler, method, path string, hdr ...string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// counters count every run of the application's code.
type counters struct{ handler, authRun atomic.Int64 }

func (n *counters) handle(c *echo.Context) error {
	n.handler.Add(1)
	return c.String(http.StatusOK, "ok")
}

// auth rejects requests without the X-Token header and counts its runs.
// echo v5 itself builds a route's middleware chain once, when the route is
// added, so only the runs tell whether discovery called it.
func (n *counters) auth(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c *echo.Context) error {
		n.authRun.Add(1)
		if c.Request().Header.Get("X-Token") == "" {
			return echo.ErrUnauthorized
		}
		return next(c)
	}
}

// TestStartupDiscovery: every route is listed with its declared state
// right after Register, with zero requests served, and discovery never
// runs a handler or the application's middleware, even with auth in front
// of the wrappers.
func TestStartupDiscovery(t *testing.T) {
	e := newEngine(t)
	app := echo.New()
	app.Use(waygateechov5.Middleware(e))
	r := waygateechov5.Wrap(e, app)
	var n counters
	app.GET("/orders", n.handle)
	app.POST("/orders", n.handle, n.auth)
	app.GET("/payments", n.handle, n.auth, waygateechov5.Maintenance("DB migration"))
	admin := app.Group("/admin", n.auth, waygateechov5.Maintenance("admin rebuild"))
	admin.GET("/users", n.handle)
	admin.DELETE("/users/:id", n.handle, n.auth, waygateechov5.Disabled("no deletes"))
	legacy := app.Group("/legacy")
	legacy.Use(n.auth, waygateechov5.Deprecated("2027-01-01", "/orders", "2026-06-01"))
	legacy.GET("/orders", n.handle)
	app.GET("/debug", n.handle, waygateechov5.EnvOnly("dev"))
	app.GET("/health", n.handle, waygateechov5.ForceActive())

	if err := r.Register(context.Background()); err != nil {
		t.Fatalf("Register: %v", err)
	}
	got := states(e)
	want := map[string]route.Status{
		"GET:/orders":              route.StatusActive,
		"POST:/orders":             route.StatusActive,
		"GET:/payments":            route.StatusMaintenance,
		"GET:/admin/users":         route.StatusMaintenance,
		"DELETE:/admin/users/{id}": route.StatusDisabled,
		"GET:/legacy/orders":       route.StatusDeprecated,
		"GET:/debug":               route.StatusEnvGated,
		"GET:/health":              route.StatusActive,
	}
	if len(got) != len(want) {
		t.Errorf("engine lists %d routes, want %d: %v", len(got), len(want), got)
	}
	for key, status := range want {
		st, ok := got[key]
		if !ok {
			t.Errorf("%s not listed", key)
			continue
		}
		if st.Status != status {
			t.Errorf("%s status = %s, want %s", key, st.Status, status)
		}
	}
	if st := got["GET:/admin/users"]; st.Reason != "admin rebuild" {
		t.Errorf("group reason = %q", st.Reason)
	}
	if st := got["GET:/health"]; !st.ForceActive {
		t.Errorf("GET:/health force_active = false")
	}
	if st := got["GET:/legacy/orders"]; st.SuccessorPath != "/orders" || st.SunsetDate != "2027-01-01T00:00:00Z" {
		t.Errorf("deprecation = %+v", st)
	}
	if h, r := n.handler.Load(), n.authRun.Load(); h+r != 0 {
		t.Fatalf("discovery ran application code: handler %d, auth ran %d", h, r)
	}

	// The check runs before route middleware: a blocked route answers with
	// its state, and the auth in front of the wrapper never runs for it.
	tests := []struct {
		method, path string
		token        bool
		status       int
		body         string
	}{
		{"GET", "/payments", false, 503, `"MAINTENANCE_MODE"`},
		{"GET", "/admin/users", false, 503, `"reason":"admin rebuild"`},
		{"DELETE", "/admin/users/7", true, 503, `"path":"/admin/users/7"`},
		{"GET", "/debug", false, 404, `{"message":"Not Found"}`}, // like an unknown path
		{"POST", "/orders", false, 401, "Unauthorized"},
	}
	for _, tc := range tests {
		var hdr []string
		if tc.token {
			hdr = []string{"X-Token", "t"}
		}
		rec := do(app, tc.method, tc.path, hdr...)
		if rec.Code != tc.status || !strings.Contains(rec.Body.String(), tc.body) {
			t.Errorf("%s %s = %d %s, want %d containing %s", tc.method, tc.path, rec.Code, rec.Body, tc.status, tc.body)
		}
	}
	if r := n.authRun.Load(); r != 1 {
		t.Errorf("auth ran %d times, want 1 (only for the allowed POST /orders)", r)
	}
	if h := n.handler.Load(); h != 0 {
		t.Errorf("handlers ran %d times, want 0", h)
	}

	// Allowed requests run the route's middleware and handler as echo does.
	rec := do(app, "GET", "/legacy/orders", "X-Token", "t")
	if rec.Code != 200 || rec.Header().Get("Deprecation") != "@1780272000" || rec.Header().Get("Link") != `</orders>; rel="successor-version"` {
		t.Errorf("GET /legacy/orders = %d %v", rec.Code, rec.Header())
	}
	if rec := do(app, "GET", "/legacy/orders"); rec.Code != 401 {
		t.Errorf("GET /legacy/orders without token = %d, want 401 from the group's auth", rec.Code)
	}
}

// TestDeclarationOverrides: group declarations apply to every route of the
// group and its subgroups; a route's own declaration, or a subgroup's,
// overrides them; Group.Use applies to routes added after it, as in echo.
func TestDeclarationOverrides(t *testing.T) {
	e := newEngine(t)
	app := echo.New()
	app.Use(waygateechov5.Middleware(e))
	r := waygateechov5.Wrap(e, app)
	ok := func(c *echo.Context) error { return c.String(200, "ok") }
	v1 := app.Group("/v1", waygateechov5.Disabled("v1 retired"))
	v1.GET("/a", ok)
	v1.GET("/b", ok, waygateechov5.Maintenance("b moving"))
	v1.GET("/c", ok, waygateechov5.Declare(route.Maintenance("first"), route.Disabled("second")))
	beta := v1.Group("/beta", waygateechov5.ForceActive(), waygateechov5.Maintenance("beta"))
	beta.GET("/d", ok)
	late := app.Group("/late")
	late.GET("/before", ok)
	late.Use(waygateechov5.Maintenance("after Use"))
	late.GET("/after", ok)
	if err := r.Register(context.Background()); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		key    string
		status route.Status
		reason string
		force  bool
	}{
		{"GET:/v1/a", route.StatusDisabled, "v1 retired", false},
		{"GET:/v1/b", route.StatusMaintenance, "b moving", false},
		{"GET:/v1/c", route.StatusDisabled, "second", false},
		{"GET:/v1/beta/d", route.StatusMaintenance, "beta", true},
		{"GET:/late/before", route.StatusActive, "", false},
		{"GET:/late/after", route.StatusMaintenance, "after Use", false},
	}
	got := states(e)
	for _, tc := range tests {
		st := got[tc.key]
		if st.Status != tc.status || st.Reason != tc.reason || st.ForceActive != tc.force {
			t.Errorf("%s = %s %q force=%v, want %s %q force=%v", tc.key, st.Status, st.Reason, st.ForceActive, tc.status, tc.reason, tc.force)
		}
	}
	if len(got) != len(tests) {
		t.Errorf("engine lists %v, want only the %d routes (not the groups' 404 routes)", got, len(tests))
	}
	if rec := do(app, "GET", "/v1/beta/d"); rec.Code != 200 {
		t.Errorf("force-active GET /v1/beta/d = %d, want 200", rec.Code)
	}
}

// TestInvalidDeclaration: a malformed declaration is a startup error at the
// route definition, naming the route: Echo.AddRoute returns it, and the
// shorthands (GET, Group.POST, ...) panic with it, as echo does with any
// route it cannot add. The route is not added.
func TestInvalidDeclaration(t *testing.T) {
	ok := func(*echo.Context) error { return nil }
	tests := []struct {
		name string
		add  func(app *echo.Echo)
		want string
	}{
		{"bad sunset", func(app *echo.Echo) {
			app.GET("/x", ok, waygateechov5.Deprecated("someday", ""))
		}, "GET /x"},
		{"env-only without envs on a group", func(app *echo.Echo) {
			app.Group("/g", waygateechov5.EnvOnly()).POST("/y", ok)
		}, "POST /g/y"},
		{"window ending before it starts", func(app *echo.Echo) {
			now := time.Now()
			app.PUT("/z", ok, waygateechov5.MaintenanceWindow("w", now, now.Add(-time.Hour)))
		}, "PUT /z"},
		{"bad rate limit on Any", func(app *echo.Echo) {
			app.Any("/posts", ok, waygateechov5.RateLimit("5 per fortnight"))
		}, "ANY /posts"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			app := echo.New()
			waygateechov5.Wrap(newEngine(t), app)
			defer func() {
				err, _ := recover().(error)
				if !errors.Is(err, route.ErrInvalidDeclaration) || !strings.Contains(err.Error(), tc.want) {
					t.Errorf("panic = %v, want an error naming %q and the invalid declaration", err, tc.want)
				}
				for _, ri := range app.Router().Routes() {
					if ri.Method != echo.RouteNotFound {
						t.Errorf("route %s %s added despite its invalid declaration", ri.Method, ri.Path)
					}
				}
			}()
			tc.add(app)
		})
	}
	app := echo.New()
	waygateechov5.Wrap(newEngine(t), app)
	_, err := app.AddRoute(echo.Route{Method: http.MethodGet, Path: "/r", Handler: ok,
		Middlewares: []echo.MiddlewareFunc{waygateechov5.Deprecated("someday", "")}})
	if !errors.Is(err, route.ErrInvalidDeclaration) || !strings.Contains(err.Error(), "GET /r") {
		t.Errorf("AddRoute = %v, want the invalid declaration, naming GET /r", err)
	}
}

// TestUnguardedRoutes: routes in echo's registry that the Router never saw
// make Register fail, naming them.
func TestUnguardedRoutes(t *testing.T) {
	ok := func(*echo.Context) error { return nil }
	app := echo.New()
	app.GET("/early", ok)
	r := waygateechov5.Wrap(newEngine(t), app)
	app.GET("/hooked", ok)
	app.OnAddRoute = nil
	app.POST("/unhooked", ok)
	app.Any("/any", ok)
	err := r.Register(context.Background())
	if !errors.Is(err, waygateechov5.ErrUnguardedRoute) {
		t.Fatalf("Register = %v, want ErrUnguardedRoute", err)
	}
	if msg := err.Error(); !strings.Contains(msg, "ANY /any, GET /early, POST /unhooked;") || strings.Contains(msg, "/hooked,") {
		t.Errorf("error %q should name ANY /any, GET /early and POST /unhooked only", msg)
	}
}

// TestRoutesAddedAfterRegister: a route added after Register is registered
// as it is added, listed before its first request and enforced; an Any
// added then is one all-methods route, as before Register.
func TestRoutesAddedAfterRegister(t *testing.T) {
	e := newEngine(t)
	app := echo.New()
	app.Use(waygateechov5.Middleware(e))
	r := waygateechov5.Wrap(e, app)
	ok := func(c *echo.Context) error { return c.String(200, "ok") }
	app.GET("/orders", ok)
	if err := r.Register(context.Background()); err != nil {
		t.Fatal(err)
	}
	app.GET("/late", ok, waygateechov5.Disabled("not yet"))
	app.Any("/late-any", ok, waygateechov5.Maintenance("moving"))
	got := states(e)
	if st := got["GET:/late"]; st.Status != route.StatusDisabled {
		t.Errorf("GET:/late before any request = %+v, want disabled", st)
	}
	if st := got["/late-any"]; st.Status != route.StatusMaintenance {
		t.Errorf("/late-any before any request = %+v, want maintenance", st)
	}
	if rec := do(app, "GET", "/late"); rec.Code != 503 || !strings.Contains(rec.Body.String(), "ROUTE_DISABLED") {
		t.Errorf("GET /late = %d %s, want 503 ROUTE_DISABLED", rec.Code, rec.Body)
	}
	if rec := do(app, "DELETE", "/late-any"); rec.Code != 503 || !strings.Contains(rec.Body.String(), "MAINTENANCE_MODE") {
		t.Errorf("DELETE /late-any = %d %s, want 503 MAINTENANCE_MODE", rec.Code, rec.Body)
	}
}

// TestPreviousHookAndVirtualHosts: an OnAddRoute set before Wrap keeps
// being called, and a route it rejects is neither added nor recorded;
// with echo's virtual hosts, each host's Echo has its own Router and
// Middleware.
func TestPreviousHookAndVirtualHosts(t *testing.T) {
	e := newEngine(t)
	api := echo.New()
	var seen []string
	errRejected := errors.New("rejected")
	api.OnAddRoute = func(r echo.Route) error {
		seen = append(seen, r.Method+" "+r.Path)
		if r.Path == "/rejected" {
			return errRejected
		}
		return nil
	}
	api.Use(waygateechov5.Middleware(e))
	r := waygateechov5.Wrap(e, api)
	ok := func(c *echo.Context) error { return c.String(200, "ok") }
	api.GET("/status", ok, waygateechov5.Maintenance("api down"))
	if _, err := api.AddRoute(echo.Route{Method: "GET", Path: "/rejected", Handler: ok}); !errors.Is(err, errRejected) {
		t.Errorf("AddRoute(/rejected) = %v, want the previous hook's error", err)
	}
	if err := r.Register(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(seen) != 2 || seen[0] != "GET /status" {
		t.Errorf("previous hook saw %v", seen)
	}
	got := states(e)
	if st := got["GET:/status"]; st.Status != route.StatusMaintenance {
		t.Errorf("GET:/status = %+v", st)
	}
	if _, ok := got["GET:/rejected"]; ok {
		t.Errorf("a route the previous hook rejected is listed")
	}
	app := echo.NewVirtualHostHandler(map[string]*echo.Echo{"api.example.com": api})
	if rec := do(app, "GET", "http://api.example.com/status"); rec.Code != 503 {
		t.Errorf("GET api.example.com/status = %d, want 503", rec.Code)
	}
}
