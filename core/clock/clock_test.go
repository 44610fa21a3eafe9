package clock_test

import (
	"context"
	"testing"
	"time"

	"github.com/waygate-go/waygate/core/clock"
)

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func closed(ch <-chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

func TestAfter(t *testing.T) {
	c := clock.NewFake(t0)
	due, _ := clock.After(c, time.Second)
	c.Advance(time.Second - time.Nanosecond)
	if closed(due) {
		t.Fatal("closed before d has passed")
	}
	c.Advance(time.Nanosecond)
	if !closed(due) {
		t.Fatal("not closed once d has passed")
	}
	if n := c.Pending(); n != 0 {
		t.Fatalf("%d timers left after firing", n)
	}
}

func TestAfterStop(t *testing.T) {
	c := clock.NewFake(t0)
	due, stop := clock.After(c, time.Second)
	stop()
	if n := c.Pending(); n != 0 {
		t.Fatalf("%d timers pending after stop", n)
	}
	c.Advance(time.Hour)
	if closed(due) {
		t.Fatal("closed after stop")
	}
	stop() // a second stop is harmless
}

func TestAfterNothingToWaitFor(t *testing.T) {
	for _, d := range []time.Duration{0, -time.Second} {
		c := clock.NewFake(t0)
		due, stop := clock.After(c, d)
		if !closed(due) || c.Pending() != 0 {
			t.Errorf("After(%v): closed %v, %d timers pending; want closed at once, none", d, closed(due), c.Pending())
		}
		stop()
	}
}

// sleeper runs clock.Sleep in a goroutine and reports its result.
func sleeper(ctx context.Context, c clock.Clock, d time.Duration) <-chan bool {
	out := make(chan bool, 1)
	go func() { out <- clock.Sleep(ctx, c, d) }()
	return out
}

// waitPending waits until n timers are scheduled on c.
func waitPending(t *testing.T, c *clock.Fake, n int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for c.Pending() != n {
		if time.Now().After(deadline) {
			t.Fatalf("%d timers pending, want %d", c.Pending(), n)
		}
		time.Sleep(time.Millisecond)
	}
}

func result(t *testing.T, ch <-chan bool) bool {
	t.Helper()
	select {
	case ok := <-ch:
		return ok
	case <-time.After(5 * time.Second):
		t.Fatal("Sleep did not return")
		return false
	}
}

func TestSleep(t *testing.T) {
	c := clock.NewFake(t0)
	done := sleeper(context.Background(), c, time.Minute)
	waitPending(t, c, 1)
	c.Advance(time.Minute - time.Nanosecond)
	select {
	case ok := <-done:
		t.Fatalf("Sleep returned %v before d had passed", ok)
	default:
	}
	c.Advance(time.Nanosecond)
	if !result(t, done) {
		t.Fatal("Sleep = false once d has passed, want true")
	}
}

func TestSleepEndsWithTheContext(t *testing.T) {
	c := clock.NewFake(t0)
	ctx, cancel := context.WithCancel(context.Background())
	done := sleeper(ctx, c, time.Minute)
	waitPending(t, c, 1)
	cancel()
	if result(t, done) {
		t.Fatal("Sleep = true after the context ended, want false")
	}
	if n := c.Pending(); n != 0 {
		t.Fatalf("%d timers pending after Sleep returned, want its timer stopped", n)
	}

	if clock.Sleep(ctx, c, 0) {
		t.Error("Sleep on a done context = true, want false")
	}
	if !clock.Sleep(context.Background(), c, 0) {
		t.Error("Sleep(0) = false, want true")
	}
}

func TestSleepOnTheRealClock(t *testing.T) {
	if !clock.Sleep(context.Background(), clock.Real{}, time.Millisecond) {
		t.Fatal("Sleep on the real clock = false, want true")
	}
}
