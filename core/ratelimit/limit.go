package ratelimit

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ErrInvalid is returned (wrapped) for malformed limits and policies.
var ErrInvalid = errors.New("invalid rate limit")

// Rate is one "amount per period" rule.
type Rate struct {
	Amount int64
	Period time.Duration
}

// Limit is a parsed limit string: one or more rates, all enforced, or
// unlimited.
type Limit struct {
	Rates     []Rate
	Unlimited bool
}

var units = map[string]time.Duration{
	"second": time.Second,
	"minute": time.Minute,
	"hour":   time.Hour,
	"day":    24 * time.Hour,
	"month":  30 * 24 * time.Hour,
	"year":   365 * 24 * time.Hour,
}

// MaxAmount bounds a rate's amount and, with burst, how many requests one
// window or bucket holds: far beyond any real limit, and small enough that
// no count or time computed from it overflows (in Go or in Redis' Lua).
const MaxAmount = 1_000_000_000_000

// maxSpan bounds how long a full token bucket takes to refill, as the
// period of a rate is bounded.
const maxSpan = 100 * 365 * 24 * time.Hour

const limitHelp = `write "100/minute", "5 per 2 minutes", several joined by ";" ("10/second;500/hour"), or "unlimited"; units: second, minute, hour, day, month, year`

// ParseLimit parses a limit string such as "100/minute", "5 per 2 minutes",
// "10/second;500/hour" or "unlimited".
func ParseLimit(s string) (Limit, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return Limit{}, fmt.Errorf("%w: empty limit: %s", ErrInvalid, limitHelp)
	}
	if strings.EqualFold(t, "unlimited") {
		return Limit{Unlimited: true}, nil
	}
	var l Limit
	for _, part := range strings.Split(t, ";") {
		r, err := parseRate(part)
		if err != nil {
			return Limit{}, fmt.Errorf("%w %q: %v: %s", ErrInvalid, s, err, limitHelp)
		}
		l.Rates = append(l.Rates, r)
	}
	return l, nil
}

func parseRate(s string) (Rate, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	var amount, rest string
	if i := strings.IndexByte(s, '/'); i >= 0 {
		amount, rest = s[:i], s[i+1:]
	} else if i := strings.Index(s, " per "); i >= 0 {
		amount, rest = s[:i], s[i+5:]
	} else {
		return Rate{}, errors.New("missing \"/\" or \"per\"")
	}
	amount = strings.TrimSpace(amount)
	n, err := strconv.ParseInt(amount, 10, 64)
	if (err == nil && n > MaxAmount) || (errors.Is(err, strconv.ErrRange) && !strings.HasPrefix(amount, "-")) {
		return Rate{}, fmt.Errorf("amount %q is too large (at most %d)", amount, MaxAmount)
	}
	if err != nil || n <= 0 {
		return Rate{}, fmt.Errorf("amount %q must be a whole number above zero", amount)
	}
	fields := strings.Fields(rest)
	multiple := int64(1)
	switch len(fields) {
	case 1:
	case 2:
		m, err := strconv.ParseInt(fields[0], 10, 64)
		if err != nil || m <= 0 {
			return Rate{}, fmt.Errorf("multiple %q must be a whole number above zero", fields[0])
		}
		multiple, fields = m, fields[1:]
	default:
		return Rate{}, fmt.Errorf("unit %q is not one unit", rest)
	}
	unit, ok := units[strings.TrimSuffix(fields[0], "s")]
	if !ok {
		return Rate{}, fmt.Errorf("unknown unit %q", fields[0])
	}
	if multiple > int64(100*365*24*time.Hour/unit) {
		return Rate{}, fmt.Errorf("period of %d %s is too long", multiple, fields[0])
	}
	return Rate{Amount: n, Period: time.Duration(multiple) * unit}, nil
}

// String formats the limit canonically ("100/minute", "5 per 120 seconds").
func (l Limit) String() string {
	if l.Unlimited {
		return "unlimited"
	}
	parts := make([]string, len(l.Rates))
	for i, r := range l.Rates {
		parts[i] = r.String()
	}
	return strings.Join(parts, ";")
}

// String formats the rate ("100/minute", "5 per 2 hours").
func (r Rate) String() string {
	for _, u := range []struct {
		name string
		d    time.Duration
	}{{"year", units["year"]}, {"month", units["month"]}, {"day", units["day"]}, {"hour", time.Hour}, {"minute", time.Minute}, {"second", time.Second}} {
		if r.Period%u.d == 0 {
			m := int64(r.Period / u.d)
			if m == 1 {
				return fmt.Sprintf("%d/%s", r.Amount, u.name)
			}
			return fmt.Sprintf("%d per %d %ss", r.Amount, m, u.name)
		}
	}
	return fmt.Sprintf("%d per %d seconds", r.Amount, int64(r.Period/time.Second))
}
