package waygateechov5

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/labstack/echo/v5"
	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/route"
)

// ErrUnguardedRoute is returned (wrapped) by Register when echo's route
// registry holds routes the Router never saw: added before Wrap, or after
// the application replaced Echo.OnAddRoute. Waygate does not list them, so
// their declarations are not enforced.
var ErrUnguardedRoute = errors.New("route added outside the Waygate hook")

// Router registers the routes of an Echo instance with a Waygate engine,
// with the state their declarations carry. Make it with Wrap before adding
// routes.
type Router struct {
	app *echo.Echo
	eng *engine.Engine

	mu         sync.Mutex
	routes     map[routeID]engine.Registration
	registered bool // Register has run
}

// routeID is a route as echo's registry knows it: the method (RouteAny for
// Echo.Any) and the path with its leading slash.
type routeID struct{ method, path string }

// Wrap returns the Router of app: it sets Echo.OnAddRoute (calling a hook
// set before it first), so every route added to app afterwards, on app or
// a group, is recorded with the state its declarations carry. Call
// Register once the routes are added; routes added after it are registered
// as they are added. Enforcement is the Middleware's.
//
// Adding a route whose declaration is invalid (an unparsable sunset date, a
// window that ends before it starts) fails like any route definition error
// found at startup: Echo.AddRoute returns the error, Echo.GET and the other
// shorthands panic with it.
func Wrap(e *engine.Engine, app *echo.Echo) *Router {
	r := &Router{app: app, eng: e, routes: map[routeID]engine.Registration{}}
	prev := app.OnAddRoute
	app.OnAddRoute = func(rt echo.Route) error {
		if prev != nil {
			if err := prev(rt); err != nil {
				return err
			}
		}
		return r.hook(rt)
	}
	return r
}

// hook records a route echo is about to add, with the declarations among
// its middleware (the group's first, then the route's own), and registers
// it when Register has run. It calls neither the handler nor the
// application's middleware.
func (r *Router) hook(rt echo.Route) error {
	if rt.Method == echo.RouteNotFound {
		return nil // a 404 handler (also added by Group.Use), not a route
	}
	id := routeID{method: rt.Method, path: routePath(rt.Path)}
	reg := engine.Registration{Method: rt.Method, Template: id.path}
	if rt.Method == echo.RouteAny {
		reg.Method = "" // one route for every method: the bare key "/path"
	}
	for _, mw := range rt.Middlewares {
		if opts, ok := markers.Options(mw); ok {
			reg.Declaration.Apply(opts...)
		}
	}
	_, err := route.NormalizeTemplate(id.path)
	if err = errors.Join(reg.Declaration.Err(), err); err != nil {
		return fmt.Errorf("waygateechov5: %s %s: %w", methodName(rt.Method), id.path, err)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.routes[id] = reg
	if r.registered {
		return r.register(context.Background(), reg)
	}
	return nil
}

// Register registers every route of echo's route registry
// (Echo.Router().Routes()) with the engine, with the state its
// declarations carry, and reports the routes there the Router never saw
// ([ErrUnguardedRoute]). Call it once the routes are added, before
// serving. Routes added after it are registered by the hook as they are
// added, so a late route is never unenforced.
//
// A path added with Echo.Any is one all-methods route, with the bare key
// "/path"; every other route is its method's ("GET:/path").
func (r *Router) Register(ctx context.Context) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	var regs []engine.Registration
	var missing []string
	for _, ri := range r.app.Router().Routes() {
		if ri.Method == echo.RouteNotFound {
			continue
		}
		reg, ok := r.routes[routeID{method: ri.Method, path: routePath(ri.Path)}]
		if !ok {
			missing = append(missing, methodName(ri.Method)+" "+routePath(ri.Path))
			continue
		}
		regs = append(regs, reg)
	}
	err := r.register(ctx, regs...)
	r.registered = true
	return errors.Join(err, unguarded(missing))
}

// register registers regs with the engine, leaving out the routes of
// WebDAV and custom methods (PROPFIND, REPORT, ...), which a route key
// cannot name; an Any route covers them.
func (r *Router) register(ctx context.Context, regs ...engine.Registration) error {
	regs = slices.DeleteFunc(regs, func(reg engine.Registration) bool {
		return reg.Method != "" && !slices.Contains(route.Methods, reg.Method)
	})
	if err := r.eng.Register(ctx, regs...); err != nil {
		return fmt.Errorf("waygateechov5: %w", err)
	}
	return nil
}

// unguarded reports the routes of echo's registry the hook never saw.
func unguarded(missing []string) error {
	if len(missing) == 0 {
		return nil
	}
	slices.Sort(missing)
	return fmt.Errorf("waygateechov5: %w: %s; create the Router with waygateechov5.Wrap before adding routes and keep its Echo.OnAddRoute",
		ErrUnguardedRoute, strings.Join(missing, ", "))
}

// routePath is the path echo's default router matches a route by, which
// c.Path() reports: with a leading slash.
func routePath(p string) string {
	if !strings.HasPrefix(p, "/") {
		return "/" + p
	}
	return p
}

// methodName names a route's method in messages: ANY for Echo.Any.
func methodName(m string) string {
	if m == echo.RouteAny {
		return "ANY"
	}
	return m
}
