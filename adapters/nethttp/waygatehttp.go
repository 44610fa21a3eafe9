package waygatehttp

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/ratelimit"
	"github.com/waygate-go/waygate/core/route"
)

// ResponseFunc writes a custom response for a blocked request.
type ResponseFunc func(w http.ResponseWriter, r *http.Request, d engine.Decision)

// Option configures a ServeMux.
type Option interface{ apply(*config) }

type optionFunc func(*config)

func (f optionFunc) apply(c *config) { f(c) }

type config struct {
	responders engine.Responders[ResponseFunc]
}

// WithResponder answers blocked requests with f: for the given outcomes, or
// for every outcome when none are given. A route's own Respond wins.
// Optional. Default: the engine's JSON body.
func WithResponder(f ResponseFunc, outcomes ...engine.Outcome) Option {
	return optionFunc(func(c *config) { c.responders.Set(f, outcomes...) })
}

// RouteOption declares a route's state; pass it to Handle, HandleFunc or
// Group.
type RouteOption = route.Option

// Maintenance declares the route in maintenance (503 MAINTENANCE_MODE).
func Maintenance(reason string) RouteOption { return route.Maintenance(reason) }

// MaintenanceWindow declares a maintenance window from start to end.
var MaintenanceWindow = route.MaintenanceWindow

// RateLimit limits the route: "100/minute", "5 per 2 minutes", several
// joined by ";" or "unlimited", refined by ratelimit options.
func RateLimit(limit string, opts ...ratelimit.Option) RouteOption {
	return route.RateLimit(limit, opts...)
}

// Disabled declares the route disabled (503 ROUTE_DISABLED).
func Disabled(reason string) RouteOption { return route.Disabled(reason) }

// EnvOnly serves the route only in the named environments (404 elsewhere).
func EnvOnly(envs ...string) RouteOption { return route.EnvOnly(envs...) }

// Deprecated marks the route deprecated, with its sunset date and successor.
func Deprecated(sunset, successor string) RouteOption { return route.Deprecated(sunset, successor) }

// ForceActive exempts the route from every check and runtime change.
func ForceActive() RouteOption { return route.ForceActive() }

// Respond answers the route's blocked requests with f.
func Respond(f ResponseFunc) RouteOption { return route.Respond(f) }

// ServeMux is an http.ServeMux whose routes are registered with a Waygate
// engine and checked by it.
type ServeMux struct {
	mux *http.ServeMux
	eng *engine.Engine
	cfg *config
}

// NewServeMux returns a ServeMux enforced by e.
func NewServeMux(e *engine.Engine, opts ...Option) *ServeMux {
	cfg := &config{}
	for _, o := range opts {
		o.apply(cfg)
	}
	return &ServeMux{mux: http.NewServeMux(), eng: e, cfg: cfg}
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
	if err := m.eng.Register(context.Background(), engine.Registration{Method: method, Template: path, Declaration: d}); err != nil {
		panic(fmt.Sprintf("waygatehttp: %s: %v", pattern, err))
	}
	m.mux.Handle(full, m.guard(method, path, h))
}

// splitPattern splits a ServeMux pattern into method, host and path.
func splitPattern(p string) (method, host, path string) {
	p = strings.TrimSpace(p)
	if i := strings.IndexAny(p, " \t"); i >= 0 {
		method, p = p[:i], strings.TrimLeft(p[i:], " \t")
	}
	if i := strings.IndexByte(p, '/'); i > 0 {
		host, p = p[:i], p[i:]
	}
	return method, host, p
}

// guard wraps h with the engine check for one route.
func (m *ServeMux) guard(method, template string, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		req := engine.Request{Method: method, Route: template, Path: r.URL.Path,
			RemoteAddr: r.RemoteAddr, Header: r.Header, Attrs: (*requestAttrs)(r)}
		if method == "" {
			req.Method = r.Method
		}
		d := m.eng.Check(r.Context(), &req)
		if d.Outcome != engine.Allow {
			m.cfg.respond(w, r, &d)
			return
		}
		for _, hd := range d.Header {
			w.Header().Set(hd.Name, hd.Value)
		}
		h.ServeHTTP(w, r)
	})
}

// respond writes a blocked decision: a custom responder if one applies,
// else the engine's JSON body.
func (c *config) respond(w http.ResponseWriter, r *http.Request, d *engine.Decision) {
	if f, ok := c.responders.For(d); ok {
		f(w, r, *d)
		return
	}
	for _, hd := range d.Header {
		w.Header().Set(hd.Name, hd.Value)
	}
	w.WriteHeader(d.Status)
	_, _ = w.Write(d.Body)
}
