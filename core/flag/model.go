package flag

import (
	"crypto/rand"
	"encoding/hex"
	"slices"
	"time"
)

// Type is the value type shared by every variation of a flag.
type Type string

// The five flag types.
const (
	TypeBoolean Type = "boolean"
	TypeString  Type = "string"
	TypeInteger Type = "integer"
	TypeFloat   Type = "float"
	TypeJSON    Type = "json"
)

// Types lists the flag types in their documented order.
var Types = []Type{TypeBoolean, TypeString, TypeInteger, TypeFloat, TypeJSON}

// Status is informational lifecycle metadata; it is stored as given and
// never changes evaluation.
type Status string

// The flag statuses.
const (
	StatusNew        Status = "new"
	StatusActive     Status = "active"
	StatusLaunched   Status = "launched"
	StatusInactive   Status = "inactive"
	StatusDeprecated Status = "deprecated"
	StatusArchived   Status = "archived"
)

// Statuses lists the flag statuses in their documented order.
var Statuses = []Status{StatusNew, StatusActive, StatusLaunched, StatusInactive, StatusDeprecated, StatusArchived}

// TotalWeight is the sum the weights of a rollout must reach: weights are in
// 1/100000 units, so 100000 is 100 % and 1000 is 1 %.
const TotalWeight = 100000

// MaxPrerequisiteDepth is the longest allowed prerequisite chain, counted in
// hops from the evaluated flag.
const MaxPrerequisiteDepth = 10

// MaxSegmentDepth bounds how deeply segment rules may refer to other
// segments.
const MaxSegmentDepth = 10

// DefaultActor is the created_by value of flags and changes that do not name
// one.
const DefaultActor = "system"

// Variation is one value a flag can serve.
type Variation struct {
	Name        string `json:"name"`
	Value       any    `json:"value"`
	Description string `json:"description"`
}

// WeightedVariation is one slice of a percentage rollout.
type WeightedVariation struct {
	Variation string `json:"variation"`
	// Weight is the share in 1/100000 units (0..100000).
	Weight int `json:"weight"`
}

// Fallthrough is what a flag serves when no target or rule matched: either
// one variation or a percentage rollout. In JSON it is a variation name or an
// array of weighted variations.
type Fallthrough struct {
	// Variation is the variation served to everybody; empty when Rollout is set.
	Variation string
	// Rollout splits contexts by bucket; nil when Variation is set.
	Rollout []WeightedVariation
}

// Prerequisite requires another flag to serve a given variation first.
type Prerequisite struct {
	FlagKey   string `json:"flag_key"`
	Variation string `json:"variation"`
}

// Clause tests one context attribute with an operator.
type Clause struct {
	// Attribute is the context attribute; ignored by segment operators, which
	// test the context key.
	Attribute string   `json:"attribute"`
	Operator  Operator `json:"operator"`
	Values    []any    `json:"values"`
	// Negate inverts the clause result, after missing-attribute handling.
	Negate bool `json:"negate"`
}

// Rule serves a variation or a rollout to contexts matching all its clauses.
type Rule struct {
	ID          string   `json:"id"`
	Description string   `json:"description"`
	Clauses     []Clause `json:"clauses"`
	// Variation and Rollout are exclusive: exactly one is set.
	Variation   string              `json:"variation"`
	Rollout     []WeightedVariation `json:"rollout"`
	TrackEvents bool                `json:"track_events"`
}

// Flag is a feature flag (the reference's FeatureFlag). Its JSON form uses
// the field names of the reference exactly.
type Flag struct {
	Key          string      `json:"key"`
	Name         string      `json:"name"`
	Description  string      `json:"description"`
	Type         Type        `json:"type"`
	Tags         []string    `json:"tags"`
	Variations   []Variation `json:"variations"`
	OffVariation string      `json:"off_variation"`
	Fallthrough  Fallthrough `json:"fallthrough"`
	// Enabled is the kill switch: a disabled flag serves OffVariation.
	Enabled       bool           `json:"enabled"`
	Prerequisites []Prerequisite `json:"prerequisites"`
	// Targets maps a variation name to the context keys always served it.
	Targets          map[string][]string `json:"targets"`
	Rules            []Rule              `json:"rules"`
	ScheduledChanges []ScheduledChange   `json:"scheduled_changes"`
	Status           Status              `json:"status"`
	Temporary        bool                `json:"temporary"`
	Maintainer       string              `json:"maintainer"`
	CreatedAt        time.Time           `json:"created_at"`
	UpdatedAt        time.Time           `json:"updated_at"`
	CreatedBy        string              `json:"created_by"`
}

