package waygategin_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/gin-gonic/gin"

	waygategin "github.com/waygate-go/waygate/adapters/gin"
	"github.com/waygate-go/waygate/core/backend"
	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/route"
)

// keyRoutes registers routes in every shape gin knows, through the Router
// and straight on gin.
func keyRoutes(g *gin.Engine, r *waygategin.Router) {
	h := func(c *gin.Context) { c.Status(http.StatusOK) }
	r.GET("/orders/:id", h)
	r.GET("/files/*path", h)
	r.GET("/users/:uid/posts/:pid", h)
	r.Any("/anything", h)
	r.Match([]string{http.MethodPut, http.MethodPatch}, "/items/:id", h)
	r.Group("/v1").GET("/items/:id", h)
	r.Group("/v2/").GET("/", h)
	g.GET("/raw/*rest", h)
	g.DELETE("/raw-item/:id", h)
}

// TestRouteKeys: gin templates become stable {param} keys, listed at
// startup, and a runtime change made by key reaches the concrete request.
func TestRouteKeys(t *testing.T) {
	tests := []struct {
		key          string
		method, path string // a concrete request to the route
	}{
		{"GET:/orders/{id}", "GET", "/orders/42"},
		{"GET:/files/{path}", "GET", "/files/a/b.txt"},
		{"GET:/users/{uid}/posts/{pid}", "GET", "/users/7/posts/9"},
		{"/anything", "DELETE", "/anything"},
		{"PUT:/items/{id}", "PUT", "/items/3"},
		{"PATCH:/items/{id}", "PATCH", "/items/3"},
		{"GET:/v1/items/{id}", "GET", "/v1/items/5"},
		{"GET:/v2/", "GET", "/v2/"},
		{"GET:/raw/{rest}", "GET", "/raw/x/y"},
		{"DELETE:/raw-item/{id}", "DELETE", "/raw-item/1"},
	}
	e := newEngine(t)
	g := gin.New()
	g.Use(waygategin.Middleware(e))
	r := waygategin.Wrap(e, g)
	keyRoutes(g, r)
	register(t, r)

	got := listed(e)
	if len(got) != len(tests) {
		t.Errorf("listed %v, want %d keys", keys(got), len(tests))
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			if st, ok := got[tt.key]; !ok || st.Status != route.StatusActive {
				t.Fatalf("%s not listed as active; listed %v", tt.key, keys(got))
			}
			if _, err := e.SetMaintenance(t.Context(), tt.key, "by key"); err != nil {
				t.Fatalf("SetMaintenance(%s): %v", tt.key, err)
			}
			t.Cleanup(func() { e.Enable(t.Context(), tt.key) })
			rec := serve(g, tt.method, tt.path)
			var body struct {
				Error struct{ Code, Reason, Path string } `json:"error"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || rec.Code != http.StatusServiceUnavailable {
				t.Fatalf("%s %s = %d %s, want 503 JSON", tt.method, tt.path, rec.Code, rec.Body)
			}
			if body.Error.Code != "MAINTENANCE_MODE" || body.Error.Reason != "by key" || body.Error.Path != tt.path {
				t.Errorf("error = %+v, want MAINTENANCE_MODE, reason %q, path %s", body.Error, "by key", tt.path)
			}
		})
	}
}

// TestRouteKeysSurviveRestart: the same app registered again on the same
// backend finds its keys, so runtime changes outlive a restart.
func TestRouteKeysSurviveRestart(t *testing.T) {
	store := backend.NewMemory()
	start := func() (*engine.Engine, *gin.Engine) {
		e, err := engine.New(t.Context(), engine.WithBackend(store))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { e.Close() })
		g := gin.New()
		g.Use(waygategin.Middleware(e))
		r := waygategin.Wrap(e, g)
		keyRoutes(g, r)
		register(t, r)
		return e, g
	}
	first, _ := start()
	for _, k := range []string{"GET:/files/{path}", "/anything", "GET:/raw/{rest}"} {
		if _, err := first.Disable(t.Context(), k, "moved"); err != nil {
			t.Fatalf("Disable(%s): %v", k, err)
		}
	}
	first.Close()

	second, g := start()
	for _, c := range []struct{ method, path string }{{"GET", "/files/a"}, {"POST", "/anything"}, {"GET", "/raw/z"}} {
		if rec := serve(g, c.method, c.path); rec.Code != http.StatusServiceUnavailable {
			t.Errorf("%s %s after restart = %d, want 503", c.method, c.path, rec.Code)
		}
	}
	for k, st := range listed(second) {
		if st.Stale {
			t.Errorf("%s is stale after restart", k)
		}
	}
}
