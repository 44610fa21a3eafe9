package waygatefiber

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/route"
)

// Register registers every route of app with the engine behind mw (made by
// New) and places mw at the head of each route's handlers. A route's
// declared state comes from the wrappers among its own handlers and among
// those of the app.Use and app.Group middleware in front of it (a group's
// first, then the route's own); handlers are inspected, never called. Call
// Register after every route, group and mounted app is declared and before
// the app serves: routes added later are neither registered nor checked.
// Called again with the same mw (still before serving), it registers only
// the routes added since.
//
// A route added with All is registered once, for every method (key
// "/template"); the HEAD route fiber adds beside each GET route is judged
// as that GET route. An invalid declaration (an unparsable sunset date, a
// window that ends before it starts) is returned as an error matching
// route.ErrInvalidDeclaration, and then nothing is registered or installed.
func Register(ctx context.Context, app *fiber.App, mw fiber.Handler) error {
	g, ok := own[*gate](mw, gatePC)
	if !ok {
		return ErrNotMiddleware
	}
	// fiber copies the routes of mounted apps into the app's stack when it
	// prepares to serve; do that now so they are discovered too.
	app.Handler()
	regs, targets, err := g.plan(app)
	if err != nil {
		return err
	}
	if err := g.eng.Register(ctx, regs...); err != nil {
		return fmt.Errorf("waygatefiber: %w", err)
	}
	for r, t := range targets {
		g.routes[r] = t
		if !g.in(r.Handlers) {
			r.Handlers = append([]fiber.Handler{mw}, r.Handlers...)
		}
	}
	return nil
}

// in reports whether hs already holds g (placed there by the app itself).
func (g *gate) in(hs []fiber.Handler) bool {
	return slices.ContainsFunc(hs, func(h fiber.Handler) bool {
		o, ok := own[*gate](h, gatePC)
		return ok && o == g
	})
}

// foreign reports whether hs holds a middleware of another New call.
func (g *gate) foreign(hs []fiber.Handler) bool {
	return slices.ContainsFunc(hs, func(h fiber.Handler) bool {
		o, ok := own[*gate](h, gatePC)
		return ok && o != g
	})
}

// endpoint is one route of the app's stack (not middleware) with the
// route options its groups and its own handlers declare, in that order.
type endpoint struct {
	route *fiber.Route
	opts  []route.Option
	chain chainID // the handlers fiber registered, before Register
}

// chainID identifies a handler slice: fiber gives the routes one All (or
// Get, for its HEAD twin) call creates the same slice.
type chainID struct {
	first *fiber.Handler
	n     int
}

func chainOf(hs []fiber.Handler) chainID { return chainID{&hs[0], len(hs)} }

// plan decides, for every route Register has not handled yet, its
// registration with the engine and how the middleware judges it.
func (g *gate) plan(app *fiber.App) ([]engine.Registration, map[*fiber.Route]target, error) {
	cfg := app.Config()
	eps := endpoints(app, &cfg)
	byPath := map[string]map[string]*endpoint{} // first route per path and method
	for i := range eps {
		ep := &eps[i]
		set := byPath[ep.route.Path]
		if set == nil {
			set = map[string]*endpoint{}
			byPath[ep.route.Path] = set
		}
		if set[ep.route.Method] == nil {
			set[ep.route.Method] = ep
		}
	}
	var regs []engine.Registration
	targets := map[*fiber.Route]target{}
	registered := map[string]bool{}
	register := func(method, path string, opts []route.Option) {
		if registered[method+" "+path] {
			return // fiber serves the first route of a method and path
		}
		registered[method+" "+path] = true
		var d route.Declaration
		d.Apply(opts...)
		regs = append(regs, engine.Registration{Method: method, Template: path, Declaration: d})
	}
	for i := range eps {
		ep := &eps[i]
		r := ep.route
		if _, done := g.routes[r]; done {
			continue
		}
		if g.foreign(r.Handlers) {
			return nil, nil, fmt.Errorf("waygatefiber: %s %s: %w", r.Method, r.Path, ErrOtherMiddleware)
		}
		set := byPath[r.Path]
		switch {
		case allMethods(set, cfg.RequestMethods):
			targets[r] = target{method: r.Method, template: r.Path}
			register("", r.Path, set[cfg.RequestMethods[0]].opts)
		case r.Method == fiber.MethodHead && set[fiber.MethodGet] != nil:
			targets[r] = target{method: fiber.MethodGet, template: r.Path}
		default:
			targets[r] = target{method: r.Method, template: r.Path}
			register(r.Method, r.Path, ep.opts)
		}
	}
	return regs, targets, nil
}

// allMethods reports whether set holds one route per method that a single
// app.All (or Group.All) call registered.
func allMethods(set map[string]*endpoint, methods []string) bool {
	if len(set) != len(methods) || len(methods) == 0 {
		return false
	}
	first := set[methods[0]]
	for _, m := range methods {
		if ep := set[m]; ep == nil || first == nil || ep.chain != first.chain {
			return false
		}
	}
	return true
}

// endpoints lists the app's routes in stack order, each with the options
// declared by the middleware routes (app.Use, app.Group) registered before
// it under a prefix of its path, then by its own handlers. Handlers are
// inspected, never called.
func endpoints(app *fiber.App, cfg *fiber.Config) []endpoint {
	type group struct {
		prefix string
		opts   []route.Option
	}
	type routeID struct {
		method, path string
		chain        chainID
	}
	isRoute := map[routeID]bool{}
	for _, r := range app.GetRoutes(true) { // without app.Use and group middleware
		if len(r.Handlers) > 0 {
			isRoute[routeID{r.Method, r.Path, chainOf(r.Handlers)}] = true
		}
	}
	var out []endpoint
	for _, stack := range app.Stack() {
		var groups []group
		for _, r := range stack {
			if len(r.Handlers) == 0 {
				continue // a mount point fiber has not expanded
			}
			chain := chainOf(r.Handlers)
			if !isRoute[routeID{r.Method, r.Path, chain}] {
				if opts := declared(r.Handlers); len(opts) > 0 {
					groups = append(groups, group{prefix: r.Path, opts: opts})
				}
				continue
			}
			var opts []route.Option
			for _, gr := range groups {
				if covers(cfg, gr.prefix, r.Path) {
					opts = append(opts, gr.opts...)
				}
			}
			opts = append(opts, declared(r.Handlers)...)
			out = append(out, endpoint{route: r, opts: opts, chain: chain})
		}
	}
	return out
}

// covers reports whether a group (or app.Use) prefix contains the route
// path, comparing whole segments and honouring fiber's CaseSensitive.
func covers(cfg *fiber.Config, prefix, path string) bool {
	if !cfg.CaseSensitive {
		prefix, path = strings.ToLower(prefix), strings.ToLower(path)
	}
	prefix = strings.TrimRight(prefix, "/")
	return prefix == "" || path == prefix || strings.HasPrefix(path, prefix+"/")
}
