package waygatefiber

import (
	"errors"
	"reflect"

	"github.com/gofiber/fiber/v2"
	"github.com/waygate-go/waygate/core/engine"
)

// ErrNotMiddleware is returned by Register when the handler it is given was not
// made by Middleware.
var ErrNotMiddleware = errors.New("waygatefiber: Register needs the middleware returned by waygatefiber.Middleware")

// ErrOtherMiddleware is returned by Register when a route already holds a
// middleware from another Middleware call: start an app once, with one
// middleware.
var ErrOtherMiddleware = errors.New("route already holds another Waygate middleware: call Register with the same middleware")

// ResponseFunc writes a custom response for a blocked request. d belongs to
// the engine and may be kept; c is fiber's pooled context and, as in any
// fiber handler, must not be used after the call returns.
type ResponseFunc func(c *fiber.Ctx, d engine.Decision) error

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

// gate is the middleware Middleware returns. Register fills routes, then
// puts gate.handle at the head of every route's handlers.
type gate struct {
	eng        *engine.Engine
	responders *engine.Responders[ResponseFunc]
	// routes holds the method each route is judged as ("GET" for the HEAD
	// route fiber adds beside a GET route). Register writes it; it is
	// read-only while serving.
	routes map[*fiber.Route]string
	hooked map[*fiber.App]bool // apps whose hooks Register installed
}

// Middleware returns the enforcement middleware for e. Hand it to
// Register, which registers every route of the app with e and places the
// middleware at the head of each route's handlers, where fiber has matched
// the route: the middleware then judges the request against that route
// through e.Check and either writes the blocked response or sets the
// decision's headers and calls c.Next. Running anywhere else (app.Use), it
// only calls c.Next: a fiber app.Use handler cannot know the matched route.
func Middleware(e *engine.Engine, opts ...Option) fiber.Handler {
	g := &gate{eng: e, responders: engine.NewResponders(opts), routes: map[*fiber.Route]string{}, hooked: map[*fiber.App]bool{}}
	return g.handle
}

func (g *gate) handle(c *fiber.Ctx) error {
	if c == nil {
		return probe{g}
	}
	r := c.Route()
	method, ok := g.routes[r]
	if !ok {
		return c.Next()
	}
	// The method and the route's raw template (registered as an alias) are
	// strings fiber keeps for the route's lifetime. Path is a view into
	// memory reused by the next request, which Check only reads (a blocked
	// body is a fresh copy); headers and locals are copied when the engine
	// reads them.
	addr, remote := peer(c)
	req := engine.Request{Method: method, Route: r.Path, Path: c.Path(),
		Peer: addr, RemoteAddr: remote, Header: (*request)(c), Attrs: (*request)(c)}
	d := g.eng.Check(c.UserContext(), &req)
	if d.Outcome != engine.Allow {
		return g.respond(c, &d)
	}
	setHeaders(c, d.Header)
	return c.Next()
}

// respond writes a blocked decision: a custom responder if one applies,
// else, for a hidden route, the framework's 404, else the engine's JSON
// body.
func (g *gate) respond(c *fiber.Ctx, d *engine.Decision) error {
	if f, ok := g.responders.For(d); ok {
		return f(c, *d)
	}
	if g.responders.NativeNotFound(d) {
		return notFound(c)
	}
	setHeaders(c, d.Header)
	c.Status(d.Status)
	// Blocks of the same path share d.Body: SetBodyRaw keeps it without
	// copying, and fasthttp never writes into a body it was handed.
	return c.Send(d.Body)
}

// setHeaders sets the decision's headers. A block's Content-Type takes
// fasthttp's own path for it, which skips the name normalisation and value
// checks of a generic Set.
func setHeaders(c *fiber.Ctx, hs []engine.Header) {
	for _, h := range hs {
		if h.Name == fiber.HeaderContentType {
			c.Response().Header.SetContentType(h.Value)
			continue
		}
		c.Set(h.Name, h.Value)
	}
}

// probe is what the package's own handlers return when called with a nil
// context: it hands back the value behind the handler, so Register can
// recognise its middleware and the wrappers among a route's handlers
// without ever calling a handler it did not make.
type probe struct{ v any }

func (probe) Error() string { return "waygatefiber: probe" }

// gatePC is the code pointer of every middleware's handler: a method
// value's code pointer is the same for every receiver.
var gatePC = reflect.ValueOf((*gate)(nil).handle).Pointer()

// gateOf returns the gate behind h, if h is a middleware made by
// Middleware. Other handlers are never called.
func gateOf(h fiber.Handler) *gate {
	if h == nil || reflect.ValueOf(h).Pointer() != gatePC {
		return nil
	}
	p, _ := h(nil).(probe)
	g, _ := p.v.(*gate)
	return g
}
