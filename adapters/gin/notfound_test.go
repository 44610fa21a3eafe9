package waygategin

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/waygate-go/waygate/core/backend"
	"github.com/waygate-go/waygate/core/engine"
)

// The fields the native 404 reads are where this gin keeps them: a gin
// release that renames them fails here, not silently in production.
func TestNoRouteFieldsAreFound(t *testing.T) {
	if _, ok := ginOffsets(); !ok {
		t.Fatal("gin.Context.engine or gin.Engine.noRoute not found: notFound cannot run the app's NoRoute handlers")
	}
}

// A NoRoute handler that calls c.Next, as middleware-style handlers do,
// must not reach the hidden route's own handler.
func TestNoRouteCannotReachTheHiddenHandler(t *testing.T) {
	ctx := context.Background()
	e, err := engine.New(ctx, engine.WithBackend(backend.NewMemory()), engine.WithEnv("production"))
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	g := gin.New()
	g.Use(Middleware(e))
	r := Wrap(e, g)
	r.GET("/debug", EnvOnly("dev"), func(c *gin.Context) { c.String(http.StatusOK, "secret") })
	g.NoRoute(func(c *gin.Context) { c.Next() }, func(c *gin.Context) { c.Header("X-Seen", "yes") })
	if err := r.Register(ctx); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/debug", "/nope"} {
		rec := httptest.NewRecorder()
		g.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		if rec.Code != http.StatusNotFound || rec.Body.String() != "404 page not found" || rec.Header().Get("X-Seen") != "yes" {
			t.Errorf("GET %s = %d %q (X-Seen %q), want gin's 404 after every NoRoute handler", path, rec.Code, rec.Body, rec.Header().Get("X-Seen"))
		}
	}
}
