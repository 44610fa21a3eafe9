package engine_test

import (
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
)

// coreLayers places every package of the core module. Imports inside core
// only point down: a package may import packages of lower layers, never of
// its own or a higher one. A new package gets its line here.
var coreLayers = map[string]int{
	// The model: leaves.
	"clock":              0,
	"ratelimit":          0, // policies, limits, the Store contract
	"route":              1, // route states and declarations (imports ratelimit)
	"ratelimit/httpattr": 1, // request attributes for the net/http adapters (imports ratelimit)
	"flag":               1, // flags, segments and their evaluation (imports clock)
	"audit":              2, // audit entries (imports route)

	// Storage and counting on top of the model; backends never import the
	// engine.
	"backend":              3,
	"ratelimit/memlimit":   3,
	"ratelimit/redislimit": 3,
	"backend/backendtest":  4,
	"backend/redisbackend": 4,
	"sdk":                  4, // the Waygate Server client is a backend

	// The engine on top of those.
	"engine": 5,

	// What is built on the engine.
	"webhook":     6,
	"conformance": 6,
	"waygatetest": 7,
}

const corePrefix = "github.com/waygate-go/waygate/core/"

type listedPackage struct {
	ImportPath string
	Imports    []string
}

func corePackages(t *testing.T) []listedPackage {
	t.Helper()
	out, err := exec.Command("go", "list", "-json=ImportPath,Imports", "github.com/waygate-go/waygate/core/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	var pkgs []listedPackage
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for dec.More() {
		var p listedPackage
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		pkgs = append(pkgs, p)
	}
	if len(pkgs) < 10 {
		t.Fatalf("go list found only %d core packages", len(pkgs))
	}
	return pkgs
}

// TestCoreLayering keeps imports inside core pointing down the layers.
func TestCoreLayering(t *testing.T) {
	for _, p := range corePackages(t) {
		name := strings.TrimPrefix(p.ImportPath, corePrefix)
		layer, ok := coreLayers[name]
		if !ok {
			t.Errorf("core package %s has no layer: add it to coreLayers in arch_test.go", name)
			continue
		}
		for _, imp := range p.Imports {
			dep, inCore := strings.CutPrefix(imp, corePrefix)
			if !inCore {
				continue
			}
			if depLayer, ok := coreLayers[dep]; ok && depLayer >= layer {
				t.Errorf("%s (layer %d) imports %s (layer %d): imports must point to lower layers", name, layer, dep, depLayer)
			}
		}
	}
}

// TestCoreImportsNoWebFramework keeps the core framework-free and free of
// OpenTelemetry: adapters and the otel module depend on core, never the
// other way round.
func TestCoreImportsNoWebFramework(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "github.com/waygate-go/waygate/core/...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	deps := strings.Fields(string(out))
	if len(deps) < 20 {
		t.Fatalf("go list returned only %d packages: %s", len(deps), out)
	}
	banned := []string{"github.com/gin-gonic/", "github.com/labstack/echo", "github.com/gofiber/", "github.com/valyala/fasthttp",
		"github.com/go-chi/", "google.golang.org/grpc", "go.opentelemetry.io/"}
	for _, dep := range deps {
		for _, b := range banned {
			if strings.HasPrefix(dep, b) {
				t.Errorf("core depends on %s", dep)
			}
		}
	}
}
