package waygatehttp_test

import (
	"testing"

	"github.com/waygate-go/waygate/adapters/nethttp/waygatehttptest"
	"github.com/waygate-go/waygate/core/conformance"
)

func TestConformance(t *testing.T) { conformance.Run(t, waygatehttptest.Harness{}) }

func TestConformanceMiddleware(t *testing.T) {
	conformance.Run(t, waygatehttptest.MiddlewareHarness{})
}
