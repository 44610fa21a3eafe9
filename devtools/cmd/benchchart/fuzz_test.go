package main

import (
	"strings"
	"testing"
)

// FuzzParseAndRender: any input either fails to parse with an error or
// renders a well-formed chart with one marker per point; never a panic.
func FuzzParseAndRender(f *testing.F) {
	f.Add(routesInput, true, false)
	f.Add("a 1 1\n", false, false)
	f.Add("a -1e300 1e300\nb 1e-300 -0\n", false, false)
	f.Add("x\u00a0y 3 4\n# c\n\t\n", true, true)
	f.Add("<&> 0x1p3 1_0\n", false, true)
	f.Fuzz(func(t *testing.T, in string, logx, logy bool) {
		data, err := parsePoints(strings.NewReader(in), logx, logy)
		if err != nil {
			return
		}
		points := 0
		for _, s := range data {
			points += len(s.points)
		}
		c := chart{title: "fuzz", xLabel: "x", yLabel: "y", logx: logx, logy: logy, labels: true, width: 320, height: 200}
		if f := readSVG(t, render(c, data)); f.markers != points {
			t.Errorf("%d markers for %d points", f.markers, points)
		}
	})
}
