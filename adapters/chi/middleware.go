package waygatechi

import (
	"cmp"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/go-chi/chi/v5"

	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/ratelimit/httpattr"
)

// Middleware returns chi middleware that judges every request through e
// before the route's handler runs. Add it with Use on the root router (or
// on any router, group or route under it). The route is the pattern chi
// routes the request to, with the prefixes of the routers it is mounted
// under ("/api/v1/orders/{id}"): the middleware asks the root router
// (chi's Find) for it, on the path chi routes by (the escaped path when
// the URL has one), before chi matches the route itself. A request that
// matches no route (chi's 404 and 405) is served without a check, and so
// is a request not served by a chi router.
//
// Blocked requests get the engine's JSON body, a custom response (see
// Respond and WithResponder) or, for a hidden (env-gated) route, the
// router's own NotFound handler. Allowed requests get the decision's
// headers (deprecation, rate limits) and reach the handler with the
// original http.ResponseWriter.
//
// Routes are known to the engine through Register, which also reads the
// declarations.
func Middleware(e *engine.Engine, opts ...Option) func(http.Handler) http.Handler {
	g := &gate{eng: e, responders: engine.NewResponders(opts)}
	g.pool.New = func() any { return chi.NewRouteContext() }
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			rctx := chi.RouteContext(r.Context())
			if rctx == nil || rctx.Routes == nil {
				next.ServeHTTP(w, r)
				return
			}
			method, pattern := g.find(rctx, r)
			if pattern == "" || g.allow(w, r, rctx, method, pattern) {
				next.ServeHTTP(w, r)
			}
		})
	}
}

// gate judges requests for one engine.
type gate struct {
	eng        *engine.Engine
	responders *engine.Responders[ResponseFunc]
	pool       sync.Pool                 // *chi.Context for Find
	mounts     atomic.Pointer[mountList] // the sub-routers of the last root seen
}

// find returns the method and the full pattern chi routes r to ("" when
// none). The root router is the one that made the routing context
// (rctx.Routes); it routes by the request's escaped path, as chi does.
func (g *gate) find(rctx *chi.Context, r *http.Request) (method, pattern string) {
	method = cmp.Or(rctx.RouteMethod, r.Method)
	path := cmp.Or(r.URL.RawPath, r.URL.Path, "/")
	x := g.pool.Get().(*chi.Context)
	pattern = rctx.Routes.Find(x, method, path)
	if sub := g.mountsOf(rctx.Routes).at(pattern); sub != nil {
		// chi's Find stops at the stubs Mount adds for "/api" and
		// "/api/", which route on to the sub-router's "/".
		x.Reset()
		if p := sub.Find(x, method, "/"); p != "" {
			pattern = strings.TrimSuffix(pattern, "/") + p
		} else {
			pattern = ""
		}
	}
	x.Reset()
	g.pool.Put(x)
	return method, pattern
}

// allow judges r as a request to the route of pattern. It writes the
// blocked response and returns false, or sets the decision's headers and
// returns true.
func (g *gate) allow(w http.ResponseWriter, r *http.Request, rctx *chi.Context, method, pattern string) bool {
	req := engine.Request{Method: method, Route: pattern, Path: r.URL.Path,
		RemoteAddr: r.RemoteAddr, Header: r.Header, Attrs: (*httpattr.Of)(r)}
	d := g.eng.Check(r.Context(), &req)
	if d.Outcome == engine.Allow {
		if len(d.Header) > 0 {
			d.SetHeaders(w.Header())
		}
		return true
	}
	if f, ok := g.responders.For(&d); ok {
		f(w, r, d)
		return false
	}
	if g.responders.NativeNotFound(&d) {
		notFound(rctx.Routes).ServeHTTP(w, r)
		return false
	}
	d.SetHeaders(w.Header())
	w.WriteHeader(d.Status)
	_, _ = w.Write(d.Body)
	return false
}

// notFound is the handler root answers unknown paths with.
func notFound(root chi.Routes) http.Handler {
	if m, ok := root.(interface{ NotFoundHandler() http.HandlerFunc }); ok {
		return m.NotFoundHandler()
	}
	return http.NotFoundHandler()
}

// mountList is the sub-routers mounted under one root, by the patterns
// chi's Find reports for their stubs ("/api" and "/api/" for a router
// mounted at "/api").
type mountList struct {
	root chi.Routes
	subs map[string]chi.Routes
}

func (m *mountList) at(pattern string) chi.Routes {
	if len(m.subs) == 0 {
		return nil
	}
	return m.subs[pattern]
}

// mountsOf returns the sub-routers of root, listing them on the first
// request to root.
func (g *gate) mountsOf(root chi.Routes) *mountList {
	if m := g.mounts.Load(); m != nil && m.root == root {
		return m
	}
	m := &mountList{root: root, subs: map[string]chi.Routes{}}
	listMounts(root, "", m.subs)
	g.mounts.Store(m)
	return m
}

func listMounts(r chi.Routes, parent string, subs map[string]chi.Routes) {
	for _, rt := range r.Routes() {
		prefix, ok := strings.CutSuffix(rt.Pattern, "/*")
		if rt.SubRoutes == nil || !ok {
			continue
		}
		full := parent + prefix
		subs[full], subs[full+"/"] = rt.SubRoutes, rt.SubRoutes
		listMounts(rt.SubRoutes, full, subs)
	}
}
