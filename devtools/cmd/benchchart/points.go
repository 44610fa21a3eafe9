package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
)

// errNoPoints is the error of an input without a single point.
var errNoPoints = errors.New(`no points: want lines "SERIES X Y", such as "p50 1000 58.9"`)

// A point is one measurement: y at x.
type point struct{ x, y float64 }

// A series is one named curve, its points in x order.
type series struct {
	name   string
	points []point
}

// A lineError is a malformed line of the input.
type lineError struct {
	line int
	msg  string
}

func (e *lineError) Error() string { return fmt.Sprintf("line %d: %s", e.line, e.msg) }

// parsePoints reads "SERIES X Y" lines. Series keep the order they first
// appear in; the points of each are sorted by x (stable, so equal x keep
// their input order). logx and logy reject values a log scale cannot place.
func parsePoints(r io.Reader, logx, logy bool) ([]series, error) {
	var all []series
	index := map[string]int{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		if len(f) < 3 {
			return nil, &lineError{n, fmt.Sprintf(`%q: want "SERIES X Y", three fields separated by spaces`, line)}
		}
		name := strings.Join(f[:len(f)-2], " ")
		x, err := parseValue(f[len(f)-2], "x")
		if err != nil {
			return nil, &lineError{n, err.Error()}
		}
		y, err := parseValue(f[len(f)-1], "y")
		if err != nil {
			return nil, &lineError{n, err.Error()}
		}
		if logx && x <= 0 {
			return nil, &lineError{n, fmt.Sprintf("x is %s: a log scale (-logx) needs x above 0", f[len(f)-2])}
		}
		if logy && y <= 0 {
			return nil, &lineError{n, fmt.Sprintf("y is %s: a log scale (-logy) needs y above 0", f[len(f)-1])}
		}
		i, ok := index[name]
		if !ok {
			i = len(all)
			index[name] = i
			all = append(all, series{name: name})
		}
		all[i].points = append(all[i].points, point{x, y})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading the points: %w", err)
	}
	if len(all) == 0 {
		return nil, errNoPoints
	}
	for i := range all {
		slices.SortStableFunc(all[i].points, func(a, b point) int {
			switch {
			case a.x < b.x:
				return -1
			case a.x > b.x:
				return 1
			}
			return 0
		})
	}
	return all, nil
}

// maxMagnitude bounds the values, so that no difference or tick of them
// overflows or underflows; benchmark results are far inside.
const maxMagnitude = 1e100

// parseValue is one number of a line: decimal or with an exponent, 0 or
// between 1e-100 and 1e100 in magnitude.
func parseValue(s, which string) (float64, error) {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("%s is %q, not a number", which, s)
	}
	if a := math.Abs(v); a > maxMagnitude || a != 0 && a < 1/maxMagnitude {
		return 0, fmt.Errorf("%s is %s: out of range, want 0 or a magnitude between 1e-100 and 1e100", which, s)
	}
	return v, nil
}
