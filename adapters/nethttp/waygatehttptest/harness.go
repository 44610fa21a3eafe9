// Package waygatehttptest builds the core conformance table's apps on
// net/http, for the adapter's own conformance tests and for tests that run
// the table against other backends (a Waygate Server through the SDK).
package waygatehttptest

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	waygatehttp "github.com/waygate-go/waygate/adapters/nethttp"
	"github.com/waygate-go/waygate/core/conformance"
	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/route"
)

// Harness is the conformance.Harness of net/http: a waygatehttp.ServeMux
// with the table's routes, groups and mount, behind an auth layer that
// maps the table's identity headers to the attributes Waygate reads.
type Harness struct {
	// Host, when set, is the host of every route's pattern
	// ("GET example.com/orders"): requests to other hosts match only the
	// mount. httptest requests are for example.com.
	Host string
}

// Build implements conformance.Harness.
func (h Harness) Build(t testing.TB, e *engine.Engine, app conformance.App) http.Handler {
	defer refused(t)
	mux := waygatehttp.NewServeMux(e, options(app)...)
	routes(app, func(prefix string, group []route.Option, r conformance.Route, opts []route.Option) {
		grp := mux.Group(prefix, group...)
		grp.Handle(strings.TrimSpace(r.Method+" "+h.Host+r.Path), ok(r), opts...)
	})
	if app.Mounted != nil {
		mux.Mount(app.MountPrefix, app.Mounted)
	}
	if app.NotFound != nil {
		mux.Handle("/", notFound(app))
	}
	return identify(mux)
}

// MiddlewareHarness is the conformance.Harness of waygatehttp.Middleware:
// a plain http.ServeMux with the table's routes and mount, wrapped whole by
// the middleware, behind the same auth layer as Harness. A plain mux
// carries no declarations, so the app registers each route with its
// declared state (its group's options, then its own) with the engine
// itself, through engine.Register, before the first request; the
// middleware then finds every route by the pattern the mux matched. The
// mount is the mux's own: e.Unguard and http.StripPrefix.
type MiddlewareHarness struct {
	// Host, when set, is the host of every route's pattern, as in Harness.
	Host string
}

// Build implements conformance.Harness.
func (h MiddlewareHarness) Build(t testing.TB, e *engine.Engine, app conformance.App) http.Handler {
	defer refused(t)
	mux := http.NewServeMux()
	routes(app, func(prefix string, group []route.Option, r conformance.Route, opts []route.Option) {
		var d route.Declaration
		d.Apply(group...)
		d.Apply(opts...)
		reg := engine.Registration{Method: r.Method, Template: prefix + r.Path, Declaration: d}
		if err := e.Register(context.Background(), reg); err != nil {
			t.Fatalf("Register %s %s: %v", r.Method, reg.Template, err)
		}
		mux.Handle(strings.TrimSpace(r.Method+" "+h.Host+reg.Template), ok(r))
	})
	if app.Mounted != nil {
		prefix := "/" + strings.Trim(app.MountPrefix, "/")
		e.Unguard(prefix)
		mux.Handle(prefix+"/", http.StripPrefix(prefix, app.Mounted))
	}
	if app.NotFound != nil {
		mux.Handle("/", notFound(app))
	}
	return identify(waygatehttp.Middleware(e, options(app)...)(mux))
}

// refused skips a case whose app a ServeMux refuses to build: param-first
// routes beside a mount conflict ("GET /{tenant}/payments" and "/waygate/"
// both match GET /waygate/payments, and neither is more specific), which
// http.ServeMux reports by panicking. Such an app needs host patterns,
// and the Host variant of the harness runs it.
func refused(t testing.TB) {
	if v := recover(); v != nil {
		if msg := fmt.Sprint(v); strings.Contains(msg, "conflicts with pattern") {
			t.Skipf("http.ServeMux refuses this app without host patterns: %s", msg)
		}
		panic(v)
	}
}

// routes calls add for every route of app, with its group's prefix and
// options ("" and none outside a group) and its own options, the route's
// custom response among them.
func routes(app conformance.App, add func(prefix string, group []route.Option, r conformance.Route, opts []route.Option)) {
	own := func(r conformance.Route) []route.Option {
		opts := r.Options
		if r.Respond != nil {
			opts = append(opts[:len(opts):len(opts)], waygatehttp.Respond(responder(r.Respond)))
		}
		return opts
	}
	conformance.Walk(app, conformance.Group{}, func(g conformance.Group) conformance.Group { return g },
		func(g conformance.Group, r conformance.Route) {
			add(strings.TrimSuffix(g.Prefix, "/"), g.Options, r, own(r))
		})
}

// options are the app-wide options the table's app asks for.
func options(app conformance.App) []waygatehttp.Option {
	var opts []waygatehttp.Option
	if app.Respond != nil {
		opts = append(opts, waygatehttp.WithResponder(responder(app.Respond)))
	}
	if app.JSONNotFound {
		opts = append(opts, waygatehttp.WithJSONNotFound())
	}
	if app.NotFound != nil {
		opts = append(opts, waygatehttp.WithNotFound(notFound(app)))
	}
	return opts
}

// notFound is the app's answer to unknown paths: net/http's way is a
// catch-all "/" pattern, given to WithNotFound too.
func notFound(app conformance.App) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		status, body := app.NotFound()
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	})
}

// ok is the handler of r: it answers the route's body.
func ok(r conformance.Route) http.Handler {
	body := []byte(conformance.BodyOf(r))
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write(body) })
}

// identify is the app's auth layer.
func identify(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := conformance.IdentityOf(r.Header.Get)
		if id.User != "" {
			r = waygatehttp.SetUser(r, id.User)
		}
		if id.Roles != nil {
			r = waygatehttp.SetRoles(r, id.Roles...)
		}
		if id.Plan != "" {
			r = waygatehttp.SetAttr(r, "plan", id.Plan)
		}
		next.ServeHTTP(w, r)
	})
}

func responder(f conformance.Responder) waygatehttp.ResponseFunc {
	return func(w http.ResponseWriter, _ *http.Request, d engine.Decision) {
		status, body := f(d)
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}
}
