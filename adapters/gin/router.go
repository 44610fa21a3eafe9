package waygategin

import (
	"context"
	"fmt"
	"net/http"
	"path"
	"slices"
	"sync"

	"github.com/gin-gonic/gin"

	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/route"
)

// Router is a gin router group whose routes are registered with a Waygate
// engine, with their declared state, as they are added. It has gin's
// method set (it is a gin.IRoutes); declarations such as Maintenance go
// among the handlers, on a route or on a group, and never reach gin's
// handler chain.
type Router struct {
	group *gin.RouterGroup
	decl  []route.Option // the group's declarations, outermost first
	root  bool
	reg   *registry
}

var _ gin.IRoutes = (*Router)(nil)

// registry is shared by a Router and every group made from it.
type registry struct {
	eng  *engine.Engine
	app  *gin.Engine
	mu   sync.Mutex
	seen map[string]bool // "METHOD /path"; method "" for an all-methods route
}

// Wrap returns a Router for r's root group whose routes are registered with
// e. Wrap each gin.Engine once and make groups from the Router; call
// Register once every route is added, so that routes added to r directly
// are registered too.
func Wrap(e *engine.Engine, r *gin.Engine) *Router {
	return &Router{group: &r.RouterGroup, root: true, reg: &registry{eng: e, app: r, seen: map[string]bool{}}}
}

// Register registers with the engine every route of the gin engine not
// added through a Router (routes added to gin directly or by another
// library) as a plain route; routes added through a Router are registered
// already. Call it after adding routes and before serving; calling it again
// registers only the routes added since.
func (r *Router) Register(ctx context.Context) error {
	reg := r.reg
	reg.mu.Lock()
	defer reg.mu.Unlock()
	var regs []engine.Registration
	for _, ri := range reg.app.Routes() {
		if reg.seen[ri.Method+" "+ri.Path] || reg.seen[" "+ri.Path] {
			continue
		}
		regs = append(regs, engine.Registration{Method: ri.Method, Template: ri.Path})
	}
	if len(regs) == 0 {
		return nil
	}
	if err := reg.eng.Register(ctx, regs...); err != nil {
		return fmt.Errorf("waygategin: %w", err)
	}
	for _, rg := range regs {
		reg.seen[rg.Method+" "+rg.Template] = true
	}
	return nil
}

// BasePath returns the group's path prefix.
func (r *Router) BasePath() string { return r.group.BasePath() }

// Group returns a group of routes under relativePath. Declarations among
// handlers apply to every route of the group; a route's own override them.
// It panics on an invalid declaration.
func (r *Router) Group(relativePath string, handlers ...gin.HandlerFunc) *Router {
	plain, decl := r.declare(r.absolute(relativePath), handlers)
	return &Router{group: r.group.Group(relativePath, plain...), decl: decl, reg: r.reg}
}

// Use adds middleware to the group, like gin's Use. Declarations among
// middleware apply to the group's routes registered after it.
func (r *Router) Use(middleware ...gin.HandlerFunc) gin.IRoutes {
	plain, decl := r.declare(r.group.BasePath(), middleware)
	r.decl = decl
	if r.root {
		r.reg.app.Use(plain...) // also applies to gin's 404 and 405 handlers
	} else {
		r.group.Use(plain...)
	}
	return r
}

// Handle registers a route for httpMethod. It panics, like gin, on an
// invalid method or path, and on an invalid declaration.
func (r *Router) Handle(httpMethod, relativePath string, handlers ...gin.HandlerFunc) gin.IRoutes {
	r.handle(httpMethod, relativePath, handlers)
	return r
}

// Any registers a route for every method. The engine knows it under one
// all-methods key ("/path"), which runtime changes address as a whole.
func (r *Router) Any(relativePath string, handlers ...gin.HandlerFunc) gin.IRoutes {
	r.handle("", relativePath, handlers)
	return r
}

// Match registers a route for each of methods.
func (r *Router) Match(methods []string, relativePath string, handlers ...gin.HandlerFunc) gin.IRoutes {
	for _, m := range methods {
		r.handle(m, relativePath, handlers)
	}
	return r
}

// GET registers a GET route.
func (r *Router) GET(relativePath string, handlers ...gin.HandlerFunc) gin.IRoutes {
	return r.Handle(http.MethodGet, relativePath, handlers...)
}

// POST registers a POST route.
func (r *Router) POST(relativePath string, handlers ...gin.HandlerFunc) gin.IRoutes {
	return r.Handle(http.MethodPost, relativePath, handlers...)
}

