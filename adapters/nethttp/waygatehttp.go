package waygatehttp

import (
	"net/http"

	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/ratelimit"
	"github.com/waygate-go/waygate/core/route"
)

// ResponseFunc writes a custom response for a blocked request.
type ResponseFunc func(w http.ResponseWriter, r *http.Request, d engine.Decision)

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

// WithNotFound answers env-gated routes outside their environments with
// h, the handler the app answers unknown paths with (a catch-all "/"
// pattern's). Optional. Default: http.NotFound, as a ServeMux answers a
// path no pattern matches.
func WithNotFound(h http.Handler) Option {
	return engine.WithResponder(ResponseFunc(func(w http.ResponseWriter, r *http.Request, _ engine.Decision) {
		h.ServeHTTP(w, r)
	}), engine.BlockNotFound)
}

// RouteOption declares a route's state; pass it to Handle, HandleFunc or
// Group.
type RouteOption = route.Option

// Declare makes one route option of core route options, applied in order:
// any core option works here, including ones core adds later.
func Declare(opts ...route.Option) RouteOption { return route.Join(opts...) }

// Maintenance declares the route in maintenance (503 MAINTENANCE_MODE).
func Maintenance(reason string) RouteOption { return route.Maintenance(reason) }

// MaintenanceWindow declares a maintenance window from start to end.
var MaintenanceWindow = route.MaintenanceWindow

// RateLimit limits the route: "100/minute", "5 per 2 minutes", several
// joined by ";" or "unlimited", refined by ratelimit options.
func RateLimit(limit string, opts ...ratelimit.Option) RouteOption {
	return route.RateLimit(limit, opts...)
}

// Disabled declares the route disabled (503 ROUTE_DISABLED).
func Disabled(reason string) RouteOption { return route.Disabled(reason) }

// EnvOnly serves the route only in the named environments (404 elsewhere).
func EnvOnly(envs ...string) RouteOption { return route.EnvOnly(envs...) }

// Deprecated marks the route deprecated, with its sunset date, successor
// and, optionally, the date it was deprecated (RFC 9745 Deprecation; by
// default the time the deprecation was first registered).
func Deprecated(sunset, successor string, since ...string) RouteOption {
	return route.Deprecated(sunset, successor, since...)
}

// ForceActive exempts the route from every check and runtime change.
func ForceActive() RouteOption { return route.ForceActive() }

// Respond answers the route's blocked requests with f.
func Respond(f ResponseFunc) RouteOption { return route.Respond(f) }
