package waygatehttp

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/route"
)

// ServeMux is an http.ServeMux whose routes are registered with a Waygate
// engine, with their declared state, as they are added, and checked by
// the engine on every request.
type ServeMux struct {
	mux  *http.ServeMux
	gate *gate
}

// NewServeMux returns a ServeMux enforced by e.
func NewServeMux(e *engine.Engine, opts ...Option) *ServeMux {
	return &ServeMux{mux: http.NewServeMux(), gate: newGate(e, opts)}
}

// Handle registers h for pattern ("[METHOD ][HOST]/path") with the declared
// state. It panics, like http.ServeMux, on an invalid pattern or
// declaration.
func (m *ServeMux) Handle(pattern string, h http.Handler, opts ...RouteOption) {
	m.handle("", nil, pattern, h, opts)
}

// HandleFunc registers f for pattern with the declared state.
func (m *ServeMux) HandleFunc(pattern string, f func(http.ResponseWriter, *http.Request), opts ...RouteOption) {
	m.handle("", nil, pattern, http.HandlerFunc(f), opts)
}

// Group returns a group of routes under prefix sharing opts. A route's own
// options override the group's.
func (m *ServeMux) Group(prefix string, opts ...RouteOption) *Group {
	return &Group{mux: m, prefix: strings.TrimSuffix(prefix, "/"), opts: opts}
}

// ServeHTTP dispatches the request to the matching route.
func (m *ServeMux) ServeHTTP(w http.ResponseWriter, r *http.Request) { m.mux.ServeHTTP(w, r) }

// Group is a set of routes under a common prefix and declaration.
type Group struct {
	mux    *ServeMux
	prefix string
	opts   []RouteOption
}

// Handle registers h for pattern under the group's prefix.
func (g *Group) Handle(pattern string, h http.Handler, opts ...RouteOption) {
	g.mux.handle(g.prefix, g.opts, pattern, h, opts)
}

// HandleFunc registers f for pattern under the group's prefix.
func (g *Group) HandleFunc(pattern string, f func(http.ResponseWriter, *http.Request), opts ...RouteOption) {
	g.mux.handle(g.prefix, g.opts, pattern, http.HandlerFunc(f), opts)
}

// Group returns a nested group.
func (g *Group) Group(prefix string, opts ...RouteOption) *Group {
	return &Group{mux: g.mux, prefix: g.prefix + strings.TrimSuffix(prefix, "/"), opts: append(append([]RouteOption(nil), g.opts...), opts...)}
}

// handle registers the route with the engine and adds h, behind the
// check, to the mux; the check reads the route from the pattern the mux
// matched.
func (m *ServeMux) handle(prefix string, groupOpts []RouteOption, pattern string, h http.Handler, opts []RouteOption) {
	method, host, path := splitPattern(pattern)
	path = prefix + path
	full := path
	if host != "" {
		full = host + path
	}
	if method != "" {
		full = method + " " + full
	}
	var d route.Declaration
	d.Apply(groupOpts...)
	d.Apply(opts...)
	if err := m.gate.eng.Register(context.Background(), engine.Registration{Method: method, Template: path, Declaration: d}); err != nil {
		panic(fmt.Sprintf("waygatehttp: %s: %v", pattern, err))
	}
	m.mux.Handle(full, m.gate.wrap(h))
}
