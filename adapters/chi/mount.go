package waygatechi

import (
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/waygate-go/waygate/core/engine"
)

// Mount serves h (the Waygate admin handler, API docs) under prefix of r,
// the root router. Paths under it are never checked by Waygate —
// maintenance and rate limits must not lock operators out — and are not
// routes of the API. h sees paths with the prefix stripped. Mount before
// calling Register.
func Mount(r chi.Router, e *engine.Engine, prefix string, h http.Handler) {
	prefix = "/" + strings.Trim(prefix, "/")
	e.Unguard(prefix)
	r.Mount(prefix, http.StripPrefix(prefix, h))
}
