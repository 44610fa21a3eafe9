package waygateechov5

import (
	"time"

	"github.com/labstack/echo/v5"
	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/ratelimit"
	"github.com/waygate-go/waygate/core/route"
)

// ResponseFunc writes a custom response for a blocked request. It gets
// echo's context and the engine's decision; the error it returns goes to
// echo's HTTPErrorHandler, as a handler's would.
type ResponseFunc func(c *echo.Context, d engine.Decision) error

// Declare returns a route middleware declaring the route's state with core
// route options. Pass it to a route (app.GET(path, h, Declare(...))) or to a
// group (app.Group(prefix, Declare(...)) or Group.Use); a route's own
// declarations override its group's. The middleware does nothing per
// request: the Router reads the declaration when the route is added.
func Declare(opts ...route.Option) echo.MiddlewareFunc { return markers.Declare(opts...) }

// Maintenance declares the route in maintenance (503 MAINTENANCE_MODE).
func Maintenance(reason string) echo.MiddlewareFunc { return Declare(route.Maintenance(reason)) }

// MaintenanceWindow declares a maintenance window from start to end: the
// route keeps its other declared status outside it.
func MaintenanceWindow(reason string, start, end time.Time) echo.MiddlewareFunc {
	return Declare(route.MaintenanceWindow(reason, start, end))
}

// RateLimit limits the route: "100/minute", "5 per 2 minutes", several
// joined by ";" or "unlimited", refined by ratelimit options. A bad limit
// is a startup error, like any invalid declaration.
func RateLimit(limit string, opts ...ratelimit.Option) echo.MiddlewareFunc {
	return Declare(route.RateLimit(limit, opts...))
}

// Disabled declares the route disabled (503 ROUTE_DISABLED).
func Disabled(reason string) echo.MiddlewareFunc { return Declare(route.Disabled(reason)) }

// EnvOnly serves the route only in the named environments (404 elsewhere).
func EnvOnly(envs ...string) echo.MiddlewareFunc { return Declare(route.EnvOnly(envs...)) }

// Deprecated marks the route deprecated, with its sunset date ("2027-01-01",
// RFC 3339 or an HTTP-date; "" when unknown), successor ("" when none) and,
// optionally, the date it was deprecated (RFC 9745 Deprecation; by default
// the time the deprecation was first registered).
func Deprecated(sunset, successor string, since ...string) echo.MiddlewareFunc {
	return Declare(route.Deprecated(sunset, successor, since...))
}

// ForceActive exempts the route from every check and runtime change.
func ForceActive() echo.MiddlewareFunc { return Declare(route.ForceActive()) }

// Respond answers the route's blocked requests with f instead of the
// engine's JSON body.
func Respond(f ResponseFunc) echo.MiddlewareFunc { return Declare(route.Respond(f)) }

// markers makes the declaration middleware and finds it among a route's
// middleware without calling the application's.
var markers = route.NewMarkers(
	func(c *route.Carrier) echo.MiddlewareFunc { return (*marker)(c).serve },
	func(mw echo.MiddlewareFunc) *route.Carrier {
		found, _ := mw(nil)(nil).(*revealed)
		return (*route.Carrier)(found)
	},
)

// marker is one declaration; its method value serve is the declaration's
// echo.MiddlewareFunc.
type marker route.Carrier

// serve passes requests through untouched and without allocating (echo
// builds route middleware once, when the route is added). Given a nil
// handler, which only the probe of markers passes, it returns reveal
// instead.
func (m *marker) serve(next echo.HandlerFunc) echo.HandlerFunc {
	if next == nil {
		return m.reveal
	}
	return next
}

// reveal hands the declaration to the probe of markers as its result: echo
// v5's context is a struct, so there is no probe context to carry it. It
// reads nothing of the context, which the probe leaves nil.
func (m *marker) reveal(*echo.Context) error { return (*revealed)(m) }

// revealed is a declaration handed back by reveal. It is an error only to
// travel as a handler's result, and never reaches echo.
type revealed route.Carrier

func (*revealed) Error() string { return "waygateechov5: declaration probe" }
