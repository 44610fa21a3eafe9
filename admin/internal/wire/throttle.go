package wire

import (
	"math"
	"sync"
	"time"
)

// maxThrottleKeys bounds the failure table; expired windows are pruned
// before it grows past it.
const maxThrottleKeys = 50_000

// Throttle counts failed attempts (logins, OFREP credentials) per key in
// fixed windows.
type Throttle struct {
	mu     sync.Mutex
	window time.Duration
	m      map[string]*failWindow
}

type failWindow struct {
	start time.Time
	n     int
}

// NewThrottle counts failures in windows of the given length.
func NewThrottle(window time.Duration) *Throttle {
	return &Throttle{window: window, m: map[string]*failWindow{}}
}

// RetryAfter reports how long key must wait when it has max failures in the
// current window, or 0 when it may try.
func (t *Throttle) RetryAfter(key string, max int, now time.Time) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	w := t.m[key]
	if w == nil || !now.Before(w.start.Add(t.window)) || w.n < max {
		return 0
	}
	return w.start.Add(t.window).Sub(now)
}

// Fail counts one failure for key.
func (t *Throttle) Fail(key string, now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	w := t.m[key]
	if w == nil || !now.Before(w.start.Add(t.window)) {
		if w == nil && len(t.m) >= maxThrottleKeys {
			t.pruneLocked(now)
		}
		w = &failWindow{start: now}
		t.m[key] = w
	}
	w.n++
}

// Reset forgets key's failures (after a success).
func (t *Throttle) Reset(key string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.m, key)
}

func (t *Throttle) pruneLocked(now time.Time) {
	for k, w := range t.m {
		if !now.Before(w.start.Add(t.window)) {
			delete(t.m, k)
		}
	}
}

// RetrySeconds rounds d up to whole seconds, at least 1, for Retry-After.
func RetrySeconds(d time.Duration) int64 {
	return max(1, int64(math.Ceil(d.Seconds())))
}
