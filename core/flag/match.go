package flag

import "strings"

// lookup returns the operand of a context attribute: Attributes first (they
// win, including "key" and "kind"), then Key and Kind; missing is null.
func (c *EvaluationContext) lookup(attr string) operand {
	if v, ok := c.Attributes[attr]; ok {
		return operandOf(v)
	}
	switch attr {
	case "key":
		return operand{kind: kindString, s: c.Key}
	case "kind":
		return operand{kind: kindString, s: c.Kind}
	}
	return operand{kind: kindNull}
}

// matchAll reports whether every clause matches; no clauses match all.
func (s *Snapshot) matchAll(clauses []compiledClause, ctx *EvaluationContext, depth int) bool {
	for i := range clauses {
		if !s.matchClause(&clauses[i], ctx, depth) {
			return false
		}
	}
	return true
}

func (s *Snapshot) matchClause(c *compiledClause, ctx *EvaluationContext, depth int) bool {
	var r bool
	switch c.op {
	case OpInSegment, OpNotInSegment:
		in := false
		for _, key := range c.segments {
			if s.inSegment(key, ctx, depth) {
				in = true
				break
			}
		}
		r = in == (c.op == OpInSegment)
	default:
		actual := ctx.lookup(c.attribute)
		if actual.kind == kindNull {
			// Only "differs from every value" can hold for a missing value.
			r = (c.op == OpIsNot || c.op == OpNotIn) && !c.hasNull
		} else {
			r = c.match(&actual)
		}
	}
	return r != c.negate
}

// inSegment is segment membership: unknown → no; excluded → no; included →
// yes; any rule matching → yes. Segment clauses inside segment rules recurse
// with depth+1 and fail beyond MaxSegmentDepth.
func (s *Snapshot) inSegment(key string, ctx *EvaluationContext, depth int) bool {
	if depth > MaxSegmentDepth {
		return false
	}
	seg := s.segments[key]
	if seg == nil {
		return false
	}
	if seg.excluded.has(ctx.Key) {
		return false
	}
	if seg.included.has(ctx.Key) {
		return true
	}
	for _, rule := range seg.rules {
		if s.matchAll(rule, ctx, depth+1) {
			return true
		}
	}
	return false
}

// match applies the operator to a non-null actual value. Positive operators
// OR their values; negative ones hold when the positive one does not.
func (c *compiledClause) match(a *operand) bool {
	switch c.op {
	case OpIs, OpIn:
		return c.anyEqual(a)
	case OpIsNot, OpNotIn:
		return !c.anyEqual(a)
	case OpContains:
		return c.anyString(a, strings.Contains)
	case OpNotContains:
		return !c.anyString(a, strings.Contains)
	case OpStartsWith:
		return c.anyString(a, strings.HasPrefix)
	case OpEndsWith:
		return c.anyString(a, strings.HasSuffix)
	case OpMatches:
		return c.anyRegexp(a)
	case OpNotMatches:
		return !c.anyRegexp(a)
	case OpGt, OpGte, OpLt, OpLte:
		x, ok := a.number()
		if !ok || !c.numOK {
			return false
		}
		switch c.op {
		case OpGt:
			return x > c.num
		case OpGte:
			return x >= c.num
		case OpLt:
			return x < c.num
		default:
			return x <= c.num
		}
	case OpBefore, OpAfter:
		return c.compareTime(a)
	case OpSemverEq, OpSemverLt, OpSemverGt:
		if !c.verOK {
			return false
		}
		v, ok := parseVersion(a.str())
		if !ok {
			return false
		}
		cmp := compareVersions(&v, &c.ver)
		switch c.op {
		case OpSemverEq:
			return cmp == 0
		case OpSemverLt:
			return cmp < 0
		default:
			return cmp > 0
		}
	}
	return false
}

func (c *compiledClause) anyEqual(a *operand) bool {
	for i := range c.values {
		if equal(a, &c.values[i]) {
			return true
		}
	}
	return false
}

func (c *compiledClause) anyString(a *operand, test func(s, v string) bool) bool {
	s := a.str()
	for i, v := range c.strs {
		if c.values[i].kind != kindNull && test(s, v) {
			return true
		}
	}
	return false
}

func (c *compiledClause) anyRegexp(a *operand) bool {
	s := a.str()
	for _, re := range c.regexps {
		if re.MatchString(s) {
			return true
		}
	}
	return false
}

// compareTime implements before/after: instants when the clause value is a
// timestamp and the actual value is one too, the canonical strings compared
// byte-wise otherwise.
func (c *compiledClause) compareTime(a *operand) bool {
	if len(c.strs) == 0 {
		return false
	}
	if c.whenOK {
		if t, ok := a.instant(); ok {
			if c.op == OpBefore {
				return t.Before(c.when)
			}
			return t.After(c.when)
		}
	}
	s := a.str()
	if c.op == OpBefore {
		return s < c.strs[0]
	}
	return s > c.strs[0]
}
