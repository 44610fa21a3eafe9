package waygategin_test

import (
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/waygate-go/waygate/adapters/gin/waygategintest"
	"github.com/waygate-go/waygate/core/conformance"
)

// gin's path options, each of which changes how a path is matched: under
// every one, no spelling of a mount prefix reaches a gated route.
var pathVariants = map[string]func(*gin.Engine){
	"UseRawPath": func(g *gin.Engine) { g.UseRawPath = true },
	"UseRawPath without UnescapePathValues": func(g *gin.Engine) {
		g.UseRawPath, g.UnescapePathValues = true, false
	},
	"RemoveExtraSlash":                 func(g *gin.Engine) { g.RemoveExtraSlash = true },
	"RedirectFixedPath":                func(g *gin.Engine) { g.RedirectFixedPath = true },
	"no RedirectTrailingSlash":         func(g *gin.Engine) { g.RedirectTrailingSlash = false },
	"HandleMethodNotAllowed":           func(g *gin.Engine) { g.HandleMethodNotAllowed = true },
	"UseRawPath and RemoveExtraSlash":  func(g *gin.Engine) { g.UseRawPath, g.RemoveExtraSlash = true, true },
	"UseRawPath and RedirectFixedPath": func(g *gin.Engine) { g.UseRawPath, g.RedirectFixedPath = true, true },
}

func TestPathTricks(t *testing.T) {
	for name, configure := range pathVariants {
		t.Run(name, func(t *testing.T) { conformance.RunPaths(t, waygategintest.Harness{Configure: configure}) })
	}
}

func FuzzGate(f *testing.F) {
	conformance.FuzzGate(f, waygategintest.Harness{Configure: pathVariants["UseRawPath"]})
}
