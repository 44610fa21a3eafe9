package engine_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/waygate-go/waygate/core/backend"
	"github.com/waygate-go/waygate/core/engine"
)

// scaleRegs returns n routes shaped like a large API: resources with an
// item route and a nested collection, half of them GET, half POST.
func scaleRegs(n int) []engine.Registration {
	regs := make([]engine.Registration, 0, n)
	for i := 0; len(regs) < n; i++ {
		base := fmt.Sprintf("/v1/resource%d", i)
		for _, r := range []engine.Registration{reg("GET", base+"/:id"), reg("POST", base), reg("GET", base+"/:id/items"), reg("POST", base+"/:id/items")} {
			if len(regs) < n {
				regs = append(regs, r)
			}
		}
	}
	return regs
}

func scaleEngine(b *testing.B, n int) *engine.Engine {
	b.Helper()
	e, err := engine.New(context.Background(), engine.WithBackend(backend.NewMemory()))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { e.Close() })
	if err := e.Register(context.Background(), scaleRegs(n)...); err != nil {
		b.Fatal(err)
	}
	return e
}

// BenchmarkRegister_10000Routes is the startup cost of registering 10,000
// routes on a fresh engine (one op = the whole registration).
func BenchmarkRegister_10000Routes(b *testing.B) {
	regs := scaleRegs(10_000)
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		e, err := engine.New(context.Background(), engine.WithBackend(backend.NewMemory()))
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if err := e.Register(context.Background(), regs...); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		e.Close()
		b.StartTimer()
	}
}

// BenchmarkCheck_Routes decides an allowed request among 10, 100, 1,000
// and 10,000 registered routes, in the same run: the points of the
// decision-cost-against-routes curve in docs/benchmarks.md.
func BenchmarkCheck_Routes(b *testing.B) {
	for _, n := range []int{10, 100, 1000, 10_000} {
		b.Run(fmt.Sprintf("routes=%d", n), func(b *testing.B) {
			e := scaleEngine(b, n)
			benchCheck(b, e, &engine.Request{Method: "GET", Route: "/v1/resource1/:id", Path: "/v1/resource1/7"}, engine.Allow)
		})
	}
}

// BenchmarkRebuild_OneChange_10000Routes is one runtime change (disable,
// then enable) on an engine with 10,000 routes: the backend write and the
// rebuild of the snapshot every request reads.
func BenchmarkRebuild_OneChange_10000Routes(b *testing.B) {
	e := scaleEngine(b, 10_000)
	ctx := context.Background()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		var err error
		if i%2 == 0 {
			_, err = e.Disable(ctx, "GET:/v1/resource1/{id}", "bench")
		} else {
			_, err = e.Enable(ctx, "GET:/v1/resource1/{id}")
		}
		if err != nil {
			b.Fatal(err)
		}
		i++
	}
}
