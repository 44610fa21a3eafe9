package flag

import (
	"encoding/json"
	"fmt"
)

// Reason says why an evaluation served what it served.
type Reason string

// The evaluation reasons of the reference.
const (
	// ReasonOff: the flag is disabled and serves its off variation.
	ReasonOff Reason = "OFF"
	// ReasonFallthrough: no target or rule matched; the fallback    served.
	ReasonFallthrough Reason = "FALLTHROUGH"
	// ReasonTargetMatch: the context key is listed in the flag's targets.
	ReasonTargetMatch Reason = "TARGET_MATCH"
	// ReasonRuleMatch: a rule matched (Result.RuleID names it).
	ReasonRuleMatch Reason = "RULE_MATCH"
	// ReasonPrerequisiteFail: a prerequisite flag is missing or did not
	// serve the required variation (Result.PrerequisiteKey names it); the
	// off variation is served.
	ReasonPrerequisiteFail Reason = "PREREQUISITE_FAIL"
	// ReasonError: the flag is invalid (no value) or the prerequisite depth
	// limit was exceeded (off variation); Result.ErrorMessage says which.
	ReasonError Reason = "ERROR"
	// ReasonDefault: the flag does not exist; the caller's default applies.
	ReasonDefault Reason = "DEFAULT"
)

const depthMessage = "prerequisite depth limit exceeded"

// Result is the full outcome of one evaluation, the reference's evaluate
// (debugger) response. Empty strings are written as JSON null.
type Result struct {
	FlagKey string `json:"flag_key"`
	// Value is the served variation's value, nil when none was served.
	Value           any    `json:"value"`
	Variation       string `json:"variation"`
	Reason          Reason `json:"reason"`
	RuleID          string `json:"rule_id"`
	PrerequisiteKey string `json:"prerequisite_key"`
	ErrorMessage    string `json:"error_message"`
}

// MarshalJSON writes the reference shape.
func (r Result) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		FlagKey         string  `json:"flag_key"`
		Value           any     `json:"value"`
		Variation       *string `json:"variation"`
		Reason          Reason  `json:"reason"`
		RuleID          *string `json:"rule_id"`
		PrerequisiteKey *string `json:"prerequisite_key"`
		ErrorMessage    *string `json:"error_message"`
	}{r.FlagKey, r.Value, optional(r.Variation), r.Reason, optional(r.RuleID), optional(r.PrerequisiteKey), optional(r.ErrorMessage)})
}

// Snapshot is an immutable, compiled set of flags and segments. Evaluating
// it is safe from any number of goroutines and does not allocate on the
// common paths (see the package documentation).
type Snapshot struct {
	flags    map[string]*compiledFlag
	segments map[string]*compiledSegment
	// segmentErrs holds the validation errors of segments served as empty.
	segmentErrs map[string]error
}

// NewSnapshot compiles flags and segments. It never fails: a flag that does
// not validate evaluates to reason ERROR with the validation message, a
// segment that does not validate has no members; Problems lists both. When
// two entries share a key the last one wins.
func NewSnapshot(flags []Flag, segments []Segment) *Snapshot {
	return buildSnapshot(flags, segments, nil, DefaultFlagSet)
}

// DefaultFlagSet is the flag set of a store or snapshot that names none.
const DefaultFlagSet = "default"

func buildSnapshot(flags []Flag, segments []Segment, rec *Recorder, set string) *Snapshot {
	s := &Snapshot{
		flags:       make(map[string]*compiledFlag, len(flags)),
		segments:    make(map[string]*compiledSegment, len(segments)),
		segmentErrs: map[string]error{},
	}
	for _, f := range flags {
		s.flags[f.Key] = compileFlag(f, rec, set)
	}
	for _, seg := range segments {
		s.setSegment(seg)
	}
	return s
}

func (s *Snapshot) setSegment(seg Segment) {
	cs, err := compileSegment(seg)
	s.segments[seg.Key] = cs
	delete(s.segmentErrs, seg.Key)
	if err != nil {
		s.segmentErrs[seg.Key] = err
	}
}

// clone copies the maps (not the compiled entries, which are immutable).
func (s *Snapshot) clone() *Snapshot {
	n := &Snapshot{
		flags:       make(map[string]*compiledFlag, len(s.flags)+1),
		segments:    make(map[string]*compiledSegment, len(s.segments)+1),
		segmentErrs: make(map[string]error, len(s.segmentErrs)),
	}
	for k, v := range s.flags {
		n.flags[k] = v
	}
	for k, v := range s.segments {
		n.segments[k] = v
	}
	for k, v := range s.segmentErrs {
		n.segmentErrs[k] = v
	}
	return n
}