// DELETE registers a DELETE route.
func (r *Router) DELETE(relativePath string, handlers ...gin.HandlerFunc) gin.IRoutes {
	return r.Handle(http.MethodDelete, relativePath, handlers...)
}

// PATCH registers a PATCH route.
func (r *Router) PATCH(relativePath string, handlers ...gin.HandlerFunc) gin.IRoutes {
	return r.Handle(http.MethodPatch, relativePath, handlers...)
}

// PUT registers a PUT route.
func (r *Router) PUT(relativePath string, handlers ...gin.HandlerFunc) gin.IRoutes {
	return r.Handle(http.MethodPut, relativePath, handlers...)
}

// OPTIONS registers an OPTIONS route.
func (r *Router) OPTIONS(relativePath string, handlers ...gin.HandlerFunc) gin.IRoutes {
	return r.Handle(http.MethodOptions, relativePath, handlers...)
}

// HEAD registers a HEAD route.
func (r *Router) HEAD(relativePath string, handlers ...gin.HandlerFunc) gin.IRoutes {
	return r.Handle(http.MethodHead, relativePath, handlers...)
}

// StaticFile serves one file at relativePath (GET and HEAD) with the
// group's declaration.
func (r *Router) StaticFile(relativePath, filepath string) gin.IRoutes {
	r.group.StaticFile(relativePath, filepath)
	r.declareGenerated(relativePath)
	return r
}

// StaticFileFS serves one file of fs at relativePath (GET and HEAD) with
// the group's declaration.
func (r *Router) StaticFileFS(relativePath, filepath string, fs http.FileSystem) gin.IRoutes {
	r.group.StaticFileFS(relativePath, filepath, fs)
	r.declareGenerated(relativePath)
	return r
}

// Static serves the directory root under relativePath (GET and HEAD) with
// the group's declaration.
func (r *Router) Static(relativePath, root string) gin.IRoutes {
	return r.StaticFS(relativePath, gin.Dir(root, false))
}

// StaticFS serves fs under relativePath (GET and HEAD) with the group's
// declaration.
func (r *Router) StaticFS(relativePath string, fs http.FileSystem) gin.IRoutes {
	r.group.StaticFS(relativePath, fs)
	r.declareGenerated(path.Join(relativePath, "/*filepath")) // the pattern gin registers
	return r
}

// declare takes the declarations out of the handlers of the group at
// path and returns the others, and the group's declarations followed by
// theirs. It panics on an invalid declaration.
func (r *Router) declare(path string, handlers []gin.HandlerFunc) (plain []gin.HandlerFunc, decl []route.Option) {
	plain, opts := markers.Split(handlers)
	decl = slices.Concat(r.decl, opts)
	if _, err := route.Declare(decl...); err != nil {
		panic(fmt.Sprintf("waygategin: group %s: %v", path, err))
	}
	return plain, decl
}

// handle registers one route; method "" registers it for every method.
func (r *Router) handle(method, relativePath string, handlers []gin.HandlerFunc) {
	plain, opts := markers.Split(handlers)
	full := r.absolute(relativePath)
	shown := method
	if shown == "" {
		shown = "ANY"
	}
	if len(plain) == 0 {
		panic(fmt.Sprintf("waygategin: %s %s: no handler besides declarations", shown, full))
	}
	d, err := route.Declare(slices.Concat(r.decl, opts)...)
	if err != nil {
		panic(fmt.Sprintf("waygategin: %s %s: %v", shown, full, err))
	}
	if method == "" {
		r.group.Any(relativePath, plain...)
	} else {
		r.group.Handle(method, relativePath, plain...)
	}
	r.reg.add(method, full, d)
}

// declareGenerated registers the GET and HEAD routes gin's static helpers
// add at relativePath with the group's declaration.
func (r *Router) declareGenerated(relativePath string) {
	d, _ := route.Declare(r.decl...) // validated when the group was made
	full := r.absolute(relativePath)
	r.reg.add(http.MethodGet, full, d)
	r.reg.add(http.MethodHead, full, d)
}

// absolute returns the path gin registers relativePath under, computed by
// gin itself so the template matches what gin reports at request time.
func (r *Router) absolute(relativePath string) string {
	return r.group.Group(relativePath).BasePath()
}

// add registers one route with the engine. A failure is a programming
// error found at startup, so it panics like gin does for a bad route.
func (reg *registry) add(method, template string, d route.Declaration) {
	reg.mu.Lock()
	defer reg.mu.Unlock()
	err := reg.eng.Register(context.Background(), engine.Registration{Method: method, Template: template, Declaration: d})
	if err != nil {
		panic(fmt.Sprintf("waygategin: %v", err))
	}
	reg.seen[method+" "+template] = true
}
