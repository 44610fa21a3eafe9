package waygateechov5_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/labstack/echo/v5"
	waygateechov5 "github.com/waygate-go/waygate/adapters/echov5"
	"github.com/waygate-go/waygate/core/backend"
	"github.com/waygate-go/waygate/core/engine"
)

func benchHandler(c *echo.Context) error { return c.NoContent(http.StatusOK) }

// serve drives app with one reused request and recorder, as huma's adapter
// benchmarks do: no network, only the framework and Waygate.
func serve(b *testing.B, app http.Handler, path string, wantHeader string) {
	b.Helper()
	serveWant(b, app, path, wantHeader, http.StatusOK)
}

// serveWant is serve for a request answered with status.
func serveWant(b *testing.B, app http.Handler, path string, wantHeader string, status int) {
	b.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	rec := httptest.NewRecorder()
	app.ServeHTTP(rec, req)
	if rec.Code != status {
		b.Fatalf("status %d", rec.Code)
	}
	if wantHeader != "" && rec.Header().Get(wantHeader) == "" {
		b.Fatalf("header %s missing", wantHeader)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		clear(rec.Header())
		rec.Body.Reset() // the recorder keeps every body written: reset, or its growth is counted
		app.ServeHTTP(rec, req)
	}
}

// newBenchApp is an echo app with Waygate's middleware and its Router.
func newBenchApp(b *testing.B) (*echo.Echo, *waygateechov5.Router) {
	b.Helper()
	e, err := engine.New(context.Background(), engine.WithBackend(backend.NewMemory()))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { e.Close() })
	app := echo.New()
	app.Use(waygateechov5.Middleware(e))
	return app, waygateechov5.Wrap(e, app)
}

func benchApp(b *testing.B, mws ...echo.MiddlewareFunc) *echo.Echo {
	b.Helper()
	app, r := newBenchApp(b)
	app.GET("/orders/:id", benchHandler, mws...)
	if err := r.Register(context.Background()); err != nil {
		b.Fatal(err)
	}
	return app
}

// BenchmarkRawEchoV5 is the baseline: bare echo v5, one parameter route.
func BenchmarkRawEchoV5(b *testing.B) {
	app := echo.New()
	app.GET("/orders/:id", benchHandler)
	serve(b, app, "/orders/42", "")
}

// BenchmarkWaygateEchoV5_Active is the same route judged by Waygate.
func BenchmarkWaygateEchoV5_Active(b *testing.B) {
	serve(b, benchApp(b), "/orders/42", "")
}

// BenchmarkWaygateEchoV5_Deprecated adds the deprecation headers.
func BenchmarkWaygateEchoV5_Deprecated(b *testing.B) {
	serve(b, benchApp(b, waygateechov5.Deprecated("2027-01-01", "/v2/orders")), "/orders/42", "Deprecation")
}

// BenchmarkWaygateEchoV5_Maintenance answers the engine's JSON body: a
// blocked request must cost no more than an allowed one.
func BenchmarkWaygateEchoV5_Maintenance(b *testing.B) {
	serveWant(b, benchApp(b, waygateechov5.Maintenance("DB migration")), "/orders/42", "Content-Type", http.StatusServiceUnavailable)
}
