package waygateecho

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/labstack/echo/v4"
	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/route"
)

// ErrUnguardedRoute is returned (wrapped) by Register when echo's route
// table holds routes the Router never saw: added before Wrap, or after the
// application replaced Echo.OnAddRouteHandler. Waygate does not list them,
// so their declarations are not enforced.
var ErrUnguardedRoute = errors.New("route added outside the Waygate hook")

// Router registers the routes of an Echo instance with a Waygate engine,
// with the state their declarations carry. Make it with Wrap before adding
// routes.
type Router struct {
	app *echo.Echo
	eng *engine.Engine

	mu         sync.Mutex
	routes     map[routeID]engine.Registration
	order      []routeID // first-added order, for stable registration
	registered bool      // Register has run
}

// routeID is a route as echo knows it.
type routeID struct{ host, method, path string }

// origin tells apart the routes one Echo.Any call adds from routes added
// for the same path one by one: the host, and the declarations' identity.
type origin struct{ host, declarations string }

// Wrap returns the Router of app: it sets Echo.OnAddRouteHandler (calling
// a hook set before it first), so every route added to app afterwards, on
// app, a group or a host, is recorded with the state its declarations
// carry. Call Register once the routes are added; routes added after it
// are registered as they are added. Enforcement is the Middleware's.
//
// Adding a route whose declaration is invalid (an unparsable sunset date, a
// window that ends before it starts) panics, like any route definition
// error found at startup.
func Wrap(e *engine.Engine, app *echo.Echo) *Router {
	r := &Router{app: app, eng: e, routes: map[routeID]engine.Registration{}}
	prev := app.OnAddRouteHandler
	app.OnAddRouteHandler = func(host string, rt echo.Route, h echo.HandlerFunc, mws []echo.MiddlewareFunc) {
		if prev != nil {
			prev(host, rt, h, mws)
		}
		r.hook(host, rt, mws)
	}
	return r
}

// hook records a route echo has just added, with the declarations among
// its middleware (the group's first, then the route's own), and registers
// it when Register has run. It calls neither the handler nor the
// application's middleware.
func (r *Router) hook(host string, rt echo.Route, mws []echo.MiddlewareFunc) {
	if rt.Method == echo.RouteNotFound {
		return // a 404 handler (also added by Group.Use), not a route
	}
	reg := engine.Registration{Method: rt.Method, Template: rt.Path}
	var ids strings.Builder
	for _, mw := range mws {
		if opts, ok := markers.Options(mw); ok {
			reg.Declaration.Apply(opts...)
			fmt.Fprintf(&ids, "%p ", opts)
		}
	}
	reg.Origin = origin{host: host, declarations: ids.String()}
	_, err := route.NormalizeTemplate(rt.Path)
	if err = errors.Join(reg.Declaration.Err(), err); err != nil {
		panic(fmt.Sprintf("waygateecho: %s %s: %v", rt.Method, rt.Path, err))
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	id := routeID{host: host, method: rt.Method, path: rt.Path}
	if _, seen := r.routes[id]; !seen {
		r.order = append(r.order, id)
	}
	r.routes[id] = reg
	if r.registered {
		if err := r.register(context.Background(), reg); err != nil {
			panic(err.Error())
		}
	}
}

// Register registers every route recorded since Wrap with the engine, with
// the state its declarations carry, and checks echo's route tables for
// routes the Router never saw ([ErrUnguardedRoute]). Call it once the
// routes are added, before serving. Routes added after it are registered
// by the hook as they are added, so a late route is never unenforced; but
// an Echo.Any added late is registered one method at a time.
//
// A path added with Echo.Any (or with every method Any uses) and the same
// declarations on every method is one all-methods route, with the bare key
// "/path". Otherwise each method is its own route ("GET:/path").
func (r *Router) Register(ctx context.Context) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	regs := make([]engine.Registration, 0, len(r.order))
	for _, id := range r.order {
		regs = append(regs, r.routes[id])
	}
	err := r.register(ctx, regs...)
	r.registered = true
	return errors.Join(err, r.unguardedLocked())
}

// register registers regs with the engine, merging all-methods routes and
// leaving out the WebDAV and custom methods (PROPFIND, REPORT, ...) of
// routes that are not all-methods ones, as this adapter always has.
func (r *Router) register(ctx context.Context, regs ...engine.Registration) error {
	regs = slices.DeleteFunc(engine.MergeAllMethods(regs, anyMethods()), func(reg engine.Registration) bool {
		return reg.Method != "" && !slices.Contains(route.Methods, reg.Method)
	})
	if err := r.eng.Register(ctx, regs...); err != nil {
		return fmt.Errorf("waygateecho: %w", err)
	}
	return nil
}

// anyMethods lists the methods Echo.Any registers, asked of echo itself so
// the list follows the framework.
var anyMethods = sync.OnceValue(func() []string {
	var ms []string
	for _, r := range echo.New().Any("/", func(echo.Context) error { return nil }) {
		ms = append(ms, r.Method)
	}
	return ms
})

// unguardedLocked reports routes in echo's route tables the hook never saw.
func (r *Router) unguardedLocked() error {
	var missing []string
	check := func(host string, rs []*echo.Route) {
		for _, rt := range rs {
			if rt.Method == echo.RouteNotFound {
				continue
			}
			if _, ok := r.routes[routeID{host: host, method: rt.Method, path: rt.Path}]; !ok {
				missing = append(missing, strings.TrimSpace(host+" "+rt.Method+" "+rt.Path))
			}
		}
	}
	check("", r.app.Routes())
	for host, router := range r.app.Routers() {
		check(host, router.Routes())
	}
	if len(missing) == 0 {
		return nil
	}
	slices.Sort(missing)
	return fmt.Errorf("waygateecho: %w: %s; create the Router with waygateecho.Wrap before adding routes and keep its Echo.OnAddRouteHandler",
		ErrUnguardedRoute, strings.Join(missing, ", "))
}
