package waygatefiber

import (
	"errors"
	"reflect"

	"github.com/gofiber/fiber/v2"
	"github.com/waygate-go/waygate/core/engine"
)

// ErrNotMiddleware is returned by Register when the handler it is given was not
// made by New.
var ErrNotMiddleware = errors.New("waygatefiber: Register needs the middleware returned by waygatefiber.New")

// ErrOtherMiddleware is returned by Register when a route already holds a
// middleware from another New call: start an app once, with one middleware.
var ErrOtherMiddleware = errors.New("route already holds another Waygate middleware: call Register with the same middleware")

// ResponseFunc writes a custom response for a blocked request. d belongs to
// the engine and may be kept; c is fiber's pooled context and, as in any
// fiber handler, must not be used after the call returns.
type ResponseFunc func(c *fiber.Ctx, d engine.Decision) error

// Option configures the middleware.
type Option interface{ apply(*config) }

type optionFunc func(*config)

func (f optionFunc) apply(c *config) { f(c) }

type config struct {
	responders engine.Responders[ResponseFunc]
}

// WithResponder answers blocked requests with f: for the given outcomes, or
// for every outcome when none are given. A route's own Respond wins.
// Optional. Default: the engine's JSON body.
func WithResponder(f ResponseFunc, outcomes ...engine.Outcome) Option {
	return optionFunc(func(c *config) { c.responders.Set(f, outcomes...) })
}

// gate is the middleware New returns. Register fills routes, then puts
// gate.handle at the head of every route's handlers.
type gate struct {
	eng    *engine.Engine
	cfg    config
	routes map[*fiber.Route]target // written by Register, read-only while serving
}

// target is how one fiber route is judged.
type target struct {
	method   string // "GET" for the HEAD route fiber adds beside a GET route
	template string // the route's raw fiber template, registered as an alias
}

// New returns the enforcement middleware for e. Hand it to Register, which
// registers every route of the app with e and places the middleware at the
// head of each route's handlers, where fiber has matched the route: the
// middleware then judges the request against that route through e.Check
// and either writes the blocked response or sets the decision's headers
// and calls c.Next. Running anywhere else (app.Use), it only calls c.Next.
func New(e *engine.Engine, opts ...Option) fiber.Handler {
	g := &gate{eng: e, routes: map[*fiber.Route]target{}}
	for _, o := range opts {
		if o != nil {
			o.apply(&g.cfg)
		}
	}
	return g.handle
}

func (g *gate) handle(c *fiber.Ctx) error {
	if c == nil {
		return probe{g}
	}
	t, ok := g.routes[c.Route()]
	if !ok {
		return c.Next()
	}
	// Method and Route are strings fiber keeps for the route's lifetime.
	// Path is a view into memory reused by the next request, which Check
	// only reads (a blocked body is a fresh copy); headers and locals are
	// copied when the engine reads them.
	addr, remote := peer(c)
	req := engine.Request{Method: t.method, Route: t.template, Path: c.Path(),
		Peer: addr, RemoteAddr: remote, Header: (*request)(c), Attrs: (*request)(c)}
	d := g.eng.Check(c.UserContext(), &req)
	if d.Outcome != engine.Allow {
		return g.respond(c, &d)
	}
	for _, h := range d.Header {
		c.Set(h.Name, h.Value)
	}
	return c.Next()
}

// respond writes a blocked decision: a custom responder if one applies,
// else the engine's JSON body.
func (g *gate) respond(c *fiber.Ctx, d *engine.Decision) error {
	if f, ok := g.cfg.responders.For(d); ok {
		return f(c, *d)
	}
	for _, h := range d.Header {
		c.Set(h.Name, h.Value)
	}
	c.Status(d.Status)
	return c.Send(d.Body) // d.Body is fresh for every block: fasthttp may keep it
}

// probe is what the package's own handlers return when called with a nil
// context: it lets Register recognise them in a route's handlers without ever
// calling a handler it did not make.
type probe struct{ v any }

func (probe) Error() string { return "waygatefiber: probe" }

// Code pointers of the package's handlers. A method value's code pointer is
// the same for every receiver, so these identify the handlers New and the
// route wrappers return.
var (
	gatePC     = funcPC((*gate)(nil).handle)
	declarerPC = funcPC((*declarer)(nil).handle)
)

func funcPC(h fiber.Handler) uintptr { return reflect.ValueOf(h).Pointer() }

// own returns the value behind h when h is a handler of this package of
// the kind identified by pc. Other handlers are never called.
func own[T any](h fiber.Handler, pc uintptr) (T, bool) {
	var zero T
	if h == nil || funcPC(h) != pc {
		return zero, false
	}
	p, ok := h(nil).(probe)
	if !ok {
		return zero, false
	}
	v, ok := p.v.(T)
	return v, ok
}
