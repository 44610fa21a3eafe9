package flag

// Operator names the test a clause applies to an attribute.
type Operator string

// The 21 clause operators.
const (
	OpIs           Operator = "is"
	OpIsNot        Operator = "is_not"
	OpContains     Operator = "contains"
	OpNotContains  Operator = "not_contains"
	OpStartsWith   Operator = "starts_with"
	OpEndsWith     Operator = "ends_with"
	OpMatches      Operator = "matches"
	OpNotMatches   Operator = "not_matches"
	OpGt           Operator = "gt"
	OpGte          Operator = "gte"
	OpLt           Operator = "lt"
	OpLte          Operator = "lte"
	OpBefore       Operator = "before"
	OpAfter        Operator = "after"
	OpIn           Operator = "in"
	OpNotIn        Operator = "not_in"
	OpInSegment    Operator = "in_segment"
	OpNotInSegment Operator = "not_in_segment"
	OpSemverEq     Operator = "semver_eq"
	OpSemverLt     Operator = "semver_lt"
	OpSemverGt     Operator = "semver_gt"
)

// Operators lists every operator in its documented order.
var Operators = []Operator{
	OpIs, OpIsNot, OpContains, OpNotContains, OpStartsWith, OpEndsWith,
	OpMatches, OpNotMatches, OpGt, OpGte, OpLt, OpLte, OpBefore, OpAfter,
	OpIn, OpNotIn, OpInSegment, OpNotInSegment, OpSemverEq, OpSemverLt, OpSemverGt,
}

// Known reports whether op is one of the 21 operators.
func (op Operator) Known() bool {
	for _, o := range Operators {
		if o == op {
			return true
		}
	}
	return false
}

// IsSegment reports whether op tests segment membership of the context key.
func (op Operator) IsSegment() bool { return op == OpInSegment || op == OpNotInSegment }

// singleValue reports whether op compares against values[0] only.
func (op Operator) singleValue() bool {
	switch op {
	case OpGt, OpGte, OpLt, OpLte, OpBefore, OpAfter, OpSemverEq, OpSemverLt, OpSemverGt:
		return true
	}
	return false
}

func (op Operator) numeric() bool {
	return op == OpGt || op == OpGte || op == OpLt || op == OpLte
}

func (op Operator) semver() bool {
	return op == OpSemverEq || op == OpSemverLt || op == OpSemverGt
}
