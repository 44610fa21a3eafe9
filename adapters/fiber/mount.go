package waygatefiber

import (
	"net/http"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/waygate-go/waygate/adapters/fiber/internal/httpstream"
	"github.com/waygate-go/waygate/core/engine"
)

// Mount serves h (the Waygate admin handler, API docs) under prefix. Paths
// under it are never checked by Waygate — maintenance and rate limits must
// not lock operators out — and are not routes of the API. h sees paths with
// the prefix stripped. Call it before Register.
func Mount(app *fiber.App, e *engine.Engine, prefix string, h http.Handler) {
	prefix = "/" + strings.Trim(prefix, "/")
	e.Unguard(prefix)
	handler := httpstream.Handler(http.StripPrefix(prefix, h))
	app.All(prefix, handler)
	app.All(prefix+"/*", handler)
}
