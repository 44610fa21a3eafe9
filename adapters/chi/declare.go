package waygatechi

import (
	"net/http"
	"time"

	"github.com/waygate-go/waygate/core/ratelimit"
	"github.com/waygate-go/waygate/core/route"
)

// Declare declares a route's or group's state with core route options. Use
// it like a chi middleware: on a route (r.With(Declare(...)).Get(...)), on
// a group, a Route or a mounted router (r.Use(Declare(...))). Register
// reads it from the middleware chi.Walk reports; at request time it passes
// the request on untouched and costs nothing, as chi builds the chain once.
// Declarations apply in order, outermost router first, so a route
// overrides its group.
func Declare(opts ...route.Option) func(http.Handler) http.Handler { return markers.Declare(opts...) }

// Maintenance declares the route in maintenance (503 MAINTENANCE_MODE).
func Maintenance(reason string) func(http.Handler) http.Handler {
	return Declare(route.Maintenance(reason))
}

// MaintenanceWindow declares a maintenance window from start to end; the
// route keeps its other declared status outside it.
func MaintenanceWindow(reason string, start, end time.Time) func(http.Handler) http.Handler {
	return Declare(route.MaintenanceWindow(reason, start, end))
}

// RateLimit limits the route: limit is "100/minute", "5 per 2 minutes",
// several joined by ";" or "unlimited"; opts choose the algorithm, key,
// burst, tiers and exemptions. The limit is validated by Register.
func RateLimit(limit string, opts ...ratelimit.Option) func(http.Handler) http.Handler {
	return Declare(route.RateLimit(limit, opts...))
}

// Disabled declares the route disabled (503 ROUTE_DISABLED).
func Disabled(reason string) func(http.Handler) http.Handler { return Declare(route.Disabled(reason)) }

// EnvOnly serves the route only in the named environments (404 elsewhere).
func EnvOnly(envs ...string) func(http.Handler) http.Handler { return Declare(route.EnvOnly(envs...)) }

// Deprecated marks the route deprecated, with its sunset date ("2027-01-01",
// RFC 3339 or an HTTP-date; "" when unknown), successor ("" when none) and,
// optionally, the date it was deprecated (RFC 9745 Deprecation; by default
// the time the deprecation was first registered).
func Deprecated(sunset, successor string, since ...string) func(http.Handler) http.Handler {
	return Declare(route.Deprecated(sunset, successor, since...))
}

// ForceActive exempts the route from every check and runtime change.
func ForceActive() func(http.Handler) http.Handler { return Declare(route.ForceActive()) }

// Respond answers the route's blocked requests with f instead of the
// app-wide responder or the engine's JSON body.
func Respond(f ResponseFunc) func(http.Handler) http.Handler { return Declare(route.Respond(f)) }

// markers makes the declaration middleware and finds it among a route's
// middleware without calling the application's.
var markers = route.NewMarkers(
	func(c *route.Carrier) func(http.Handler) http.Handler { return (*marker)(c).serve },
	func(mw func(http.Handler) http.Handler) *route.Carrier {
		c, _ := mw(nil).(*carrierHandler)
		return (*route.Carrier)(c)
	},
)

// marker is one declaration; its method value serve is the declaration's
// chi middleware.
type marker route.Carrier

// serve returns next: the declaration adds nothing to the chain. Given a
// nil handler, which only the probe of markers passes, it returns the
// declaration itself.
func (m *marker) serve(next http.Handler) http.Handler {
	if next == nil {
		return (*carrierHandler)(m)
	}
	return next
}

// carrierHandler is the declaration handed to the probe of markers. It
// never serves a request.
type carrierHandler route.Carrier

func (*carrierHandler) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	w.WriteHeader(http.StatusInternalServerError)
}
