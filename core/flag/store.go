package flag

import (
	"slices"
	"sort"
	"sync"
	"sync/atomic"
)

// Store holds the current Snapshot and swaps it atomically on every write,
// so evaluations never lock and never see a half-applied change. Writes are
// serialised. It is the in-process flag cache the engine keeps fresh from
// its backend and change stream; it does not validate or persist.
type Store struct {
	mu       sync.Mutex // serialises writers and watcher calls
	cur      atomic.Pointer[Snapshot]
	rec      *Recorder
	set      string
	watchers []*watcher
}

type watcher struct{ fn func(Change) }

// Change names what a Store write touched: the flags whose evaluation may
// differ (including flags depending on them through prerequisites or
// segments) and the segments written.
type Change struct {
	Flags    []string
	Segments []string
}

// StoreOption configures a Store.
type StoreOption interface{ applyStore(*Store) }

type storeOptionFunc func(*Store)

func (f storeOptionFunc) applyStore(s *Store) { f(s) }

// WithRecorder records every evaluation made through the Store: counts by
// variation and, when the recorder has a ring or subscribers, events.
// Optional. Default: nothing is recorded.
func WithRecorder(r *Recorder) StoreOption {
	return storeOptionFunc(func(s *Store) { s.rec = r })
}

// WithFlagSet names the store's flags as a set: every evaluation's
// metadata carries it as "flagSetId" (OpenFeature's well-known key), so a
// client of several flag systems can tell them apart. Optional. Default:
// "default".
func WithFlagSet(name string) StoreOption {
	return storeOptionFunc(func(s *Store) { s.set = name })
}

// NewStore returns a store holding an empty snapshot.
func NewStore(opts ...StoreOption) *Store {
	s := &Store{set: DefaultFlagSet}
	for _, o := range opts {
		o.applyStore(s)
	}
	s.cur.Store(buildSnapshot(nil, nil, s.rec, s.set))
	return s
}

// Recorder returns the recorder given with WithRecorder, or nil.
func (s *Store) Recorder() *Recorder { return s.rec }

// Snapshot returns the current snapshot. Evaluations through it are not
// recorded.
func (s *Store) Snapshot() *Snapshot { return s.cur.Load() }

// Flag returns the current definition of one flag.
func (s *Store) Flag(key string) (Flag, bool) { return s.cur.Load().Flag(key) }

// Segment returns the current definition of one segment.
func (s *Store) Segment(key string) (Segment, bool) { return s.cur.Load().Segment(key) }

// Watch calls fn after every write, in write order, with what changed. fn
// runs while writes are blocked and must not write to the store. stop ends
// the watch.
func (s *Store) Watch(fn func(Change)) (stop func()) {
	w := &watcher{fn: fn}
	s.mu.Lock()
	s.watchers = append(s.watchers, w)
	s.mu.Unlock()
	return func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.watchers = slices.DeleteFunc(s.watchers, func(x *watcher) bool { return x == w })
	}
}

// Replace swaps in a snapshot of exactly these flags and segments.
func (s *Store) Replace(flags []Flag, segments []Segment) {
	s.mu.Lock()
	defer s.mu.Unlock()
	old := s.cur.Load()
	next := buildSnapshot(flags, segments, s.rec, s.set)
	s.cur.Store(next)
	fk := unionKeys(old.flags, next.flags)
	sk := unionKeys(old.segments, next.segments)
	s.notify(Change{Flags: fk, Segments: sk})
}

// SetFlag adds or replaces one flag.
func (s *Store) SetFlag(f Flag) {
	s.mu.Lock()
	defer s.mu.Unlock()
	next := s.cur.Load().clone()
	next.flags[f.Key] = compileFlag(f, s.rec, s.set)
	s.cur.Store(next)
	s.notify(Change{Flags: affected(next, []string{f.Key}, nil)})
}

// DeleteFlag removes a flag; it reports whether the flag existed.
func (s *Store) DeleteFlag(key string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	cur := s.cur.Load()
	if _, ok := cur.flags[key]; !ok {
		return false
	}
	next := cur.clone()
	delete(next.flags, key)
	s.cur.Store(next)
	s.notify(Change{Flags: affected(cur, []string{key}, nil)})
	return true
}

