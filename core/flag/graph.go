package flag

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
)

// CheckPrerequisites checks a flag against the set of all flags it is about
// to join (f replaces all[f.Key]): every prerequisite flag exists and has
// the required variation, no prerequisite chain through f is a cycle, and
// no chain through f — counting the flags that depend on f — is longer than
// MaxPrerequisiteDepth. Call it with Validate on every write.
//
// The error is a *ValidationError; it matches ErrInvalid and, for the
// graph problems, ErrPrerequisiteCycle or ErrPrerequisiteDepth.
func CheckPrerequisites(f Flag, all map[string]Flag) error {
	p := &problems{kind: "flag", key: f.Key}
	g := newFlagGraph(all, &f)
	g.check(&f, p)
	return p.err()
}

// ValidateAll validates a whole set of flags, keyed by flag key: each flag
// alone (Validate), its key matching its map key, and the prerequisite
// graph (CheckPrerequisites). Use it when loading or importing many flags at
// once. The error joins one *ValidationError per invalid flag, in key order.
func ValidateAll(flags map[string]Flag) error {
	g := newFlagGraph(flags, nil)
	var errs []error
	for _, k := range sortedKeys(flags) {
		f := flags[k]
		p := &problems{kind: "flag", key: k}
		if f.Key != k {
			p.add("key", "flag stored under %q has key %q; the keys must match", k, f.Key)
		}
		if err := f.Validate(); err != nil {
			p.list = append(p.list, err.(*ValidationError).Problems...)
		}
		g.check(&f, p)
		if err := p.err(); err != nil {
			errs = append(errs, err)
		}
	}
	return joinErrors(errs)
}

// Dependents returns, sorted, the keys of the flags that name key as a
// prerequisite. The engine can use it to refuse or warn about deleting a
// flag others depend on (a missing prerequisite fails at evaluation).
func Dependents(key string, flags map[string]Flag) []string {
	var out []string
	for k, f := range flags {
		for _, p := range f.Prerequisites {
			if p.FlagKey == key && k != key {
				out = append(out, k)
				break
			}
		}
	}
	sort.Strings(out)
	return out
}

// CheckSegmentReferences checks a segment against the set of all segments
// it is about to join (s replaces all[s.Key]): its rules must not lead back
// to itself through in_segment/not_in_segment clauses, and no chain of
// segment references through s may be longer than MaxSegmentDepth. Unknown
// segment keys are allowed; a context is never a member of them.
func CheckSegmentReferences(s Segment, all map[string]Segment) error {
	p := &problems{kind: "segment", key: s.Key}
	g := newSegmentGraph(all, &s)
	g.chains(s.Key, p)
	return p.err()
}

// ValidateSegments validates a whole set of segments keyed by segment key:
// each segment alone, its key matching its map key, and the reference graph.
func ValidateSegments(segments map[string]Segment) error {
	g := newSegmentGraph(segments, nil)
	var errs []error
	for _, k := range sortedKeys(segments) {
		s := segments[k]
		p := &problems{kind: "segment", key: k}
		if s.Key != k {
			p.add("key", "segment stored under %q has key %q; the keys must match", k, s.Key)
		}
		if err := s.Validate(); err != nil {
			p.list = append(p.list, err.(*ValidationError).Problems...)
		}
		g.chains(k, p)
		if err := p.err(); err != nil {
			errs = append(errs, err)
		}
	}
	return joinErrors(errs)
}

// SegmentReferences returns, sorted, the keys of the flags and segments
// whose clauses name segment key.
func SegmentReferences(key string, flags map[string]Flag, segments map[string]Segment) (flagKeys, segmentKeys []string) {
	for k, f := range flags {
		for _, r := range f.Rules {
			if slices.Contains(segmentRefs(r.Clauses), key) {
				flagKeys = append(flagKeys, k)
				break
			}
		}
	}
	for k, s := range segments {
		if k != key && slices.Contains(segmentRefsOf(&s), key) {
			segmentKeys = append(segmentKeys, k)
		}
	}
	sort.Strings(flagKeys)
	sort.Strings(segmentKeys)
	return flagKeys, segmentKeys
}

// graph is a directed reference graph over keys with its reverse edges.
type graph struct {
	next func(string) []string
	prev map[string][]string
	// refs checks the direct references of a flag (flag graphs only).
	refs func(f *Flag, p *problems)
	// field, noun, max, cycleErr and depthErr shape the problems reported.
	field, noun        string
	max                int
	cycleErr, depthErr error
}

func (g *graph) check(f *Flag, p *problems) {
	g.refs(f, p)
	g.chains(f.Key, p)
}

// chains reports a cycle reachable from key, or a chain through key (its
// dependents above, its references below) longer than g.max hops.
func (g *graph) chains(key string, p *problems) {
	down := &chainFinder{next: g.next}
	chain := down.longest(key)
	if down.cycle != nil {
		p.addErr(g.cycleErr, g.field, "%s form a cycle: %s; remove one of its links", g.noun, strings.Join(down.cycle, " → "))
		return
	}
	up := &chainFinder{next: func(k string) []string { return g.prev[k] }}
	upChain := up.longest(key)
	if hops := len(chain) - 1 + len(upChain) - 1; hops > g.max {
		full := slices.Clone(upChain)
		slices.Reverse(full)
		full = append(full, chain[1:]...)
		p.addErr(g.depthErr, g.field, "the %s chain %s is %d levels deep; at most %d are allowed", g.noun, strings.Join(full, " → "), hops, g.max)
	}
}

