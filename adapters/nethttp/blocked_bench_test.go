package waygatehttp_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	waygatehttp "github.com/waygate-go/waygate/adapters/nethttp"
)

// The blocked path against the allowed path on the same route. An allowed
// request runs a handler that answers: here with a JSON body the size of
// a block's, so a block (which writes its prepared body instead of
// running the handler) is compared with serving.

// servedBody is an answer the size of a maintenance block's body.
var servedBody = []byte(`{"order":{"id":"42","status":"shipped","carrier":"DHL","tracking":"JD0146000062812345","total":"129.90"}}`)

func served(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(servedBody)
}

func blockedMux(b *testing.B, opts ...waygatehttp.RouteOption) *waygatehttp.ServeMux {
	mux := waygatehttp.NewServeMux(benchEngine(b))
	mux.HandleFunc("GET /orders/{id}", served, opts...)
	return mux
}

// BenchmarkWaygateNetHTTP_Served is an allowed request whose handler
// answers; BenchmarkWaygateNetHTTP_Maintenance is the same route blocked.
func BenchmarkWaygateNetHTTP_Served(b *testing.B) {
	benchServeWant(b, blockedMux(b), "/orders/42", http.StatusOK)
}

// BenchmarkWaygateNetHTTP_RateLimitServed is an allowed request on a
// rate-limited route: counted, with the rate-limit headers.
func BenchmarkWaygateNetHTTP_RateLimitServed(b *testing.B) {
	benchServeWant(b, blockedMux(b, waygatehttp.RateLimit("1000000000/hour")), "/orders/42", http.StatusOK)
}

// BenchmarkWaygateNetHTTP_RateLimited is the same client over the route's
// limit, blocked again and again (a flood).
func BenchmarkWaygateNetHTTP_RateLimited(b *testing.B) {
	mux := blockedMux(b, waygatehttp.RateLimit("1/hour"))
	mux.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/orders/42", nil)) // the one request allowed
	benchServeWant(b, mux, "/orders/42", http.StatusTooManyRequests)
}
