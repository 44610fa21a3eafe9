package waygategin

import (
	"github.com/gin-gonic/gin"

	"github.com/waygate-go/waygate/core/engine"
)

// ResponseFunc writes a custom response for a blocked request. The request
// is already aborted: no later handler runs, whatever ResponseFunc writes.
type ResponseFunc func(c *gin.Context, d engine.Decision)

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

// Middleware returns the gin middleware that has e judge every request:
// blocked requests are answered and aborted, allowed ones get the
// decision's headers (deprecation, rate limits) and continue. The engine
// reads the client address, the request headers and the attributes set
// with SetUser, SetRoles or SetAttr (gin's context keys). Add it with Use
// before registering routes, as gin applies middleware only to routes
// registered after it.
func Middleware(e *engine.Engine, opts ...Option) gin.HandlerFunc {
	rs := engine.NewResponders(opts)
	return func(c *gin.Context) {
		hr := c.Request
		req := engine.Request{Method: hr.Method, Route: c.FullPath(), Path: hr.URL.Path,
			RemoteAddr: hr.RemoteAddr, Header: hr.Header, Attrs: (*contextAttrs)(c)}
		d := e.Check(hr.Context(), &req)
		if d.Outcome != engine.Allow {
			respond(rs, c, &d)
			return
		}
		if len(d.Header) > 0 {
			d.SetHeaders(c.Writer.Header())
		}
		// Returning lets gin run the rest of the chain; c.Next is not
		// needed as nothing happens after the handlers.
	}
}

// respond aborts c and writes a blocked decision: a custom responder if one
// applies, else, for a hidden route, gin's 404, else the engine's JSON
// body.
func respond(rs *engine.Responders[ResponseFunc], c *gin.Context, d *engine.Decision) {
	c.Abort()
	if f, ok := rs.For(d); ok {
		f(c, *d)
		return
	}
	if rs.NativeNotFound(d) {
		notFound(c)
		return
	}
	d.SetHeaders(c.Writer.Header())
	c.Status(d.Status)
	_, _ = c.Writer.Write(d.Body)
}
