package engine_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestCoreImportsNoWebFramework keeps the core framework-free: adapters
// depend on core, never the other way round.
func TestCoreImportsNoWebFramework(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "github.com/waygate-go/waygate/core/...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	deps := strings.Fields(string(out))
	if len(deps) < 20 {
		t.Fatalf("go list returned only %d packages: %s", len(deps), out)
	}
	for _, dep := range deps {
		for _, banned := range []string{"github.com/gin-gonic/", "github.com/labstack/echo", "github.com/gofiber/", "github.com/valyala/fasthttp"} {
			if strings.HasPrefix(dep, banned) {
				t.Errorf("core depends on %s", dep)
			}
		}
	}
}
