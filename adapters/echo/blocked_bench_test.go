package waygateecho_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/labstack/echo/v4"

	waygateecho "github.com/waygate-go/waygate/adapters/echo"
)

// The blocked path against the allowed path on the same route. An allowed
// request runs a handler that answers: here with a JSON body the size of
// a block's, written with echo's own c.JSONBlob, so a block (which writes
// its prepared body instead of running the handler) is compared with
// serving.

// servedBody is an answer the size of a maintenance block's body.
var servedBody = []byte(`{"order":{"id":"42","status":"shipped","carrier":"DHL","tracking":"JD0146000062812345","total":"129.90"}}`)

func served(c echo.Context) error { return c.JSONBlob(http.StatusOK, servedBody) }

func blockedApp(b *testing.B, mws ...echo.MiddlewareFunc) *echo.Echo {
	b.Helper()
	app, r := newBenchApp(b)
	app.GET("/orders/:id", served, mws...)
	if err := r.Register(b.Context()); err != nil {
		b.Fatal(err)
	}
	return app
}

// BenchmarkWaygateEcho_Served is an allowed request whose handler answers;
// BenchmarkWaygateEcho_Maintenance is the same route blocked.
func BenchmarkWaygateEcho_Served(b *testing.B) {
	serveWant(b, blockedApp(b), "/orders/42", "", http.StatusOK)
}

// BenchmarkWaygateEcho_RateLimitServed is an allowed request on a
// rate-limited route: counted, with the rate-limit headers.
func BenchmarkWaygateEcho_RateLimitServed(b *testing.B) {
	serveWant(b, blockedApp(b, waygateecho.RateLimit("1000000000/hour")), "/orders/42", "X-Ratelimit-Remaining", http.StatusOK)
}

// BenchmarkWaygateEcho_RateLimited is the same client over the route's
// limit, blocked again and again (a flood).
func BenchmarkWaygateEcho_RateLimited(b *testing.B) {
	app := blockedApp(b, waygateecho.RateLimit("1/hour"))
	app.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/orders/42", nil)) // the one request allowed
	serveWant(b, app, "/orders/42", "Retry-After", http.StatusTooManyRequests)
}
