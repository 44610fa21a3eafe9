// Package waygatechitest builds the core conformance table's apps on chi,
// for the adapter's own conformance test and for tests that run the table
// against other backends (a Waygate Server through the SDK).
package waygatechitest

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"

	waygatechi "github.com/waygate-go/waygate/adapters/chi"
	"github.com/waygate-go/waygate/core/conformance"
	"github.com/waygate-go/waygate/core/engine"
)

// Harness is the conformance.Harness of chi: a chi router with the
// table's routes (declared with waygatechi middleware through With), its
// groups (sub-routers made with Route, declared with Use) and its mount,
// registered with waygatechi.Register and enforced by
// waygatechi.Middleware, behind an auth layer that maps the table's
// identity headers to the attributes Waygate reads.
type Harness struct{}

// Build implements conformance.Harness.
func (Harness) Build(t testing.TB, e *engine.Engine, app conformance.App) http.Handler {
	var opts []waygatechi.Option
	if app.Respond != nil {
		opts = append(opts, waygatechi.WithResponder(responder(app.Respond)))
	}
	if app.JSONNotFound {
		opts = append(opts, waygatechi.WithJSONNotFound())
	}
	r := chi.NewRouter()
	r.Use(identify, waygatechi.Middleware(e, opts...))
	if app.NotFound != nil {
		r.NotFound(func(w http.ResponseWriter, _ *http.Request) {
			status, body := app.NotFound()
			w.WriteHeader(status)
			_, _ = w.Write([]byte(body))
		})
	}
	if app.Mounted != nil {
		waygatechi.Mount(r, e, app.MountPrefix, app.Mounted)
	}
	conformance.Walk(app, chi.Router(r),
		func(g conformance.Group) chi.Router {
			return r.Route(strings.TrimSuffix(g.Prefix, "/"), func(sub chi.Router) {
				sub.Use(waygatechi.Declare(g.Options...))
			})
		},
		func(to chi.Router, rt conformance.Route) {
			decl := []func(http.Handler) http.Handler{waygatechi.Declare(rt.Options...)}
			if rt.Respond != nil {
				decl = append(decl, waygatechi.Respond(responder(rt.Respond)))
			}
			body := []byte(conformance.BodyOf(rt))
			h := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write(body) })
			path := conformance.ColonPath(rt.Path, func(string) string { return "*" })
			path = colonToBraces(path)
			if rt.Method == "" {
				to.With(decl...).Handle(path, h)
			} else {
				to.With(decl...).Method(rt.Method, path, h)
			}
		})
	if err := waygatechi.Register(context.Background(), e, r); err != nil {
		t.Fatalf("Register: %v", err)
	}
	return r
}

// colonToBraces turns ":id" segments back into chi's "{id}" (ColonPath
// converts catch-alls, chi's "*", and parameters together).
func colonToBraces(p string) string {
	segs := strings.Split(p, "/")
	for i, s := range segs {
		if name, ok := strings.CutPrefix(s, ":"); ok {
			segs[i] = "{" + name + "}"
		}
	}
	return strings.Join(segs, "/")
}

// identify is the app's auth layer.
func identify(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := conformance.IdentityOf(r.Header.Get)
		if id.User != "" {
			r = waygatechi.SetUser(r, id.User)
		}
		if id.Roles != nil {
			r = waygatechi.SetRoles(r, id.Roles...)
		}
		if id.Plan != "" {
			r = waygatechi.SetAttr(r, "plan", id.Plan)
		}
		next.ServeHTTP(w, r)
	})
}

func responder(f conformance.Responder) waygatechi.ResponseFunc {
	return func(w http.ResponseWriter, _ *http.Request, d engine.Decision) {
		status, body := f(d)
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}
}
