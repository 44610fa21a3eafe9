package flag

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// maxKeyLen bounds flag and segment keys.
const maxKeyLen = 256

// Validate checks everything that can be checked on the flag alone: key,
// type, at least two uniquely named variations whose values match the type,
// every variation reference (off_variation, fallthrough, targets, rules,
// rollouts, scheduled changes), rollout weights summing to 100000, rules
// with exactly one of variation and rollout, clause operators and values
// (regular expressions compile, versions parse, numbers are numbers) and
// self-referencing prerequisites. Use CheckPrerequisites or ValidateAll for
// the checks that need the other flags.
//
// The error is a *ValidationError listing every problem; it matches
// ErrInvalid.
func (f Flag) Validate() error {
	p := &problems{kind: "flag", key: f.Key}
	validateKey(p, f.Key)
	if !slices.Contains(Types, f.Type) {
		p.add("type", "unknown type %q; use one of boolean, string, integer, float, json", f.Type)
	}
	if f.Status != "" && !slices.Contains(Statuses, f.Status) {
		p.add("status", "unknown status %q; use one of new, active, launched, inactive, deprecated, archived", f.Status)
	}
	validateTags(p, f.Tags)

	names := make([]string, 0, len(f.Variations))
	if len(f.Variations) < 2 {
		p.add("variations", "a flag needs at least 2 variations; it has %d", len(f.Variations))
	}
	for i, v := range f.Variations {
		field := fmt.Sprintf("variations[%d]", i)
		switch {
		case v.Name == "":
			p.add(field+".name", "name is required")
		case slices.Contains(names, v.Name):
			p.add(field+".name", "variation %q is defined twice; give each variation a unique name", v.Name)
		default:
			names = append(names, v.Name)
		}
		if slices.Contains(Types, f.Type) {
			if msg := checkValue(f.Type, v.Value); msg != "" {
				p.add(field+".value", "%s", msg)
			}
		}
	}

	variationRef(p, "off_variation", f.OffVariation, names)
	validateFallthrough(p, "fallthrough", f.Fallthrough, names)
	validatePrerequisites(p, &f)
	validateTargets(p, f.Targets, names)

	ids := map[string]bool{}
	for i, r := range f.Rules {
		field := fmt.Sprintf("rules[%d]", i)
		if r.ID != "" && ids[r.ID] {
			p.add(field+".id", "rule id %q is used twice; rule ids must be unique", r.ID)
		}
		ids[r.ID] = true
		validateRule(p, field, r, names, false)
	}

	changeIDs := map[string]bool{}
	for i, c := range f.ScheduledChanges {
		field := fmt.Sprintf("scheduled_changes[%d]", i)
		if c.ID != "" && changeIDs[c.ID] {
			p.add(field+".id", "scheduled change id %q is used twice; ids must be unique", c.ID)
		}
		changeIDs[c.ID] = true
		validateChange(p, field, c, names)
	}
	return p.err()
}

// Validate checks the segment alone: key, included and excluded keys, rule
// ids and clauses, and rules referring to the segment itself. Use
// CheckSegmentReferences or ValidateSegments for cycles through other
// segments. The error is a *ValidationError; it matches ErrInvalid.
func (s Segment) Validate() error {
	p := &problems{kind: "segment", key: s.Key}
	validateKey(p, s.Key)
	validateTags(p, s.Tags)
	for i, k := range s.Included {
		if k == "" {
			p.add(fmt.Sprintf("included[%d]", i), "context key must not be empty")
		}
	}
	for i, k := range s.Excluded {
		if k == "" {
			p.add(fmt.Sprintf("excluded[%d]", i), "context key must not be empty")
		}
	}
	ids := map[string]bool{}
	for i, r := range s.Rules {
		field := fmt.Sprintf("rules[%d]", i)
		switch {
		case r.ID == "":
			p.add(field+".id", "id is required (FillDefaults assigns one)")
		case ids[r.ID]:
			p.add(field+".id", "rule id %q is used twice; rule ids must be unique", r.ID)
		}
		ids[r.ID] = true
		for j, c := range r.Clauses {
			validateClause(p, fmt.Sprintf("%s.clauses[%d]", field, j), c, s.Key)
		}
	}
	return p.err()
}

func validateKey(p *problems, key string) {
	if key == "" {
		p.add("key", "key is required")
		return
	}
	if len(key) > maxKeyLen {
		p.add("key", "key is %d bytes long; use at most %d", len(key), maxKeyLen)
	}
	for i := 0; i < len(key); i++ {
		c := key[i]
		alnum := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
		if !alnum && (i == 0 || c != '-' && c != '_' && c != '.') {
			p.add("key", "key %q may contain only letters, digits, '-', '_' and '.', and must start with a letter or digit", key)
			return
		}
	}
}

func validateTags(p *problems, tags []string) {
	for i, t := range tags {
		if strings.TrimSpace(t) == "" {
			p.add(fmt.Sprintf("tags[%d]", i), "tag must not be empty")
		}
	}
}

