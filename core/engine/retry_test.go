package engine_test

import (
	"context"
	"errors"
	"log/slog"
	"testing"
	"time"

	"github.com/waygate-go/waygate/core/backend"
	"github.com/waygate-go/waygate/core/clock"
	"github.com/waygate-go/waygate/core/engine"
)

// refusingBackend is a backend that is down: every Load is handed to the
// test (so it sees each attempt) and fails, and every change stream ends
// at once, as a Redis subscription that cannot dial does.
type refusingBackend struct {
	*backend.Memory
	loads chan struct{}
}

func (b refusingBackend) Load(ctx context.Context) (backend.Snapshot, error) {
	select {
	case b.loads <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return nil, errors.New("connection refused")
}

func (b refusingBackend) Watch(context.Context) (<-chan backend.Change, error) {
	ch := make(chan backend.Change)
	close(ch)
	return ch, nil
}

// A stream that ends as soon as it starts must not cut the back-off short:
// the engine retries once per step, not in a loop.
func TestRetriesWaitTheirBackoffWhenTheStreamEndsAtOnce(t *testing.T) {
	clk := clock.NewFake(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	b := refusingBackend{Memory: backend.NewMemory(), loads: make(chan struct{})}
	type result struct {
		e   *engine.Engine
		err error
	}
	made := make(chan result, 1)
	go func() {
		e, err := engine.New(context.Background(), engine.WithBackend(b), engine.WithClock(clk), engine.WithLogger(slog.New(slog.DiscardHandler)))
		made <- result{e, err}
	}()
	attempt := func(what string) {
		t.Helper()
		select {
		case <-b.loads:
		case <-time.After(10 * time.Second):
			t.Fatalf("no load %s", what)
		}
	}
	attempt("at start")
	r := <-made
	if r.err != nil {
		t.Fatal(r.err)
	}
	defer r.e.Close()
	attempt("from the sync loop")
	// The loop now waits for its first back-off step (at most 100 ms on the
	// engine's clock, which stands still): no load may come.
	select {
	case <-b.loads:
		t.Fatal("the engine retried the load without waiting for its back-off")
	case <-time.After(100 * time.Millisecond):
	}
	for step := range 3 {
		clk.Advance(30 * time.Second) // past any back-off step
		attempt("after back-off step " + string(rune('1'+step)))
	}
}
