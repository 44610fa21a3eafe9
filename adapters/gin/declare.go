package waygategin

import (
	"errors"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/waygate-go/waygate/core/ratelimit"
	"github.com/waygate-go/waygate/core/route"
)

// ErrDeclarationIgnored is added to gin's c.Errors when a declaration such
// as Maintenance runs as a handler: it was given to gin directly instead of
// to a Router, so the engine never saw it and the route is enforced with
// the state it was registered with.
var ErrDeclarationIgnored = errors.New("waygategin: route declaration ignored because the route was registered on gin directly: register it through waygategin.Wrap(e, r)")

// Declare declares a route's or group's state with core route options. Pass
// it, like a middleware, among the handlers given to a Router's GET, Handle,
// Group or Use; the Router takes it out of the handler chain, so it costs
// nothing per request. Declarations apply in order: a group's first, then
// the route's own, so a route overrides its group.
func Declare(opts ...route.Option) gin.HandlerFunc { return markers.Declare(opts...) }

// Maintenance declares the route in maintenance (503 MAINTENANCE_MODE).
func Maintenance(reason string) gin.HandlerFunc { return Declare(route.Maintenance(reason)) }

// MaintenanceWindow declares a maintenance window from start to end; the
// route keeps its other declared status outside it.
func MaintenanceWindow(reason string, start, end time.Time) gin.HandlerFunc {
	return Declare(route.MaintenanceWindow(reason, start, end))
}

// RateLimit limits the route: limit is "100/minute", "5 per 2 minutes",
// several joined by ";" or "unlimited"; opts choose the algorithm, key,
// burst, tiers and exemptions. The limit is validated at registration.
func RateLimit(limit string, opts ...ratelimit.Option) gin.HandlerFunc {
	return Declare(route.RateLimit(limit, opts...))
}

// Disabled declares the route disabled (503 ROUTE_DISABLED).
func Disabled(reason string) gin.HandlerFunc { return Declare(route.Disabled(reason)) }

// EnvOnly serves the route only in the named environments (404 elsewhere).
func EnvOnly(envs ...string) gin.HandlerFunc { return Declare(route.EnvOnly(envs...)) }

// Deprecated marks the route deprecated, with its sunset date ("2027-01-01",
// RFC 3339 or an HTTP-date; "" when unknown), successor ("" when none) and,
// optionally, the date it was deprecated (RFC 9745 Deprecation; by default
// the time the deprecation was first registered).
func Deprecated(sunset, successor string, since ...string) gin.HandlerFunc {
	return Declare(route.Deprecated(sunset, successor, since...))
}

// ForceActive exempts the route from every check and runtime change.
func ForceActive() gin.HandlerFunc { return Declare(route.ForceActive()) }

// Respond answers the route's blocked requests with f instead of the
// app-wide responder or the engine's JSON body.
func Respond(f ResponseFunc) gin.HandlerFunc { return Declare(route.Respond(f)) }

// markers makes the declaration handlers and finds them among a route's
// handlers without calling the application's.
var markers = route.NewMarkers(
	func(c *route.Carrier) gin.HandlerFunc { return (*marker)(c).serve },
	func(h gin.HandlerFunc) *route.Carrier {
		probe := &gin.Context{}
		h(probe)
		c, _ := probe.Keys[probeKey{}].(*route.Carrier)
		return c
	},
)

// marker is one declaration; its method value serve is the declaration's
// gin.HandlerFunc.
type marker route.Carrier

// probeKey keys the declaration in the probe's gin.Context.
type probeKey struct{}

// serve hands the declaration to the probe of markers, a detached context
// without a request. Called on a real request, it means the marker reached
// gin without going through a Router.
func (m *marker) serve(c *gin.Context) {
	if c.Request == nil {
		c.Set(probeKey{}, (*route.Carrier)(m))
		return
	}
	_ = c.Error(ErrDeclarationIgnored)
}
