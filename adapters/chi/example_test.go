package waygatechi_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/go-chi/chi/v5"

	waygatechi "github.com/waygate-go/waygate/adapters/chi"
	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/ratelimit"
)

func handler(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok")) }

// Declare each route's state as chi middleware and register the router's
// routes, mounted ones with their full templates, at startup.
func ExampleRegister() {
	ctx := context.Background()
	e, err := engine.New(ctx, engine.WithEnv("production"))
	if err != nil {
		panic(err)
	}
	defer e.Close()

	r := chi.NewRouter()
	r.Use(waygatechi.Middleware(e))
	r.With(waygatechi.ForceActive()).Get("/health", handler)
	r.With(waygatechi.Maintenance("DB migration")).Get("/payments", handler)
	r.Route("/admin", func(r chi.Router) {
		r.Use(waygatechi.Disabled("closed for the audit"))
		r.Get("/users", handler)
	})
	v1 := chi.NewRouter()
	v1.With(waygatechi.Deprecated("2027-01-01", "/api/v2/orders/{id}")).Get("/orders/{id}", handler)
	r.Mount("/api/v1", v1)

	if err := waygatechi.Register(ctx, e, r); err != nil {
		panic(err)
	}
	for _, st := range e.Routes() {
		fmt.Println(st.Path, st.Status)
	}
	// Output:
	// GET:/admin/users disabled
	// GET:/api/v1/orders/{id} deprecated
	// GET:/health active
	// GET:/payments maintenance
}

// The Middleware judges a request by the pattern chi routes it to, so a
// runtime change by key reaches the route.
func ExampleMiddleware() {
	ctx := context.Background()
	e, err := engine.New(ctx)
	if err != nil {
		panic(err)
	}
	defer e.Close()

	r := chi.NewRouter()
	r.Use(waygatechi.Middleware(e))
	r.Get("/orders/{id}", handler)
	if err := waygatechi.Register(ctx, e, r); err != nil {
		panic(err)
	}
	if _, err := e.SetMaintenance(ctx, "GET:/orders/{id}", "DB migration"); err != nil {
		panic(err)
	}

	rec := httptest.NewRecorder()
	r.ServeHTTP(rec, httptest.NewRequest("GET", "/orders/42", nil))
	fmt.Println(rec.Code, rec.Body.String())
	// Output: 503 {"error":{"code":"MAINTENANCE_MODE","message":"This endpoint is temporarily unavailable","reason":"DB migration","path":"/orders/42"}}
}

// SetUser, in the app's auth middleware in front of Waygate, keys rate
// limits by user.
func ExampleSetUser() {
	e, _ := engine.New(context.Background())
	defer e.Close()

	r := chi.NewRouter()
	r.Use(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			next.ServeHTTP(w, waygatechi.SetUser(req, req.Header.Get("X-User")))
		})
	}, waygatechi.Middleware(e))
	r.With(waygatechi.RateLimit("1/minute", ratelimit.By(ratelimit.KeyUser))).Get("/search", handler)
	_ = waygatechi.Register(context.Background(), e, r)

	for _, user := range []string{"ann", "ann", "bob"} {
		req := httptest.NewRequest("GET", "/search", nil)
		req.Header.Set("X-User", user)
		rec := httptest.NewRecorder()
		r.ServeHTTP(rec, req)
		fmt.Println(user, rec.Code)
	}
	// Output:
	// ann 200
	// ann 429
	// bob 200
}
