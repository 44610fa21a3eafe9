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
// asks Redis. A failed check opens it: for the cool-down, checks fail at
// once without a network call (the engine allows them: fail-open). Then
// one check is let through as a probe while the others still fail at
// once; its success closes the breaker, its failure opens it again. So
// while Redis is down, one request per cool-down waits on the network, and
// within a cool-down of Redis returning, counting resumes.
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

// allow reports whether a check may ask Redis, and whether it is the probe.
func (b *breaker) allow() (ok, probe bool) {
	until := b.openUntil.Load()
	if until == 0 {
		return true, false
	}
	if b.now().UnixNano() < until {
		return false, false
	}
	if b.probing.CompareAndSwap(false, true) {
		return true, true
	}
	return false, false
}

// done records a check's outcome.
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
