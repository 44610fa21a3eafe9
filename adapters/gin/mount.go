package waygategin

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
)

// Mount serves h (the Waygate admin handler, API docs) under prefix,
// relative to the Router's group. Paths under it are never checked by
// Waygate — maintenance and rate limits must not lock operators out — and
// are not routes of the API. h sees paths with the prefix stripped.
func (r *Router) Mount(prefix string, h http.Handler) {
	abs := strings.TrimSuffix(r.absolute("/"+strings.Trim(prefix, "/")), "/")
	r.reg.eng.Unguard(abs)
	handler := gin.WrapH(http.StripPrefix(abs, h))
	r.reg.app.Any(abs, handler)
	r.reg.app.Any(abs+"/*waygate", handler)
}
