package memlimit

import (
	"sync/atomic"
	"time"
)

// coarseTick is the resolution of the store's wall clock.
const coarseTick = time.Millisecond

// coarseIdle is how long the ticker runs without a reader before it stops.
const coarseIdle = time.Second

// coarseClock is a millisecond-resolution clock for the hot path. Reading
// the system clock costs 25–60 ns on virtual machines, as much as the
// rest of a check; this clock costs an atomic load. A goroutine refreshes
// it every coarseTick while checks are being made and stops after
// coarseIdle without any, so an idle process pays nothing; a read while it
// is stopped reads the system clock and starts it again. Readings never go
// backwards.
type coarseClock struct {
	start   time.Time // monotonic origin
	base    int64     // start in Unix nanoseconds
	now     atomic.Int64
	running atomic.Bool
	used    atomic.Bool // set by readers, cleared by the ticker
}

func newCoarseClock() *coarseClock {
	start := time.Now()
	c := &coarseClock{start: start, base: start.UnixNano()}
	c.now.Store(c.base)
	return c
}

// read returns the time in Unix nanoseconds, at most about a tick old.
func (c *coarseClock) read() int64 {
	if c.running.Load() {
		if !c.used.Load() { // write only when needed: the flag is shared by every core
			c.used.Store(true)
		}
		return c.now.Load()
	}
	v := c.advance()
	if c.running.CompareAndSwap(false, true) {
		c.used.Store(true)
		go c.tick()
	}
	return v
}

// advance reads the system clock into now, keeping now monotonic.
func (c *coarseClock) advance() int64 {
	v := c.base + int64(time.Since(c.start))
	for {
		old := c.now.Load()
		if v <= old {
			return old
		}
		if c.now.CompareAndSwap(old, v) {
			return v
		}
	}
}

func (c *coarseClock) tick() {
	t := time.NewTicker(coarseTick)
	defer t.Stop()
	idle := 0
	for range t.C {
		c.advance()
		if c.used.Swap(false) {
			idle = 0
			continue
		}
		if idle++; time.Duration(idle)*coarseTick >= coarseIdle {
			c.running.Store(false)
			// A reader may have seen running just before the store above
			// and marked the clock used: keep ticking for it.
			if c.used.Load() && c.running.CompareAndSwap(false, true) {
				idle = 0
				continue
			}
			return
		}
	}
}
