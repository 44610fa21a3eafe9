package waygategin_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gin-gonic/gin"

	waygategin "github.com/waygate-go/waygate/adapters/gin"
	"github.com/waygate-go/waygate/core/backend"
	"github.com/waygate-go/waygate/core/engine"
)

// discard is a reusable ResponseWriter that keeps its header map and drops
// the body, so the benchmarks measure routing, not recording.
type discard struct {
	h    http.Header
	code int
}

func (d *discard) Header() http.Header         { return d.h }
func (d *discard) Write(b []byte) (int, error) { return len(b), nil }
func (d *discard) WriteHeader(code int)        { d.code = code }

func benchServe(b *testing.B, h http.Handler, path string) {
	b.Helper()
	benchServeWant(b, h, path, http.StatusOK)
}

// benchServeWant is benchServe for a request answered with status.
func benchServeWant(b *testing.B, h http.Handler, path string, status int) {
	b.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	w := &discard{h: http.Header{}}
	h.ServeHTTP(w, req) // warm gin's context pool and the header map
	if w.code != status {
		b.Fatalf("GET %s = %d, want %d", path, w.code, status)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		h.ServeHTTP(w, req)
	}
}

func ok(c *gin.Context) { c.Status(http.StatusOK) }

// BenchmarkRawGin is the baseline: bare gin, an active parameter route.
func BenchmarkRawGin(b *testing.B) {
	g := gin.New()
	g.GET("/orders/:id", ok)
	benchServe(b, g, "/orders/42")
}

func newBenchEngine(b *testing.B) *engine.Engine {
	b.Helper()
	e, err := engine.New(b.Context(), engine.WithBackend(backend.NewMemory()))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { e.Close() })
	return e
}

func benchApp(b *testing.B, decl ...gin.HandlerFunc) http.Handler {
	b.Helper()
	e := newBenchEngine(b)
	g := gin.New()
	g.Use(waygategin.Middleware(e))
	r := waygategin.Wrap(e, g)
	r.GET("/orders/:id", append(decl, ok)...)
	if err := r.Register(b.Context()); err != nil {
		b.Fatal(err)
	}
	return g
}

// BenchmarkWaygateGin_Active is the same route behind Waygate, active.
func BenchmarkWaygateGin_Active(b *testing.B) {
	benchServe(b, benchApp(b), "/orders/42")
}

// BenchmarkWaygateGin_Deprecated adds the three deprecation headers.
func BenchmarkWaygateGin_Deprecated(b *testing.B) {
	benchServe(b, benchApp(b, waygategin.Deprecated("2027-01-01", "/v2/orders")), "/orders/42")
}

// BenchmarkWaygateGin_Maintenance answers the engine's JSON body.
func BenchmarkWaygateGin_Maintenance(b *testing.B) {
	benchServeWant(b, benchApp(b, waygategin.Maintenance("DB migration")), "/orders/42", http.StatusServiceUnavailable)
}
