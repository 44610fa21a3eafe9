package waygatechi_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/go-chi/chi/v5"

	waygatechi "github.com/waygate-go/waygate/adapters/chi"
	"github.com/waygate-go/waygate/core/backend"
	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/route"
)

func newEngine(t testing.TB, opts ...engine.Option) *engine.Engine {
	t.Helper()
	e, err := engine.New(context.Background(), append([]engine.Option{engine.WithBackend(backend.NewMemory()), engine.WithEnv("production")}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return e
}

func ok(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok")) }

// app is a router with every way chi nests routes: With, Group, Route,
// Mount of a sub-router, a mount inside a mount, Handle for every method,
// a catch-all, and the admin Mount.
func app(e *engine.Engine) *chi.Mux {
	r := chi.NewRouter()
	r.Use(waygatechi.Middleware(e))
	r.Get("/health", ok)
	r.With(waygatechi.Maintenance("DB migration")).Get("/payments", ok)
	r.Group(func(g chi.Router) {
		g.Use(waygatechi.Disabled("audit"))
		g.Get("/admin/users", ok)
		g.With(waygatechi.ForceActive()).Get("/admin/ping", ok)
	})
	r.Route("/legacy", func(lr chi.Router) {
		lr.Use(waygatechi.Deprecated("2027-01-01", "/orders"))
		lr.Get("/orders/{id}", ok)
	})
	v1 := chi.NewRouter()
	v1.Get("/orders/{id}", ok)
	v1.With(waygatechi.EnvOnly("dev")).Get("/debug", ok)
	v1.Get("/", ok)
	api := chi.NewRouter()
	api.Use(waygatechi.RateLimit("100/minute"))
	api.Mount("/v1", v1)
	r.Mount("/api", api)
	r.HandleFunc("/webhook", ok)
	r.Get("/files/*", ok)
	waygatechi.Mount(r, e, "/waygate", http.NotFoundHandler())
	return r
}

func TestRegisterFindsEveryRoute(t *testing.T) {
	e := newEngine(t)
	if err := waygatechi.Register(context.Background(), e, app(e)); err != nil {
		t.Fatal(err)
	}
	got := map[string]route.Status{}
	for _, st := range e.Routes() {
		got[st.Path] = st.Status
	}
	want := map[string]route.Status{
		"GET:/health":             route.StatusActive,
		"GET:/payments":           route.StatusMaintenance,
		"GET:/admin/users":        route.StatusDisabled,
		"GET:/admin/ping":         route.StatusDisabled, // and force-active
		"GET:/legacy/orders/{id}": route.StatusDeprecated,
		"GET:/api/v1/orders/{id}": route.StatusActive,
		"GET:/api/v1/debug":       route.StatusEnvGated,
		"GET:/api/v1/":            route.StatusActive,
		"/webhook":                route.StatusActive,
		"GET:/files/{*}":          route.StatusActive,
	}
	for k, s := range want {
		if got[k] != s {
			t.Errorf("%s: status %q, want %q", k, got[k], s)
		}
	}
	for _, st := range e.Routes() {
		if st.ForceActive != (st.Path == "GET:/admin/ping") {
			t.Errorf("%s: ForceActive %v", st.Path, st.ForceActive)
		}
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("unexpected route %s", k)
		}
	}
}

func TestRegisterRejectsInvalidDeclaration(t *testing.T) {
	e := newEngine(t)
	r := chi.NewRouter()
	r.With(waygatechi.RateLimit("often")).Get("/x", ok)
	if err := waygatechi.Register(context.Background(), e, r); err == nil {
		t.Fatal("Register accepted an invalid rate limit")
	}
}

func serve(h http.Handler, method, target string) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(method, target, nil))
	return w
}
