package traffic

import (
	"cmp"
	"slices"
	"time"
)

// Start starts the sampler: at every boundary of the clock's minute it
// moves the minute that ended into the ring and tells the subscribers.
// Flag evaluations counted before Start are not charted. Starting twice, or
// after Stop, does nothing.
func (r *Recorder) Start() {
	fc := r.flagCounts()
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.started || r.stopped {
		return
	}
	r.started = true
	r.fprev = fc
	r.schedule(r.clock.Now())
}

// Stop stops the sampler and forgets the traffic kept so far. The engine
// keeps the Recorder among its observers, but Route answers nil from now
// on, so requests stop reaching it once the engine rebuilds its snapshot.
func (r *Recorder) Stop() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.stopped = true
	if r.timer != nil {
		r.timer.Stop()
		r.timer = nil
	}
	// Counters a snapshot still holds keep counting, unseen.
	clear(r.routes)
	clear(r.fseries)
	r.fprev = nil
}

// schedule sets the timer for the next minute boundary after now.
func (r *Recorder) schedule(now time.Time) {
	next := time.Unix((minuteOf(now)+1)*60, 0)
	r.timer = r.clock.AfterFunc(next.Sub(now), r.tick)
}

// tick samples the minute that just ended and schedules the next tick.
func (r *Recorder) tick() {
	now := r.clock.Now()
	fc := r.flagCounts()
	r.mu.Lock()
	if r.stopped {
		r.mu.Unlock()
		return
	}
	m := minuteOf(now) - 1
	r.sample(m, fc)
	r.schedule(now)
	subs := make([]chan time.Time, 0, len(r.subs))
	for ch := range r.subs {
		subs = append(subs, ch)
	}
	r.mu.Unlock()
	at := time.Unix(m*60, 0).UTC()
	for _, ch := range subs {
		select {
		case ch <- at:
		default: // the subscriber has not read the previous one yet: it will refresh anyway
		}
	}
}

// sample writes what every series gained since the last sample into the
// slot of minute m, and drops the rings of series quiet for an hour.
// Callers hold r.mu.
func (r *Recorder) sample(m int64, fc map[string]map[string]uint64) {
	slot := slotOf(m)
	r.slots[slot] = m
	for _, s := range r.routes {
		cur := s.load()
		d := cur.since(s.prev)
		s.prev = cur
		if d.Total() > 0 {
			s.active = m
			if s.ring == nil {
				s.ring = new([Minutes]Counts)
			}
		}
		if s.ring == nil {
			continue
		}
		if m-s.active >= Minutes-1 { // out of the window from the next minute on
			s.ring = nil
			continue
		}
		s.ring[slot] = d
	}
	for _, f := range r.fseries {
		for _, ring := range f.vars {
			ring[slot] = 0
		}
	}
	// Flags already charted take their evaluations; new ones take the
	// free places, the most evaluated first.
	var fresh []flagDelta
	for key, counts := range fc {
		d := deltas(counts, r.fprev[key])
		if len(d) == 0 {
			continue
		}
		if f := r.fseries[key]; f != nil {
			f.add(m, slot, d)
			continue
		}
		fresh = append(fresh, flagDelta{key: key, byName: d, total: sum(d)})
	}
	slices.SortFunc(fresh, byTotal)
	for _, fd := range fresh[:min(len(fresh), MaxFlags-len(r.fseries))] {
		f := &flagSeries{vars: map[string]*[Minutes]uint64{}}
		r.fseries[fd.key] = f
		f.add(m, slot, fd.byName)
	}
	for key, f := range r.fseries {
		if m-f.active >= Minutes-1 {
			delete(r.fseries, key)
		}
	}
	r.fprev = fc
}

// Subscribe returns a channel that receives the minute just sampled after
// every sample, and a function that ends the subscription. A subscriber
// that has not read the previous minute yet gets no second one.
func (r *Recorder) Subscribe() (<-chan time.Time, func()) {
	ch := make(chan time.Time, 1)
	r.mu.Lock()
	r.subs[ch] = struct{}{}
	r.mu.Unlock()
	return ch, func() {
		r.mu.Lock()
		defer r.mu.Unlock()
		delete(r.subs, ch)
	}
}

// flagDelta is what one flag's evaluation counts gained.
type flagDelta struct {
	key    string
	byName map[string]uint64
	total  uint64
}

// deltas returns what counts gained since prev, by variation, leaving out
// variations that gained nothing. A count below its previous value was
// reset, and counts from zero.
func deltas(counts, prev map[string]uint64) map[string]uint64 {
	var out map[string]uint64
	for name, n := range counts {
		d := n - prev[name]
		if n < prev[name] {
			d = n
		}
		if d == 0 {
			continue
		}
		if out == nil {
			out = map[string]uint64{}
		}
		out[name] = d
	}
	return out
}

func sum(m map[string]uint64) uint64 {
	var n uint64
	for _, v := range m {
		n += v
	}
	return n
}

// byTotal orders flags by evaluations, most first, then by key.
func byTotal(a, b flagDelta) int {
	return cmp.Or(cmp.Compare(b.total, a.total), cmp.Compare(a.key, b.key))
}

// add writes a minute's evaluations into slot.
func (f *flagSeries) add(m int64, slot int, byName map[string]uint64) {
	f.active = m
	for name, n := range place(f.vars, byName) {
		ring := f.vars[name]
		if ring == nil {
			ring = new([Minutes]uint64)
			f.vars[name] = ring
		}
		ring[slot] += n
	}
}

// place maps evaluations by variation to the series that count them,
// given the series a flag has: a variation's own series while the flag
// has fewer than MaxVariations, else Other. New variations are placed in
// the order of their names, so the same ones always get a series.
func place(have map[string]*[Minutes]uint64, byName map[string]uint64) map[string]uint64 {
	names := make([]string, 0, len(byName))
	for name := range byName {
		names = append(names, name)
	}
	slices.Sort(names)
	n := len(have)
	out := make(map[string]uint64, len(byName))
	for _, name := range names {
		if _, found := have[name]; !found {
			if n >= MaxVariations {
				out[Other] += byName[name]
				continue
			}
			n++
		}
		out[name] += byName[name]
	}
	return out
}
