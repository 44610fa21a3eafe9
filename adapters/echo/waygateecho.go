package waygateecho

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"

	"github.com/labstack/echo/v4"
	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/route"
)

// ErrUnguardedRoute is returned (wrapped) by Register when echo's route
// table holds routes the Gate never saw: added before New, or after the
// application replaced Echo.OnAddRouteHandler. Waygate neither lists nor
// enforces them.
var ErrUnguardedRoute = errors.New("route added outside the Waygate hook")

// Option configures a Gate.
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

// Gate connects an Echo instance to a Waygate engine: it registers every
// route of the instance with the engine and judges every request to them.
// Create it with New before adding routes.
type Gate struct {
	app *echo.Echo
	eng *engine.Engine
	cfg config

	mu     sync.Mutex
	routes map[routeID]*hookedRoute
	order  []routeID // first-added order, for stable registration

	dirty      atomic.Bool // routes added since the last registration
	registered atomic.Bool // Register has run at least once
}

// routeID is a route as echo knows it.
type routeID struct{ host, method, path string }

// hookedRoute is a route seen by the hook, with its merged declaration.
type hookedRoute struct {
	routeID
	sources []*declaration // group wrappers first, then the route's own
	decl    route.Declaration
}

// New installs the Gate on app through Echo.OnAddRouteHandler (calling any
// hook already set first). Every route added to app afterwards, on app, a
// group or a host, is recorded with the state its wrappers declare and
// judged by e on every request. Call Register once the routes are added.
//
// Adding a route whose declaration is invalid (an unparsable sunset date, a
// window that ends before it starts) panics, like any route definition
// error found at startup.
func New(app *echo.Echo, e *engine.Engine, opts ...Option) *Gate {
	g := &Gate{app: app, eng: e, routes: map[routeID]*hookedRoute{}}
	for _, o := range opts {
		o.apply(&g.cfg)
	}
	prev := app.OnAddRouteHandler
	app.OnAddRouteHandler = func(host string, r echo.Route, h echo.HandlerFunc, mws []echo.MiddlewareFunc) {
		if prev != nil {
			prev(host, r, h, mws)
		}
		g.hook(host, r, h, mws)
	}
	return g
}

// hook records a route echo has just added and replaces its handler with
// the guarded one. It calls neither the handler nor the application's
// middleware.
func (g *Gate) hook(host string, r echo.Route, h echo.HandlerFunc, mws []echo.MiddlewareFunc) {
	if r.Method == echo.RouteNotFound {
		return // a 404 handler (also added by Group.Use), not a route
	}
	hr := &hookedRoute{routeID: routeID{host: host, method: r.Method, path: r.Path}}
	for _, mw := range mws {
		if d, ok := declarationOf(mw); ok {
			hr.sources = append(hr.sources, d)
			hr.decl.Apply(d.opts...)
		}
	}
	if err := hr.decl.Err(); err != nil {
		panic(fmt.Sprintf("waygateecho: %s %s: %v", r.Method, r.Path, err))
	}
	if _, err := route.NormalizeTemplate(r.Path); err != nil {
		panic(fmt.Sprintf("waygateecho: %s %s: %v", r.Method, r.Path, err))
	}
	router, ok := g.app.Routers()[host]
	if !ok {
		router = g.app.Router() // as Echo picks the router for a host
	}
	router.Add(r.Method, r.Path, g.guard(r.Path, h, mws))

	g.mu.Lock()
	if _, seen := g.routes[hr.routeID]; !seen {
		g.order = append(g.order, hr.routeID)
	}
	g.routes[hr.routeID] = hr
	g.dirty.Store(true)
	g.mu.Unlock()
}

// guard is the route's handler: echo's own (the route's middleware applied
// to its handler on every request) behind the engine's check. template is
// the route's raw echo path, as registered with the engine.
func (g *Gate) guard(template string, h echo.HandlerFunc, mws []echo.MiddlewareFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		if g.dirty.Load() {
			g.registerLate(r.Context())
		}
		req := engine.Request{Method: r.Method, Route: template, Path: r.URL.Path,
			RemoteAddr: r.RemoteAddr, Header: r.Header, Attrs: (*requestAttrs)(r)}
		d := g.eng.Check(r.Context(), &req)
		if d.Outcome != engine.Allow {
			return g.cfg.respond(c, &d)
		}
		if len(d.Header) > 0 {
			setHeaders(c.Response().Header(), d.Header)
		}
		next := h
		for i := len(mws) - 1; i >= 0; i-- {
			next = mws[i](next)
		}
		return next(c)
	}
}

// respond writes a blocked decision: a custom responder if one applies,
// else the engine's JSON body.
func (c *config) respond(ec echo.Context, d *engine.Decision) error {
	if f, ok := c.responders.For(d); ok {
		return f(ec, *d)
	}
	w := ec.Response()
	setHeaders(w.Header(), d.Header)
	w.WriteHeader(d.Status)
	_, err := w.Write(d.Body)
	return err
}

// setHeaders sets the decision's headers like http.Header.Set, with one
// allocation for all values instead of one per header.
func setHeaders(h http.Header, hs []engine.Header) {
	vals := make([]string, len(hs))
	for i, hd := range hs {
		vals[i] = hd.Value
		h[http.CanonicalHeaderKey(hd.Name)] = vals[i : i+1 : i+1]
	}
}

// registerLate registers routes added since the last Register before the
// request that found them is judged, so a forgotten Register never lets a
// declared state go unenforced.
func (g *Gate) registerLate(ctx context.Context) {
	first := !g.registered.Load()
	ran, err := g.register(context.WithoutCancel(ctx), true)
	if !ran {
		return
	}
	if first {
		slog.Warn("waygateecho: routes registered at the first request; call Gate.Register at startup so they are listed before it")
	}
	if err != nil {
		slog.Error("waygateecho: route registration", "err", err)
	}
}
