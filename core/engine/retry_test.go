package engine_test

import (
	"context"
	"errors"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/waygate-go/waygate/core/backend"
	"github.com/waygate-go/waygate/core/clock"
	"github.com/waygate-go/waygate/core/engine"
)

// refusingBackend is a backend that is down: every Load fails (and is
// counted, so the test sees each attempt), and every change stream ends at
// once, as a Redis subscription that cannot dial does.
type refusingBackend struct {
	*backend.Memory
	loads *atomic.Int64
}

func (b refusingBackend) Load(context.Context) (backend.Snapshot, error) {
	b.loads.Add(1)
	return nil, errors.New("connection refused")
}

func (b refusingBackend) Watch(context.Context) (<-chan backend.Change, error) {
	ch := make(chan backend.Change)
	close(ch)
	return ch, nil
}

// A stream that ends as soon as it starts must not cut the back-off short:
// the engine retries once per back-off step, not in a loop.
func TestRetriesWaitTheirBackoffWhenTheStreamEndsAtOnce(t *testing.T) {
	clk := clock.NewFake(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	b := refusingBackend{Memory: backend.NewMemory(), loads: &atomic.Int64{}}
	e, err := engine.New(context.Background(), engine.WithBackend(b), engine.WithClock(clk), engine.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	loads := func(want int64, what string) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for b.loads.Load() < want {
			if time.Now().After(deadline) {
				t.Fatalf("%d loads, want %d %s", b.loads.Load(), want, what)
			}
			time.Sleep(time.Millisecond)
		}
	}
	// One load at start, one from the sync loop; then the loop waits for
	// its first back-off step on the engine's clock, which stands still.
	loads(2, "(at start and from the sync loop)")
	for range 50 { // a loop that retried at once would be seen here
		time.Sleep(2 * time.Millisecond)
		if n := b.loads.Load(); n != 2 {
			t.Fatalf("%d loads while the engine's clock stood still: it retried without waiting for its back-off", n)
		}
	}
	for step := range 3 {
		clk.Advance(30 * time.Second) // past any back-off step
		loads(int64(3+step), "after a back-off step")
	}
}
