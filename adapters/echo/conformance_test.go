package waygateecho_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
	waygateecho "github.com/waygate-go/waygate/adapters/echo"
	"github.com/waygate-go/waygate/core/conformance"
	"github.com/waygate-go/waygate/core/engine"
)

type harness struct{}

// router is what *echo.Echo and *echo.Group have in common.
type router interface {
	Add(method, path string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) *echo.Route
	Any(path string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) []*echo.Route
}

func (harness) Build(t testing.TB, e *engine.Engine, app conformance.App) http.Handler {
	var opts []waygateecho.Option
	if app.Respond != nil {
		opts = append(opts, waygateecho.WithResponder(responder(app.Respond)))
	}
	a := echo.New()
	a.Use(identify)
	gate := waygateecho.New(a, e, opts...)
	ok := func(c echo.Context) error { return c.String(http.StatusOK, conformance.OKBody) }
	add := func(r router, cr conformance.Route) {
		mws := []echo.MiddlewareFunc{waygateecho.Declare(cr.Options...)}
		if cr.Respond != nil {
			mws = append(mws, waygateecho.Respond(responder(cr.Respond)))
		}
		if cr.Method == "" {
			r.Any(echoPath(cr.Path), ok, mws...)
			return
		}
		r.Add(cr.Method, echoPath(cr.Path), ok, mws...)
	}
	for _, r := range app.Routes {
		add(a, r)
	}
	for _, g := range app.Groups {
		grp := a.Group(g.Prefix, waygateecho.Declare(g.Options...))
		for _, r := range g.Routes {
			add(grp, r)
		}
	}
	if app.Mounted != nil {
		gate.Mount(app.MountPrefix, app.Mounted)
	}
	if err := gate.Register(context.Background()); err != nil {
		t.Fatalf("Register: %v", err)
	}
	return a
}

// identify is the app's auth layer: it maps the identity headers to the
// attributes Waygate reads.
func identify(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Request().Header
		if u := h.Get(conformance.HeaderUser); u != "" {
			waygateecho.SetUser(c, u)
		}
		if roles := h.Get(conformance.HeaderRoles); roles != "" {
			waygateecho.SetRoles(c, strings.Split(roles, ",")...)
		}
		if plan := h.Get(conformance.HeaderPlan); plan != "" {
			waygateecho.SetAttr(c, "plan", plan)
		}
		return next(c)
	}
}

// echoPath converts a {param} template to echo's syntax: {id} → :id,
// {path...} → *.
func echoPath(p string) string {
	segs := strings.Split(p, "/")
	for i, s := range segs {
		if strings.HasPrefix(s, "{") && strings.HasSuffix(s, "}") {
			if name := s[1 : len(s)-1]; strings.HasSuffix(name, "...") {
				segs[i] = "*"
			} else {
				segs[i] = ":" + name
			}
		}
	}
	return strings.Join(segs, "/")
}

func responder(f conformance.Responder) waygateecho.ResponseFunc {
	return func(c echo.Context, d engine.Decision) error {
		status, body := f(d)
		return c.String(status, body)
	}
}

func TestConformance(t *testing.T) { conformance.Run(t, harness{}) }