// Flag returns a copy of the flag stored under key.
func (s *Snapshot) Flag(key string) (Flag, bool) {
	f, ok := s.flags[key]
	if !ok {
		return Flag{}, false
	}
	return f.src.Clone(), true
}

// Flags returns copies of every flag, sorted by key.
func (s *Snapshot) Flags() []Flag {
	out := make([]Flag, 0, len(s.flags))
	for _, k := range sortedKeys(s.flags) {
		out = append(out, s.flags[k].src.Clone())
	}
	return out
}

// Segment returns a copy of the segment stored under key.
func (s *Snapshot) Segment(key string) (Segment, bool) {
	seg, ok := s.segments[key]
	if !ok {
		return Segment{}, false
	}
	return seg.src.Clone(), true
}

// Segments returns copies of every segment, sorted by key.
func (s *Snapshot) Segments() []Segment {
	out := make([]Segment, 0, len(s.segments))
	for _, k := range sortedKeys(s.segments) {
		out = append(out, s.segments[k].src.Clone())
	}
	return out
}

// Problems returns the validation errors of the flags and segments that
// the snapshot serves as broken, sorted by kind and key; nil when none.
func (s *Snapshot) Problems() []error {
	var out []error
	for _, k := range sortedKeys(s.flags) {
		if err := s.flags[k].invalid; err != nil {
			out = append(out, err)
		}
	}
	for _, k := range sortedKeys(s.segmentErrs) {
		out = append(out, s.segmentErrs[k])
	}
	return out
}

// outcome is the allocation-free result of an evaluation.
type outcome struct {
	variation int
	reason    Reason
	split     bool // served by a percentage rollout
	rule      *compiledRule
	prereq    *compiledPrereq
	err       string
	noKey     bool // a rollout was reached without a targeting key
}

// noKeyMessage explains an evaluation that reached a rollout without a key.
const noKeyMessage = "a percentage rollout needs a targeting key to place the context; none was given"

// eval runs the reference's evaluation order (§4.2).
func (s *Snapshot) eval(f *compiledFlag, ctx *EvaluationContext, depth int) outcome {
	if f.invalid != nil {
		return outcome{variation: noVariation, reason: ReasonError, err: f.invalidMsg}
	}
	if depth > MaxPrerequisiteDepth {
		return outcome{variation: f.off, reason: ReasonError, err: depthMessage}
	}
	if !f.enabled {
		return outcome{variation: f.off, reason: ReasonOff}
	}
	for i := range f.prereqs {
		p := &f.prereqs[i]
		pf := s.flags[p.key]
		if pf == nil {
			return outcome{variation: f.off, reason: ReasonPrerequisiteFail, prereq: p}
		}
		// An ERROR (invalid flag, depth limit) never satisfies a
		// prerequisite, so a cycle fails at the top.
		po := s.eval(pf, ctx, depth+1)
		if po.reason == ReasonError || po.variation < 0 || pf.variations[po.variation].name != p.variation {
			return outcome{variation: f.off, reason: ReasonPrerequisiteFail, prereq: p}
		}
	}
	if v, ok := f.targets.get(ctx.Key); ok {
		return outcome{variation: v, reason: ReasonTargetMatch}
	}
	for i := range f.rules {
		r := &f.rules[i]
		if s.matchAll(r.clauses, ctx, 0) {
			return serveOutcome(f, &r.serve, ctx, outcome{reason: ReasonRuleMatch, rule: r})
		}
	}
	return serveOutcome(f, &f.fallback, ctx, outcome{reason: ReasonFallthrough})
}

// serveOutcome completes o with the variation sv serves ctx: a fixed one,
// or one placed by the context's bucket, which needs a targeting key.
func serveOutcome(f *compiledFlag, sv *serve, ctx *EvaluationContext, o outcome) outcome {
	if sv.rollout == nil {
		o.variation = sv.variation
		return o
	}
	if ctx.noKey {
		return outcome{variation: noVariation, reason: ReasonError, err: noKeyMessage, noKey: true, rule: o.rule}
	}
	o.variation, o.split = pick(sv.rollout, Bucket(f.key, ctx.Kind, ctx.Key)), true
	return o
}

