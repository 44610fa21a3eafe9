package waygateechov5_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/labstack/echo/v5"

	waygateechov5 "github.com/waygate-go/waygate/adapters/echov5"
)

// The blocked path against the allowed path on the same route. An allowed
// request runs a handler that answers: here with a JSON body the size of
// a block's, written with echo's own c.JSONBlob, so a block (which writes
// its prepared body instead of running the handler) is compared with
// serving.

// servedBody is an answer the size of a maintenance block's body.
var servedBody = []byte(`{"order":{"id":"42","status":"shipped","carrier":"DHL","tracking":"JD0146000062812345","total":"129.90"}}`)

func served(c *echo.Context) error { return c.JSONBlob(http.StatusOK, servedBody) }

func blockedApp(b *testing.B, mws ...echo.MiddlewareFunc) *echo.Echo {
	b.Helper()
	app, r := newBenchApp(b)
	app.GET("/orders/:id", served, mws...)
	if err := r.Register(b.Context()); err != nil {
		b.Fatal(err)
	}
	return app
}

// BenchmarkWaygateEchoV5_Served is an allowed request whose handler answers;
// BenchmarkWaygateEchoV5_Maintenance is the same route blocked.
func BenchmarkWaygateEchoV5_Served(b *testing.B) {
	serveWant(b, blockedApp(b), "/orders/42", "", http.StatusOK)
}

// BenchmarkWaygateEchoV5_RateLimitServed is an allowed request on a
// rate-limited route: counted, with the rate-limit headers.
func BenchmarkWaygateEchoV5_RateLimitServed(b *testing.B) {
	serveWant(b, blockedApp(b, waygateechov5.RateLimit("1000000000/hour")), "/orders/42", "X-Ratelimit-Remaining", http.StatusOK)
}

// BenchmarkWaygateEchoV5_RateLimited is the same client over the route's
// limit, blocked again and again (a flood).
func BenchmarkWaygateEchoV5_RateLimited(b *testing.B) {
	app := blockedApp(b, waygateechov5.RateLimit("1/hour"))
	app.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/orders/42", nil)) // the one request allowed
	serveWant(b, app, "/orders/42", "Retry-After", http.StatusTooManyRequests)
}
