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
	// BypassLifecycle and BypassRateLimits are the test bypasses in force
	// (BypassLifecycle, BypassRateLimits, SetBypass).
	BypassLifecycle  bool `json:"-"`
	BypassRateLimits bool `json:"-"`
}

type counters struct {
	failOpen    atomic.Uint64
	resyncs     atomic.Uint64
	droppedHits atomic.Uint64
}

// Stats returns the current counters and test bypasses.
func (e *Engine) Stats() Stats {
	return Stats{
		FailOpen:       e.stats.failOpen.Load(),
		Resyncs:        e.stats.resyncs.Load(),
		DroppedChanges: e.changes.droppedCount(),
		DroppedHits:    e.stats.droppedHits.Load(),

		BypassLifecycle:  e.bypassLifecycle.Load(),
		BypassRateLimits: e.bypassRateLimits.Load(),
	}
}

// failOpen counts and logs an absorbed backend failure.
func (e *Engine) failOpen(what string, err error) {
	e.stats.failOpen.Add(1)
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