func variationRef(p *problems, field, name string, names []string) {
	switch {
	case name == "":
		p.add(field, "a variation name is required; use one of %s", quoteList(names))
	case !slices.Contains(names, name):
		p.add(field, "variation %q does not exist; use one of %s", name, quoteList(names))
	}
}

func quoteList(names []string) string {
	if len(names) == 0 {
		return "the flag's variations (it has none yet)"
	}
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = strconv.Quote(n)
	}
	return strings.Join(q, ", ")
}

func validateFallthrough(p *problems, field string, ft Fallthrough, names []string) {
	// An empty rollout next to a variation counts as absent, as in the
	// reference; alone it is reported as an empty rollout.
	switch {
	case ft.Variation != "" && len(ft.Rollout) > 0:
		p.add(field, "set either a variation or a rollout, not both")
	case ft.Variation == "" && ft.Rollout != nil:
		validateRollout(p, field, ft.Rollout, names)
	default:
		variationRef(p, field, ft.Variation, names)
	}
}

func validateRollout(p *problems, field string, rollout []WeightedVariation, names []string) {
	if len(rollout) == 0 {
		p.add(field, "a rollout needs at least one weighted variation")
		return
	}
	sum := 0
	var seen []string
	for i, w := range rollout {
		wf := fmt.Sprintf("%s[%d]", field, i)
		variationRef(p, wf+".variation", w.Variation, names)
		if slices.Contains(seen, w.Variation) {
			p.add(wf+".variation", "variation %q appears twice in the rollout; merge the weights", w.Variation)
		}
		seen = append(seen, w.Variation)
		if w.Weight < 0 || w.Weight > TotalWeight {
			p.add(wf+".weight", "weight %d is out of range; use 0..100000 (100000 = 100%%, 1000 = 1%%)", w.Weight)
		}
		sum += w.Weight
	}
	if sum != TotalWeight {
		p.add(field, "weights sum to %d (%s%%); they must sum to 100000 (100%%)", sum, strconv.FormatFloat(float64(sum)/1000, 'f', -1, 64))
	}
}

func validatePrerequisites(p *problems, f *Flag) {
	seen := map[string]bool{}
	for i, pr := range f.Prerequisites {
		field := fmt.Sprintf("prerequisites[%d]", i)
		switch {
		case pr.FlagKey == "":
			p.add(field+".flag_key", "flag_key is required")
		case pr.FlagKey == f.Key:
			p.addErr(ErrPrerequisiteCycle, field+".flag_key", "a flag cannot be its own prerequisite")
		case seen[pr.FlagKey]:
			p.add(field+".flag_key", "flag %q is a prerequisite twice; keep one", pr.FlagKey)
		}
		seen[pr.FlagKey] = true
		if pr.Variation == "" {
			p.add(field+".variation", "variation is required: the variation flag %q must serve", pr.FlagKey)
		}
	}
}

func validateTargets(p *problems, targets map[string][]string, names []string) {
	vars := make([]string, 0, len(targets))
	for v := range targets {
		vars = append(vars, v)
	}
	sort.Strings(vars)
	owner := map[string]string{}
	for _, v := range vars {
		field := "targets." + v
		if !slices.Contains(names, v) {
			p.add(field, "variation %q does not exist; use one of %s", v, quoteList(names))
		}
		for i, k := range targets[v] {
			if k == "" {
				p.add(fmt.Sprintf("%s[%d]", field, i), "context key must not be empty")
				continue
			}
			if o, ok := owner[k]; ok && o != v {
				p.add(fmt.Sprintf("%s[%d]", field, i), "context key %q is also targeted to %q; keep it in one list", k, o)
				continue
			}
			owner[k] = v
		}
	}
}

func validateRule(p *problems, field string, r Rule, names []string, allowEmptyID bool) {
	if r.ID == "" && !allowEmptyID {
		p.add(field+".id", "id is required (FillDefaults assigns one)")
	}
	for j, c := range r.Clauses {
		validateClause(p, fmt.Sprintf("%s.clauses[%d]", field, j), c, "")
	}
	switch {
	case r.Variation != "" && len(r.Rollout) > 0:
		p.add(field, "set either variation or rollout, not both")
	case r.Variation == "" && len(r.Rollout) == 0:
		p.add(field, "set a variation or a rollout to serve when the rule matches")
	case r.Variation == "":
		validateRollout(p, field+".rollout", r.Rollout, names)
	default:
		variationRef(p, field+".variation", r.Variation, names)
	}
}

