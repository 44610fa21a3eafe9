package ratelimit_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/waygate-go/waygate/core/ratelimit"
)

func TestParseLimit(t *testing.T) {
	day := 24 * time.Hour
	tests := []struct {
		in   string
		want []ratelimit.Rate
		str  string
	}{
		{"100/minute", []ratelimit.Rate{{100, time.Minute}}, "100/minute"},
		{"10/second", []ratelimit.Rate{{10, time.Second}}, "10/second"},
		{"5 per 2 minutes", []ratelimit.Rate{{5, 2 * time.Minute}}, "5 per 2 minutes"},
		{" 1000 / Day ", []ratelimit.Rate{{1000, day}}, "1000/day"},
		{"1/month", []ratelimit.Rate{{1, 30 * day}}, "1/month"},
		{"1/year", []ratelimit.Rate{{1, 365 * day}}, "1/year"},
		{"3 per 90 seconds", []ratelimit.Rate{{3, 90 * time.Second}}, "3 per 90 seconds"},
		{"10/second;500/hour", []ratelimit.Rate{{10, time.Second}, {500, time.Hour}}, "10/second;500/hour"},
	}
	for _, tt := range tests {
		l, err := ratelimit.ParseLimit(tt.in)
		if err != nil {
			t.Errorf("ParseLimit(%q): %v", tt.in, err)
			continue
		}
		if len(l.Rates) != len(tt.want) {
			t.Errorf("ParseLimit(%q) = %v", tt.in, l.Rates)
			continue
		}
		for i := range tt.want {
			if l.Rates[i] != tt.want[i] {
				t.Errorf("ParseLimit(%q)[%d] = %v, want %v", tt.in, i, l.Rates[i], tt.want[i])
			}
		}
		if l.String() != tt.str {
			t.Errorf("ParseLimit(%q).String() = %q, want %q", tt.in, l.String(), tt.str)
		}
	}
	if l, err := ratelimit.ParseLimit("UNLIMITED"); err != nil || !l.Unlimited || l.String() != "unlimited" {
		t.Errorf("unlimited: %+v, %v", l, err)
	}
}

func TestParseLimitErrorsSayWhatToWrite(t *testing.T) {
	for _, in := range []string{"", "100", "abc/minute", "0/minute", "-1/second", "10/fortnight", "10 per 0 minutes", "10/second;", "10 per minute hour", "5/minute,10/hour", "99999999999999999999/second", "1 per 999999999 years"} {
		_, err := ratelimit.ParseLimit(in)
		if !errors.Is(err, ratelimit.ErrInvalid) {
			t.Errorf("ParseLimit(%q) error = %v, want ErrInvalid", in, err)
			continue
		}
		if !strings.Contains(err.Error(), "100/minute") {
			t.Errorf("ParseLimit(%q) error %q does not show the format", in, err)
		}
	}
}

func FuzzParseLimit(f *testing.F) {
	for _, s := range []string{"100/minute", "5 per 2 minutes", "1/second;2/hour", "unlimited", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		l, err := ratelimit.ParseLimit(s)
		if err != nil {
			return
		}
		again, err := ratelimit.ParseLimit(l.String())
		if err != nil || again.String() != l.String() {
			t.Fatalf("%q → %q does not round-trip: %v", s, l.String(), err)
		}
		for _, r := range l.Rates {
			if r.Amount <= 0 || r.Period <= 0 {
				t.Fatalf("%q parsed to a non-positive rate %+v", s, r)
			}
		}
	})
}

// Amounts and bursts are bounded, so that no count, header or refill time
// overflows: a burst of 2^63-1 used to block every request with
// X-RateLimit-Limit: -9223372036854775808.
func TestHugeAmountsAndBurstsAreRefused(t *testing.T) {
	if _, err := ratelimit.ParseLimit("99999999999999999999/minute"); err == nil || !strings.Contains(err.Error(), "is too large (at most 1000000000000)") {
		t.Errorf("an amount past int64: %v, want too large", err)
	}
	if _, err := ratelimit.ParseLimit("1000000000001/minute"); err == nil || !strings.Contains(err.Error(), "too large") {
		t.Errorf("an amount past MaxAmount: %v, want too large", err)
	}
	if _, err := ratelimit.ParseLimit("1000000000000/minute"); err != nil {
		t.Errorf("MaxAmount itself: %v", err)
	}
	tests := []struct {
		name   string
		p      ratelimit.Policy
		errHas string // "" = valid
	}{
		{"burst past int64 math", ratelimit.Policy{Limit: "1/second", Burst: 1<<63 - 1}, "burst 9223372036854775807 is too large"},
		{"amount plus burst", ratelimit.Policy{Limit: "1000000000000/second", Burst: 1}, "lower the burst"},
		{"a tier's amount plus burst", ratelimit.Policy{Limit: "1/second", Burst: 999_999_999_999, Tiers: []ratelimit.Tier{{Name: "pro", Limit: "2/second"}}}, "lower the burst"},
		{"a bucket that refills for centuries", ratelimit.Policy{Limit: "1/year", Algorithm: ratelimit.TokenBucket, Burst: 100}, "over 100 years to refill"},
		{"a large burst of a fixed window", ratelimit.Policy{Limit: "1/year", Burst: 100}, ""},
		{"a large token bucket", ratelimit.Policy{Limit: "1000000/second", Algorithm: ratelimit.TokenBucket, Burst: 1_000_000}, ""},
		{"moving window", ratelimit.Policy{Limit: "100000/minute", Algorithm: ratelimit.MovingWindow, Burst: 1}, "at most 100000"},
	}
	for _, tt := range tests {
		err := tt.p.Validate()
		switch {
		case tt.errHas == "" && err != nil:
			t.Errorf("%s: %v, want valid", tt.name, err)
		case tt.errHas != "" && (!errors.Is(err, ratelimit.ErrInvalid) || !strings.Contains(err.Error(), tt.errHas)):
			t.Errorf("%s: %v, want ErrInvalid saying %q", tt.name, err, tt.errHas)
		}
	}
}
