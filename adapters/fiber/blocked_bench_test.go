package waygatefiber_test

import (
	"testing"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	waygatefiber "github.com/waygate-go/waygate/adapters/fiber"
)

// The blocked path against the allowed path on the same route. An allowed
// request runs a handler that answers: here with a JSON body the size of
// a block's, so a block (which writes its prepared body instead of
// running the handler) is compared with serving.

// servedBody is an answer the size of a maintenance block's body.
var servedBody = []byte(`{"order":{"id":"42","status":"shipped","carrier":"DHL","tracking":"JD0146000062812345","total":"129.90"}}`)

func served(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
	return c.Send(servedBody)
}

func blockedApp(b *testing.B, decl ...fiber.Handler) fasthttp.RequestHandler {
	b.Helper()
	app := fiber.New()
	app.Get("/orders/:id", append(decl, served)...)
	registerApp(b, app, newEngine(b))
	return app.Handler()
}

// BenchmarkWaygateFiber_Served is an allowed request whose handler
// answers; BenchmarkWaygateFiber_Maintenance is the same route blocked.
func BenchmarkWaygateFiber_Served(b *testing.B) {
	runWant(b, blockedApp(b), "", 200, `{"order"`)
}

// BenchmarkWaygateFiber_RateLimitServed is an allowed request on a
// rate-limited route: counted, with the rate-limit headers.
func BenchmarkWaygateFiber_RateLimitServed(b *testing.B) {
	runWant(b, blockedApp(b, waygatefiber.RateLimit("1000000000/hour")), "X-Ratelimit-Remaining", 200, `{"order"`)
}

// BenchmarkWaygateFiber_RateLimited is the same client over the route's
// limit, blocked again and again (a flood).
func BenchmarkWaygateFiber_RateLimited(b *testing.B) {
	h := blockedApp(b, waygatefiber.RateLimit("1/hour"))
	var fctx fasthttp.RequestCtx
	fctx.Request.Header.SetMethod(fiber.MethodGet)
	fctx.Request.SetRequestURI("/orders/42")
	h(&fctx) // the one request allowed
	runWant(b, h, "Retry-After", 429, `{"error":{"code":"RATE_LIMIT_EXCEEDED"`)
}
