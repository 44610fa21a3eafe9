package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runCmd runs the command as the shell would, with stdin given.
func runCmd(args []string, stdin string) (code int, stdout, stderr string) {
	var out, errs bytes.Buffer
	code = run(args, strings.NewReader(stdin), &out, &errs)
	return code, out.String(), errs.String()
}

func TestRunWritesTheChart(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "scale-routes.svg")
	code, stdout, stderr := runCmd([]string{"-title", "Decision cost against registered routes", "-x", "routes", "-y", "ns per decision", "-logx", "-out", out}, routesInput)
	if code != 0 || stdout != "" || stderr != "" {
		t.Fatalf("exit %d, stdout %q, stderr %q; want 0 and silence", code, stdout, stderr)
	}
	doc, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if f := readSVG(t, doc); f.markers != 8 {
		t.Errorf("%d markers, want 8", f.markers)
	}

	// The points may come from a file too, and the chart go to stdout.
	in := filepath.Join(dir, "points.txt")
	if err := os.WriteFile(in, []byte(routesInput), 0o600); err != nil {
		t.Fatal(err)
	}
	code, stdout, _ = runCmd([]string{"-title", "Decision cost against registered routes", "-x", "routes", "-y", "ns per decision", "-logx", in}, "")
	if code != 0 || stdout != string(doc) {
		t.Errorf("exit %d, and stdout differs from the -out file", code)
	}
}

// Bad input exits 1 with the reason, and writes no file.
func TestRunBadInput(t *testing.T) {
	for _, tt := range []struct {
		name, in string
		flags    []string
		want     string
	}{
		{"no points", "", nil, "benchchart: standard input: no points"},
		{"not a number", "p50 10 fast\n", nil, `benchchart: standard input: line 1: y is "fast", not a number`},
		{"zero x on a log scale", "p50 0 54\n", []string{"-logx"}, "line 1: x is 0: a log scale (-logx) needs x above 0"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "chart.svg")
			code, stdout, stderr := runCmd(append([]string{"-title", "t", "-out", out}, tt.flags...), tt.in)
			if code != 1 || stdout != "" || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, stdout %q, stderr %q; want 1 and %q", code, stdout, stderr, tt.want)
			}
			if _, err := os.Stat(out); !os.IsNotExist(err) {
				t.Errorf("%s written for a bad input (stat: %v)", out, err)
			}
		})
	}
	code, _, stderr := runCmd([]string{"-title", "t", filepath.Join(t.TempDir(), "missing.txt")}, "")
	if code != 1 || !strings.Contains(stderr, "missing.txt") {
		t.Errorf("missing file: exit %d, stderr %q", code, stderr)
	}
}

// Bad flags exit 2 with the usage.
func TestRunBadFlags(t *testing.T) {
	for _, tt := range []struct {
		name string
		args []string
		want string
	}{
		{"no title", []string{"-x", "routes"}, "-title is required"},
		{"unknown flag", []string{"-title", "t", "-logz"}, "flag provided but not defined: -logz"},
		{"two files", []string{"-title", "t", "a.txt", "b.txt"}, "at most one file"},
		{"too small", []string{"-title", "t", "-width", "100"}, "too small"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runCmd(tt.args, routesInput)
			if code != 2 || !strings.Contains(stderr, tt.want) || !strings.Contains(stderr, "usage: benchchart") {
				t.Errorf("exit %d, stderr %q; want 2, %q and the usage", code, stderr, tt.want)
			}
		})
	}
	if code, _, stderr := runCmd([]string{"-h"}, ""); code != 0 || !strings.Contains(stderr, "SERIES X Y") {
		t.Errorf("-h: exit %d, stderr %q", code, stderr)
	}
}
