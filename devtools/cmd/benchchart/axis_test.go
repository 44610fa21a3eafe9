package main

import (
	"math"
	"reflect"
	"testing"
)

func TestNiceStep(t *testing.T) {
	for _, tt := range []struct{ raw, want float64 }{
		{1, 1}, {1.4, 1}, {1.6, 2}, {2.9, 2}, {3, 5}, {6.9, 5}, {7, 10}, {0.03, 0.05}, {0.2025, 0.2}, {450, 500}, {1999, 2000}, {2e5, 2e5},
	} {
		if got := niceStep(tt.raw); math.Abs(got-tt.want) > 1e-12*tt.want {
			t.Errorf("niceStep(%v) = %v, want %v", tt.raw, got, tt.want)
		}
	}
}

// Linear ticks are round, cover the data, and start at 0 when asked to.
func TestLinearAxisTicks(t *testing.T) {
	for _, tt := range []struct {
		name     string
		lo, hi   float64
		target   int
		withZero bool
		want     []string
	}{
		{"cost from zero", 53.8, 102, 5, true, []string{"0", "20", "40", "60", "80", "100", "120"}},
		{"round max", 0, 100, 6, true, []string{"0", "20", "40", "60", "80", "100"}},
		{"thousands", 125, 1796, 5, true, []string{"0", "500", "1,000", "1,500", "2,000"}},
		{"keys", 10_000, 1_000_000, 6, false, []string{"0", "200k", "400k", "600k", "800k", "1M"}},
		{"decimals", 0.12, 0.93, 5, false, []string{"0", "0.2", "0.4", "0.6", "0.8", "1"}},
		{"negative", -40, 25, 4, true, []string{"-40", "-20", "0", "20", "40"}},
		{"one value", 7, 7, 5, false, []string{"2", "4", "6", "8", "10", "12"}},
		{"all zero", 0, 0, 5, true, []string{"0", "0.2", "0.4", "0.6", "0.8", "1"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a := linearAxis(tt.lo, tt.hi, tt.target, tt.withZero)
			var got []string
			for _, v := range a.ticks {
				got = append(got, a.label(v))
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ticks %q, want %q", got, tt.want)
			}
			if a.lo > tt.lo || a.hi < tt.hi || a.lo >= a.hi {
				t.Errorf("domain [%v, %v] does not cover [%v, %v]", a.lo, a.hi, tt.lo, tt.hi)
			}
		})
	}
}

// A log axis spans whole decades; short spans are labelled at 1, 2 and
// 5, long ones at every decade or fewer.
func TestLogAxisTicks(t *testing.T) {
	for _, tt := range []struct {
		name      string
		lo, hi    float64
		want      []string
		wantMinor int
	}{
		{"routes", 10, 10_000, []string{"10", "100", "1,000", "10k"}, 3 * 8},
		{"keys", 10_000, 1_000_000, []string{"10k", "20k", "50k", "100k", "200k", "500k", "1M"}, 2 * 6},
		{"inside one decade", 15, 80, []string{"10", "20", "50", "100"}, 6},
		{"one value", 100, 100, []string{"10", "20", "50", "100", "200", "500", "1,000"}, 12},
		{"fractions", 0.02, 0.7, []string{"0.01", "0.02", "0.05", "0.1", "0.2", "0.5", "1"}, 12},
		{"many decades", 1, 1e12, []string{"1", "100", "10k", "1M", "100M", "10G", "1,000G"}, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a := logAxis(tt.lo, tt.hi)
			var got []string
			for _, v := range a.ticks {
				got = append(got, a.label(v))
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ticks %q, want %q", got, tt.want)
			}
			if len(a.minor) != tt.wantMinor {
				t.Errorf("%d minor ticks, want %d", len(a.minor), tt.wantMinor)
			}
			if a.lo > tt.lo || a.hi < tt.hi {
				t.Errorf("domain [%v, %v] does not cover [%v, %v]", a.lo, a.hi, tt.lo, tt.hi)
			}
		})
	}
}

// On a log scale equal ratios are equal distances.
func TestLogAxisFrac(t *testing.T) {
	a := logAxis(10, 10_000)
	for _, tt := range []struct{ v, want float64 }{{10, 0}, {100, 1.0 / 3}, {1000, 2.0 / 3}, {10_000, 1}, {math.Sqrt(10) * 10, 1.0 / 6}} {
		if got := a.frac(tt.v); math.Abs(got-tt.want) > 1e-9 {
			t.Errorf("frac(%v) = %v, want %v", tt.v, got, tt.want)
		}
	}
	if got := linearAxis(0, 100, 6, true).frac(25); got != 0.25 {
		t.Errorf("linear frac(25) = %v, want 0.25", got)
	}
}

func TestFormatValue(t *testing.T) {
	for _, tt := range []struct {
		v    float64
		want string
	}{
		{0, "0"}, {54.14, "54.1"}, {213.7, "214"}, {5.0, "5"}, {0.01234, "0.0123"}, {-3.25, "-3.25"},
		{1943, "1,943"}, {9999.4, "9,999"}, {9999.7, "10k"}, {12_345, "12.3k"}, {215_000, "215k"},
		{999_999, "1M"}, {1_250_000, "1.25M"}, {3e9, "3G"},
	} {
		if got := formatValue(tt.v); got != tt.want {
			t.Errorf("formatValue(%v) = %q, want %q", tt.v, got, tt.want)
		}
	}
}
