package redislimit

import (
	"errors"
	"testing"
	"time"
)

func TestBreaker(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	b := newBreaker(time.Second)
	b.now = func() time.Time { return now }
	fail := errors.New("connection refused")

	if ok, probe := b.allow(); !ok || probe {
		t.Fatal("a closed breaker must let checks through, none as a probe")
	}
	b.done(fail, false)
	if ok, _ := b.allow(); ok {
		t.Fatal("a failure must open the breaker")
	}
	now = now.Add(999 * time.Millisecond)
	if ok, _ := b.allow(); ok {
		t.Fatal("open for the whole cool-down")
	}
	now = now.Add(time.Millisecond)
	ok, probe := b.allow()
	if ok || !probe {
		t.Fatal("after the cool-down one check starts the probe, and does not wait for it")
	}
	if ok, probe := b.allow(); ok || probe {
		t.Fatal("only one probe at a time")
	}
	b.done(fail, true)
	if ok, _ := b.allow(); ok {
		t.Fatal("a failed probe opens the breaker again")
	}
	now = now.Add(time.Second)
	if ok, probe := b.allow(); ok || !probe {
		t.Fatal("the next cool-down ends with another probe")
	}
	b.done(nil, true)
	for i := 0; i < 3; i++ {
		if ok, probe := b.allow(); !ok || probe {
			t.Fatal("a successful probe closes the breaker")
		}
	}
	if n := b.opened.Load(); n != 2 {
		t.Fatalf("opened %d times, want 2", n)
	}
}
