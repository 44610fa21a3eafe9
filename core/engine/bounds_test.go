package engine_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/waygate-go/waygate/core/backend"
	"github.com/waygate-go/waygate/core/clock"
	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/ratelimit"
)

// stalledHits is a backend whose hits log hangs until released, as a slow
// or unreachable store would.
type stalledHits struct {
	backend.Backend
	release chan struct{}
}

func (s *stalledHits) Append(ctx context.Context, log backend.Log, entry []byte, keep int) error {
	if log == backend.LogHits {
		select {
		case <-s.release:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return s.Backend.Append(ctx, log, entry, keep)
}

// TestHitsLogIsBounded: the hits log keeps WithHitRetention entries, and
// while the backend cannot take them the queue in front of it stays
// bounded, dropping (and counting) what does not fit instead of holding
// requests or memory.
func TestHitsLogIsBounded(t *testing.T) {
	ctx := context.Background()
	b := &stalledHits{Backend: backend.NewMemory(), release: make(chan struct{})}
	e, err := engine.New(ctx, engine.WithBackend(b), engine.WithClock(clock.NewFake(t0)), engine.WithHitRetention(5))
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	must0(t, e.Register(ctx, reg("GET", "/a")))
	must(e.SetRateLimit(ctx, engine.RouteScope("GET:/a"), ratelimit.Patch{Limit: strp("1/minute")}))(t)
	const blocked = 3000 // more than the queue holds
	for i := range blocked {
		// Each client is blocked once: a client blocked again within the
		// same second would be folded into its first hit, not queued.
		req := &engine.Request{Method: "GET", Route: "/a", Path: "/a", RemoteAddr: fmt.Sprintf("10.0.%d.%d:5", i/250, i%250)}
		if d := e.Check(ctx, req); !d.Allowed() {
			t.Fatalf("client %d: first request blocked", i)
		}
		if d := e.Check(ctx, req); d.Status != 429 {
			t.Fatalf("client %d: second request %d, want 429", i, d.Status)
		}
	}
	dropped := e.Stats().DroppedHits
	if dropped == 0 || dropped >= blocked {
		t.Fatalf("%d of %d hits dropped while the backend hung, want the overflow of a bounded queue", dropped, blocked)
	}
	close(b.release)
	deadline := time.Now().Add(10 * time.Second)
	for {
		hits, err := e.Hits(ctx, "", 1000)
		if err != nil {
			t.Fatal(err)
		}
		if len(hits) > 5 {
			t.Fatalf("%d hits kept, retention is 5", len(hits))
		}
		if len(hits) == 5 && e.Stats().DroppedHits == dropped {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("hits log has %d entries, want 5", len(hits))
		}
		time.Sleep(10 * time.Millisecond)
	}
	raw, err := b.Tail(ctx, backend.LogHits, 0)
	if err != nil || len(raw) != 5 {
		t.Fatalf("backend keeps %d hits (%v), want 5", len(raw), err)
	}
}
