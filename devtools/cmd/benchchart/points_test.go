package main

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestParsePoints(t *testing.T) {
	in := `# decision cost, from BenchmarkCheck_Routes
p99 1000 95
p50 1000 58.9
p50 10 54.1

p50	100	53.8
new client 1e3 1_943
p99 10 81
`
	got, err := parsePoints(strings.NewReader(in), true, false)
	if err != nil {
		t.Fatal(err)
	}
	want := []series{
		{"p99", []point{{10, 81}, {1000, 95}}},
		{"p50", []point{{10, 54.1}, {100, 53.8}, {1000, 58.9}}},
		{"new client", []point{{1000, 1943}}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
}

// Every malformed input names its line and what is wrong with it.
func TestParsePointsErrors(t *testing.T) {
	for _, tt := range []struct {
		name, in   string
		logx, logy bool
		want       string
	}{
		{"empty", "", false, false, "no points"},
		{"only comments", "# nothing\n\n", false, false, "no points"},
		{"two fields", "p50 10 54\np50 100\n", false, false, `line 2: "p50 100": want "SERIES X Y"`},
		{"x not a number", "p50 ten 54\n", false, false, `line 1: x is "ten", not a number`},
		{"y not a number", "p50 10 54ns\n", false, false, `line 1: y is "54ns", not a number`},
		{"NaN", "p50 10 NaN\n", false, false, `y is "NaN", not a number`},
		{"infinite", "p50 +Inf 1\n", false, false, `x is "+Inf", not a number`},
		{"overflow", "p50 1e999 1\n", false, false, `x is "1e999", not a number`},
		{"too large", "p50 1 -1e101\n", false, false, "y is -1e101: out of range"},
		{"too small", "p50 5e-324 1\n", false, false, "x is 5e-324: out of range"},
		{"zero x on a log scale", "p50 10 1\np50 0 1\n", true, false, "line 2: x is 0: a log scale (-logx) needs x above 0"},
		{"negative x on a log scale", "p50 -5 1\n", true, false, "x is -5: a log scale (-logx)"},
		{"zero y on a log scale", "p50 10 0\n", false, true, "y is 0: a log scale (-logy)"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parsePoints(strings.NewReader(tt.in), tt.logx, tt.logy)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestParsePointsErrorTypes(t *testing.T) {
	if _, err := parsePoints(strings.NewReader("\n"), false, false); !errors.Is(err, errNoPoints) {
		t.Errorf("empty input: %v, want errNoPoints", err)
	}
	var le *lineError
	if _, err := parsePoints(strings.NewReader("a 1 1\nb 2 x\n"), false, false); !errors.As(err, &le) || le.line != 2 {
		t.Errorf("bad line 2: %v, want a *lineError for line 2", err)
	}
}

// Zero and negative values are fine on linear scales.
func TestParsePointsLinearAcceptsZeroAndNegative(t *testing.T) {
	got, err := parsePoints(strings.NewReader("d 0 -3\nd -1 0\n"), false, false)
	if err != nil {
		t.Fatal(err)
	}
	if want := []point{{-1, 0}, {0, -3}}; !reflect.DeepEqual(got[0].points, want) {
		t.Errorf("points %v, want %v", got[0].points, want)
	}
}
