package waygatefiber_test

import (
	"testing"

	"github.com/gofiber/fiber/v2"

	"github.com/waygate-go/waygate/adapters/fiber/waygatefibertest"
	"github.com/waygate-go/waygate/core/conformance"
)

// fiber's path options, each of which changes how a path is matched:
// under every one, no spelling of a mount prefix reaches a gated route.
var pathVariants = map[string]fiber.Config{
	"default":       {},
	"UnescapePath":  {UnescapePath: true},
	"CaseSensitive": {CaseSensitive: true},
	"StrictRouting": {StrictRouting: true},
	"all three":     {UnescapePath: true, CaseSensitive: true, StrictRouting: true},
}

func TestPathTricks(t *testing.T) {
	for name, cfg := range pathVariants {
		t.Run(name, func(t *testing.T) { conformance.RunPaths(t, waygatefibertest.Harness{Config: cfg}) })
	}
}

func FuzzGate(f *testing.F) {
	conformance.FuzzGate(f, waygatefibertest.Harness{Config: pathVariants["UnescapePath"]})
}
