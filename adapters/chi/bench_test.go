package waygatechi_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/go-chi/chi/v5"

	waygatechi "github.com/waygate-go/waygate/adapters/chi"
)

func okHandler(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(200) }

// servedBody is an answer the size of a maintenance block's body.
var servedBody = []byte(`{"order":{"id":"42","status":"shipped","carrier":"DHL","tracking":"JD0146000062812345","total":"129.90"}}`)

func served(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(servedBody)
}

// benchServe drives h with one reused request and a recorder that is
// reset between iterations, so only routing, Waygate and the handler are
// measured.
func benchServe(b *testing.B, h http.Handler, path string, status int) {
	req := httptest.NewRequest("GET", path, nil)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	if w.Code != status {
		b.Fatalf("status %d", w.Code)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		clear(w.Header())
		w.Body.Reset()
		h.ServeHTTP(w, req)
	}
}

// benchRouter is a router with the middleware, GET /orders/{id} declared
// with decl and answered by h, registered.
func benchRouter(b *testing.B, h http.HandlerFunc, decl ...func(http.Handler) http.Handler) *chi.Mux {
	e := newEngine(b)
	r := chi.NewRouter()
	r.Use(waygatechi.Middleware(e))
	r.With(decl...).Get("/orders/{id}", h)
	if err := waygatechi.Register(context.Background(), e, r); err != nil {
		b.Fatal(err)
	}
	return r
}

func BenchmarkRawChi(b *testing.B) {
	r := chi.NewRouter()
	r.Get("/orders/{id}", okHandler)
	benchServe(b, r, "/orders/42", 200)
}

func BenchmarkWaygateChi_Active(b *testing.B) {
	benchServe(b, benchRouter(b, okHandler), "/orders/42", 200)
}

// BenchmarkWaygateChi_Mounted is a route two routers deep: the pattern
// chi's Find builds is concatenated.
func BenchmarkWaygateChi_Mounted(b *testing.B) {
	e := newEngine(b)
	r := chi.NewRouter()
	r.Use(waygatechi.Middleware(e))
	r.Route("/api", func(api chi.Router) { api.Get("/orders/{id}", okHandler) })
	if err := waygatechi.Register(context.Background(), e, r); err != nil {
		b.Fatal(err)
	}
	benchServe(b, r, "/api/orders/42", 200)
}

// BenchmarkRawChi_Mounted is BenchmarkWaygateChi_Mounted without Waygate.
func BenchmarkRawChi_Mounted(b *testing.B) {
	r := chi.NewRouter()
	r.Route("/api", func(api chi.Router) { api.Get("/orders/{id}", okHandler) })
	benchServe(b, r, "/api/orders/42", 200)
}

// BenchmarkWaygateChi_Maintenance answers the engine's JSON body: a
// blocked request must cost no more than an allowed one.
func BenchmarkWaygateChi_Maintenance(b *testing.B) {
	benchServe(b, benchRouter(b, served, waygatechi.Maintenance("DB migration")), "/orders/42", 503)
}

// BenchmarkWaygateChi_Served is an allowed request whose handler answers
// a body the size of a block's.
func BenchmarkWaygateChi_Served(b *testing.B) {
	benchServe(b, benchRouter(b, served), "/orders/42", 200)
}

// BenchmarkWaygateChi_RateLimitServed is an allowed request on a
// rate-limited route: counted, with the rate-limit headers.
func BenchmarkWaygateChi_RateLimitServed(b *testing.B) {
	benchServe(b, benchRouter(b, served, waygatechi.RateLimit("1000000000/hour")), "/orders/42", 200)
}

// BenchmarkWaygateChi_RateLimited is the same client over the route's
// limit, blocked again and again (a flood).
func BenchmarkWaygateChi_RateLimited(b *testing.B) {
	r := benchRouter(b, served, waygatechi.RateLimit("1/hour"))
	r.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/orders/42", nil)) // the one request allowed
	benchServe(b, r, "/orders/42", http.StatusTooManyRequests)
}
