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

// Register registers every route added since New with the engine, with the
// state its wrappers declare, and checks echo's route table for routes the
// Gate never saw ([ErrUnguardedRoute]). Call it once the routes are added,
// before serving. Routes added later are registered by the next Register,
// or at the latest before the first request to any route is judged.
//
// A path added with Echo.Any (or Match with every method Any uses) and the
// same declarations on every method is one all-methods route, with the bare
// key "/path". Otherwise each method is its own route ("GET:/path").
func (g *Gate) Register(ctx context.Context) error {
	_, err := g.register(ctx, false)
	return err
}

// register registers the recorded routes; onlyIfDirty skips the work when
// nothing was added since the last time. It reports whether it ran.
func (g *Gate) register(ctx context.Context, onlyIfDirty bool) (bool, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if onlyIfDirty && !g.dirty.Load() {
		return false, nil
	}
	g.dirty.Store(false)
	err := g.eng.Register(ctx, g.registrationsLocked()...)
	g.registered.Store(true)
	return true, errors.Join(err, g.unguardedLocked())
}

// registrationsLocked turns the recorded routes into engine registrations,
// in the order they were first added, merging all-methods routes.
func (g *Gate) registrationsLocked() []engine.Registration {
	type place struct{ host, path string }
	byPlace := map[place][]*hookedRoute{}
	for _, id := range g.order {
		p := place{id.host, id.path}
		byPlace[p] = append(byPlace[p], g.routes[id])
	}
	regs := make([]engine.Registration, 0, len(g.order))
	done := map[place]bool{}
	for _, id := range g.order {
		p := place{id.host, id.path}
		if done[p] {
			continue
		}
		done[p] = true
		rs := byPlace[p]
		all := allMethodsRoute(rs)
		if all != nil {
			regs = append(regs, engine.Registration{Template: all.path, Declaration: all.decl})
		}
		for _, r := range rs {
			if all != nil && slices.Contains(anyMethods(), r.method) {
				continue
			}
			if !slices.Contains(route.Methods, r.method) {
				continue // PROPFIND, REPORT, custom methods: a route key cannot name them
			}
			regs = append(regs, engine.Registration{Method: r.method, Template: r.path, Declaration: r.decl})
		}
	}
	return regs
}

// allMethodsRoute returns one of rs when rs covers every method echo's Any
// registers, all with the same declarations; nil otherwise.
func allMethodsRoute(rs []*hookedRoute) *hookedRoute {
	var first *hookedRoute
	for _, m := range anyMethods() {
		i := slices.IndexFunc(rs, func(r *hookedRoute) bool { return r.method == m })
		if i < 0 {
			return nil
		}
		if first == nil {
			first = rs[i]
		} else if !slices.Equal(first.sources, rs[i].sources) {
			return nil
		}
	}
	return first
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
func (g *Gate) unguardedLocked() error {
	var missing []string
	check := func(host string, rs []*echo.Route) {
		for _, r := range rs {
			if r.Method == echo.RouteNotFound {
				continue
			}
			if _, ok := g.routes[routeID{host: host, method: r.Method, path: r.Path}]; !ok {
				missing = append(missing, strings.TrimSpace(host+" "+r.Method+" "+r.Path))
			}
		}
	}
	check("", g.app.Routes())
	for host, router := range g.app.Routers() {
		check(host, router.Routes())
	}
	if len(missing) == 0 {
		return nil
	}
	slices.Sort(missing)
	return fmt.Errorf("waygateecho: %w: %s; create the Gate with waygateecho.New before adding routes and keep its Echo.OnAddRouteHandler",
		ErrUnguardedRoute, strings.Join(missing, ", "))
}
