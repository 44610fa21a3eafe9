package waygategin_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gin-gonic/gin"

	waygategin "github.com/waygate-go/waygate/adapters/gin"
)

// The blocked path against the allowed path on the same route. An allowed
// request runs a handler that answers: here with a JSON body the size of
// a block's, set with gin's own c.Data, so a block (which writes its
// prepared body instead of running the handler) is compared with serving.

// servedBody is an answer the size of a maintenance block's body.
var servedBody = []byte(`{"order":{"id":"42","status":"shipped","carrier":"DHL","tracking":"JD0146000062812345","total":"129.90"}}`)

func served(c *gin.Context) { c.Data(http.StatusOK, "application/json", servedBody) }

func blockedApp(b *testing.B, decl ...gin.HandlerFunc) http.Handler {
	b.Helper()
	g := gin.New()
	e := newBenchEngine(b)
	g.Use(waygategin.Middleware(e))
	r := waygategin.Wrap(e, g)
	r.GET("/orders/:id", append(decl, served)...)
	if err := r.Register(b.Context()); err != nil {
		b.Fatal(err)
	}
	return g
}

// BenchmarkWaygateGin_Served is an allowed request whose handler answers;
// BenchmarkWaygateGin_Maintenance is the same route blocked.
func BenchmarkWaygateGin_Served(b *testing.B) {
	benchServeWant(b, blockedApp(b), "/orders/42", http.StatusOK)
}

// BenchmarkWaygateGin_RateLimitServed is an allowed request on a
// rate-limited route: counted, with the rate-limit headers.
func BenchmarkWaygateGin_RateLimitServed(b *testing.B) {
	benchServeWant(b, blockedApp(b, waygategin.RateLimit("1000000000/hour")), "/orders/42", http.StatusOK)
}

// BenchmarkWaygateGin_RateLimited is the same client over the route's
// limit, blocked again and again (a flood).
func BenchmarkWaygateGin_RateLimited(b *testing.B) {
	app := blockedApp(b, waygategin.RateLimit("1/hour"))
	app.ServeHTTP(&discard{h: http.Header{}}, httptest.NewRequest(http.MethodGet, "/orders/42", nil)) // the one request allowed
	benchServeWant(b, app, "/orders/42", http.StatusTooManyRequests)
}
