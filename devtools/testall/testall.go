// Package testall runs every test of every module of the workspace and
// reports, besides what go test reports, every test that skipped and why:
// go test shows a passing package's output only with -v, so a suite that
// skipped because redis-server or Chromium is missing would pass silently.
package testall

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
)

// event is one line of go test -json (cmd/test2json).
type event struct {
	Action  string
	Package string
	Test    string
	Elapsed float64
	Output  string
}

// Skip is a test that skipped, with the message it gave.
type Skip struct {
	Package, Test, Reason string
}

// Summary is what a run of go test -json reported.
type Summary struct {
	Packages, Failed []string // every package with tests, those that failed
	Passed           int      // tests that passed
	Skips            []Skip
}

// Report reads go test -json from r, writes to w what go test writes
// without -json (a line per package, the output of failed tests and
// packages), and returns the summary.
func Report(r io.Reader, w io.Writer) (Summary, error) {
	var s Summary
	type key struct{ pkg, test string }
	outputs := map[key][]string{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<26)
	for sc.Scan() {
		line := sc.Bytes()
		var e event
		if err := json.Unmarshal(line, &e); err != nil || e.Action == "" {
			fmt.Fprintln(w, string(line)) // go test's own messages (build errors) are not JSON
			continue
		}
		k := key{e.Package, e.Test}
		switch e.Action {
		case "build-output":
			fmt.Fprint(w, e.Output)
		case "output":
			outputs[k] = append(outputs[k], e.Output)
		case "pass":
			if e.Test != "" {
				s.Passed++
			} else {
				s.Packages = append(s.Packages, e.Package)
				fmt.Fprintf(w, "ok  \t%s\t%.3fs\n", e.Package, e.Elapsed)
			}
			delete(outputs, k)
		case "skip":
			if e.Test != "" {
				s.Skips = append(s.Skips, Skip{Package: e.Package, Test: e.Test, Reason: skipReason(outputs[k])})
			} else if lines := outputs[k]; len(lines) > 0 && strings.Contains(strings.Join(lines, ""), "[no test files]") {
				// a package without tests: nothing to report
			} else {
				s.Packages = append(s.Packages, e.Package)
				fmt.Fprintf(w, "ok  \t%s\t%.3fs [no tests to run]\n", e.Package, e.Elapsed)
			}
			delete(outputs, k)
		case "fail":
			if e.Test == "" {
				s.Packages = append(s.Packages, e.Package)
				s.Failed = append(s.Failed, e.Package)
			}
			fmt.Fprint(w, strings.Join(outputs[k], ""))
			delete(outputs, k)
		}
	}
	if err := sc.Err(); err != nil {
		return s, err
	}
	writeSummary(w, s)
	return s, nil
}

// skipReason picks the message a skipped test gave: the line with
// "SKIPPING" if there is one (the helpers' loud messages), else the last
// line that is not go test's own "--- SKIP" line.
func skipReason(lines []string) string {
	var last string
	for _, l := range lines {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "--- SKIP") || strings.HasPrefix(l, "=== ") {
			continue
		}
		if strings.Contains(l, "SKIPPING") {
			return l
		}
		last = l
	}
	return last
}

// writeSummary ends the report: the tests that skipped, grouped by
// reason, and the counts.
func writeSummary(w io.Writer, s Summary) {
	fmt.Fprintln(w)
	if len(s.Skips) > 0 {
		byReason := map[string][]string{}
		for _, sk := range s.Skips {
			byReason[sk.Reason] = append(byReason[sk.Reason], shortPkg(sk.Package)+" "+sk.Test)
		}
		reasons := make([]string, 0, len(byReason))
		for r := range byReason {
			reasons = append(reasons, r)
		}
		slices.Sort(reasons)
		fmt.Fprintf(w, "SKIPPED %d tests:\n", len(s.Skips))
		for _, r := range reasons {
			tests := byReason[r]
			shown := tests[:min(len(tests), 3)]
			more := ""
			if len(tests) > len(shown) {
				more = fmt.Sprintf(" and %d more", len(tests)-len(shown))
			}
			fmt.Fprintf(w, "  %s\n    (%s%s)\n", r, strings.Join(shown, ", "), more)
		}
	}
	status := "PASS"
	if len(s.Failed) > 0 {
		status = "FAIL (" + strings.Join(s.Failed, ", ") + ")"
	}
	fmt.Fprintf(w, "%s: %d packages, %d tests passed, %d skipped\n", status, len(s.Packages), s.Passed, len(s.Skips))
}

// shortPkg drops the module path's common prefix.
func shortPkg(p string) string {
	return strings.TrimPrefix(p, "github.com/waygate-go/waygate/")
}
