package snippets

import "strings"

// provided is something a wrapper gives a fragment that names it.
type provided struct {
	name string
	code string
}

// wrapper is what fragments of one consumer module may use undeclared:
// setup statements run before a body fragment, top-level declarations
// (handlers with the framework's signature) beside any fragment.
type wrapper struct {
	setup []provided
	decls []provided
}

const mod = "github.com/waygate-go/waygate/"

// packages maps the names snippets use to the packages they import.
var packages = map[string]string{
	// The standard library.
	"bytes": "bytes", "context": "context", "errors": "errors", "fmt": "fmt", "hmac": "crypto/hmac",
	"http": "net/http", "httptest": "net/http/httptest", "io": "io", "json": "encoding/json", "log": "log",
	"os": "os", "slog": "log/slog", "strings": "strings", "testing": "testing", "time": "time",
	// Waygate.
	"admin": mod + "admin", "audit": mod + "core/audit", "backend": mod + "core/backend",
	"backendtest": mod + "core/backend/backendtest", "clock": mod + "core/clock",
	"conformance": mod + "core/conformance", "engine": mod + "core/engine", "waygate": mod + "core/engine",
	"flag": mod + "core/flag", "memlimit": mod + "core/ratelimit/memlimit", "openapi": mod + "openapi",
	"ratelimit": mod + "core/ratelimit", "redisbackend": mod + "core/backend/redisbackend",
	"redislimit": mod + "core/ratelimit/redislimit", "route": mod + "core/route", "sdk": mod + "core/sdk",
	"swagdoc": mod + "openapi/swagdoc", "waygatetest": mod + "core/waygatetest", "webhook": mod + "core/webhook",
	"waygatehttp": mod + "adapters/nethttp", "waygatehttptest": mod + "adapters/nethttp/waygatehttptest",
	"waygategin": mod + "adapters/gin", "waygategintest": mod + "adapters/gin/waygategintest",
	"waygateecho": mod + "adapters/echo", "waygateechotest": mod + "adapters/echo/waygateechotest",
	"waygatefiber": mod + "adapters/fiber", "waygatefibertest": mod + "adapters/fiber/waygatefibertest",
	"waygateotel": mod + "otel", "waygateprom": mod + "otel/prom",
	// Frameworks and libraries.
	"gin": "github.com/gin-gonic/gin", "echo": "github.com/labstack/echo/v4", "fiber": "github.com/gofiber/fiber/v2",
	"adaptor": "github.com/gofiber/fiber/v2/middleware/adaptor", "redis": "github.com/redis/go-redis/v9",
	"openfeature": "github.com/open-feature/go-sdk/openfeature", "isolated": "github.com/open-feature/go-sdk/openfeature/isolated",
	"otel": "go.opentelemetry.io/otel", "sdkmetric": "go.opentelemetry.io/otel/sdk/metric", "sdktrace": "go.opentelemetry.io/otel/sdk/trace",
}

// engineSetup gives every wrapper an engine e (and ctx) on a memory
// backend; fragments that make their own shadow them.
var engineSetup = []provided{
	{"ctx", "ctx := context.Background()"},
	{"e", "e, _ := engine.New(context.Background(), engine.WithBackend(backend.NewMemory()))"},
	{"eng", "eng, _ := engine.New(context.Background(), engine.WithBackend(backend.NewMemory()))"},
	{"spec", "var spec http.Handler = http.NotFoundHandler()"},
	{"ui", "var ui http.Handler = http.NotFoundHandler()"},
}

// handlers declares a stub handler of the given signature for each name.
func handlers(signature string, names ...string) []provided {
	out := make([]provided, len(names))
	for i, n := range names {
		out[i] = provided{n, "func " + n + signature + " { panic(\"not called\") }"}
	}
	return out
}

var wrappers = map[string]wrapper{
	"nethttp": {
		setup: append(engineSetup[:len(engineSetup):len(engineSetup)],
			provided{"mux", "mux := waygatehttp.NewServeMux(e)"},
			provided{"base", `base := "http://127.0.0.1:8080/waygate"`},
			provided{"path", `path := "/var/lib/shop/waygate.json"`},
			provided{"doc", `doc := []byte("{}")`},
			provided{"state", `state := []byte("{}")`},
			provided{"store", "store := flag.NewStore()"},
			provided{"rec", "rec := flag.NewRecorder(100)"},
			provided{"user", `user := "user-42"`},
			provided{"r", `r := httptest.NewRequest("GET", "/checkout", nil)`},
			provided{"req", `req := &engine.Request{Method: "GET", Route: "/payments", Path: "/payments"}`},
			provided{"b", "var b backend.Backend = backend.NewMemory()"},
			provided{"reader", "var reader sdkmetric.Reader = sdkmetric.NewManualReader()"},
		),
		decls: handlers("(w http.ResponseWriter, r *http.Request)",
			"health", "payments", "orders", "order", "debug", "users", "posts", "reports", "search", "checkout"),
	},
	"gin": {
		setup: append(engineSetup[:len(engineSetup):len(engineSetup)],
			provided{"g", "g := gin.New()"},
			provided{"r", "r := waygategin.Wrap(e, gin.New())"},
		),
		decls: handlers("(c *gin.Context)",
			"health", "payments", "orders", "order", "debug", "users", "requireToken"),
	},
	"echo": {
		setup: append(engineSetup[:len(engineSetup):len(engineSetup)],
			provided{"app", "app := echo.New()"},
			provided{"r", "r := waygateecho.Wrap(e, echo.New())"},
		),
		decls: append(handlers("(c echo.Context) error", "health", "listOrders", "getOrder", "pay", "listUsers"),
			provided{"requireToken", "func requireToken(next echo.HandlerFunc) echo.HandlerFunc { return next }"},
			provided{"identifyUser", "func identifyUser(next echo.HandlerFunc) echo.HandlerFunc { return next }"}),
	},
	"fiber": {
		setup: append(engineSetup[:len(engineSetup):len(engineSetup)],
			provided{"app", "app := fiber.New()"},
			provided{"ok", `ok := func(c *fiber.Ctx) error { return c.SendString("ok") }`},
		),
	},
}

// setupFor returns, in order, the setup statements a fragment using uses
// needs, with those the chosen ones need in turn (r needs e).
func (w wrapper) setupFor(uses map[string]bool) []provided {
	need := map[string]bool{}
	for changed := true; changed; {
		changed = false
		for _, p := range w.setup {
			if need[p.name] || !uses[p.name] && !mentioned(p.name, w.setup, need) {
				continue
			}
			need[p.name], changed = true, true
		}
	}
	var out []provided
	for _, p := range w.setup {
		if need[p.name] {
			out = append(out, p)
		}
	}
	return out
}

// mentioned reports whether a needed setup statement uses name.
func mentioned(name string, setup []provided, need map[string]bool) bool {
	for _, p := range setup {
		if need[p.name] && p.name != name && usesName(p.code, name) {
			return true
		}
	}
	return false
}

// usesName reports whether code has name as a whole word.
func usesName(code, name string) bool {
	for i := 0; ; {
		j := strings.Index(code[i:], name)
		if j < 0 {
			return false
		}
		j += i
		before := j == 0 || !isWord(code[j-1])
		end := j + len(name)
		after := end == len(code) || !isWord(code[end])
		if before && after {
			return true
		}
		i = end
	}
}

func isWord(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}
