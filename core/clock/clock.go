// Package clock is the time source of the engine. The real clock is the
// default; [Fake] lets tests move time forward and fire timers without
// sleeping.
package clock

import (
	"context"
	"slices"
	"sync"
	"time"
)

// Clock tells the time and schedules callbacks.
type Clock interface {
	Now() time.Time
	// AfterFunc calls f in its own goroutine (real clock) or in the goroutine
	// that advances time (fake clock) once d has elapsed.
	AfterFunc(d time.Duration, f func()) Timer
}

// Timer is a scheduled callback.
type Timer interface {
	// Stop prevents the callback from running; it reports whether it did.
	Stop() bool
}

// After returns a channel that is closed once d has passed on c, and a
// function that cancels the wait (harmless once the channel is closed). A d
// of zero or less has passed already: the channel is closed at once.
func After(c Clock, d time.Duration) (<-chan struct{}, func()) {
	due := make(chan struct{})
	if d <= 0 {
		close(due)
		return due, func() {}
	}
	t := c.AfterFunc(d, func() { close(due) })
	return due, func() { t.Stop() }
}

// Sleep waits until d has passed on c. It reports false, without waiting
// further, once ctx is done.
func Sleep(ctx context.Context, c Clock, d time.Duration) bool {
	if ctx.Err() != nil {
		return false
	}
	due, stop := After(c, d)
	defer stop()
	select {
	case <-ctx.Done():
		return false
	case <-due:
		return true
	}
}

// Real is the wall clock.
type Real struct{}

// Now returns time.Now().
func (Real) Now() time.Time { return time.Now() }

// AfterFunc wraps time.AfterFunc.
func (Real) AfterFunc(d time.Duration, f func()) Timer { return time.AfterFunc(d, f) }

// Fake is a manually advanced clock for tests. The zero value is not usable;
// create one with NewFake.
type Fake struct {
	mu     sync.Mutex
	now    time.Time
	timers []*fakeTimer
}

type fakeTimer struct {
	c       *Fake
	at      time.Time
	f       func()
	stopped bool
}

// NewFake returns a fake clock set to now.
func NewFake(now time.Time) *Fake { return &Fake{now: now} }

// Now returns the fake time.
func (c *Fake) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// AfterFunc schedules f to run when the clock is advanced past d.
func (c *Fake) AfterFunc(d time.Duration, f func()) Timer {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := &fakeTimer{c: c, at: c.now.Add(d), f: f}
	c.timers = append(c.timers, t)
	return t
}

// Stop cancels the timer.
func (t *fakeTimer) Stop() bool {
	t.c.mu.Lock()
	defer t.c.mu.Unlock()
	was := !t.stopped
	t.stopped = true
	t.c.timers = slices.DeleteFunc(t.c.timers, func(x *fakeTimer) bool { return x == t })
	return was
}

// Advance moves the clock forward by d and runs, in order, every timer that
// became due, in the calling goroutine.
func (c *Fake) Advance(d time.Duration) {
	c.mu.Lock()
	target := c.now.Add(d)
	c.mu.Unlock()
	for {
		c.mu.Lock()
		var next *fakeTimer
		for _, t := range c.timers {
			if !t.at.After(target) && (next == nil || t.at.Before(next.at)) {
				next = t
			}
		}
		if next == nil {
			c.now = target
			c.mu.Unlock()
			return
		}
		if next.at.After(c.now) {
			c.now = next.at
		}
		next.stopped = true
		c.timers = slices.DeleteFunc(c.timers, func(x *fakeTimer) bool { return x == next })
		c.mu.Unlock()
		next.f()
	}
}

// Set moves the clock to t (forward only) and runs the due timers.
func (c *Fake) Set(t time.Time) { c.Advance(t.Sub(c.Now())) }

// Pending returns how many timers are scheduled.
func (c *Fake) Pending() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.timers)
}
