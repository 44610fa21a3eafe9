package engine_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/waygate-go/waygate/core/backend"
	"github.com/waygate-go/waygate/core/clock"
	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/route"
)

// A blocked path is answered again without rendering or allocating; each
// path still gets its own body, a new reason its own words, and a window's
// Retry-After counts down.
func TestRepeatedBlocksAreRenderedOnce(t *testing.T) {
	ctx := context.Background()
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clk := clock.NewFake(t0)
	e, err := engine.New(ctx, engine.WithBackend(backend.NewMemory()), engine.WithClock(clk))
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	must0(t, e.Register(ctx, reg("GET", "/files/*path", route.Maintenance("moving files")),
		reg("GET", "/window", route.MaintenanceWindow("upgrade", t0, t0.Add(time.Hour)))))
	check := func(path string) engine.Decision {
		return e.Check(ctx, &engine.Request{Method: "GET", Route: "/files/*path", Path: path})
	}
	a, b := check("/files/a"), check("/files/b")
	if !strings.Contains(string(a.Body), `"path":"/files/a"`) || !strings.Contains(string(b.Body), `"path":"/files/b"`) {
		t.Fatalf("bodies %s and %s: each path must be in its own body", a.Body, b.Body)
	}
	if again := check("/files/b"); &again.Body[0] != &b.Body[0] {
		t.Fatal("the same path blocked again was rendered again")
	}
	if n := testing.AllocsPerRun(100, func() { check("/files/b") }); n != 0 {
		t.Fatalf("a repeated block allocates %v times, want 0", n)
	}
	if _, err := e.SetMaintenance(ctx, "GET:/files/{path}", "still moving"); err != nil {
		t.Fatal(err)
	}
	if d := check("/files/b"); !strings.Contains(string(d.Body), `"reason":"still moving"`) {
		t.Fatalf("after a new reason: %s", d.Body)
	}

	win := func() engine.Decision {
		return e.Check(ctx, &engine.Request{Method: "GET", Route: "/window", Path: "/window"})
	}
	retryAfter := func(d engine.Decision) string {
		for _, h := range d.Header {
			if h.Name == "Retry-After" {
				return h.Value
			}
		}
		return ""
	}
	if got := retryAfter(win()); got != "3600" {
		t.Fatalf("Retry-After %q, want 3600", got)
	}
	clk.Advance(1500 * time.Millisecond)
	if got := retryAfter(win()); got != "3599" {
		t.Fatalf("1.5 s later Retry-After %q, want 3599 (rounded up)", got)
	}
}

// BenchmarkCheck_MaintenanceManyPaths blocks a different path each time
// (a catch-all in maintenance scanned by a crawler): every block is
// rendered.
func BenchmarkCheck_MaintenanceManyPaths(b *testing.B) {
	e := benchEngine(b)
	must0(b, e.Register(context.Background(), reg("GET", "/files/*path", route.Maintenance("moving"))))
	reqs := []*engine.Request{
		{Method: "GET", Route: "/files/*path", Path: "/files/a"},
		{Method: "GET", Route: "/files/*path", Path: "/files/b"},
	}
	ctx := context.Background()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		e.Check(ctx, reqs[i&1])
		i++
	}
}
