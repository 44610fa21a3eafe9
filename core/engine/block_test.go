package engine_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/waygate-go/waygate/core/backend"
	"github.com/waygate-go/waygate/core/clock"
	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/ratelimit"
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

// A client blocked again by the same limit within the same second gets the
// 429 rendered for it before, without allocating, and leaves one hit in
// the log (the repeats are counted); the next second, another client or a
// count that moved renders and logs again.
func TestRepeated429sAreFoldedIntoOneHit(t *testing.T) {
	ctx := context.Background()
	clk := clock.NewFake(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	e, err := engine.New(ctx, engine.WithBackend(backend.NewMemory()), engine.WithClock(clk))
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	must0(t, e.Register(ctx, reg("GET", "/a", route.RateLimit("1/hour"))))
	alice := &engine.Request{Method: "GET", Route: "/a", Path: "/a", RemoteAddr: "192.0.2.1:5"}
	bob := &engine.Request{Method: "GET", Route: "/a", Path: "/a", RemoteAddr: "192.0.2.2:5"}
	if d := e.Check(ctx, alice); !d.Allowed() {
		t.Fatal("alice's first request blocked")
	}
	first := e.Check(ctx, alice)
	if first.Status != 429 || first.Header[1].Name != "Retry-After" || first.Header[1].Value != "3600" {
		t.Fatalf("alice's second request: %d %v", first.Status, first.Header)
	}
	again := e.Check(ctx, alice)
	if &again.Body[0] != &first.Body[0] || !slices.Equal(again.Header, first.Header) {
		t.Fatal("a repeated 429 in the same second was rendered again")
	}
	if n := testing.AllocsPerRun(100, func() { e.Check(ctx, alice) }); n != 0 {
		t.Fatalf("a repeated 429 allocates %v times, want 0", n)
	}
	hits := waitHits(t, e, 1)
	if hits[0].Key != "GET:/a:192.0.2.1" {
		t.Fatalf("hit %+v", hits[0])
	}
	if folded := e.Stats().FoldedHits; folded != 101+1 { // AllocsPerRun runs once more to warm up
		t.Fatalf("FoldedHits %d, want 102", folded)
	}

	clk.Advance(1500 * time.Millisecond)
	later := e.Check(ctx, alice)
	if retry := later.Header[1].Value; retry != "3599" {
		t.Fatalf("1.5 s later Retry-After %q, want 3599", retry)
	}
	if !strings.Contains(string(later.Body), `"retry_after_seconds":3599`) {
		t.Fatalf("1.5 s later the body says %s", later.Body)
	}
	e.Check(ctx, bob)
	if d := e.Check(ctx, bob); d.Status != 429 || !strings.Contains(string(d.Body), `"limit":"1/hour"`) {
		t.Fatalf("bob's second request: %d %s", d.Status, d.Body)
	}
	if hits := waitHits(t, e, 3); hits[0].Key != "GET:/a:192.0.2.2" || hits[1].Key != "GET:/a:192.0.2.1" {
		t.Fatalf("hits %+v: want bob's, then alice's next second", hits)
	}
}

// waitHits waits for the hits log (written in the background) to hold n
// hits and returns them, newest first.
func waitHits(t *testing.T, e *engine.Engine, n int) []ratelimit.Hit {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		hits, err := e.Hits(context.Background(), "", 100)
		if err != nil {
			t.Fatal(err)
		}
		if len(hits) >= n {
			if len(hits) > n {
				t.Fatalf("%d hits, want %d: %+v", len(hits), n, hits)
			}
			return hits
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d hits after 10 s, want %d", len(hits), n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// A global limit folds a client's repeats per route: the same client
// blocked on another route (even on the same path) in the same second
// leaves that route's own hit.
func TestFoldedHitsArePerRoute(t *testing.T) {
	ctx := context.Background()
	e, err := engine.New(ctx, engine.WithBackend(backend.NewMemory()), engine.WithClock(clock.NewFake(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))))
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	must0(t, e.Register(ctx, reg("GET", "/a"), reg("POST", "/a")))
	limit := "1/hour"
	must(e.SetRateLimit(ctx, engine.GlobalScope(), ratelimit.Patch{Limit: &limit}))(t)
	get := &engine.Request{Method: "GET", Route: "/a", Path: "/a", RemoteAddr: "192.0.2.1:5"}
	post := &engine.Request{Method: "POST", Route: "/a", Path: "/a", RemoteAddr: "192.0.2.1:5"}
	if d := e.Check(ctx, get); !d.Allowed() {
		t.Fatal("the first request was blocked")
	}
	for _, r := range []*engine.Request{get, get, post, post} {
		if d := e.Check(ctx, r); d.Status != 429 {
			t.Fatalf("%s: %d, want 429", r.Method, d.Status)
		}
	}
	hits := waitHits(t, e, 2)
	if hits[0].Path != "POST:/a" || hits[1].Path != "GET:/a" || e.Stats().FoldedHits != 2 {
		t.Fatalf("hits %+v, folded %d: want one per route", hits, e.Stats().FoldedHits)
	}
}
