// Package waygatehttptest builds the core conformance table's apps on
// net/http, for the adapter's own conformance test and for tests that run
// the table against other backends (a Waygate Server through the SDK).
package waygatehttptest

import (
	"net/http"
	"strings"
	"testing"

	waygatehttp "github.com/waygate-go/waygate/adapters/nethttp"
	"github.com/waygate-go/waygate/core/conformance"
	"github.com/waygate-go/waygate/core/engine"
)

// Harness is the conformance.Harness of net/http: a waygatehttp.ServeMux
// with the table's routes, groups and mount, behind an auth layer that
// maps the table's identity headers to the attributes Waygate reads.
type Harness struct{}

// Build implements conformance.Harness.
func (Harness) Build(_ testing.TB, e *engine.Engine, app conformance.App) http.Handler {
	var opts []waygatehttp.Option
	if app.Respond != nil {
		opts = append(opts, waygatehttp.WithResponder(responder(app.Respond)))
	}
	mux := waygatehttp.NewServeMux(e, opts...)
	ok := func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte(conformance.OKBody)) }
	add := func(handle func(string, func(http.ResponseWriter, *http.Request), ...waygatehttp.RouteOption), r conformance.Route) {
		opts := r.Options
		if r.Respond != nil {
			opts = append(opts, waygatehttp.Respond(responder(r.Respond)))
		}
		handle(strings.TrimSpace(r.Method+" "+r.Path), ok, opts...)
	}
	for _, r := range app.Routes {
		add(mux.HandleFunc, r)
	}
	for _, g := range app.Groups {
		grp := mux.Group(g.Prefix, g.Options...)
		for _, r := range g.Routes {
			add(grp.HandleFunc, r)
		}
	}
	if app.Mounted != nil {
		mux.Mount(app.MountPrefix, app.Mounted)
	}
	return identify(mux)
}

// identify is the app's auth layer.
func identify(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if u := r.Header.Get(conformance.HeaderUser); u != "" {
			r = waygatehttp.SetUser(r, u)
		}
		if roles := r.Header.Get(conformance.HeaderRoles); roles != "" {
			r = waygatehttp.SetRoles(r, strings.Split(roles, ",")...)
		}
		if plan := r.Header.Get(conformance.HeaderPlan); plan != "" {
			r = waygatehttp.SetAttr(r, "plan", plan)
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
