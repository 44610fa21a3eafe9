package engine_test

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/waygate-go/waygate/core/backend"
	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/route"
)

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
	for _, p := range []string{"/a", "/b", "/c", "/d", "/e", "/f", "/g", "/h"} { // a realistic table size
		regs = append(regs, reg("GET", p), reg("POST", p))
	}
	if err := e.Register(context.Background(), regs...); err != nil {
		b.Fatal(err)
	}
	return e
}

func benchCheck(b *testing.B, e *engine.Engine, r *engine.Request, want engine.Outcome) {
	ctx := context.Background()
	if d := e.Check(ctx, r); d.Outcome != want {
		b.Fatalf("outcome %v, want %v", d.Outcome, want)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		e.Check(ctx, r)
	}
}

// BenchmarkBaseline_SnapshotLookup is the floor Check is measured against:
// an atomic snapshot load and one map lookup, what any in-process state
// check costs.
func BenchmarkBaseline_SnapshotLookup(b *testing.B) {
	var p atomic.Pointer[map[string]route.Status]
	m := map[string]route.Status{"GET:/orders/{id}": route.StatusActive}
	p.Store(&m)
	b.ReportAllocs()
	var sink route.Status
	for b.Loop() {
		sink = (*p.Load())["GET:/orders/{id}"]
	}
	_ = sink
}

func BenchmarkCheck_Active(b *testing.B) {
	benchCheck(b, benchEngine(b), &engine.Request{Method: "GET", Route: "/orders/:id", Path: "/orders/42"}, engine.Allow)
}

func BenchmarkCheck_Deprecated(b *testing.B) {
	benchCheck(b, benchEngine(b), &engine.Request{Method: "GET", Route: "/legacy/orders", Path: "/legacy/orders"}, engine.Allow)
}

func BenchmarkCheck_Maintenance(b *testing.B) {
	benchCheck(b, benchEngine(b), &engine.Request{Method: "GET", Route: "/payments", Path: "/payments"}, engine.BlockMaintenance)
}

func BenchmarkCheck_EnvGated(b *testing.B) {
	benchCheck(b, benchEngine(b), &engine.Request{Method: "GET", Route: "/debug", Path: "/debug"}, engine.BlockNotFound)
}

func BenchmarkCheck_GlobalMaintenanceExempt(b *testing.B) {
	e := benchEngine(b)
	if _, err := e.EnableMaintenance(context.Background(), engine.GlobalScope(), "deploy", engine.WithExemptPaths("/orders/{id}")); err != nil {
		b.Fatal(err)
	}
	benchCheck(b, e, &engine.Request{Method: "GET", Route: "/orders/:id", Path: "/orders/42"}, engine.Allow)
}

func BenchmarkCheck_Parallel(b *testing.B) {
	e := benchEngine(b)
	r := engine.Request{Method: "GET", Route: "/orders/:id", Path: "/orders/42"}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		req := r
		for pb.Next() {
			e.Check(context.Background(), &req)
		}
	})
}

func BenchmarkCheck_Disabled(b *testing.B) {
	e := benchEngine(b)
	if _, err := e.Disable(context.Background(), "GET:/a", "gone"); err != nil {
		b.Fatal(err)
	}
	benchCheck(b, e, &engine.Request{Method: "GET", Route: "/a", Path: "/a"}, engine.BlockDisabled)
}

// rateLimited registers GET /limited with limit, counted per client IP.
func rateLimited(b *testing.B, limit string) *engine.Engine {
	e := benchEngine(b)
	if err := e.Register(context.Background(), reg("GET", "/limited", route.RateLimit(limit))); err != nil {
		b.Fatal(err)
	}
	return e
}

// BenchmarkCheck_RateLimitAllowed is an allowed request on a rate-limited
// route: resolve the client, count it, render the rate-limit headers.
func BenchmarkCheck_RateLimitAllowed(b *testing.B) {
	benchCheck(b, rateLimited(b, "1000000000/hour"), &engine.Request{Method: "GET", Route: "/limited", Path: "/limited", RemoteAddr: "203.0.113.7:4242"}, engine.Allow)
}

// BenchmarkCheck_RateLimited is a client over its limit, blocked again
// and again (a flood).
func BenchmarkCheck_RateLimited(b *testing.B) {
	e := rateLimited(b, "1/hour")
	r := &engine.Request{Method: "GET", Route: "/limited", Path: "/limited", RemoteAddr: "203.0.113.7:4242"}
	e.Check(context.Background(), r) // spends the one request
	benchCheck(b, e, r, engine.BlockRateLimited)
}
