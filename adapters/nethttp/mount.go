package waygatehttp

import (
	"net/http"
	"strings"
)

// Mount serves h (the Waygate admin handler, API docs) under prefix. Paths
// under prefix are never checked by Waygate — maintenance and rate limits
// must not lock operators out — and are not routes of the API. h sees paths
// with the prefix stripped.
func (m *ServeMux) Mount(prefix string, h http.Handler) {
	prefix = "/" + strings.Trim(prefix, "/")
	m.gate.eng.Unguard(prefix)
	m.mux.Handle(prefix+"/", http.StripPrefix(prefix, h))
}
