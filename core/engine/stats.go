package engine

import (
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// Stats are the engine's counters, exposed by the admin API.
type Stats struct {
	// FailOpen counts backend failures the engine absorbed (requests kept
	// being served from the last known state).
	FailOpen uint64 `json:"fail_open"`
	// Resyncs counts full reloads after the backend came back or asked for one.
	Resyncs uint64 `json:"resyncs"`
	// DroppedChanges counts changes a slow subscriber missed.
	DroppedChanges uint64 `json:"dropped_changes"`
	// DroppedHits counts 429s not written to the hits log because its queue
	// was full.
	DroppedHits uint64 `json:"dropped_hits"`
	// FoldedHits counts 429s not written to the hits log because the same
	// client had been blocked on the same route, by the same policy, in
	// the same second: that one record stands for them.
	FoldedHits uint64 `json:"folded_hits"`
	// Synced reports whether the engine is in step with its backend now:
	// the state is loaded and, on a backend with a change stream (Redis,
	// a Waygate Server), the stream is up. It turns false while the
	// stream is down, and the engine serves its last known state.
	Synced bool `json:"synced"`
	// LastSync is the last time the engine knew it was in step: a load,
	// a change received, or an answered keepalive of the change stream.
	LastSync time.Time `json:"last_sync,omitzero"`
	// Lag is the delay of the last change received from another engine,
	// from its writer's clock to this engine applying it (0 until one
	// arrives, or when the backend does not carry write times).
	Lag time.Duration `json:"-"`
	// LagMillis is Lag in milliseconds, for the JSON of /api/health.
	LagMillis float64 `json:"lag_ms"`
	// BypassLifecycle and BypassRateLimits are the test bypasses in force
	// (BypassLifecycle, BypassRateLimits, SetBypass).
	BypassLifecycle  bool `json:"-"`
	BypassRateLimits bool `json:"-"`
}

type counters struct {
	failOpen    atomic.Uint64
	resyncs     atomic.Uint64
	droppedHits atomic.Uint64
	foldedHits  atomic.Uint64
	inStep      atomic.Bool
	lastSync    atomic.Int64 // unix nanoseconds
	lag         atomic.Int64 // nanoseconds
}

// inStepNow records that the engine is in step with its backend.
func (e *Engine) inStepNow() {
	e.stats.inStep.Store(true)
	e.stats.lastSync.Store(e.cfg.clock.Now().UnixNano())
}

// stepped records a sign of being in step (a change, a keepalive) while
// the stream is up, and the lag of a change written at written.
func (e *Engine) stepped(written time.Time) {
	now := e.cfg.clock.Now()
	e.stats.lastSync.Store(now.UnixNano())
	if !written.IsZero() {
		lag := max(0, now.Sub(written))
		e.stats.lag.Store(int64(lag))
		e.observeLag(lag)
	}
}

// Stats returns the current counters and test bypasses.
func (e *Engine) Stats() Stats {
	s := Stats{
		FailOpen:       e.stats.failOpen.Load(),
		Resyncs:        e.stats.resyncs.Load(),
		DroppedChanges: e.changes.droppedCount(),
		DroppedHits:    e.stats.droppedHits.Load(),
		FoldedHits:     e.stats.foldedHits.Load(),
		Synced:         e.stats.inStep.Load(),
		Lag:            time.Duration(e.stats.lag.Load()),

		BypassLifecycle:  e.bypassLifecycle.Load(),
		BypassRateLimits: e.bypassRateLimits.Load(),
	}
	if ns := e.stats.lastSync.Load(); ns != 0 {
		s.LastSync = time.Unix(0, ns).UTC()
	}
	s.LagMillis = float64(s.Lag.Microseconds()) / 1000
	return s
}

// failOpen counts and logs an absorbed backend failure.
func (e *Engine) failOpen(what string, err error) {
	e.stats.failOpen.Add(1)
	e.observeFailOpen(what, err)
	e.logs.warn("waygate: "+what+" failed; failing open", "err", err)
}

// failLog logs each message at most once per interval, reporting how many
// were suppressed, so an outage does not flood the log.
type failLog struct {
	logger   *slog.Logger
	mu       sync.Mutex
	last     map[string]time.Time
	dropped  map[string]int
	interval time.Duration
}

func (l *failLog) warn(msg string, args ...any) {
	l.mu.Lock()
	if l.last == nil {
		l.last, l.dropped = map[string]time.Time{}, map[string]int{}
	}
	iv := l.interval
	if iv == 0 {
		iv = 10 * time.Second
	}
	now := time.Now()
	if t, ok := l.last[msg]; ok && now.Sub(t) < iv {
		l.dropped[msg]++
		l.mu.Unlock()
		return
	}
	n := l.dropped[msg]
	l.last[msg], l.dropped[msg] = now, 0
	l.mu.Unlock()
	if n > 0 {
		args = append(args, "suppressed", n)
	}
	l.logger.Warn(msg, args...)
}
