package flag

import (
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/waygate-go/waygate/core/clock"
)

// Event is one recorded evaluation, as shown by the live evaluation stream.
type Event struct {
	FlagKey string `json:"flag_key"`
	// Variation is the served variation, "" when none was served.
	Variation  string    `json:"variation"`
	Reason     Reason    `json:"reason"`
	ContextKey string    `json:"context_key"`
	RuleID     string    `json:"rule_id"`
	Time       time.Time `json:"timestamp"`
}

// Recorder keeps per-flag evaluation counts by variation (atomic counters,
// always on) and, when it has a ring or subscribers, a bounded ring of the
// latest evaluation events that subscribers also receive. Attach it to a
// Store with WithRecorder; evaluations through the Store are then recorded.
// Counting costs one atomic add; events cost a clock read and a short
// critical section, and are skipped entirely while nobody can see them.
type Recorder struct {
	clock clock.Clock

	mu      sync.Mutex
	ring    []Event
	next    int
	size    int
	subs    []*subscription
	events  atomic.Bool // ring or subscribers present
	dropped atomic.Uint64

	countsMu sync.Mutex
	counts   map[string]map[string]*atomic.Uint64
}

type subscription struct{ ch chan Event }

// RecorderOption configures a Recorder.
type RecorderOption interface{ applyRecorder(*Recorder) }

type recorderOptionFunc func(*Recorder)

func (f recorderOptionFunc) applyRecorder(r *Recorder) { f(r) }

// WithClock sets the time source of event timestamps.
// Optional. Default: the wall clock.
func WithClock(c clock.Clock) RecorderOption {
	return recorderOptionFunc(func(r *Recorder) { r.clock = c })
}

// NewRecorder returns a recorder keeping the latest capacity events
// (0 keeps none; subscribers still receive events).
func NewRecorder(capacity int, opts ...RecorderOption) *Recorder {
	r := &Recorder{clock: clock.Real{}, counts: map[string]map[string]*atomic.Uint64{}}
	if capacity > 0 {
		r.ring = make([]Event, capacity)
		r.events.Store(true)
	}
	for _, o := range opts {
		o.applyRecorder(r)
	}
	return r
}

// Record adds an event recorded outside a Store (for example by an SDK
// client) and counts it. Time defaults to now.
func (r *Recorder) Record(e Event) {
	r.counter(e.FlagKey, e.Variation).Add(1)
	if !r.events.Load() {
		return
	}
	if e.Time.IsZero() {
		e.Time = r.clock.Now().UTC()
	}
	r.push(e)
}

// record is the Store's hot path: the counters were resolved when the flag
// was compiled.
func (r *Recorder) record(f *compiledFlag, o *outcome, contextKey string) {
	if n := len(f.counts); n > 0 {
		i := o.variation
		if i < 0 || i >= n-1 {
			i = n - 1
		}
		f.counts[i].Add(1)
	}
	if !r.events.Load() {
		return
	}
	e := Event{FlagKey: f.key, Reason: o.reason, ContextKey: contextKey, Time: r.clock.Now().UTC()}
	if o.variation >= 0 {
		e.Variation = f.variations[o.variation].name
	}
	if o.rule != nil {
		e.RuleID = o.rule.id
	}
	r.push(e)
}

func (r *Recorder) push(e Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.ring) > 0 {
		r.ring[r.next] = e
		r.next = (r.next + 1) % len(r.ring)
		if r.size < len(r.ring) {
			r.size++
		}
	}
	for _, s := range r.subs {
		select {
		case s.ch <- e:
		default:
			r.dropped.Add(1)
		}
	}
}

// Recent returns up to limit of the latest events, newest first (limit <= 0
// returns all the ring holds).
func (r *Recorder) Recent(limit int) []Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	if limit <= 0 || limit > r.size {
		limit = r.size
	}
	out := make([]Event, 0, limit)
	for i := 1; i <= limit; i++ {
		out = append(out, r.ring[(r.next-i+len(r.ring))%len(r.ring)])
	}
	return out
}

// Subscribe returns a channel receiving every event from now on and a
// function that ends the subscription and closes the channel. Events that
// do not fit in the buffer are dropped (see Dropped), so a slow subscriber
// never slows evaluation down.
func (r *Recorder) Subscribe(buffer int) (events <-chan Event, cancel func()) {
	s := &subscription{ch: make(chan Event, max(buffer, 1))}
	r.mu.Lock()
	r.subs = append(r.subs, s)
	r.events.Store(true)
	r.mu.Unlock()
	var once sync.Once
	return s.ch, func() {
		once.Do(func() {
			r.mu.Lock()
			defer r.mu.Unlock()
			r.subs = slices.DeleteFunc(r.subs, func(x *subscription) bool { return x == s })
			r.events.Store(len(r.ring) > 0 || len(r.subs) > 0)
			close(s.ch)
		})
	}
}

// Dropped returns how many events subscribers missed because their buffer
// was full.
func (r *Recorder) Dropped() uint64 { return r.dropped.Load() }

// Counts returns the evaluation counts of one flag by variation name; the
// key "" counts evaluations that served no variation (invalid flags).
func (r *Recorder) Counts(flagKey string) map[string]uint64 {
	r.countsMu.Lock()
	defer r.countsMu.Unlock()
	out := map[string]uint64{}
	for name, c := range r.counts[flagKey] {
		if n := c.Load(); n > 0 {
			out[name] = n
		}
	}
	return out
}

// AllCounts returns the counts of every flag evaluated so far.
func (r *Recorder) AllCounts() map[string]map[string]uint64 {
	r.countsMu.Lock()
	keys := make([]string, 0, len(r.counts))
	for k := range r.counts {
		keys = append(keys, k)
	}
	r.countsMu.Unlock()
	sort.Strings(keys)
	out := make(map[string]map[string]uint64, len(keys))
	for _, k := range keys {
		if c := r.Counts(k); len(c) > 0 {
			out[k] = c
		}
	}
	return out
}

// ResetCounts forgets the counts of one flag (all flags when key is "").
// Counters resolved by a live snapshot keep counting from zero.
func (r *Recorder) ResetCounts(flagKey string) {
	r.countsMu.Lock()
	defer r.countsMu.Unlock()
	for k, byName := range r.counts {
		if flagKey == "" || k == flagKey {
			for _, c := range byName {
				c.Store(0)
			}
		}
	}
}

func (r *Recorder) counter(flagKey, variation string) *atomic.Uint64 {
	r.countsMu.Lock()
	defer r.countsMu.Unlock()
	byName := r.counts[flagKey]
	if byName == nil {
		byName = map[string]*atomic.Uint64{}
		r.counts[flagKey] = byName
	}
	c := byName[variation]
	if c == nil {
		c = new(atomic.Uint64)
		byName[variation] = c
	}
	return c
}

// counters resolves a compiled flag's counters: one per variation, then
// one for "no variation". Counts survive recompilation by name.
func (r *Recorder) counters(f *compiledFlag) []*atomic.Uint64 {
	out := make([]*atomic.Uint64, 0, len(f.variations)+1)
	for _, v := range f.variations {
		out = append(out, r.counter(f.key, v.name))
	}
	return append(out, r.counter(f.key, ""))
}
