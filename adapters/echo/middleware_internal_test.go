package waygateecho

import (
	"net/http/httptest"
	"testing"

	"github.com/labstack/echo/v4"
	"github.com/waygate-go/waygate/core/backend"
	"github.com/waygate-go/waygate/core/engine"
)

// TestGuardedHandlersAreBounded: the middleware keeps one guarded handler
// per handler echo's router holds, never one per request, whatever the
// requests and the middleware after it.
func TestGuardedHandlersAreBounded(t *testing.T) {
	e, err := engine.New(t.Context(), engine.WithBackend(backend.NewMemory()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	wrapsAnew := func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error { return next(c) }
	}
	tests := []struct {
		name  string
		after []echo.MiddlewareFunc
		want  int
	}{
		// /a, /b, /g/c (group middleware runs inside the route's handler),
		// echo's 404 and 405 handlers; not the handler echo makes for each
		// OPTIONS request.
		{name: "Waygate last", want: 5},
		{name: "a middleware after Waygate's", after: []echo.MiddlewareFunc{wrapsAnew}, want: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := &middleware{eng: e}
			app := echo.New()
			app.Use(append([]echo.MiddlewareFunc{m.wrap}, tt.after...)...)
			ok := func(c echo.Context) error { return c.NoContent(200) }
			app.GET("/a", ok)
			app.GET("/b", ok)
			app.Group("/g", wrapsAnew).GET("/c", ok)
			for range 20 {
				for _, req := range [][2]string{{"GET", "/a"}, {"GET", "/b"}, {"GET", "/g/c"}, {"OPTIONS", "/a"}, {"GET", "/nowhere"}, {"POST", "/a"}} {
					app.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(req[0], req[1], nil))
				}
			}
			n := 0
			m.guarded.Range(func(_, _ any) bool { n++; return true })
			if n != tt.want {
				t.Errorf("%d guarded handlers kept, want %d", n, tt.want)
			}
		})
	}
}
