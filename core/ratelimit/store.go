package ratelimit

import (
	"context"
	"fmt"
	"net/netip"
	"time"
)

// Algorithm selects how requests are counted.
type Algorithm string

// The algorithms.
const (
	FixedWindow   Algorithm = "fixed_window"
	SlidingWindow Algorithm = "sliding_window"
	MovingWindow  Algorithm = "moving_window"
	TokenBucket   Algorithm = "token_bucket"
)

// Valid reports whether a is a known algorithm.
func (a Algorithm) Valid() bool {
	switch a {
	case FixedWindow, SlidingWindow, MovingWindow, TokenBucket:
		return true
	}
	return false
}

func (a Algorithm) check() error {
	if !a.Valid() {
		return fmt.Errorf("%w: algorithm %q: use fixed_window, sliding_window, moving_window or token_bucket", ErrInvalid, a)
	}
	return nil
}

// Key identifies one counter: the scope (a route key, "__global__" or
// "__service:NAME__"), the tier, and the client. IP clients are keyed by
// address so extracting them allocates nothing.
type Key struct {
	Scope  string
	Tier   string
	Client string
	IP     netip.Addr
}

// String formats the key for logs, hits and Redis.
func (k Key) String() string {
	client := k.Client
	if k.IP.IsValid() {
		client = k.IP.String()
	}
	if k.Tier != "" {
		return k.Scope + ":" + k.Tier + ":" + client
	}
	return k.Scope + ":" + client
}

// Result is the outcome of counting one request.
type Result struct {
	Allowed bool
	// Limit is the effective amount (amount + burst) of the binding rate.
	Limit int64
	// Period is the binding rate's period.
	Period time.Duration
	// Remaining is how many more requests the binding rate allows now.
	Remaining int64
	// Reset is when the binding rate's quota is fully available again.
	Reset time.Time
	// RetryAfter is how long a blocked client should wait; 0 when allowed.
	RetryAfter time.Duration
}

// Store counts requests. Implementations are safe for concurrent use.
type Store interface {
	// Take counts one request against every rate (each raised by burst)
	// atomically: it is allowed only if all rates allow it, and counted only
	// when allowed, except under a single fixed window, which counts blocked
	// requests past its cap where they change no answer. The binding rate is
	// the one with the least remaining.
	Take(ctx context.Context, k Key, alg Algorithm, rates []Rate, burst int64) (Result, error)
	// Reset deletes every counter of scope.
	Reset(ctx context.Context, scope string) error
}
