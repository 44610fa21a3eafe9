// Package waygateechov5test builds the core conformance table's apps on
// echo v5, for the adapter's own conformance test and for tests that run
// the table against other backends (a Waygate Server through the SDK).
package waygateechov5test

import (
	"net/http"
	"testing"

	"github.com/labstack/echo/v5"
	waygateechov5 "github.com/waygate-go/waygate/adapters/echov5"
	"github.com/waygate-go/waygate/core/conformance"
	"github.com/waygate-go/waygate/core/engine"
)

// Harness is the conformance.Harness of echo v5: an *echo.Echo with the
// table's routes, groups and mount, discovered by a waygateechov5.Router
// and enforced by waygateechov5.Middleware, behind an auth layer that maps
// the table's identity headers to the attributes Waygate reads.
type Harness struct {
	// Configure, when set, configures the echo instance before any route
	// is added (the conformance tests run the path tricks under echo's
	// own path middleware this way).
	Configure func(*echo.Echo)
}

// router is what *echo.Echo and *echo.Group have in common.
type router interface {
	Add(method, path string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) echo.RouteInfo
	Any(path string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) echo.RouteInfo
}

// Build implements conformance.Harness.
func (h Harness) Build(t testing.TB, e *engine.Engine, app conformance.App) http.Handler {
	var opts []waygateechov5.Option
	if app.Respond != nil {
		opts = append(opts, waygateechov5.WithResponder(responder(app.Respond)))
	}
	if app.JSONNotFound {
		opts = append(opts, waygateechov5.WithJSONNotFound())
	}
	a := echo.New()
	if h.Configure != nil {
		h.Configure(a)
	}
	a.Use(identify, waygateechov5.Middleware(e, opts...))
	r := waygateechov5.Wrap(e, a)
	add := func(to router, cr conformance.Route) {
		body := conformance.BodyOf(cr)
		ok := func(c *echo.Context) error { return c.String(http.StatusOK, body) }
		mws := []echo.MiddlewareFunc{waygateechov5.Declare(cr.Options...)}
		if cr.Respond != nil {
			mws = append(mws, waygateechov5.Respond(responder(cr.Respond)))
		}
		if cr.Method == "" {
			to.Any(echoPath(cr.Path), ok, mws...)
			return
		}
		to.Add(cr.Method, echoPath(cr.Path), ok, mws...)
	}
	conformance.Walk(app, router(a), func(g conformance.Group) router {
		return a.Group(g.Prefix, waygateechov5.Declare(g.Options...))
	}, add)
	if app.Mounted != nil {
		r.Mount(app.MountPrefix, app.Mounted)
	}
	if app.NotFound != nil {
		// echo's way: the error handler answers the router's 404 error.
		next := a.HTTPErrorHandler
		a.HTTPErrorHandler = func(c *echo.Context, err error) {
			if echo.StatusCode(err) == http.StatusNotFound {
				_ = c.String(app.NotFound())
				return
			}
			next(c, err)
		}
	}
	if err := r.Register(t.Context()); err != nil {
		t.Fatalf("Register: %v", err)
	}
	return a
}

// identify is the app's auth layer: it maps the identity headers to the
// attributes Waygate reads.
func identify(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c *echo.Context) error {
		id := conformance.IdentityOf(c.Request().Header.Get)
		if id.User != "" {
			waygateechov5.SetUser(c, id.User)
		}
		if id.Roles != nil {
			waygateechov5.SetRoles(c, id.Roles...)
		}
		if id.Plan != "" {
			waygateechov5.SetAttr(c, "plan", id.Plan)
		}
		return next(c)
	}
}

// echoPath converts a {param} template to echo's syntax: {id} → :id,
// {path...} → *.
func echoPath(p string) string {
	return conformance.ColonPath(p, func(string) string { return "*" })
}

func responder(f conformance.Responder) waygateechov5.ResponseFunc {
	return func(c *echo.Context, d engine.Decision) error {
		status, body := f(d)
		return c.String(status, body)
	}
}
