package waygateecho

import (
	"net/http"
	"sync"
	"unsafe"

	"github.com/labstack/echo/v4"
	"github.com/waygate-go/waygate/core/engine"
)

// Option configures the Middleware.
type Option = engine.MiddlewareOption[ResponseFunc]

// WithResponder answers blocked requests with f: for the given outcomes, or
// for every outcome when none are given. A route's own Respond wins.
// Optional. Default: the engine's JSON body.
func WithResponder(f ResponseFunc, outcomes ...engine.Outcome) Option {
	return engine.WithResponder(f, outcomes...)
}

// WithJSONNotFound answers env-gated routes outside their environments
// with the engine's JSON body ({"error":{"code":"NOT_FOUND",...}}) instead
// of the framework's own 404, which tells a client the route exists.
// Optional. Default: exactly the framework's 404 for an unknown path.
func WithJSONNotFound() Option { return engine.WithJSONNotFound[ResponseFunc]() }

// Middleware returns the echo middleware that has e judge every request;
// add it with Echo.Use. echo runs Use middleware after routing, so the
// middleware knows the matched route template (c.Path()), and before group
// and route middleware (auth), so a blocked request never reaches them.
// Blocked requests are answered; allowed ones get the decision's headers
// (deprecation, rate limits) and continue. The engine reads the client
// address, the request headers and the attributes set with SetUser,
// SetRoles or SetAttr: set them in Echo.Pre middleware or in Echo.Use
// middleware added before this one.
func Middleware(e *engine.Engine, opts ...Option) echo.MiddlewareFunc {
	m := &middleware{eng: e, responders: engine.NewResponders(opts)}
	return m.wrap
}

type middleware struct {
	eng        *engine.Engine
	responders *engine.Responders[ResponseFunc]
	// guarded maps a route's handler, as echo's router keeps it, to the
	// same handler behind the check.
	guarded sync.Map
}

// wrap puts the check in front of next. echo v4 applies Use middleware
// anew on every request, so a closure made here would cost an allocation
// per request: the guarded handler of a route is made once and kept
// instead. Only a next that is the handler echo's router keeps for the
// route (c.Handler()) is kept, so a handler that middleware added after
// this one makes per request never is; nor is the handler echo makes for
// each OPTIONS request to a path without an OPTIONS route.
func (m *middleware) wrap(next echo.HandlerFunc) echo.HandlerFunc {
	if h, ok := m.guarded.Load(identity(next)); ok {
		return h.(echo.HandlerFunc)
	}
	return func(c echo.Context) error {
		if c.Request().Method != http.MethodOptions && identity(c.Handler()) == identity(next) {
			m.guarded.LoadOrStore(identity(next), m.guard(next))
		}
		return m.check(c, next)
	}
}

// guard returns next behind the check.
func (m *middleware) guard(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error { return m.check(c, next) }
}

// identity is the address of the closure f points to: two func values with
// the same identity are the same function. Go offers no safe way to tell
// two closures apart (reflect gives only their shared code pointer), so
// the func value's one word is read; the address is compared, never
// dereferenced, and kept alive by the cache entry it keys.
func identity(f echo.HandlerFunc) unsafe.Pointer {
	return *(*unsafe.Pointer)(unsafe.Pointer(&f)) //nolint:gosec // G103: reads a func value's closure address for identity only, see above
}

// check has the engine judge the request, then answers it or calls next.
func (m *middleware) check(c echo.Context, next echo.HandlerFunc) error {
	r := c.Request()
	req := engine.Request{Method: r.Method, Route: c.Path(), Path: r.URL.Path,
		RemoteAddr: r.RemoteAddr, Header: r.Header, Attrs: (*requestAttrs)(r)}
	d := m.eng.Check(r.Context(), &req)
	if d.Outcome != engine.Allow {
		return m.respond(c, &d)
	}
	if len(d.Header) > 0 {
		d.SetHeaders(c.Response().Header())
	}
	return next(c)
}

// respond writes a blocked decision: a custom responder if one applies,
// else, for a hidden route, the framework's 404, else the engine's JSON
// body.
func (m *middleware) respond(ec echo.Context, d *engine.Decision) error {
	if f, ok := m.responders.For(d); ok {
		return f(ec, *d)
	}
	if m.responders.NativeNotFound(d) {
		// What echo's router answers a path no route matches with: the
		// error goes to the app's HTTPErrorHandler ({"message":"Not Found"}
		// by default), and an app that replaced echo.NotFoundHandler gets
		// its own.
		return echo.NotFoundHandler(ec)
	}
	w := ec.Response()
	d.SetHeaders(w.Header())
	w.WriteHeader(d.Status)
	_, err := w.Write(d.Body)
	return err
}
