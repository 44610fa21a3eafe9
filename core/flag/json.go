package flag

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// JSON shapes follow the reference's Appendix A: absent fields take the
// reference defaults, nil lists are written as [] and optional strings as
// null, timestamps are written in UTC and read with or without a zone
// (naive timestamps of the reference are UTC).

// MarshalJSON writes the reference shape.
func (f Flag) MarshalJSON() ([]byte, error) {
	type plain Flag
	f.Tags = nonNil(f.Tags)
	f.Variations = nonNil(f.Variations)
	f.Prerequisites = nonNil(f.Prerequisites)
	f.Rules = nonNil(f.Rules)
	f.ScheduledChanges = nonNil(f.ScheduledChanges)
	if f.Targets == nil {
		f.Targets = map[string][]string{}
	}
	return json.Marshal(struct {
		plain
		Maintainer *string   `json:"maintainer"`
		CreatedAt  time.Time `json:"created_at"`
		UpdatedAt  time.Time `json:"updated_at"`
	}{plain(f), optional(f.Maintainer), f.CreatedAt.UTC(), f.UpdatedAt.UTC()})
}

// UnmarshalJSON reads the reference shape; absent fields default to
// enabled true, status "active", temporary true, created_by "system".
func (f *Flag) UnmarshalJSON(data []byte) error {
	type plain Flag
	*f = Flag{Enabled: true, Status: StatusActive, Temporary: true, CreatedBy: DefaultActor}
	aux := struct {
		*plain
		Maintainer *string  `json:"maintainer"`
		CreatedAt  jsonTime `json:"created_at"`
		UpdatedAt  jsonTime `json:"updated_at"`
	}{plain: (*plain)(f)}
	if err := json.Unmarshal(data, &aux); err != nil {
		return err
	}
	if aux.Maintainer != nil {
		f.Maintainer = *aux.Maintainer
	}
	f.CreatedAt, f.UpdatedAt = time.Time(aux.CreatedAt), time.Time(aux.UpdatedAt)
	return nil
}

// MarshalJSON writes a variation name, or the rollout as an array.
func (ft Fallthrough) MarshalJSON() ([]byte, error) {
	if ft.Variation == "" && ft.Rollout != nil {
		return json.Marshal(ft.Rollout)
	}
	return json.Marshal(ft.Variation)
}

// UnmarshalJSON reads a variation name or an array of weighted variations.
func (ft *Fallthrough) UnmarshalJSON(data []byte) error {
	*ft = Fallthrough{}
	data = bytes.TrimSpace(data)
	switch {
	case len(data) == 0 || string(data) == "null":
		return nil
	case data[0] == '"':
		return json.Unmarshal(data, &ft.Variation)
	case data[0] == '[':
		ft.Rollout = []WeightedVariation{}
		return json.Unmarshal(data, &ft.Rollout)
	}
	return fmt.Errorf("fallthrough must be a variation name or a list of {\"variation\", \"weight\"}, got %s", truncate(data))
}

// UnmarshalJSON reads a variation; a whole-number value becomes an int64
// and any other number a float64.
func (v *Variation) UnmarshalJSON(data []byte) error {
	type plain Variation
	*v = Variation{}
	aux := struct {
		*plain
		Value json.RawMessage `json:"value"`
	}{plain: (*plain)(v)}
	if err := json.Unmarshal(data, &aux); err != nil {
		return err
	}
	if len(aux.Value) == 0 {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(aux.Value))
	dec.UseNumber()
	var x any
	if err := dec.Decode(&x); err != nil {
		return err
	}
	v.Value = normalizeNumbers(x, true)
	return nil
}

// normalizeNumbers turns json.Number into int64 (top-level integer
// literals) or float64 (everything else, as encoding/json would).
func normalizeNumbers(x any, top bool) any {
	switch t := x.(type) {
	case json.Number:
		if top && !strings.ContainsAny(string(t), ".eE") {
			if i, err := t.Int64(); err == nil {
				return i
			}
		}
		f, _ := t.Float64()
		return f
	case map[string]any:
		for k, e := range t {
			t[k] = normalizeNumbers(e, false)
		}
	case []any:
		for i, e := range t {
			t[i] = normalizeNumbers(e, false)
		}
	}
	return x
}

// MarshalJSON writes values as [] when empty.
func (c Clause) MarshalJSON() ([]byte, error) {
	type plain Clause
	c.Values = nonNil(c.Values)
	return json.Marshal(plain(c))
}

// MarshalJSON writes variation as null when a rollout is served.
func (r Rule) MarshalJSON() ([]byte, error) {
	type plain Rule
	r.Clauses = nonNil(r.Clauses)
	return json.Marshal(struct {
		plain
		Variation *string `json:"variation"`
	}{plain(r), optional(r.Variation)})
}

// UnmarshalJSON reads a rule; a missing id gets a random one (NewID).
func (r *Rule) UnmarshalJSON(data []byte) error {
	type plain Rule
	*r = Rule{}
	if err := json.Unmarshal(data, (*plain)(r)); err != nil {
		return err
	}
	if r.ID == "" {
		r.ID = NewID()
	}
	return nil
}