// validateClause checks one clause; self is the key of the segment the
// clause belongs to ("" in flag rules).
func validateClause(p *problems, field string, c Clause, self string) {
	if !c.Operator.Known() {
		ops := make([]string, len(Operators))
		for i, o := range Operators {
			ops[i] = string(o)
		}
		p.add(field+".operator", "unknown operator %q; use one of %s", c.Operator, strings.Join(ops, ", "))
		return
	}
	if len(c.Values) == 0 {
		p.add(field+".values", "operator %s needs at least one value", c.Operator)
		return
	}
	if c.Operator.IsSegment() {
		for i, v := range c.Values {
			s, ok := v.(string)
			vf := fmt.Sprintf("%s.values[%d]", field, i)
			switch {
			case !ok || s == "":
				p.add(vf, "operator %s takes segment keys; got %s", c.Operator, describe(v))
			case s == self:
				p.addErr(ErrSegmentCycle, vf, "segment %q cannot refer to itself", s)
			}
		}
		return
	}
	if c.Attribute == "" {
		p.add(field+".attribute", "attribute is required: the context attribute to test, e.g. \"plan\" or \"key\"")
	}
	if c.Operator.singleValue() && len(c.Values) != 1 {
		p.add(field+".values", "operator %s compares against exactly one value; got %d", c.Operator, len(c.Values))
	}
	v0 := fmt.Sprintf("%s.values[0]", field)
	switch op := c.Operator; {
	case op.numeric():
		o := operandOf(c.Values[0])
		if _, ok := o.number(); !ok {
			p.add(v0, "operator %s needs a number; got %s", op, describe(c.Values[0]))
		}
	case op == OpBefore || op == OpAfter:
		if _, ok := c.Values[0].(string); !ok {
			p.add(v0, "operator %s needs a string (an RFC 3339 timestamp, a YYYY-MM-DD date or any string); got %s", op, describe(c.Values[0]))
		}
	case op.semver():
		s, ok := c.Values[0].(string)
		if _, vok := parseVersion(s); !ok || !vok {
			p.add(v0, "operator %s needs a version like \"1.2.3\" or \"v2.0.0-beta.1\"; got %s", op, describe(c.Values[0]))
		}
	case op == OpMatches || op == OpNotMatches:
		for i, v := range c.Values {
			vf := fmt.Sprintf("%s.values[%d]", field, i)
			s, ok := v.(string)
			if !ok {
				p.add(vf, "operator %s needs a regular expression string; got %s", op, describe(v))
				continue
			}
			if _, err := regexp.Compile(s); err != nil {
				p.add(vf, "regular expression %q does not compile (Go RE2 syntax): %v", s, err)
			}
		}
	case op == OpContains || op == OpNotContains || op == OpStartsWith || op == OpEndsWith:
		for i, v := range c.Values {
			if v == nil {
				p.add(fmt.Sprintf("%s.values[%d]", field, i), "operator %s cannot test for null; use is or is_not", op)
			}
		}
	}
}

// checkValue returns what is wrong with a variation value, or "".
func checkValue(t Type, v any) string {
	if v == nil {
		return "value is required"
	}
	o := operandOf(v)
	switch t {
	case TypeBoolean:
		if o.kind != kindBool {
			return "value must be true or false for a boolean flag; got " + describe(v)
		}
	case TypeString:
		if o.kind != kindString {
			return "value must be a string for a string flag; got " + describe(v)
		}
	case TypeInteger:
		if _, ok := toInt64(v); !ok {
			return "value must be a whole number (64-bit) for an integer flag; got " + describe(v)
		}
	case TypeFloat:
		if o.kind != kindNumber || math.IsInf(o.f, 0) || math.IsNaN(o.f) {
			return "value must be a finite number for a float flag; got " + describe(v)
		}
	case TypeJSON:
		if _, err := json.Marshal(v); err != nil {
			return "value cannot be encoded as JSON: " + err.Error()
		}
	}
	return ""
}

// toInt64 converts integral numbers of any Go numeric type.
func toInt64(v any) (int64, bool) {
	switch x := v.(type) {
	case int:
		return int64(x), true
	case int64:
		return x, true
	case int32:
		return int64(x), true
	case int16:
		return int64(x), true
	case int8:
		return int64(x), true
	case uint:
		if uint64(x) > math.MaxInt64 {
			return 0, false
		}
		return int64(x), true
	case uint64:
		if x > math.MaxInt64 {
			return 0, false
		}
		return int64(x), true
	case uint32:
		return int64(x), true
	case uint16:
		return int64(x), true
	case uint8:
		return int64(x), true
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return i, true
		}
		f, err := x.Float64()
		if err != nil {
			return 0, false
		}
		return toInt64(f)
	case float64:
		if x != math.Trunc(x) || x < -(1<<63) || x >= 1<<63 {
			return 0, false
		}
		return int64(x), true
	case float32:
		return toInt64(float64(x))
	}
	return 0, false
}

// describe renders a value with its canonical kind for messages.
func describe(v any) string {
	o := operandOf(v)
	switch o.kind {
	case kindNull:
		return "null"
	case kindString:
		return "string " + strconv.Quote(o.s)
	case kindBool:
		return "boolean " + o.str()
	case kindNumber:
		return "number " + o.str()
	case kindTime:
		return "time " + o.str()
	}
	switch v.(type) {
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	}
	return fmt.Sprintf("%T", v)
}
