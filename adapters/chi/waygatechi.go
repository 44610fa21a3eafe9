package waygatechi

import (
	"net/http"

	"github.com/waygate-go/waygate/core/engine"
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
// Optional. Default: exactly the router's 404 for an unknown path (its
// NotFound handler, else http.NotFound).
func WithJSONNotFound() Option { return engine.WithJSONNotFound[ResponseFunc]() }
