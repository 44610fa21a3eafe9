package main

import (
	"math"
	"strconv"
	"strings"
)

// An axis maps data values to a fraction of the plot's length and knows
// where its ticks go.
type axis struct {
	lo, hi float64   // the domain, round numbers
	log    bool      // decades instead of a linear scale
	ticks  []float64 // labelled, with a grid line
	minor  []float64 // short marks between ticks (log x only)
	step   float64   // the linear tick step; 0 on a log scale
}

// frac is where v falls on the axis: 0 at lo, 1 at hi.
func (a axis) frac(v float64) float64 {
	if a.log {
		return (math.Log10(v) - math.Log10(a.lo)) / (math.Log10(a.hi) - math.Log10(a.lo))
	}
	return (v - a.lo) / (a.hi - a.lo)
}

// label is the text of tick v.
func (a axis) label(v float64) string {
	if a.log {
		return formatTick(v, v)
	}
	return formatTick(v, a.step)
}

// linearAxis covers [lo, hi] with about target ticks at round steps (1, 2
// or 5 times a power of ten), widened to the ticks around it (Heckbert's
// nice numbers). withZero
// takes 0 into the domain, as a cost axis should.
func linearAxis(lo, hi float64, target int, withZero bool) axis {
	if withZero {
		lo, hi = min(lo, 0), max(hi, 0)
	}
	if lo == hi {
		pad := math.Abs(lo) / 2
		if pad == 0 {
			pad = 1
		}
		lo, hi = lo-pad, hi+pad
		if withZero && lo < 0 && hi-pad >= 0 {
			lo = 0
		}
	}
	step := niceStep((hi - lo) / float64(max(target-1, 1)))
	first, last := math.Floor(lo/step+1e-9), math.Ceil(hi/step-1e-9)
	a := axis{lo: first * step, hi: last * step, step: step}
	for i := range int(last-first) + 1 { // counted: first+1 may equal first past 2^53
		a.ticks = append(a.ticks, (first+float64(i))*step)
	}
	return a
}

// niceStep is the round step (1, 2 or 5 times a power of ten) nearest
// raw, in ratio.
func niceStep(raw float64) float64 {
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	switch f := raw / p; {
	case f < 1.5:
		return p
	case f < 3:
		return 2 * p
	case f < 7:
		return 5 * p
	}
	return 10 * p
}

// logAxis covers [lo, hi] (both above 0) with whole decades. Two decades
// or fewer are labelled at 1, 2 and 5 of each; more at every decade, or
// every second or third when there are many.
func logAxis(lo, hi float64) axis {
	dlo, dhi := math.Floor(math.Log10(lo)+1e-9), math.Ceil(math.Log10(hi)-1e-9)
	if dlo == dhi {
		dlo, dhi = dlo-1, dhi+1
	}
	a := axis{lo: math.Pow(10, dlo), hi: math.Pow(10, dhi), log: true}
	decades := dhi - dlo
	every := math.Ceil(decades / 7)
	for d := dlo; d <= dhi; d++ {
		p := math.Pow(10, d)
		if math.Mod(d-dlo, every) == 0 {
			a.ticks = append(a.ticks, p)
		}
		if d == dhi {
			break
		}
		for m := 2.0; m <= 9; m++ {
			if decades <= 2 && (m == 2 || m == 5) {
				a.ticks = append(a.ticks, m*p)
			} else if decades <= 6 {
				a.minor = append(a.minor, m*p)
			}
		}
	}
	return a
}

// formatTick writes tick v of an axis with the given step: as few
// decimals as the step needs, from 10,000 on in thousands (k), millions
// (M) or billions (G): 500, 1,500, 10k, 2.5M.
func formatTick(v, step float64) string {
	if v == 0 {
		return "0"
	}
	unit, suffix := 1.0, ""
	if math.Abs(v) >= 9999.5 {
		unit, suffix = siUnit(math.Abs(v))
	}
	decimals := max(0, int(math.Ceil(-math.Log10(step/unit)-1e-9)))
	s := trimZeros(strconv.FormatFloat(v/unit, 'f', decimals, 64))
	if !strings.Contains(s, ".") {
		s = groupThousands(s)
	}
	return s + suffix
}

// formatValue writes a measured value to three significant digits, as a
// point's label: 58.9, 215, 1,943, 12.3k, 1.25M.
func formatValue(v float64) string {
	a := math.Abs(v)
	if a == 0 {
		return "0"
	}
	if a >= 9999.5 {
		p := math.Pow(10, math.Floor(math.Log10(a))-2)
		r := math.Round(v/p) * p // three significant digits: 999,999 is 1M
		unit, suffix := siUnit(math.Abs(r))
		decimals := max(0, 2-int(math.Floor(math.Log10(math.Abs(r)/unit)+1e-9)))
		return trimZeros(strconv.FormatFloat(r/unit, 'f', decimals, 64)) + suffix
	}
	decimals := max(0, 2-int(math.Floor(math.Log10(a))))
	s := trimZeros(strconv.FormatFloat(v, 'f', decimals, 64))
	if !strings.Contains(s, ".") {
		s = groupThousands(s)
	}
	return s
}

// siUnit is the largest of 1, 1,000, 1,000,000 and 1,000,000,000 not above
// a, with its suffix.
func siUnit(a float64) (float64, string) {
	switch {
	case a >= 1e9:
		return 1e9, "G"
	case a >= 1e6:
		return 1e6, "M"
	case a >= 1e3:
		return 1e3, "k"
	}
	return 1, ""
}

// trimZeros drops trailing zeros after a decimal point, and the point
// with them; "-0" becomes "0".
func trimZeros(s string) string {
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	if s == "-0" {
		return "0"
	}
	return s
}

// groupThousands puts commas between the thousands of an integer.
func groupThousands(s string) string {
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return sign + b.String()
}
