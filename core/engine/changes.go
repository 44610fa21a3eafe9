package engine

import (
	"context"
	"sync"
	"time"

	"github.com/waygate-go/waygate/core/audit"
	"github.com/waygate-go/waygate/core/flag"
	"github.com/waygate-go/waygate/core/ratelimit"
	"github.com/waygate-go/waygate/core/route"
)

// ChangeKind says what a Change is about.
type ChangeKind string

// The kinds of change.
const (
	KindRoute   ChangeKind = "route"
	KindGlobal  ChangeKind = "global"
	KindService ChangeKind = "service"
	// KindFlag: a feature flag changed (Key is the flag key).
	KindFlag ChangeKind = "flag"
	// KindSegment: a flag segment changed (Key is the segment key).
	KindSegment ChangeKind = "segment"
	// KindRateLimit: a route, global or service rate-limit policy changed.
	KindRateLimit ChangeKind = "rate_limit"
	// KindResync: the state was reloaded from the backend, or routes were
	// registered; re-read everything.
	KindResync ChangeKind = "resync"
)

// Change describes one state change, local or made by another engine.
type Change struct {
	Kind ChangeKind
	// Key is the route key (KindRoute), "maintenance" (KindGlobal) or the
	// service name (KindService).
	Key     string
	Service string
	// Action is the audited action; empty for changes made elsewhere.
	Action      audit.Action
	Route       *route.State
	Maintenance *route.MaintenanceConfig
	// Policy is the new rate-limit policy (nil when deleted or unknown).
	Policy *ratelimit.Policy
	// Flag and Segment are the new flag or segment (nil when deleted).
	Flag    *flag.Flag
	Segment *flag.Segment
	Actor   string
	Time    time.Time
}

// changeHub fans changes out to subscribers. A subscriber that does not keep
// up loses changes (counted in Stats.DroppedChanges) rather than slowing
// mutations.
type changeHub struct {
	mu      sync.Mutex
	subs    map[chan Change]struct{}
	dropped uint64
}

// Subscribe streams every change until ctx is done, when the channel is
// closed. The channel buffers 256 changes; a reader that falls further
// behind misses changes (see Stats.DroppedChanges) and should re-read the
// state when it sees a gap.
func (e *Engine) Subscribe(ctx context.Context) <-chan Change {
	ch := make(chan Change, 256)
	h := &e.changes
	h.mu.Lock()
	if h.subs == nil {
		h.subs = map[chan Change]struct{}{}
	}
	h.subs[ch] = struct{}{}
	h.mu.Unlock()
	go func() {
		<-ctx.Done()
		h.mu.Lock()
		defer h.mu.Unlock()
		if _, ok := h.subs[ch]; ok {
			delete(h.subs, ch)
			close(ch)
		}
	}()
	return ch
}

func (h *changeHub) emit(c Change) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for ch := range h.subs {
		select {
		case ch <- c:
		default:
			h.dropped++
		}
	}
}

func (h *changeHub) closeAll() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for ch := range h.subs {
		close(ch)
	}
	clear(h.subs)
}

func (h *changeHub) droppedCount() uint64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.dropped
}