// SegmentRule makes every context matching all its clauses a member.
type SegmentRule struct {
	ID          string   `json:"id"`
	Description string   `json:"description"`
	Clauses     []Clause `json:"clauses"`
}

// Segment is a reusable set of contexts, referenced by the in_segment and
// not_in_segment operators.
type Segment struct {
	Key         string `json:"key"`
	Name        string `json:"name"`
	Description string `json:"description"`
	// Included context keys are members unless excluded.
	Included []string `json:"included"`
	// Excluded context keys are never members; exclusion beats inclusion and rules.
	Excluded  []string      `json:"excluded"`
	Rules     []SegmentRule `json:"rules"`
	Tags      []string      `json:"tags"`
	CreatedAt time.Time     `json:"created_at"`
	UpdatedAt time.Time     `json:"updated_at"`
}

// EvaluationContext is the subject of an evaluation.
//
// The reference's named fields (email, ip, country, app_version) are plain
// attributes here; the JSON form accepts them at the top level and moves
// them into Attributes.
type EvaluationContext struct {
	// Key identifies the subject. Empty means none was given: targets,
	// rules and clauses see "anonymous", but a percentage rollout cannot
	// place a context without a key, so an evaluation that reaches one
	// serves no variation (the caller's default) with the OpenFeature
	// error TARGETING_KEY_MISSING.
	Key string `json:"key"`
	// Kind is the kind of subject; empty means "user".
	Kind string `json:"kind"`
	// Attributes are tested by clauses. An attribute named "key" or "kind"
	// overrides Key or Kind for clauses (never for bucketing or targets).
	Attributes map[string]any `json:"attributes"`

	noKey bool // Key was empty before normalize filled it
}

// DefaultKind is the kind of an EvaluationContext that names none.
const DefaultKind = "user"

// AnonymousKey is the key of an EvaluationContext that names none.
const AnonymousKey = "anonymous"

// NewBoolean returns an enabled boolean flag with the variations "on" (true)
// and "off" (false) that serves "off" until rules, targets or a rollout say
// otherwise.
func NewBoolean(key string) Flag {
	return Flag{
		Key:  key,
		Name: key,
		Type: TypeBoolean,
		Variations: []Variation{
			{Name: "on", Value: true},
			{Name: "off", Value: false},
		},
		OffVariation: "off",
		Fallthrough:  Fallthrough{Variation: "off"},
		Enabled:      true,
		Status:       StatusActive,
		Temporary:    true,
		CreatedBy:    DefaultActor,
	}
}

// NewID returns a random UUID version 4, the default id of rules, segment
// rules and scheduled changes.
func NewID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	var s [36]byte
	hex.Encode(s[0:8], b[0:4])
	s[8] = '-'
	hex.Encode(s[9:13], b[4:6])
	s[13] = '-'
	hex.Encode(s[14:18], b[6:8])
	s[18] = '-'
	hex.Encode(s[19:23], b[8:10])
	s[23] = '-'
	hex.Encode(s[24:], b[10:])
	return string(s[:])
}

