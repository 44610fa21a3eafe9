package flag

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"time"
)

// valueKind is the canonical kind of an attribute or clause value; see the
// "Clause semantics" section of the package documentation.
type valueKind uint8

const (
	kindNull valueKind = iota
	kindBool
	kindNumber
	kindString
	kindTime
	kindOther // arrays, objects and anything else
)

// operand is a value classified once, so operators never re-inspect types.
type operand struct {
	kind valueKind
	b    bool
	f    float64
	s    string // kindString only
	raw  any    // the original value (a time.Time for kindTime)
}

// operandOf classifies v without allocating.
func operandOf(v any) operand {
	switch x := v.(type) {
	case nil:
		return operand{kind: kindNull}
	case string:
		return operand{kind: kindString, s: x, raw: v}
	case bool:
		return operand{kind: kindBool, b: x, raw: v}
	case float64:
		return operand{kind: kindNumber, f: x, raw: v}
	case int:
		return operand{kind: kindNumber, f: float64(x), raw: v}
	case int64:
		return operand{kind: kindNumber, f: float64(x), raw: v}
	case float32:
		return operand{kind: kindNumber, f: float64(x), raw: v}
	case int32:
		return operand{kind: kindNumber, f: float64(x), raw: v}
	case int16:
		return operand{kind: kindNumber, f: float64(x), raw: v}
	case int8:
		return operand{kind: kindNumber, f: float64(x), raw: v}
	case uint:
		return operand{kind: kindNumber, f: float64(x), raw: v}
	case uint64:
		return operand{kind: kindNumber, f: float64(x), raw: v}
	case uint32:
		return operand{kind: kindNumber, f: float64(x), raw: v}
	case uint16:
		return operand{kind: kindNumber, f: float64(x), raw: v}
	case uint8:
		return operand{kind: kindNumber, f: float64(x), raw: v}
	case json.Number:
		f, err := strconv.ParseFloat(string(x), 64)
		if err != nil {
			return operand{kind: kindString, s: string(x), raw: v}
		}
		return operand{kind: kindNumber, f: f, raw: v}
	case time.Time:
		return operand{kind: kindTime, raw: x}
	default:
		return operand{kind: kindOther, raw: v}
	}
}

func (o *operand) time() time.Time {
	t, _ := o.raw.(time.Time)
	return t
}

// str is the canonical string form of a non-null operand. Strings and
// booleans never allocate; numbers, times and other values do.
func (o *operand) str() string {
	switch o.kind {
	case kindString:
		return o.s
	case kindBool:
		if o.b {
			return "true"
		}
		return "false"
	case kindNumber:
		return formatNumber(o.raw, o.f)
	case kindTime:
		return o.time().UTC().Format(time.RFC3339Nano)
	case kindNull:
		return "null"
	default:
		b, err := json.Marshal(o.raw)
		if err != nil {
			return ""
		}
		return string(b)
	}
}

// formatNumber writes numbers like JSON: integers without a fraction
// (1, -3), other values in the shortest form (1.5, 1e+21).
func formatNumber(raw any, f float64) string {
	switch x := raw.(type) {
	case int:
		return strconv.FormatInt(int64(x), 10)
	case int64:
		return strconv.FormatInt(x, 10)
	case int32:
		return strconv.FormatInt(int64(x), 10)
	case int16:
		return strconv.FormatInt(int64(x), 10)
	case int8:
		return strconv.FormatInt(int64(x), 10)
	case uint:
		return strconv.FormatUint(uint64(x), 10)
	case uint64:
		return strconv.FormatUint(x, 10)
	case uint32:
		return strconv.FormatUint(uint64(x), 10)
	case uint16:
		return strconv.FormatUint(uint64(x), 10)
	case uint8:
		return strconv.FormatUint(uint64(x), 10)
	}
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return strconv.FormatFloat(f, 'g', -1, 64)
	}
	abs := math.Abs(f)
	format := byte('f')
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	s := strconv.FormatFloat(f, format, -1, 64)
	if format == 'e' {
		// 1e-07 → 1e-7, as encoding/json does.
		if n := len(s); n >= 4 && s[n-4] == 'e' && s[n-3] == '-' && s[n-2] == '0' {
			s = s[:n-2] + s[n-1:]
		}
	}
	return s
}

// number converts an operand for gt/gte/lt/lte: numbers as they are,
// strings parsed as decimal floats (surrounding spaces allowed).
// Booleans, times and other values are not numbers.
func (o *operand) number() (float64, bool) {
	switch o.kind {
	case kindNumber:
		return o.f, true
	case kindString:
		s := strings.TrimSpace(o.s)
		if !looksNumeric(s) {
			return 0, false
		}
		f, err := strconv.ParseFloat(s, 64)
		return f, err == nil
	}
	return 0, false
}

// looksNumeric rejects most non-numbers before strconv, whose error path
// allocates.
func looksNumeric(s string) bool {
	if s == "" {
		return false
	}
	c := s[0]
	if c == '+' || c == '-' {
		if len(s) == 1 {
			return false
		}
		c = s[1]
	}
	return c >= '0' && c <= '9' || c == '.' || c == 'i' || c == 'I' || c == 'n' || c == 'N'
}

// instant converts an operand for before/after when the clause value is a
// timestamp: time.Time values and RFC 3339 or YYYY-MM-DD strings.
func (o *operand) instant() (time.Time, bool) {
	switch o.kind {
	case kindTime:
		return o.time(), true
	case kindString:
		return parseInstant(o.s)
	}
	return time.Time{}, false
}

// parseInstant parses an RFC 3339 timestamp or a YYYY-MM-DD date (midnight
// UTC).
func parseInstant(s string) (time.Time, bool) {
	if len(s) < 10 || s[4] != '-' || s[7] != '-' {
		return time.Time{}, false
	}
	if len(s) == 10 {
		t, err := time.Parse(time.DateOnly, s)
		return t, err == nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	return t, err == nil
}

// equal is the canonical equality of is, is_not, in and not_in: same kind
// and same value; numbers compare numerically whatever their Go type, other
// values by their JSON encoding. A string never equals a number or a bool.
func equal(a, b *operand) bool {
	if a.kind != b.kind {
		return false
	}
	switch a.kind {
	case kindNull:
		return true
	case kindBool:
		return a.b == b.b
	case kindNumber:
		return a.f == b.f
	case kindString:
		return a.s == b.s
	case kindTime:
		return a.time().Equal(b.time())
	default:
		return a.str() == b.str()
	}
}
