package waygateotel_test

import (
	"context"
	"testing"

	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/waygate-go/waygate/core/backend"
	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/route"
	waygateotel "github.com/waygate-go/waygate/otel"
)

// benchEngine is core/engine's benchmark engine: four declared routes and
// a realistic table of sixteen more.
func benchEngine(b *testing.B) *engine.Engine {
	b.Helper()
	e, err := engine.New(context.Background(), engine.WithBackend(backend.NewMemory()), engine.WithEnv("production"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { e.Close() })
	regs := []engine.Registration{
		reg("GET", "/orders/:id"),
		reg("GET", "/payments", route.Maintenance("DB migration")),
		reg("GET", "/legacy/orders", route.Deprecated("2027-01-01", "/orders")),
		reg("GET", "/debug", route.EnvOnly("dev")),
	}
	for _, p := range []string{"/a", "/b", "/c", "/d", "/e", "/f", "/g", "/h"} {
		regs = append(regs, reg("GET", p), reg("POST", p))
	}
	if err := e.Register(context.Background(), regs...); err != nil {
		b.Fatal(err)
	}
	return e
}

// benchCheck measures Check on an allowed request in ctx.
func benchCheck(b *testing.B, ctx context.Context, e *engine.Engine) {
	r := &engine.Request{Method: "GET", Route: "/orders/:id", Path: "/orders/42"}
	if d := e.Check(ctx, r); d.Outcome != engine.Allow {
		b.Fatalf("outcome %v, want allow", d.Outcome)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		e.Check(ctx, r)
	}
}

// observe adds an Observer exporting to an SDK meter provider (with a
// reader, as an application has) and an SDK tracer provider.
func observe(b *testing.B, e *engine.Engine) {
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewManualReader()))
	tp := sdktrace.NewTracerProvider()
	b.Cleanup(func() {
		mp.Shutdown(context.Background())
		tp.Shutdown(context.Background())
	})
	if _, err := waygateotel.New(e, waygateotel.WithMeterProvider(mp), waygateotel.WithTracerProvider(tp)); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkCheck_Bare is an allowed request without observers: the
// baseline of BenchmarkCheck_Observed.
func BenchmarkCheck_Bare(b *testing.B) {
	benchCheck(b, context.Background(), benchEngine(b))
}

// BenchmarkCheck_Observed is BenchmarkCheck_Bare with waygateotel's
// metrics on. Budget: at most 15 ns and no allocation more than Bare.
func BenchmarkCheck_Observed(b *testing.B) {
	e := benchEngine(b)
	observe(b, e)
	benchCheck(b, context.Background(), e)
}

// BenchmarkCheck_ObservedUnsampled is Observed inside a span that is not
// recording (an unsampled trace), as most requests of a traced service
// are: the span is found and left alone.
func BenchmarkCheck_ObservedUnsampled(b *testing.B) {
	e := benchEngine(b)
	observe(b, e)
	tp := sdktrace.NewTracerProvider(sdktrace.WithSampler(sdktrace.NeverSample()))
	ctx, span := tp.Tracer("bench").Start(context.Background(), "GET /orders/{id}")
	defer span.End()
	benchCheck(b, ctx, e)
}
