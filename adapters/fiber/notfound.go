package waygatefiber

import (
	"html"
	"reflect"
	"sync"
	"unsafe"

	"github.com/gofiber/fiber/v2"
)

// notFound hands c on as fiber does a request this route does not serve,
// so that a hidden (env-gated) route looks exactly like one that does not
// exist: the rest of the route's handlers are skipped and fiber's router
// goes on with the routes after it — the catch-all an app installs last
// for its 404s — and, past the last, answers its own 404 ("Cannot GET
// /path") through the app's ErrorHandler.
//
// fiber offers no call that leaves a route, so the context's unexported
// handler index is moved to the route's last handler, after which c.Next
// continues with the next route. The field is found by name and type once
// (TestHandlerIndexFieldIsFound fails if a fiber release renames it); until
// then, fiber's 404 error is returned directly.
func notFound(c *fiber.Ctx) error {
	if off, ok := handlerIndexOffset(); ok {
		*(*int)(unsafe.Add(unsafe.Pointer(c), off)) = len(c.Route().Handlers) - 1 //nolint:gosec // G103: moves fiber's unexported Ctx.indexHandler, located by reflection
		return c.Next()
	}
	return fiber.NewError(fiber.StatusNotFound, "Cannot "+c.Method()+" "+html.EscapeString(string(c.Request().URI().PathOriginal())))
}

var handlerIndexOffset = sync.OnceValues(func() (uintptr, bool) {
	f, ok := reflect.TypeFor[fiber.Ctx]().FieldByName("indexHandler")
	if !ok || f.Type != reflect.TypeFor[int]() || len(f.Index) != 1 {
		return 0, false
	}
	return f.Offset, true
})