// FillDefaults completes a flag before it is validated and saved: missing
// rule and scheduled-change ids, status "active", created_by "system",
// created_at and updated_at (now when zero), all times in UTC. It does not
// bump UpdatedAt of a flag that has one; the caller does that on update.
func (f *Flag) FillDefaults(now time.Time) {
	now = now.UTC()
	if f.Status == "" {
		f.Status = StatusActive
	}
	if f.CreatedBy == "" {
		f.CreatedBy = DefaultActor
	}
	if f.CreatedAt.IsZero() {
		f.CreatedAt = now
	}
	if f.UpdatedAt.IsZero() {
		f.UpdatedAt = f.CreatedAt
	}
	f.CreatedAt, f.UpdatedAt = f.CreatedAt.UTC(), f.UpdatedAt.UTC()
	for i := range f.Rules {
		if f.Rules[i].ID == "" {
			f.Rules[i].ID = NewID()
		}
	}
	for i := range f.ScheduledChanges {
		c := &f.ScheduledChanges[i]
		if c.ID == "" {
			c.ID = NewID()
		}
		if c.CreatedBy == "" {
			c.CreatedBy = DefaultActor
		}
		if c.CreatedAt.IsZero() {
			c.CreatedAt = now
		}
		c.CreatedAt, c.ExecuteAt = c.CreatedAt.UTC(), c.ExecuteAt.UTC()
	}
}

// FillDefaults completes a segment before it is validated and saved: missing
// rule ids and created_at/updated_at (now when zero), in UTC.
func (s *Segment) FillDefaults(now time.Time) {
	now = now.UTC()
	if s.CreatedAt.IsZero() {
		s.CreatedAt = now
	}
	if s.UpdatedAt.IsZero() {
		s.UpdatedAt = s.CreatedAt
	}
	s.CreatedAt, s.UpdatedAt = s.CreatedAt.UTC(), s.UpdatedAt.UTC()
	for i := range s.Rules {
		if s.Rules[i].ID == "" {
			s.Rules[i].ID = NewID()
		}
	}
}

// Variation returns the variation named name.
func (f Flag) Variation(name string) (Variation, bool) {
	for _, v := range f.Variations {
		if v.Name == name {
			return v, true
		}
	}
	return Variation{}, false
}

// Clone returns a deep copy of the flag.
func (f Flag) Clone() Flag {
	f.Tags = slices.Clone(f.Tags)
	f.Variations = slices.Clone(f.Variations)
	for i := range f.Variations {
		f.Variations[i].Value = cloneValue(f.Variations[i].Value)
	}
	f.Fallthrough.Rollout = slices.Clone(f.Fallthrough.Rollout)
	f.Prerequisites = slices.Clone(f.Prerequisites)
	if f.Targets != nil {
		t := make(map[string][]string, len(f.Targets))
		for k, v := range f.Targets {
			t[k] = slices.Clone(v)
		}
		f.Targets = t
	}
	f.Rules = slices.Clone(f.Rules)
	for i := range f.Rules {
		f.Rules[i] = f.Rules[i].Clone()
	}
	f.ScheduledChanges = slices.Clone(f.ScheduledChanges)
	for i := range f.ScheduledChanges {
		f.ScheduledChanges[i].Payload = cloneMap(f.ScheduledChanges[i].Payload)
	}
	return f
}

// Clone returns a deep copy of the rule.
func (r Rule) Clone() Rule {
	r.Clauses = cloneClauses(r.Clauses)
	r.Rollout = slices.Clone(r.Rollout)
	return r
}

// Clone returns a deep copy of the segment.
func (s Segment) Clone() Segment {
	s.Included = slices.Clone(s.Included)
	s.Excluded = slices.Clone(s.Excluded)
	s.Tags = slices.Clone(s.Tags)
	s.Rules = slices.Clone(s.Rules)
	for i := range s.Rules {
		s.Rules[i].Clauses = cloneClauses(s.Rules[i].Clauses)
	}
	return s
}

func cloneClauses(cs []Clause) []Clause {
	cs = slices.Clone(cs)
	for i := range cs {
		vals := slices.Clone(cs[i].Values)
		for j := range vals {
			vals[j] = cloneValue(vals[j])
		}
		cs[i].Values = vals
	}
	return cs
}

// cloneValue deep-copies JSON-shaped values (maps and slices of any).
func cloneValue(v any) any {
	switch x := v.(type) {
	case map[string]any:
		return cloneMap(x)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = cloneValue(e)
		}
		return out
	default:
		return v
	}
}

func cloneMap(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	out := make(map[string]any, len(m))
	for k, e := range m {
		out[k] = cloneValue(e)
	}
	return out
}
