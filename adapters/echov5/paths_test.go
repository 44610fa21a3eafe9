package waygateechov5_test

import (
	"testing"

	"github.com/labstack/echo/v5"
	"github.com/labstack/echo/v5/middleware"

	"github.com/waygate-go/waygate/adapters/echov5/waygateechov5test"
	"github.com/waygate-go/waygate/core/conformance"
)

// echo matches the raw (escaped) path when there is one; its Pre
// middleware can rewrite the path before routing. Under each, no spelling
// of a mount prefix reaches a gated route.
var pathVariants = map[string]func(*echo.Echo){
	"default":             func(*echo.Echo) {},
	"RemoveTrailingSlash": func(a *echo.Echo) { a.Pre(middleware.RemoveTrailingSlash()) },
}

func TestPathTricks(t *testing.T) {
	for name, configure := range pathVariants {
		t.Run(name, func(t *testing.T) { conformance.RunPaths(t, waygateechov5test.Harness{Configure: configure}) })
	}
}

func FuzzGate(f *testing.F) { conformance.FuzzGate(f, waygateechov5test.Harness{}) }
