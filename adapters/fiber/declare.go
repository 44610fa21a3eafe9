package waygatefiber

import (
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/waygate-go/waygate/core/ratelimit"
	"github.com/waygate-go/waygate/core/route"
)

// marker is the handler behind the route wrappers. At request time it
// only calls c.Next: the state it carries is read by Register and enforced
// by the middleware through the engine.
type marker route.Carrier

func (m *marker) handle(c *fiber.Ctx) error {
	if c == nil {
		return probe{(*route.Carrier)(m)}
	}
	return c.Next()
}

// markers makes the wrappers and picks them out of a route's handlers.
var markers = route.NewMarkers(
	func(c *route.Carrier) fiber.Handler { return (*marker)(c).handle },
	func(h fiber.Handler) *route.Carrier {
		p, _ := h(nil).(probe)
		c, _ := p.v.(*route.Carrier)
		return c
	},
)

// Declare returns a handler that declares the route state opts describe.
// Put it among a route's handlers (app.Get("/x", waygatefiber.Declare(...),
// h)) to declare that route, or pass it to app.Group or app.Use to declare
// every route under the prefix; a route's own declaration overrides its
// group's. Later options override earlier ones. Any core route option
// works here, including ones core adds later.
func Declare(opts ...route.Option) fiber.Handler { return markers.Declare(opts...) }

// Maintenance declares the route (or group) in maintenance (503
// MAINTENANCE_MODE).
func Maintenance(reason string) fiber.Handler { return Declare(route.Maintenance(reason)) }

// MaintenanceWindow declares a maintenance window from start to end; the
// route keeps its other declared status outside it.
func MaintenanceWindow(reason string, start, end time.Time) fiber.Handler {
	return Declare(route.MaintenanceWindow(reason, start, end))
}

// RateLimit limits the route (or each route of the group): "100/minute",
// "5 per 2 minutes", several joined by ";" or "unlimited", refined by
// ratelimit options. The limit is validated by Register.
func RateLimit(limit string, opts ...ratelimit.Option) fiber.Handler {
	return Declare(route.RateLimit(limit, opts...))
}

// Disabled declares the route (or group) disabled (503 ROUTE_DISABLED).
func Disabled(reason string) fiber.Handler { return Declare(route.Disabled(reason)) }

// EnvOnly serves the route (or group) only in the named environments (404
// elsewhere).
func EnvOnly(envs ...string) fiber.Handler { return Declare(route.EnvOnly(envs...)) }

// Deprecated marks the route (or group) deprecated, with its sunset date
// ("2027-01-01", RFC 3339 or an HTTP-date; "" when unknown) and successor
// path ("" when none), optionally with the date it was deprecated (RFC 9745
// Deprecation; by default the time the deprecation was first registered).
func Deprecated(sunset, successor string, since ...string) fiber.Handler {
	return Declare(route.Deprecated(sunset, successor, since...))
}

// ForceActive exempts the route (or group) from every check and runtime
// change.
func ForceActive() fiber.Handler { return Declare(route.ForceActive()) }

// Respond answers the route's (or group's) blocked requests with f.
func Respond(f ResponseFunc) fiber.Handler { return Declare(route.Respond(f)) }

// declared returns the route options carried by the wrappers among hs, in
// order. Other handlers are not called.
func declared(hs []fiber.Handler) []route.Option {
	_, opts := markers.Split(hs)
	return opts
}
