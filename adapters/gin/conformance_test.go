package waygategin_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	waygategin "github.com/waygate-go/waygate/adapters/gin"
	"github.com/waygate-go/waygate/core/conformance"
	"github.com/waygate-go/waygate/core/engine"
)

type harness struct{}

func (harness) Build(t testing.TB, e *engine.Engine, app conformance.App) http.Handler {
	var opts []waygategin.Option
	if app.Respond != nil {
		opts = append(opts, waygategin.WithResponder(responder(app.Respond)))
	}
	g := gin.New()
	g.Use(identify, waygategin.Middleware(e, opts...))
	r := waygategin.Wrap(e, g)
	add := func(rt *waygategin.Router, cr conformance.Route) {
		hs := []gin.HandlerFunc{waygategin.Declare(cr.Options...)}
		if cr.Respond != nil {
			hs = append(hs, waygategin.Respond(responder(cr.Respond)))
		}
		hs = append(hs, func(c *gin.Context) { c.String(http.StatusOK, conformance.OKBody) })
		if cr.Method == "" {
			rt.Any(ginPath(cr.Path), hs...)
		} else {
			rt.Handle(cr.Method, ginPath(cr.Path), hs...)
		}
	}
	for _, cr := range app.Routes {
		add(r, cr)
	}
	for _, cg := range app.Groups {
		grp := r.Group(cg.Prefix, waygategin.Declare(cg.Options...))
		for _, cr := range cg.Routes {
			add(grp, cr)
		}
	}
	if app.Mounted != nil {
		r.Mount(app.MountPrefix, app.Mounted)
	}
	if err := r.Register(t.Context()); err != nil {
		t.Fatalf("Register: %v", err)
	}
	return g
}

// identify is the app's auth layer: it maps the identity headers to the
// attributes Waygate reads.
func identify(c *gin.Context) {
	if u := c.GetHeader(conformance.HeaderUser); u != "" {
		waygategin.SetUser(c, u)
	}
	if roles := c.GetHeader(conformance.HeaderRoles); roles != "" {
		waygategin.SetRoles(c, strings.Split(roles, ",")...)
	}
	if plan := c.GetHeader(conformance.HeaderPlan); plan != "" {
		waygategin.SetAttr(c, "plan", plan)
	}
}

// ginPath turns "{id}" into ":id" and "{path...}" into "*path".
func ginPath(p string) string {
	segs := strings.Split(p, "/")
	for i, s := range segs {
		if name, ok := strings.CutPrefix(s, "{"); ok {
			name = strings.TrimSuffix(name, "}")
			if rest, ok := strings.CutSuffix(name, "..."); ok {
				segs[i] = "*" + rest
			} else {
				segs[i] = ":" + name
			}
		}
	}
	return strings.Join(segs, "/")
}

func responder(f conformance.Responder) waygategin.ResponseFunc {
	return func(c *gin.Context, d engine.Decision) {
		status, body := f(d)
		c.Status(status)
		c.Writer.WriteString(body)
	}
}

func TestConformance(t *testing.T) { conformance.Run(t, harness{}) }
