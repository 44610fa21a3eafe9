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

// Recorder keeps per-flag evaluation counts by variation and reason
// (atomic counters, always on) and, when it has a ring or subscribers, a bounded ring of the
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
	counts   map[string]map[string]*reasonCounts // flag → variation → by reason
}

// countedReasons are the reasons a Recorder counts by, in the order Tallies
// lists them; the last, "", counts events recorded with any other reason.
var countedReasons = [...]Reason{ReasonTargetMatch, ReasonRuleMatch, ReasonFallthrough, ReasonOff,
	ReasonPrerequisiteFail, ReasonError, ReasonDefault, ""}

// reasonCounts are the counters of one flag variation, one per counted
// reason.
type reasonCounts [len(countedReasons)]atomic.Uint64

// reasonIndex is the index of r in countedReasons: a switch over constant
// strings of distinct lengths, a length test and one comparison.
func reasonIndex(r Reason) int {
	switch r {
	case ReasonTargetMatch:
		return 0
	case ReasonRuleMatch:
		return 1
	case ReasonFallthrough:
		return 2
	case ReasonOff:
		return 3
	case ReasonPrerequisiteFail:
		return 4
	case ReasonError:
		return 5
	case ReasonDefault:
		return 6
	}
	return len(countedReasons) - 1
}

// sum returns the count of every reason.
func (c *reasonCounts) sum() uint64 {
	var n uint64
	for i := range c {
		n += c[i].Load()
	}
	return n
}

// Tally is the number of evaluations of one flag that served one variation
// for one reason.
type Tally struct {
	Flag string `json:"flag_key"`
	// Variation is the served variation, "" when none was served.
	Variation string `json:"variation"`
	// Reason is why; "" counts events given to Record with a reason
	// outside the ones this package defines.
	Reason Reason `json:"reason"`
	Count  uint64 `json:"count"`
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
	r := &Recorder{clock: clock.Real{}, counts: map[string]map[string]*reasonCounts{}}
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
	r.counter(e.FlagKey, e.Variation)[reasonIndex(e.Reason)].Add(1)
	if !r.events.Load() {
		return
	}
	if e.Time.IsZero() {
		e.Time = r.clock.Now().UTC()
	}
	r.push(e)
}

// record is the Store's hot path: the counters were resolved when the flag
// was compiled, so counting is one atomic add.
func (r *Recorder) record(f *compiledFlag, o *outcome, contextKey string) {
	if n := len(f.counts); n > 0 {
		i := o.variation
		if i < 0 || i >= n-1 {
			i = n - 1
		}
		f.counts[i][reasonIndex(o.reason)].Add(1)
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

// Counts returns the evaluation counts of one flag by variation name,
// every reason added up; the key "" counts evaluations that served no
// variation (invalid flags).
func (r *Recorder) Counts(flagKey string) map[string]uint64 {
	r.countsMu.Lock()
	defer r.countsMu.Unlock()
	out := map[string]uint64{}
	for name, c := range r.counts[flagKey] {
		if n := c.sum(); n > 0 {
			out[name] = n
		}
	}
	return out
}

// Tallies returns the non-zero evaluation counts of every flag by variation
// and reason, sorted by flag, variation, then reason (target match, rule
// match, fallthrough, off, prerequisite fail, error, default, other). It
// is what a metrics exporter reads: the set of tallies only grows, and each
// count only grows, until ResetCounts.
func (r *Recorder) Tallies() []Tally {
	type row struct {
		flag, variation string
		c               *reasonCounts
	}
	r.countsMu.Lock()
	rows := make([]row, 0, len(r.counts)*3)
	for k, byName := range r.counts {
		for v, c := range byName {
			rows = append(rows, row{k, v, c})
		}
	}
	r.countsMu.Unlock()
	sort.Slice(rows, func(i, j int) bool {
		if rows[i].flag != rows[j].flag {
			return rows[i].flag < rows[j].flag
		}
		return rows[i].variation < rows[j].variation
	})
	var out []Tally
	for _, x := range rows {
		for i := range x.c {
			if n := x.c[i].Load(); n > 0 {
				out = append(out, Tally{Flag: x.flag, Variation: x.variation, Reason: countedReasons[i], Count: n})
			}
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
				for i := range c {
					c[i].Store(0)
				}
			}
		}
	}
}

// counter returns the counters of one flag variation, by reason.
func (r *Recorder) counter(flagKey, variation string) *reasonCounts {
	r.countsMu.Lock()
	defer r.countsMu.Unlock()
	byName := r.counts[flagKey]
	if byName == nil {
		byName = map[string]*reasonCounts{}
		r.counts[flagKey] = byName
	}
	c := byName[variation]
	if c == nil {
		c = new(reasonCounts)
		byName[variation] = c
	}
	return c
}

// counters resolves a compiled flag's counters: one set per variation,
// then one for "no variation". Counts survive recompilation by name.
func (r *Recorder) counters(f *compiledFlag) []*reasonCounts {
	out := make([]*reasonCounts, 0, len(f.variations)+1)
	for _, v := range f.variations {
		out = append(out, r.counter(f.key, v.name))
	}
	return append(out, r.counter(f.key, ""))
}
