package flag

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"maps"
	"regexp"
	"time"
)

// noVariation marks an outcome that serves no variation.
const noVariation = -1

// compiledFlag is a validated flag prepared for allocation-free evaluation:
// variation names resolved to indexes, values converted to their Go type,
// rollouts accumulated, regular expressions, numbers, times and versions
// parsed once.
type compiledFlag struct {
	key        string
	src        Flag
	typ        Type
	invalid    error  // non-nil: the flag failed validation and serves ERROR
	invalidMsg string // invalid.Error(), computed once
	enabled    bool
	// meta is the metadata of every evaluation: "flagSetId" and
	// "version". Shared and read-only.
	meta map[string]any
	// static: no prerequisites, targets or rules, and one variation for
	// everybody, so every context gets the same value (reason STATIC).
	static bool

	variations []compiledVariation
	off        int
	fallback   serve
	prereqs    []compiledPrereq
	targets    keyIndex
	rules      []compiledRule

	// counts has the counters (by reason) of each variation plus one set
	// (last) for outcomes without a variation; nil when the store records
	// nothing.
	counts []*reasonCounts
}

type compiledVariation struct {
	name  string
	value any // bool, string, int64, float64 or a JSON value
	b     bool
	s     string
	i     int64
	f     float64
}

// serve is a fixed variation (rollout == nil) or a bucketed rollout.
type serve struct {
	variation int
	rollout   []rolloutStep
}

type rolloutStep struct {
	variation int
	upTo      int // cumulative weight
}

type compiledPrereq struct {
	key       string
	variation string
	meta      map[string]any // the flag's metadata and "prerequisite_key"
}

type compiledRule struct {
	id      string
	clauses []compiledClause
	serve   serve
	meta    map[string]any // the flag's metadata and "rule_id"
}

type compiledClause struct {
	attribute string
	op        Operator
	negate    bool
	values    []operand
	strs      []string // canonical string of each value
	hasNull   bool
	regexps   []*regexp.Regexp
	num       float64
	numOK     bool
	when      time.Time
	whenOK    bool
	ver       version
	verOK     bool
	segments  []string
}

type compiledSegment struct {
	key      string
	src      Segment
	included keyIndex
	excluded keyIndex
	rules    [][]compiledClause
}

// compileFlag prepares f; a flag failing Validate compiles to one that
// serves ERROR with the validation message.
func compileFlag(f Flag, rec *Recorder, set string) *compiledFlag {
	f = f.Clone()
	cf := &compiledFlag{key: f.Key, src: f, typ: f.Type, enabled: f.Enabled}
	cf.meta = map[string]any{"flagSetId": set, "version": versionOf(&f)}
	withMeta := func(k, v string) map[string]any {
		m := maps.Clone(cf.meta)
		m[k] = v
		return m
	}
	if rec != nil {
		defer func() { cf.counts = rec.counters(cf) }()
	}
	if err := f.Validate(); err != nil {
		cf.invalid, cf.invalidMsg = err, err.Error()
		return cf
	}
	index := make(map[string]int, len(f.Variations))
	for i, v := range f.Variations {
		index[v.Name] = i
		cf.variations = append(cf.variations, compileVariation(f.Type, v))
	}
	name := func(n string) int {
		if i, ok := index[n]; ok {
			return i
		}
		return noVariation
	}
	cf.off = name(f.OffVariation)
	cf.fallback = compileServe(f.Fallthrough.Variation, f.Fallthrough.Rollout, name)
	for _, p := range f.Prerequisites {
		cf.prereqs = append(cf.prereqs, compiledPrereq{key: p.FlagKey, variation: p.Variation,
			meta: withMeta("prerequisite_key", p.FlagKey)})
	}
	for _, v := range sortedKeys(f.Targets) {
		for _, k := range f.Targets[v] {
			cf.targets.add(k, name(v))
		}
	}
	for _, r := range f.Rules {
		cr := compiledRule{id: r.ID, clauses: compileClauses(r.Clauses), meta: withMeta("rule_id", r.ID)}
		if r.Variation == "" && len(r.Rollout) == 0 {
			cr.serve = cf.fallback // the reference's reading of a malformed rule
		} else {
			cr.serve = compileServe(r.Variation, r.Rollout, name)
		}
		cf.rules = append(cf.rules, cr)
	}
	cf.static = len(cf.prereqs) == 0 && cf.targets.empty() && len(cf.rules) == 0 && cf.fallback.rollout == nil
	return cf
}

// versionOf is a short digest of the flag's definition: equal on every
// instance holding the same definition, different after any change.
func versionOf(f *Flag) string {
	b, err := json.Marshal(f)
	if err != nil {
		return ""
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:6])
}

func compileVariation(t Type, v Variation) compiledVariation {
	cv := compiledVariation{name: v.Name, value: v.Value}
	switch t {
	case TypeBoolean:
		cv.b, _ = v.Value.(bool)
	case TypeString:
		cv.s, _ = v.Value.(string)
	case TypeInteger:
		cv.i, _ = toInt64(v.Value)
		cv.f = float64(cv.i)
		cv.value = cv.i
	case TypeFloat:
		o := operandOf(v.Value)
		cv.f = o.f
		cv.value = cv.f
	}
	return cv
}

func compileServe(variation string, rollout []WeightedVariation, name func(string) int) serve {
	if variation != "" || len(rollout) == 0 {
		return serve{variation: name(variation)}
	}
	s := serve{variation: noVariation, rollout: make([]rolloutStep, 0, len(rollout))}
	sum := 0
	for _, w := range rollout {
		sum += w.Weight
		s.rollout = append(s.rollout, rolloutStep{variation: name(w.Variation), upTo: sum})
	}
	return s
}

func compileClauses(cs []Clause) []compiledClause {
	out := make([]compiledClause, 0, len(cs))
	for _, c := range cs {
		cc := compiledClause{attribute: c.Attribute, op: c.Operator, negate: c.Negate}
		for _, v := range c.Values {
			o := operandOf(cloneValue(v))
			cc.values = append(cc.values, o)
			cc.strs = append(cc.strs, o.str())
			if o.kind == kindNull {
				cc.hasNull = true
			}
			if s, ok := v.(string); ok {
				switch {
				case c.Operator.IsSegment():
					cc.segments = append(cc.segments, s)
				case c.Operator == OpMatches || c.Operator == OpNotMatches:
					if re, err := regexp.Compile(s); err == nil {
						cc.regexps = append(cc.regexps, re)
					}
				}
			}
		}
		if len(cc.values) > 0 {
			v0 := &cc.values[0]
			cc.num, cc.numOK = v0.number()
			if v0.kind == kindString {
				cc.when, cc.whenOK = parseInstant(v0.s)
				cc.ver, cc.verOK = parseVersion(v0.s)
			}
		}
		out = append(out, cc)
	}
	return out
}

// compileSegment prepares s; a segment failing Validate has no members.
func compileSegment(s Segment) (*compiledSegment, error) {
	s = s.Clone()
	cs := &compiledSegment{key: s.Key, src: s}
	if err := s.Validate(); err != nil {
		return cs, err
	}
	cs.included = newKeySet(s.Included)
	cs.excluded = newKeySet(s.Excluded)
	for _, r := range s.Rules {
		cs.rules = append(cs.rules, compileClauses(r.Clauses))
	}
	return cs, nil
}