// chainFinder finds the longest path from a key by memoised depth-first
// search, remembering the first cycle it meets.
type chainFinder struct {
	next    func(string) []string
	memo    map[string][]string
	onStack map[string]bool
	stack   []string
	cycle   []string
}

func (c *chainFinder) longest(k string) []string {
	if c.memo == nil {
		c.memo, c.onStack = map[string][]string{}, map[string]bool{}
	}
	if ch, ok := c.memo[k]; ok {
		return ch
	}
	if c.onStack[k] {
		if c.cycle == nil {
			i := slices.Index(c.stack, k)
			c.cycle = append(slices.Clone(c.stack[i:]), k)
		}
		return nil
	}
	c.onStack[k] = true
	c.stack = append(c.stack, k)
	var best []string
	for _, n := range c.next(k) {
		if ch := c.longest(n); len(ch) > len(best) {
			best = ch
		}
	}
	c.stack = c.stack[:len(c.stack)-1]
	c.onStack[k] = false
	res := append([]string{k}, best...)
	c.memo[k] = res
	return res
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func joinErrors(errs []error) error {
	if len(errs) == 0 {
		return nil
	}
	return errors.Join(errs...)
}

func newFlagGraph(all map[string]Flag, replaced *Flag) *graph {
	get := func(k string) (*Flag, bool) {
		if replaced != nil && k == replaced.Key {
			return replaced, true
		}
		f, ok := all[k]
		return &f, ok
	}
	next := func(k string) []string {
		f, ok := get(k)
		if !ok {
			return nil
		}
		var out []string
		for _, p := range f.Prerequisites {
			if _, exists := get(p.FlagKey); exists && p.FlagKey != k {
				out = append(out, p.FlagKey)
			}
		}
		return out
	}
	g := &graph{next: next, field: "prerequisites", noun: "prerequisites", max: MaxPrerequisiteDepth,
		cycleErr: ErrPrerequisiteCycle, depthErr: ErrPrerequisiteDepth}
	g.index(sortedKeys(all), replacedKey(replaced))
	g.refs = func(f *Flag, p *problems) {
		for i, pr := range f.Prerequisites {
			if pr.FlagKey == "" || pr.FlagKey == f.Key {
				continue // Validate reports these
			}
			field := fmt.Sprintf("prerequisites[%d]", i)
			target, ok := get(pr.FlagKey)
			if !ok {
				p.add(field+".flag_key", "flag %q does not exist; create it first or remove this prerequisite", pr.FlagKey)
				continue
			}
			if _, ok := target.Variation(pr.Variation); !ok && pr.Variation != "" {
				names := make([]string, len(target.Variations))
				for j, v := range target.Variations {
					names[j] = v.Name
				}
				p.add(field+".variation", "flag %q has no variation %q; use one of %s", pr.FlagKey, pr.Variation, quoteList(names))
			}
		}
	}
	return g
}

func newSegmentGraph(all map[string]Segment, replaced *Segment) *graph {
	get := func(k string) (*Segment, bool) {
		if replaced != nil && k == replaced.Key {
			return replaced, true
		}
		s, ok := all[k]
		return &s, ok
	}
	next := func(k string) []string {
		s, ok := get(k)
		if !ok {
			return nil
		}
		var out []string
		for _, r := range segmentRefsOf(s) {
			if _, exists := get(r); exists && r != k {
				out = append(out, r)
			}
		}
		return out
	}
	g := &graph{next: next, field: "rules", noun: "segment references", max: MaxSegmentDepth,
		cycleErr: ErrSegmentCycle, depthErr: ErrSegmentDepth}
	var rk string
	if replaced != nil {
		rk = replaced.Key
	}
	g.index(sortedKeys(all), rk)
	return g
}

func replacedKey(f *Flag) string {
	if f == nil {
		return ""
	}
	return f.Key
}

// index builds the reverse edges over keys plus extra (when not empty).
func (g *graph) index(keys []string, extra string) {
	if extra != "" && !slices.Contains(keys, extra) {
		keys = append(keys, extra)
	}
	g.prev = map[string][]string{}
	for _, k := range keys {
		for _, n := range g.next(k) {
			g.prev[n] = append(g.prev[n], k)
		}
	}
}

func segmentRefsOf(s *Segment) []string {
	var out []string
	for _, r := range s.Rules {
		out = append(out, segmentRefs(r.Clauses)...)
	}
	return out
}

func segmentRefs(clauses []Clause) []string {
	var out []string
	for _, c := range clauses {
		if !c.Operator.IsSegment() {
			continue
		}
		for _, v := range c.Values {
			if s, ok := v.(string); ok && !slices.Contains(out, s) {
				out = append(out, s)
			}
		}
	}
	return out
}
