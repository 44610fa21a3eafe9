package waygateechov5_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/labstack/echo/v5"
	waygateechov5 "github.com/waygate-go/waygate/adapters/echov5"
	"github.com/waygate-go/waygate/core/route"
)

func keys(t *testing.T, add func(app *echo.Echo)) []string {
	t.Helper()
	e := newEngine(t)
	app := echo.New()
	app.Use(waygateechov5.Middleware(e))
	r := waygateechov5.Wrap(e, app)
	add(app)
	if err := r.Register(context.Background()); err != nil {
		t.Fatal(err)
	}
	var ks []string
	for _, st := range e.Routes() {
		ks = append(ks, st.Path)
	}
	return ks
}

// TestRouteKeys: echo templates get stable, normalised keys.
func TestRouteKeys(t *testing.T) {
	ok := func(*echo.Context) error { return nil }
	tests := []struct {
		name string
		add  func(app *echo.Echo)
		want []string
	}{
		{"parameter", func(a *echo.Echo) { a.GET("/orders/:id", ok) }, []string{"GET:/orders/{id}"}},
		{"two parameters", func(a *echo.Echo) { a.PUT("/users/:uid/posts/:pid", ok) }, []string{"PUT:/users/{uid}/posts/{pid}"}},
		{"catch-all", func(a *echo.Echo) { a.GET("/files/*", ok) }, []string{"GET:/files/{*}"}},
		{"catch-all in a group", func(a *echo.Echo) { a.Group("/static").GET("/*", ok) }, []string{"GET:/static/{*}"}},
		{"group root", func(a *echo.Echo) { a.Group("/admin").GET("", ok) }, []string{"GET:/admin"}},
		{"path without leading slash", func(a *echo.Echo) { a.GET("health", ok) }, []string{"GET:/health"}},
		{"Any is one all-methods route", func(a *echo.Echo) { a.Any("/anything", ok) }, []string{"/anything"}},
		{"Any in a group", func(a *echo.Echo) { a.Group("/g", waygateechov5.Disabled("x")).Any("/:id", ok) }, []string{"/g/{id}"}},
		{"Match with some methods", func(a *echo.Echo) { a.Match([]string{"GET", "POST"}, "/m", ok) }, []string{"GET:/m", "POST:/m"}},
		{"same path, two methods", func(a *echo.Echo) { a.GET("/o", ok); a.DELETE("/o", ok) }, []string{"DELETE:/o", "GET:/o"}},
		{"Any overridden on one method", func(a *echo.Echo) {
			a.Any("/x", ok)
			a.GET("/x", ok, waygateechov5.Maintenance("m"))
		}, []string{"/x", "GET:/x"}},
		{"custom method has no key", func(a *echo.Echo) { a.Add("PURGE", "/cache", ok); a.GET("/cache", ok) }, []string{"GET:/cache"}},
		{"QUERY has no key", func(a *echo.Echo) { a.QUERY("/search", ok) }, nil},
		{"group 404 routes are not routes", func(a *echo.Echo) {
			a.Group("/g", waygateechov5.Disabled("x")).GET("/a", ok)
			a.RouteNotFound("/*", ok)
		}, []string{"GET:/g/a"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := keys(t, tc.add)
			slices.Sort(got)
			if !slices.Equal(got, tc.want) {
				t.Errorf("keys = %v, want %v", got, tc.want)
			}
		})
	}
}

// TestKeysAreStable: registering the same app again, as a restart does,
// yields the same keys and keeps runtime state; runtime changes made by key
// reach requests matched by echo's raw templates.
func TestKeysAreStable(t *testing.T) {
	ctx := context.Background()
	e := newEngine(t)
	build := func() *echo.Echo {
		app := echo.New()
		app.Use(waygateechov5.Middleware(e))
		r := waygateechov5.Wrap(e, app)
		ok := func(c *echo.Context) error { return c.String(200, "ok") }
		app.GET("/files/*", ok)
		app.GET("/orders/:id", ok)
		app.Any("/anything", ok)
		if err := r.Register(ctx); err != nil {
			t.Fatal(err)
		}
		return app
	}
	build()
	first := states(e)
	for _, k := range []string{"GET:/files/{*}", "GET:/orders/{id}"} {
		if _, err := e.SetMaintenance(ctx, k, "moving"); err != nil {
			t.Fatalf("SetMaintenance(%s): %v", k, err)
		}
	}
	if _, err := e.Disable(ctx, "/anything", "off"); err != nil {
		t.Fatalf("Disable(/anything): %v", err)
	}
	app := build()
	second := states(e)
	if len(first) != 3 || len(second) != 3 {
		t.Fatalf("listings %v then %v, want the same 3 keys", first, second)
	}
	for k := range first {
		if _, ok := second[k]; !ok {
			t.Errorf("key %s vanished after re-registration", k)
		}
	}
	tests := []struct {
		method, path string
		status       int
		body         string
	}{
		{"GET", "/files/a/b.txt", 503, `"path":"/files/a/b.txt"`},
		{"GET", "/orders/42", 503, `"reason":"moving"`},
		{"PATCH", "/anything", 503, `"ROUTE_DISABLED"`},
		{http.MethodPut, "/anything", 503, `"reason":"off"`},
		{"PROPFIND", "/anything", 503, `"ROUTE_DISABLED"`},
	}
	for _, tc := range tests {
		rec := do(app, tc.method, tc.path)
		if rec.Code != tc.status || !strings.Contains(rec.Body.String(), tc.body) {
			t.Errorf("%s %s = %d %s, want %d containing %s", tc.method, tc.path, rec.Code, rec.Body, tc.status, tc.body)
		}
	}
	if st := states(e)["GET:/orders/{id}"]; st.Status != route.StatusMaintenance {
		t.Errorf("runtime state lost on re-registration: %+v", st)
	}
}

// TestAnyOverriddenPerMethod: when one method of an Any route is redeclared,
// that method is its own route, judged on its own; the other methods keep
// the Any route's key.
func TestAnyOverriddenPerMethod(t *testing.T) {
	e := newEngine(t)
	app := echo.New()
	app.Use(waygateechov5.Middleware(e))
	r := waygateechov5.Wrap(e, app)
	ok := func(c *echo.Context) error { return c.String(200, "ok") }
	app.Any("/x", ok)
	app.GET("/x", ok, waygateechov5.Maintenance("get only"))
	if err := r.Register(context.Background()); err != nil {
		t.Fatal(err)
	}
	for method, status := range map[string]int{"GET": 503, "POST": 200, "PROPFIND": 200} {
		if rec := do(app, method, "/x"); rec.Code != status {
			t.Errorf("%s /x = %d, want %d", method, rec.Code, status)
		}
	}
	if _, err := e.Disable(context.Background(), "/x", "all off"); err != nil {
		t.Fatal(err)
	}
	for method, status := range map[string]int{"GET": 503, "POST": 503, "PROPFIND": 503} {
		if rec := do(app, method, "/x"); rec.Code != status {
			t.Errorf("after disabling /x: %s /x = %d, want %d", method, rec.Code, status)
		}
	}
}
