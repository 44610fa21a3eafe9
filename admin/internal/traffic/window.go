package traffic

import (
	"cmp"
	"slices"
	"time"
)

// Window is the traffic of the last hour, minute by minute: the current
// minute, still counting, and the Minutes-1 before it.
type Window struct {
	// Start is the first minute of the window; minute i of a series
	// starts at Start + i minutes, and the last is the current one.
	Start time.Time
	// Routes are the routes with requests in the window, busiest first.
	Routes []RouteTraffic
	// Flags are the flags evaluated in the window, most evaluated first
	// (at most MaxFlags).
	Flags []FlagTraffic
}

// RouteTraffic is one route's requests in the window.
type RouteTraffic struct {
	Key     string
	Minutes [Minutes]Counts // oldest first; the last is the current minute
	Total   Counts
}

// FlagTraffic is one flag's evaluations in the window.
type FlagTraffic struct {
	Key string
	// Variations are sorted by name; "" counts evaluations that served no
	// variation, Other the variations past MaxVariations.
	Variations []VariationTraffic
	Total      uint64
}

// VariationTraffic is the evaluations that served one variation.
type VariationTraffic struct {
	Name    string
	Minutes [Minutes]uint64 // oldest first; the last is the current minute
	Total   uint64
}

// Window returns the last hour's traffic as of now on the Recorder's
// clock. The current minute is read from the live counters, so it includes
// every request decided so far. A stopped Recorder's window is empty.
func (r *Recorder) Window() Window {
	now := r.clock.Now()
	fc := r.flagCounts()
	cur := minuteOf(now)
	first := cur - Minutes + 1
	w := Window{Start: time.Unix(first*60, 0).UTC()}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.stopped {
		return w // what it kept is forgotten
	}
	// held returns the ring slot of minute i of the window, and whether
	// the slot holds that minute (not an older one, or none).
	held := func(i int) (int, bool) {
		m := first + int64(i)
		s := slotOf(m)
		return s, r.slots[s] == m
	}
	for key, s := range r.routes {
		rt := RouteTraffic{Key: key}
		if s.ring != nil {
			for i := range Minutes - 1 {
				if slot, ok := held(i); ok {
					rt.Minutes[i] = s.ring[slot]
				}
			}
		}
		rt.Minutes[Minutes-1] = s.load().since(s.prev)
		for _, c := range rt.Minutes {
			rt.Total.Add(c)
		}
		if rt.Total.Total() > 0 {
			w.Routes = append(w.Routes, rt)
		}
	}
	slices.SortFunc(w.Routes, func(a, b RouteTraffic) int {
		return cmp.Or(cmp.Compare(b.Total.Total(), a.Total.Total()), cmp.Compare(a.Key, b.Key))
	})

	flags := map[string]map[string]*VariationTraffic{}
	series := func(key, name string) *VariationTraffic {
		vs := flags[key]
		if vs == nil {
			vs = map[string]*VariationTraffic{}
			flags[key] = vs
		}
		v := vs[name]
		if v == nil {
			v = &VariationTraffic{Name: name}
			vs[name] = v
		}
		return v
	}
	for key, f := range r.fseries {
		for name, ring := range f.vars {
			v := series(key, name)
			for i := range Minutes - 1 {
				if slot, ok := held(i); ok {
					v.Minutes[i] = ring[slot]
				}
			}
		}
	}
	free := MaxFlags - len(r.fseries)
	var fresh []flagDelta
	for key, counts := range fc {
		d := deltas(counts, r.fprev[key])
		if len(d) == 0 {
			continue
		}
		if f := r.fseries[key]; f != nil {
			for name, n := range place(f.vars, d) {
				series(key, name).Minutes[Minutes-1] += n
			}
			continue
		}
		fresh = append(fresh, flagDelta{key: key, byName: d, total: sum(d)})
	}
	// New flags as the sampler will take them: the most evaluated first,
	// while there is room.
	slices.SortFunc(fresh, byTotal)
	for _, fd := range fresh[:min(len(fresh), free)] {
		for name, n := range place(nil, fd.byName) {
			series(fd.key, name).Minutes[Minutes-1] += n
		}
	}
	for key, vs := range flags {
		ft := FlagTraffic{Key: key}
		for _, v := range vs {
			for _, n := range v.Minutes {
				v.Total += n
			}
			ft.Total += v.Total
			ft.Variations = append(ft.Variations, *v)
		}
		if ft.Total == 0 {
			continue
		}
		slices.SortFunc(ft.Variations, func(a, b VariationTraffic) int { return cmp.Compare(a.Name, b.Name) })
		w.Flags = append(w.Flags, ft)
	}
	slices.SortFunc(w.Flags, func(a, b FlagTraffic) int {
		return cmp.Or(cmp.Compare(b.Total, a.Total), cmp.Compare(a.Key, b.Key))
	})
	if len(w.Flags) > MaxFlags {
		w.Flags = w.Flags[:MaxFlags]
	}
	return w
}
