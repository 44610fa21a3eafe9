package traffic

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/waygate-go/waygate/core/clock"
	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/flag"
)

const (
	// Minutes is how many minutes a window holds: the current minute and
	// the 59 before it.
	Minutes = 60
	// MaxRoutes bounds the routes a Recorder counts; Route returns nil for
	// keys past it.
	MaxRoutes = 10_000
	// MaxFlags bounds the flags whose evaluations are kept; a flag first
	// evaluated while MaxFlags others are kept is not charted until one of
	// them has had no evaluation for an hour.
	MaxFlags = 100
	// MaxVariations bounds the variations charted per flag; evaluations of
	// the others are summed under Other.
	MaxVariations = 12
	// Other names the series that sums a flag's variations past
	// MaxVariations.
	Other = "(other)"
)

// outcomes is how many engine.Outcome values there are.
const outcomes = int(engine.BlockRateLimited) + 1

// Counts are requests by outcome, indexed by engine.Outcome.
type Counts [outcomes]uint64

// Allowed returns the allowed requests.
func (c Counts) Allowed() uint64 { return c[engine.Allow] }

// Blocked returns the blocked requests, of every outcome.
func (c Counts) Blocked() uint64 { return c.Total() - c.Allowed() }

// Total returns every request.
func (c Counts) Total() uint64 {
	var n uint64
	for _, v := range c {
		n += v
	}
	return n
}

// Add adds o to c.
func (c *Counts) Add(o Counts) {
	for i, v := range o {
		c[i] += v
	}
}

// since returns c minus prev, outcome by outcome; a counter that went
// down (it cannot, but never underflow) counts from zero.
func (c Counts) since(prev Counts) Counts {
	for i, v := range prev {
		if c[i] >= v {
			c[i] -= v
		}
	}
	return c
}

// Recorder counts an engine's decisions per route and outcome and keeps
// the last hour of them, and of the flag evaluations, per minute. Add it
// to the engine with engine.Internals.AddObserver (or engine.WithObserver), then Start its
// sampler; Stop ends the sampling and has the engine stop reaching it at
// its next snapshot. It is safe for concurrent use.
type Recorder struct {
	engine.BaseObserver
	clock clock.Clock
	flags *flag.Recorder // nil: no flag charts

	mu      sync.Mutex
	routes  map[string]*routeSeries
	slots   [Minutes]int64 // the minute (Unix minutes) each ring slot holds
	fseries map[string]*flagSeries
	fprev   map[string]map[string]uint64 // the flag counts at the last sample
	timer   clock.Timer
	started bool
	stopped bool
	subs    map[chan time.Time]struct{}
}

// New returns a Recorder that reads the time from c and, when flags is not
// nil, charts the evaluations it counts.
func New(c clock.Clock, flags *flag.Recorder) *Recorder {
	r := &Recorder{clock: c, flags: flags, routes: map[string]*routeSeries{}, fseries: map[string]*flagSeries{},
		fprev: map[string]map[string]uint64{}, subs: map[chan time.Time]struct{}{}}
	for i := range r.slots {
		r.slots[i] = -1
	}
	return r
}

// Route returns the counter of one route's requests: the same one for the
// same key. Requests that matched no route ("") are not counted, nor routes
// past MaxRoutes, nor anything once the Recorder is stopped.
func (r *Recorder) Route(key string) engine.RouteObserver {
	if key == "" {
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.stopped {
		return nil
	}
	if s, found := r.routes[key]; found {
		return s
	}
	if len(r.routes) >= MaxRoutes {
		return nil
	}
	s := &routeSeries{}
	r.routes[key] = s
	return s
}

// routeSeries counts one route's requests. The counters are the request
// path's; the rest belongs to the Recorder's lock.
type routeSeries struct {
	counts [outcomes]atomic.Uint64
	prev   Counts           // the counters at the last sample
	ring   *[Minutes]Counts // by slot; nil while the route had no traffic for an hour
	active int64            // the last minute with traffic
}

// Decided counts a decision: one atomic add.
func (s *routeSeries) Decided(_ context.Context, _ string, o engine.Outcome, _ string) {
	if int(o) < outcomes {
		s.counts[o].Add(1)
	}
}

// RateLimitChecked does nothing: a limited request is counted by Decided.
func (s *routeSeries) RateLimitChecked(context.Context, engine.RateLimitResult) {}

// load reads the live counters.
func (s *routeSeries) load() Counts {
	var c Counts
	for i := range c {
		c[i] = s.counts[i].Load()
	}
	return c
}

// flagSeries is one flag's evaluations per variation and minute.
type flagSeries struct {
	vars   map[string]*[Minutes]uint64 // by variation name, at most MaxVariations plus Other
	active int64                       // the last minute with evaluations
}

// minuteOf returns t's minute, in minutes since the Unix epoch.
func minuteOf(t time.Time) int64 {
	s := t.Unix()
	if s < 0 {
		return (s - 59) / 60
	}
	return s / 60
}

// slotOf returns the ring slot of minute m.
func slotOf(m int64) int {
	s := int(m % Minutes)
	if s < 0 {
		s += Minutes
	}
	return s
}

// flagCounts reads the flag Recorder's counts (nil without one).
func (r *Recorder) flagCounts() map[string]map[string]uint64 {
	if r.flags == nil {
		return nil
	}
	return r.flags.AllCounts()
}
