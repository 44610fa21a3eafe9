package waygateotel

import (
	"testing"

	"github.com/waygate-go/waygate/core/engine"
)

// The counters cover every outcome of the engine: a new one fails here
// until numOutcomes grows.
func TestCountersCoverTheEngine(t *testing.T) {
	for i := range numOutcomes {
		if engine.Outcome(i).String() == "unknown" {
			t.Errorf("outcome %d has no name", i)
		}
	}
	if s := engine.Outcome(numOutcomes).String(); s != "unknown" {
		t.Errorf("the engine has an outcome %q the counters do not cover: raise numOutcomes", s)
	}
	seen := map[string]bool{}
	for i := range numResults {
		s := engine.RateLimitResult(i).String()
		if seen[s] {
			t.Errorf("rate-limit result %d repeats %q", i, s)
		}
		seen[s] = true
	}
}

func TestMethodIndex(t *testing.T) {
	for i, m := range methods[:len(methods)-1] {
		if got := methodIndex(m); got != i {
			t.Errorf("methodIndex(%s) = %d, want %d", m, got, i)
		}
	}
	for _, m := range []string{"", "get", "BREW", "PROPFIND"} {
		if got := methods[methodIndex(m)]; got != "_OTHER" {
			t.Errorf("%q counts as %s, want _OTHER", m, got)
		}
	}
}