// MarshalJSON writes clauses as [] when empty.
func (r SegmentRule) MarshalJSON() ([]byte, error) {
	type plain SegmentRule
	r.Clauses = nonNil(r.Clauses)
	return json.Marshal(plain(r))
}

// UnmarshalJSON reads a segment rule; a missing id gets a random one.
func (r *SegmentRule) UnmarshalJSON(data []byte) error {
	type plain SegmentRule
	*r = SegmentRule{}
	if err := json.Unmarshal(data, (*plain)(r)); err != nil {
		return err
	}
	if r.ID == "" {
		r.ID = NewID()
	}
	return nil
}

// MarshalJSON writes the reference shape.
func (s Segment) MarshalJSON() ([]byte, error) {
	type plain Segment
	s.Included, s.Excluded, s.Tags = nonNil(s.Included), nonNil(s.Excluded), nonNil(s.Tags)
	s.Rules = nonNil(s.Rules)
	return json.Marshal(struct {
		plain
		CreatedAt time.Time `json:"created_at"`
		UpdatedAt time.Time `json:"updated_at"`
	}{plain(s), s.CreatedAt.UTC(), s.UpdatedAt.UTC()})
}

// UnmarshalJSON reads the reference shape, naive timestamps as UTC.
func (s *Segment) UnmarshalJSON(data []byte) error {
	type plain Segment
	*s = Segment{}
	aux := struct {
		*plain
		CreatedAt jsonTime `json:"created_at"`
		UpdatedAt jsonTime `json:"updated_at"`
	}{plain: (*plain)(s)}
	if err := json.Unmarshal(data, &aux); err != nil {
		return err
	}
	s.CreatedAt, s.UpdatedAt = time.Time(aux.CreatedAt), time.Time(aux.UpdatedAt)
	return nil
}

// MarshalJSON writes times in UTC and payload as {} when empty.
func (c ScheduledChange) MarshalJSON() ([]byte, error) {
	type plain ScheduledChange
	if c.Payload == nil {
		c.Payload = map[string]any{}
	}
	return json.Marshal(struct {
		plain
		ExecuteAt time.Time `json:"execute_at"`
		CreatedAt time.Time `json:"created_at"`
	}{plain(c), c.ExecuteAt.UTC(), c.CreatedAt.UTC()})
}

// UnmarshalJSON reads a scheduled change; a missing id gets a random one
// and a missing created_by is "system".
func (c *ScheduledChange) UnmarshalJSON(data []byte) error {
	type plain ScheduledChange
	*c = ScheduledChange{CreatedBy: DefaultActor}
	aux := struct {
		*plain
		ExecuteAt jsonTime `json:"execute_at"`
		CreatedAt jsonTime `json:"created_at"`
	}{plain: (*plain)(c)}
	if err := json.Unmarshal(data, &aux); err != nil {
		return err
	}
	c.ExecuteAt, c.CreatedAt = time.Time(aux.ExecuteAt), time.Time(aux.CreatedAt)
	if c.ID == "" {
		c.ID = NewID()
	}
	if c.Payload == nil {
		c.Payload = map[string]any{}
	}
	return nil
}

// UnmarshalJSON reads a context; the reference's top-level email, ip,
// country and app_version fields become attributes (attributes win).
func (c *EvaluationContext) UnmarshalJSON(data []byte) error {
	type plain EvaluationContext
	*c = EvaluationContext{}
	aux := struct {
		*plain
		Email      any `json:"email"`
		IP         any `json:"ip"`
		Country    any `json:"country"`
		AppVersion any `json:"app_version"`
	}{plain: (*plain)(c)}
	if err := json.Unmarshal(data, &aux); err != nil {
		return err
	}
	for name, v := range map[string]any{"email": aux.Email, "ip": aux.IP, "country": aux.Country, "app_version": aux.AppVersion} {
		if v == nil {
			continue
		}
		if c.Attributes == nil {
			c.Attributes = map[string]any{}
		}
		if _, ok := c.Attributes[name]; !ok {
			c.Attributes[name] = v
		}
	}
	return nil
}

// jsonTime reads RFC 3339 timestamps and the reference's naive ones (UTC).
type jsonTime time.Time

func (t *jsonTime) UnmarshalJSON(data []byte) error {
	if string(data) == "null" {
		*t = jsonTime{}
		return nil
	}
	var s string
	if err := json.Unmarshal(data, &s); err != nil {
		return fmt.Errorf("timestamp must be a string like \"2025-06-01T02:00:00Z\", got %s", truncate(data))
	}
	tm, err := ParseTime(s)
	if err != nil {
		return err
	}
	*t = jsonTime(tm)
	return nil
}

// ParseTime reads an RFC 3339 timestamp or a naive one (no zone, read as
// UTC, "T" or space separated) and returns it in UTC. Empty is the zero
// time.
func ParseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC(), nil
	}
	for _, layout := range []string{"2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999", time.DateOnly} {
		if t, err := time.ParseInLocation(layout, s, time.UTC); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("timestamp %q is not RFC 3339; use e.g. \"2025-06-01T02:00:00Z\"", s)
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func truncate(b []byte) string {
	if len(b) > 40 {
		return string(b[:40]) + "…"
	}
	return string(b)
}
