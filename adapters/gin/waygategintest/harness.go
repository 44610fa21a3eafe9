// Package waygategintest builds the core conformance table's apps on gin,
// for the adapter's own conformance test and for tests that run the table
// against other backends (a Waygate Server through the SDK).
package waygategintest

import (
	"net/http"
	"testing"

	"github.com/gin-gonic/gin"

	waygategin "github.com/waygate-go/waygate/adapters/gin"
	"github.com/waygate-go/waygate/core/conformance"
	"github.com/waygate-go/waygate/core/engine"
)

// Harness is the conformance.Harness of gin: a gin.Engine with the table's
// routes, groups and mount added through a waygategin.Router and enforced
// by waygategin.Middleware, behind an auth layer that maps the table's
// identity headers to the attributes Waygate reads.
type Harness struct {
	// Configure, when set, configures the gin engine before any route is
	// added (UseRawPath, RemoveExtraSlash, ...: the conformance tests run
	// the path tricks under each).
	Configure func(*gin.Engine)
}

// Build implements conformance.Harness.
func (h Harness) Build(t testing.TB, e *engine.Engine, app conformance.App) http.Handler {
	var opts []waygategin.Option
	if app.Respond != nil {
		opts = append(opts, waygategin.WithResponder(responder(app.Respond)))
	}
	if app.JSONNotFound {
		opts = append(opts, waygategin.WithJSONNotFound())
	}
	g := gin.New()
	if h.Configure != nil {
		h.Configure(g)
	}
	g.Use(identify, waygategin.Middleware(e, opts...))
	r := waygategin.Wrap(e, g)
	add := func(rt *waygategin.Router, cr conformance.Route) {
		hs := []gin.HandlerFunc{waygategin.Declare(cr.Options...)}
		if cr.Respond != nil {
			hs = append(hs, waygategin.Respond(responder(cr.Respond)))
		}
		body := conformance.BodyOf(cr)
		hs = append(hs, func(c *gin.Context) { c.String(http.StatusOK, body) })
		if cr.Method == "" {
			rt.Any(ginPath(cr.Path), hs...)
		} else {
			rt.Handle(cr.Method, ginPath(cr.Path), hs...)
		}
	}
	conformance.Walk(app, r, func(g conformance.Group) *waygategin.Router {
		return r.Group(g.Prefix, waygategin.Declare(g.Options...))
	}, add)
	if app.Mounted != nil {
		r.Mount(app.MountPrefix, app.Mounted)
	}
	if app.NotFound != nil {
		g.NoRoute(func(c *gin.Context) { c.String(app.NotFound()) })
	}
	if err := r.Register(t.Context()); err != nil {
		t.Fatalf("Register: %v", err)
	}
	return g
}

// identify is the app's auth layer: it maps the identity headers to the
// attributes Waygate reads.
func identify(c *gin.Context) {
	id := conformance.IdentityOf(c.GetHeader)
	if id.User != "" {
		waygategin.SetUser(c, id.User)
	}
	if id.Roles != nil {
		waygategin.SetRoles(c, id.Roles...)
	}
	if id.Plan != "" {
		waygategin.SetAttr(c, "plan", id.Plan)
	}
}

// ginPath turns "{id}" into ":id" and "{path...}" into "*path".
func ginPath(p string) string {
	return conformance.ColonPath(p, func(name string) string { return "*" + name })
}

func responder(f conformance.Responder) waygategin.ResponseFunc {
	return func(c *gin.Context, d engine.Decision) {
		status, body := f(d)
		c.Status(status)
		_, _ = c.Writer.WriteString(body)
	}
}
