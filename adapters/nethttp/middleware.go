package waygatehttp

import (
	"cmp"
	"context"
	"maps"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/ratelimit/httpattr"
)

// Middleware returns middleware that judges every request through e before
// the wrapped handler runs. The route is the ServeMux pattern that matched
// the request: r.Pattern, which a ServeMux sets on the request it hands to
// the matched handler (mux.Handle("GET /x", mw(h))), or, when r.Pattern is
// empty and the wrapped handler is a router that reports patterns (an
// *http.ServeMux: Middleware(e)(mux)), the pattern it reports for the
// request. The route's method is the pattern's (a GET pattern also serves
// HEAD), else the request's; the host part is ignored. A request that
// matches no pattern (the mux's 404 and 405) is served without a check.
//
// A plain ServeMux cannot list its routes, so each route is registered,
// without declared state, the first time it is matched (a route stored by
// an earlier run keeps its state and is listed as current again). To
// declare state on routes and have every route listed at startup, use
// NewServeMux.
func Middleware(e *engine.Engine, opts ...Option) func(http.Handler) http.Handler {
	g := newGate(e, opts)
	g.learns = true
	return g.wrap
}

// gate judges requests for one engine; Middleware and NewServeMux share it.
type gate struct {
	eng        *engine.Engine
	responders *engine.Responders[ResponseFunc]

	learns  bool                                // register routes on first match (Middleware)
	mu      sync.Mutex                          // serialises learning
	learned atomic.Pointer[map[string]struct{}] // patterns registered; copied on write, read without a lock
}

func newGate(e *engine.Engine, opts []Option) *gate {
	g := &gate{eng: e, responders: engine.NewResponders(opts)}
	g.learned.Store(&map[string]struct{}{})
	return g
}

// router is a handler that reports the pattern it routes a request to,
// as *http.ServeMux does.
type router interface {
	Handler(r *http.Request) (h http.Handler, pattern string)
}

func (g *gate) wrap(next http.Handler) http.Handler {
	mux, _ := next.(router)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		pattern := r.Pattern
		if pattern == "" && mux != nil {
			_, pattern = mux.Handler(r)
		}
		if pattern == "" || g.allow(w, r, pattern) {
			next.ServeHTTP(w, r)
		}
	})
}

// allow judges r as a request to the route of pattern. It writes the
// blocked response and returns false, or sets the decision's headers and
// returns true.
func (g *gate) allow(w http.ResponseWriter, r *http.Request, pattern string) bool {
	method, _, path := splitPattern(pattern)
	req := engine.Request{Method: cmp.Or(method, r.Method), Route: path, Path: r.URL.Path,
		RemoteAddr: r.RemoteAddr, Header: r.Header, Attrs: (*httpattr.Of)(r)}
	d := g.eng.Check(r.Context(), &req)
	if _, known := (*g.learned.Load())[pattern]; g.learns && !known && g.learn(r.Context(), pattern, method, path) && d.Key == "" {
		d = g.eng.Check(r.Context(), &req)
	}
	if d.Outcome != engine.Allow {
		g.respond(w, r, &d)
		return false
	}
	if len(d.Header) > 0 {
		d.SetHeaders(w.Header())
	}
	return true
}

// learn registers, once per pattern, the route of a pattern the engine
// does not know, and reports whether it did.
func (g *gate) learn(ctx context.Context, pattern, method, path string) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	old := *g.learned.Load()
	if _, done := old[pattern]; done {
		return false
	}
	next := make(map[string]struct{}, len(old)+1)
	maps.Copy(next, old)
	next[pattern] = struct{}{}
	g.learned.Store(&next)
	reg := engine.Registration{Method: method, Template: path, Learned: true}
	return g.eng.Register(context.WithoutCancel(ctx), reg) == nil
}

// respond writes a blocked decision: a custom responder if one applies,
// else, for a hidden route, the ServeMux's 404, else the engine's JSON
// body.
func (g *gate) respond(w http.ResponseWriter, r *http.Request, d *engine.Decision) {
	if f, ok := g.responders.For(d); ok {
		f(w, r, *d)
		return
	}
	if g.responders.NativeNotFound(d) {
		http.NotFound(w, r)
		return
	}
	d.SetHeaders(w.Header())
	w.WriteHeader(d.Status)
	_, _ = w.Write(d.Body)
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
