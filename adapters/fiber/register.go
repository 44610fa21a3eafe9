package waygatefiber

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/route"
)

// Register registers every route of app with the engine behind mw (made by
// Middleware) and places mw at the head of each route's handlers. A
// route's declared state comes from the wrappers among its own handlers
// and among those of the app.Use and app.Group middleware in front of it
// (a group's first, then the route's own); handlers are inspected, never
// called. Call Register after the routes, groups and mounted apps are
// declared. Called again with the same mw (still before serving), it
// registers only the routes added since; it runs again by itself when the
// app starts listening (an OnListen hook: app.Listen, app.Listener), so
// routes added after Register and before Listen are registered and checked
// too, and an error then makes Listen panic, as fiber does with any
// OnListen hook's error. Until then, each such route is logged once, as a
// warning, through log/slog (an OnRoute hook). An app served without
// fiber's Listen methods (app.Test, app.Handler) must call Register again
// itself.
//
// A route added with All is registered once, for every method (key
// "/template"); the HEAD route fiber adds beside each GET route is judged
// as that GET route. An invalid declaration (an unparsable sunset date, a
// window that ends before it starts) is returned as an error matching
// route.ErrInvalidDeclaration, and then nothing is registered or installed.
func Register(ctx context.Context, app *fiber.App, mw fiber.Handler) error {
	g := gateOf(mw)
	if g == nil {
		return ErrNotMiddleware
	}
	// fiber copies the routes of mounted apps into the app's stack when it
	// prepares to serve; do that now so they are discovered too.
	app.Handler()
	regs, methods, err := g.plan(app)
	if err != nil {
		return err
	}
	if err := g.eng.Register(ctx, regs...); err != nil {
		return fmt.Errorf("waygatefiber: %w", err)
	}
	for r, method := range methods {
		g.routes[r] = method
		if !slices.ContainsFunc(r.Handlers, func(h fiber.Handler) bool { return gateOf(h) == g }) {
			r.Handlers = append([]fiber.Handler{mw}, r.Handlers...)
		}
	}
	if !g.hooked[app] {
		g.hooked[app] = true
		g.hook(ctx, app, mw)
	}
	return nil
}

// hook installs the app hooks that cover routes added after Register: each
// is reported once as it is added, and Register runs again when the app
// starts listening. fiber runs OnRoute hooks under the app's lock, one at
// a time.
func (g *gate) hook(ctx context.Context, app *fiber.App, mw fiber.Handler) {
	reported := map[chainID]bool{} // one warning per app.Get, app.All or app.Use call
	app.Hooks().OnRoute(func(r fiber.Route) error {
		if len(r.Handlers) > 0 && !reported[chainOf(r.Handlers)] {
			reported[chainOf(r.Handlers)] = true
			slog.Warn("waygatefiber: route added after Register: it is not checked until Register runs again, as it does when the app starts listening",
				"method", r.Method, "path", r.Path)
		}
		return nil
	})
	app.Hooks().OnListen(func(fiber.ListenData) error {
		return Register(context.WithoutCancel(ctx), app, mw)
	})
}

// chainID identifies a handler slice: fiber gives the routes one All (or
// Get, for its HEAD twin) call creates the same slice, so it is the Origin
// that engine.MergeAllMethods folds an All route by.
type chainID struct {
	first *fiber.Handler
	n     int
}

func chainOf(hs []fiber.Handler) chainID { return chainID{&hs[0], len(hs)} }

// plan decides, for every route Register has not handled yet, its
// registration with the engine and how the middleware judges it. It walks
// fiber's stack in matching order: a route's declaration is the options
// of the middleware (app.Use, app.Group) registered before it under a
// prefix of its path, then its own. Handlers are inspected, never called.
func (g *gate) plan(app *fiber.App) ([]engine.Registration, map[*fiber.Route]string, error) {
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
	cfg := app.Config()
	served := map[string]bool{} // fiber serves the first route of a method and path
	var regs []engine.Registration
	methods := map[*fiber.Route]string{} // the method each route is judged as
	for _, stack := range app.Stack() {
		var groups []*fiber.Route
		for _, r := range stack {
			if len(r.Handlers) == 0 {
				continue // a mount point fiber has not expanded
			}
			if !isRoute[routeID{r.Method, r.Path, chainOf(r.Handlers)}] {
				groups = append(groups, r)
				continue
			}
			first := !served[r.Method+" "+r.Path]
			served[r.Method+" "+r.Path] = true
			if _, done := g.routes[r]; done {
				continue
			}
			if slices.ContainsFunc(r.Handlers, func(h fiber.Handler) bool { o := gateOf(h); return o != nil && o != g }) {
				return nil, nil, fmt.Errorf("waygatefiber: %s %s: %w", r.Method, r.Path, ErrOtherMiddleware)
			}
			methods[r] = r.Method
			if !first {
				continue
			}
			var d route.Declaration
			for _, gr := range groups {
				if covers(&cfg, gr.Path, r.Path) {
					d.Apply(declared(gr.Handlers)...)
				}
			}
			d.Apply(declared(r.Handlers)...)
			regs = append(regs, engine.Registration{Method: r.Method, Template: r.Path, Declaration: d, Origin: chainOf(r.Handlers)})
		}
	}
	regs = engine.MergeAllMethods(regs, cfg.RequestMethods)
	all := map[string]bool{} // templates registered for every method
	for _, reg := range regs {
		all[reg.Template] = all[reg.Template] || reg.Method == ""
	}
	// The HEAD route beside a GET route (not one of an All) is judged as
	// that GET route and has no key of its own.
	twin := func(method, path string) bool {
		return method == fiber.MethodHead && !all[path] && served[fiber.MethodGet+" "+path]
	}
	regs = slices.DeleteFunc(regs, func(reg engine.Registration) bool { return twin(reg.Method, reg.Template) })
	for r := range methods {
		if twin(r.Method, r.Path) {
			methods[r] = fiber.MethodGet
		}
	}
	return regs, methods, nil
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
