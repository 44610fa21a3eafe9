package waygateechov5

import (
	"net/http"

	"github.com/labstack/echo/v5"
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
}

// wrap puts the check in front of next. echo v5 compiles the Use chain
// once, when Use is called, and next is the step that calls the handler
// the router picked: the closure made here is made once, not per request.
func (m *middleware) wrap(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c *echo.Context) error { return m.check(c, next) }
}

// check has the engine judge the request, then answers it or calls next.
func (m *middleware) check(c *echo.Context, next echo.HandlerFunc) error {
	r := c.Request()
	req := engine.Request{Method: routeMethod(c, r.Method), Route: c.Path(), Path: r.URL.Path,
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

// routeMethod is the method of the route echo matched: the request's,
// except for a HEAD request that the router's AutoHandleHEAD serves with a
// GET route, which is judged as that GET route.
func routeMethod(c *echo.Context, method string) string {
	if method == http.MethodHead && c.RouteInfo().Method == http.MethodGet {
		return http.MethodGet
	}
	return method
}

// respond writes a blocked decision: a custom responder if one applies,
// else, for a hidden route, the framework's 404, else the engine's JSON
// body.
func (m *middleware) respond(ec *echo.Context, d *engine.Decision) error {
	if f, ok := m.responders.For(d); ok {
		return f(ec, *d)
	}
	if m.responders.NativeNotFound(d) {
		// What echo's default router answers a path no route matches
		// with: echo.ErrNotFound, which goes to the app's HTTPErrorHandler
		// ({"message":"Not Found"} by default).
		return echo.ErrNotFound
	}
	w := ec.Response()
	d.SetHeaders(w.Header())
	w.WriteHeader(d.Status)
	_, err := w.Write(d.Body)
	return err
}
