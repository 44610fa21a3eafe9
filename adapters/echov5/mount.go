package waygateechov5

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v5"
)

// Mount serves h (the Waygate admin handler, API docs) under prefix. Paths
// under it are never checked by Waygate — maintenance and rate limits must
// not lock operators out — and are not routes of the API. h sees paths with
// the prefix stripped.
func (r *Router) Mount(prefix string, h http.Handler) {
	prefix = "/" + strings.Trim(prefix, "/")
	r.eng.Unguard(prefix)
	handler := echo.WrapHandler(http.StripPrefix(prefix, h))
	r.app.Any(prefix, handler)
	r.app.Any(prefix+"/*", handler)
}
