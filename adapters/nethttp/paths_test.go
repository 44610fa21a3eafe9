package waygatehttp_test

import (
	"testing"

	"github.com/waygate-go/waygate/adapters/nethttp/waygatehttptest"
	"github.com/waygate-go/waygate/core/conformance"
)

// With host patterns, a ServeMux matches a route's host before any
// pattern without one, so GET example.com/{tenant}/payments is chosen over
// the mount /waygate/ for /waygate/payments: the app the path tricks need.
// A ServeMux refuses that app without hosts (see waygatehttptest).
func TestPathTricks(t *testing.T) {
	t.Run("NewServeMux with a host", func(t *testing.T) {
		conformance.Run(t, waygatehttptest.Harness{Host: "example.com"})
	})
	t.Run("Middleware with a host", func(t *testing.T) {
		conformance.Run(t, waygatehttptest.MiddlewareHarness{Host: "example.com"})
	})
}

func FuzzGate(f *testing.F) { conformance.FuzzGate(f, waygatehttptest.Harness{Host: "example.com"}) }
