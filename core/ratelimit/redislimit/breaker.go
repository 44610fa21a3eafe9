package redislimit

import (
	"errors"
	"sync/atomic"
	"time"
)

// ErrUnavailable is what Take returns, at once, while the breaker is open:
// Redis failed recently and is not asked again until the cool-down ends.
// The engine fails open on it, as on any store error.
var ErrUnavailable = errors.New("redis rate limit: Redis failed recently; not asking again until the cool-down ends")

// DefaultCooldown is how long the breaker stays open after a failure.
const DefaultCooldown = 500 * time.Millisecond

// breaker keeps a Redis outage off the request path. Closed, every check
// asks Redis. A failed check opens it: checks fail at once without a
// network call (the engine allows them: fail-open). When the cool-down
// ends, the first check starts one probe (a PING, off the request path)
// and fails at once like the others; the probe's success closes the
// breaker, its failure opens it for another cool-down. So once the breaker
// has opened no request waits on a Redis that is down, or hung, and
// counting resumes within a cool-down (plus a round trip) of Redis
// returning.
type breaker struct {
	cooldown  time.Duration
	now       func() time.Time // wall time: an outage is measured in real time
	openUntil atomic.Int64     // unix nanoseconds; 0 when closed
	probing   atomic.Bool
	opened    atomic.Uint64 // times it opened, for tests and stats
}

func newBreaker(cooldown time.Duration) *breaker {
	return &breaker{cooldown: cooldown, now: time.Now}
}

// allow reports whether a check may ask Redis, or else whether it is the
// one that starts the probe.
func (b *breaker) allow() (ok, probe bool) {
	until := b.openUntil.Load()
	if until == 0 {
		return true, false
	}
	if b.now().UnixNano() < until {
		return false, false
	}
	if b.probing.CompareAndSwap(false, true) {
		return false, true
	}
	return false, false
}

// done records the outcome of a check, or of the probe.
func (b *breaker) done(err error, probe bool) {
	switch {
	case err == nil:
		if b.openUntil.Load() != 0 {
			b.openUntil.Store(0)
		}
	case probe || b.openUntil.Load() == 0:
		b.opened.Add(1)
		b.openUntil.Store(b.now().Add(b.cooldown).UnixNano())
	}
	if probe {
		b.probing.Store(false)
	}
}
