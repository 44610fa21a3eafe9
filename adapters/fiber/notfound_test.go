package waygatefiber

import "testing"

// The field the native 404 moves is where this fiber keeps it: a fiber
// release that renames it fails here, not silently in production.
func TestHandlerIndexFieldIsFound(t *testing.T) {
	if _, ok := handlerIndexOffset(); !ok {
		t.Fatal("fiber.Ctx.indexHandler not found: a hidden route answers fiber's 404 error without consulting the routes after it")
	}
}