// resolve looks a flag up and evaluates it for a normalised context.
func (s *Snapshot) resolve(key string, ctx *EvaluationContext) (*compiledFlag, outcome) {
	f := s.flags[key]
	if f == nil {
		return nil, outcome{variation: noVariation, reason: ReasonDefault}
	}
	normalize(ctx)
	return f, s.eval(f, ctx, 0)
}

// normalize applies the defaults of an EvaluationContext: key "anonymous",
// kind "user".
func normalize(ctx *EvaluationContext) {
	if ctx.Key == "" {
		ctx.Key, ctx.noKey = AnonymousKey, true
	}
	if ctx.Kind == "" {
		ctx.Kind = DefaultKind
	}
}

// result renders an outcome as a Result; values are deep copies.
func result(key string, f *compiledFlag, o outcome) Result {
	r := Result{FlagKey: key, Reason: o.reason, ErrorMessage: o.err}
	if f == nil {
		r.ErrorMessage = fmt.Sprintf("flag %q not found", key)
		return r
	}
	if o.variation >= 0 {
		v := &f.variations[o.variation]
		r.Variation, r.Value = v.name, cloneValue(v.value)
	}
	if o.rule != nil {
		r.RuleID = o.rule.id
	}
	if o.prereq != nil {
		r.PrerequisiteKey = o.prereq.key
	}
	return r
}

// Evaluate evaluates a flag and explains the result. A missing flag returns
// reason DEFAULT and an error matching ErrNotFound.
func (s *Snapshot) Evaluate(key string, ctx EvaluationContext) (Result, error) {
	f, o := s.resolve(key, &ctx)
	if f == nil {
		return result(key, nil, o), fmt.Errorf("flag %q: %w", key, ErrNotFound)
	}
	return result(key, f, o), nil
}

// Bool evaluates a boolean flag; def is returned when the flag is missing,
// is not boolean or serves no value.
func (s *Snapshot) Bool(key string, ctx EvaluationContext, def bool) bool {
	f, o := s.resolve(key, &ctx)
	return boolOf(f, &o, def)
}

// String evaluates a string flag; def is returned when the flag is missing,
// is not a string flag or serves no value.
func (s *Snapshot) String(key string, ctx EvaluationContext, def string) string {
	f, o := s.resolve(key, &ctx)
	return stringOf(f, &o, def)
}

// Int evaluates an integer flag; def is returned when the flag is missing,
// is not an integer flag or serves no value.
func (s *Snapshot) Int(key string, ctx EvaluationContext, def int64) int64 {
	f, o := s.resolve(key, &ctx)
	return intOf(f, &o, def)
}

// Float evaluates a float (or integer) flag; def is returned when the flag
// is missing, is not numeric or serves no value.
func (s *Snapshot) Float(key string, ctx EvaluationContext, def float64) float64 {
	f, o := s.resolve(key, &ctx)
	return floatOf(f, &o, def)
}

// Object evaluates a json flag and returns a deep copy of the value; def is
// returned when the flag is missing, is not a json flag or serves no value.
func (s *Snapshot) Object(key string, ctx EvaluationContext, def any) any {
	f, o := s.resolve(key, &ctx)
	return objectOf(f, &o, def)
}

func served(f *compiledFlag, o *outcome, t Type) *compiledVariation {
	if f == nil || o.variation < 0 || f.typ != t {
		return nil
	}
	return &f.variations[o.variation]
}

func boolOf(f *compiledFlag, o *outcome, def bool) bool {
	if v := served(f, o, TypeBoolean); v != nil {
		return v.b
	}
	return def
}

func stringOf(f *compiledFlag, o *outcome, def string) string {
	if v := served(f, o, TypeString); v != nil {
		return v.s
	}
	return def
}

func intOf(f *compiledFlag, o *outcome, def int64) int64 {
	if v := served(f, o, TypeInteger); v != nil {
		return v.i
	}
	return def
}

func floatOf(f *compiledFlag, o *outcome, def float64) float64 {
	if v := served(f, o, TypeFloat); v != nil {
		return v.f
	}
	if v := served(f, o, TypeInteger); v != nil {
		return v.f
	}
	return def
}

func objectOf(f *compiledFlag, o *outcome, def any) any {
	if v := served(f, o, TypeJSON); v != nil {
		return cloneValue(v.value)
	}
	return def
}
