package waygatefiber_test

import (
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"
	waygatefiber "github.com/waygate-go/waygate/adapters/fiber"
)

// The benchmarks drive fiber's fasthttp handler directly with one reused
// RequestCtx (no network), like fasthttp's server does per connection, so
// the difference between them is what Waygate adds to a request.

func benchApp(b *testing.B, waygate bool, handlers ...fiber.Handler) fasthttp.RequestHandler {
	b.Helper()
	app := fiber.New()
	app.Get("/orders/:id", append(handlers, func(c *fiber.Ctx) error { return c.SendString("ok") })...)
	if waygate {
		registerApp(b, app, newEngine(b))
	}
	return app.Handler()
}

func run(b *testing.B, h fasthttp.RequestHandler, header string) {
	b.Helper()
	runWant(b, h, header, 200, "ok")
}

// runWant is run for a request answered with status and a body starting
// with body.
func runWant(b *testing.B, h fasthttp.RequestHandler, header string, status int, body string) {
	b.Helper()
	var fctx fasthttp.RequestCtx
	fctx.Request.Header.SetMethod(fiber.MethodGet)
	fctx.Request.SetRequestURI("/orders/42")
	h(&fctx)
	if fctx.Response.StatusCode() != status || !strings.HasPrefix(string(fctx.Response.Body()), body) {
		b.Fatalf("GET /orders/42 = %d %q", fctx.Response.StatusCode(), fctx.Response.Body())
	}
	if header != "" && len(fctx.Response.Header.Peek(header)) == 0 {
		b.Fatalf("GET /orders/42 has no %s header", header)
	}
	b.ReportAllocs()
	for b.Loop() {
		fctx.Response.Reset()
		h(&fctx)
	}
}

// BenchmarkRawFiber is the baseline: bare fiber, one parameter route.
func BenchmarkRawFiber(b *testing.B) { run(b, benchApp(b, false), "") }

// BenchmarkRawFiber_Headers is bare fiber setting the three headers a
// deprecated route gets, to tell fasthttp's header cost from Waygate's.
func BenchmarkRawFiber_Headers(b *testing.B) {
	set := func(c *fiber.Ctx) error {
		c.Set("Deprecation", "@1780272000")
		c.Set("Sunset", "Fri, 01 Jan 2027 00:00:00 GMT")
		c.Set("Link", `</v2/orders>; rel="successor-version"`)
		return c.Next()
	}
	run(b, benchApp(b, false, set), "Deprecation")
}

// BenchmarkWaygateFiber_Active is the same route checked by Waygate.
func BenchmarkWaygateFiber_Active(b *testing.B) { run(b, benchApp(b, true), "") }

// BenchmarkWaygateFiber_Deprecated adds the wrapper and the three
// deprecation headers.
func BenchmarkWaygateFiber_Deprecated(b *testing.B) {
	run(b, benchApp(b, true, waygatefiber.Deprecated("2027-01-01", "/v2/orders")), "Deprecation")
}

// BenchmarkWaygateFiber_Maintenance answers the engine's JSON body: a
// blocked request must cost no more than an allowed one.
func BenchmarkWaygateFiber_Maintenance(b *testing.B) {
	runWant(b, benchApp(b, true, waygatefiber.Maintenance("DB migration")), "Content-Type", 503, `{"error":{"code":"MAINTENANCE_MODE"`)
}
