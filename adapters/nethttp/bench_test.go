package waygatehttp_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	waygatehttp "github.com/waygate-go/waygate/adapters/nethttp"
	"github.com/waygate-go/waygate/core/backend"
	"github.com/waygate-go/waygate/core/engine"
)

func okHandler(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(200) }

// benchServe drives h with one reused request and a recorder that is reset
// between iterations, so only routing, Waygate and the handler are measured.
func benchServe(b *testing.B, h http.Handler, path string) {
	benchServeWant(b, h, path, 200)
}

// benchServeWant is benchServe for a request answered with status.
func benchServeWant(b *testing.B, h http.Handler, path string, status int) {
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
		w.Body.Reset() // the recorder keeps every body written: reset, or its growth is counted
		h.ServeHTTP(w, req)
	}
}

func BenchmarkRawNetHTTP(b *testing.B) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /orders/{id}", okHandler)
	benchServe(b, mux, "/orders/42")
}

func benchEngine(b *testing.B) *engine.Engine {
	e, err := engine.New(context.Background(), engine.WithBackend(backend.NewMemory()))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { e.Close() })
	return e
}

func benchMux(b *testing.B) *waygatehttp.ServeMux {
	mux := waygatehttp.NewServeMux(benchEngine(b))
	mux.HandleFunc("GET /orders/{id}", okHandler)
	mux.HandleFunc("GET /legacy/{id}", okHandler, waygatehttp.Deprecated("2027-01-01", "/orders"))
	return mux
}

// BenchmarkWaygateNetHTTP_Maintenance answers the engine's JSON body: a
// blocked request must cost no more than an allowed one.
func BenchmarkWaygateNetHTTP_Maintenance(b *testing.B) {
	benchServeWant(b, blockedMux(b, waygatehttp.Maintenance("DB migration")), "/orders/42", 503)
}

func BenchmarkWaygateNetHTTP_Active(b *testing.B) {
	benchServe(b, benchMux(b), "/orders/42")
}

func BenchmarkWaygateNetHTTP_Deprecated(b *testing.B) {
	benchServe(b, benchMux(b), "/legacy/42")
}

// BenchmarkWaygateNetHTTP_Middleware wraps a whole plain ServeMux: the
// middleware asks the mux for the pattern, so the mux routes twice.
func BenchmarkWaygateNetHTTP_Middleware(b *testing.B) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /orders/{id}", okHandler)
	benchServe(b, waygatehttp.Middleware(benchEngine(b))(mux), "/orders/42")
}

// BenchmarkWaygateNetHTTP_MiddlewarePerRoute wraps the route's handler:
// the middleware reads the pattern the mux set on the request.
func BenchmarkWaygateNetHTTP_MiddlewarePerRoute(b *testing.B) {
	mw := waygatehttp.Middleware(benchEngine(b))
	mux := http.NewServeMux()
	mux.Handle("GET /orders/{id}", mw(http.HandlerFunc(okHandler)))
	benchServe(b, mux, "/orders/42")
}