// SetSegment adds or replaces one segment.
func (s *Store) SetSegment(seg Segment) {
	s.mu.Lock()
	defer s.mu.Unlock()
	next := s.cur.Load().clone()
	next.setSegment(seg)
	s.cur.Store(next)
	s.notify(Change{Flags: affected(next, nil, []string{seg.Key}), Segments: []string{seg.Key}})
}

// DeleteSegment removes a segment; it reports whether the segment existed.
func (s *Store) DeleteSegment(key string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	cur := s.cur.Load()
	if _, ok := cur.segments[key]; !ok {
		return false
	}
	next := cur.clone()
	delete(next.segments, key)
	delete(next.segmentErrs, key)
	s.cur.Store(next)
	s.notify(Change{Flags: affected(cur, nil, []string{key}), Segments: []string{key}})
	return true
}

func (s *Store) notify(c Change) {
	for _, w := range s.watchers {
		w.fn(c)
	}
}

// affected returns, sorted, the given flags, the flags using the given
// segments (directly or through other segments) and every flag depending on
// those through prerequisites.
func affected(snap *Snapshot, flags, segments []string) []string {
	segSet := map[string]bool{}
	for queue := segments; len(queue) > 0; {
		k := queue[0]
		queue = queue[1:]
		if segSet[k] {
			continue
		}
		segSet[k] = true
		for sk, seg := range snap.segments {
			if slices.Contains(segmentRefsOf(&seg.src), k) {
				queue = append(queue, sk)
			}
		}
	}
	out := map[string]bool{}
	queue := slices.Clone(flags)
	for fk, f := range snap.flags {
		for _, r := range f.src.Rules {
			for _, ref := range segmentRefs(r.Clauses) {
				if segSet[ref] {
					queue = append(queue, fk)
				}
			}
		}
	}
	for len(queue) > 0 {
		k := queue[0]
		queue = queue[1:]
		if out[k] {
			continue
		}
		out[k] = true
		for fk, f := range snap.flags {
			for _, p := range f.src.Prerequisites {
				if p.FlagKey == k {
					queue = append(queue, fk)
				}
			}
		}
	}
	keys := make([]string, 0, len(out))
	for k := range out {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func unionKeys[V any](a, b map[string]V) []string {
	set := make(map[string]bool, len(a)+len(b))
	for k := range a {
		set[k] = true
	}
	for k := range b {
		set[k] = true
	}
	keys := make([]string, 0, len(set))
	for k := range set {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// eval evaluates through the current snapshot and records the outcome.
func (s *Store) eval(key string, ctx *EvaluationContext) (*compiledFlag, outcome) {
	f, o := s.cur.Load().resolve(key, ctx)
	if s.rec != nil && f != nil {
		s.rec.record(f, &o, ctx.Key)
	}
	return f, o
}

// Evaluate evaluates a flag, records it and explains the result. A missing
// flag returns reason DEFAULT and an error matching ErrNotFound.
func (s *Store) Evaluate(key string, ctx EvaluationContext) (Result, error) {
	f, o := s.eval(key, &ctx)
	if f == nil {
		return s.Snapshot().Evaluate(key, ctx)
	}
	return result(key, f, o), nil
}

// Bool is Snapshot.Bool on the current snapshot, recorded.
func (s *Store) Bool(key string, ctx EvaluationContext, def bool) bool {
	f, o := s.eval(key, &ctx)
	return boolOf(f, &o, def)
}

// String is Snapshot.String on the current snapshot, recorded.
func (s *Store) String(key string, ctx EvaluationContext, def string) string {
	f, o := s.eval(key, &ctx)
	return stringOf(f, &o, def)
}

// Int is Snapshot.Int on the current snapshot, recorded.
func (s *Store) Int(key string, ctx EvaluationContext, def int64) int64 {
	f, o := s.eval(key, &ctx)
	return intOf(f, &o, def)
}

// Float is Snapshot.Float on the current snapshot, recorded.
func (s *Store) Float(key string, ctx EvaluationContext, def float64) float64 {
	f, o := s.eval(key, &ctx)
	return floatOf(f, &o, def)
}

// Object is Snapshot.Object on the current snapshot, recorded.
func (s *Store) Object(key string, ctx EvaluationContext, def any) any {
	f, o := s.eval(key, &ctx)
	return objectOf(f, &o, def)
}
