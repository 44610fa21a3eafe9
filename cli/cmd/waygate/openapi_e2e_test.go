package main

// waygate openapi patch end to end: the real binary patches the swag init
// output of the demos (examples/internal/apidocs) with the state of a running admin
// API serving the demo's routes, and with state files.

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	waygatehttp "github.com/waygate-go/waygate/adapters/nethttp"
	"github.com/waygate-go/waygate/admin"
	"github.com/waygate-go/waygate/core/engine"
)

// demoDocs is the committed swag init output of the gin demo (absolute:
// the binary runs in a temporary directory).
var demoDocs = func() string {
	p, err := filepath.Abs(filepath.Join("..", "..", "..", "examples", "internal", "apidocs"))
	if err != nil {
		panic(err)
	}
	return p
}()

// newDemoServer starts an application with the demo's routes as SPEC §14
// declares them, and the admin API at /waygate.
func newDemoServer(t *testing.T) *server {
	t.Helper()
	e, err := engine.New(context.Background(), engine.WithEnv("production"), engine.WithLogger(quietLogger()))
	if err != nil {
		t.Fatal(err)
	}
	h, err := admin.New(e, admin.WithUser("admin", adminPassword, admin.RoleAdmin), admin.WithLogger(quietLogger()))
	if err != nil {
		t.Fatal(err)
	}
	mux := waygatehttp.NewServeMux(e)
	mux.Mount("/waygate", h)
	ok := func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, `{}`) }
	mux.HandleFunc("GET /health", ok, waygatehttp.ForceActive())
	mux.HandleFunc("GET /payments", ok, waygatehttp.Maintenance("DB migration — back at 04:00 UTC"))
	mux.HandleFunc("GET /orders", ok)
	mux.HandleFunc("POST /orders", ok)
	mux.HandleFunc("GET /orders/{id}", ok)
	mux.HandleFunc("GET /legacy/orders", ok, waygatehttp.Deprecated("2027-01-01", "/orders"))
	mux.HandleFunc("GET /debug", ok, waygatehttp.EnvOnly("dev", "staging"))
	mux.HandleFunc("GET /old-reports", ok, waygatehttp.Disabled("Replaced by /reports"))
	mux.HandleFunc("GET /posts", ok, waygatehttp.RateLimit("5/minute"))
	mux.HandleFunc("GET /reports", ok)
	mux.HandleFunc("GET /checkout", ok)
	ts := httptest.NewServer(mux)
	t.Cleanup(func() {
		ts.Close()
		h.Close()
		e.Close()
	})
	return &server{t: t, URL: ts.URL, Admin: ts.URL + "/waygate", Engine: e}
}

// swaggerDoc is the part of a patched Swagger 2.0 document the test reads.
type swaggerDoc struct {
	Swagger string `json:"swagger" yaml:"swagger"`
	Info    struct {
		Description string         `json:"description" yaml:"description"`
		Global      map[string]any `json:"x-waygate-global-maintenance" yaml:"x-waygate-global-maintenance"`
	} `json:"info" yaml:"info"`
	Paths map[string]map[string]map[string]any `json:"paths" yaml:"paths"`
}

func readDoc(t *testing.T, path string) swaggerDoc {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var d swaggerDoc
	if strings.HasSuffix(path, ".json") {
		err = json.Unmarshal(b, &d)
	} else {
		err = yaml.Unmarshal(b, &d)
	}
	if err != nil || d.Swagger != "2.0" {
		t.Fatalf("%s is not a Swagger 2.0 document (%v):\n%s", path, err, b)
	}
	return d
}

// op returns the operation, nil when the document lacks it.
func (d swaggerDoc) op(method, path string) map[string]any { return d.Paths[path][method] }

func TestOpenAPIPatchAgainstServer(t *testing.T) {
	s := newDemoServer(t)
	c := newCLI(t)
	c.login(s, "admin", adminPassword)
	dir := t.TempDir()
	out := filepath.Join(dir, "openapi.json")

	r := c.ok("openapi", "patch", filepath.Join(demoDocs, "swagger.json"), "--state", s.Admin, "-o", out)
	if !strings.Contains(r.stderr, "route states from "+s.Admin+" (environment production) → "+out) {
		t.Errorf("no summary on stderr:\n%s", r)
	}
	d := readDoc(t, out)
	pay := d.op("get", "/payments")
	if pay == nil || pay["x-waygate-status"] != "maintenance" || pay["x-waygate-reason"] != "DB migration — back at 04:00 UTC" ||
		pay["summary"] != "Maintenance: DB migration — back at 04:00 UTC — List payments" {
		t.Errorf("GET /payments = %v", pay)
	}
	for _, p := range []string{"/old-reports", "/debug"} {
		if _, ok := d.Paths[p]; ok {
			t.Errorf("%s is listed", p)
		}
	}
	if legacy := d.op("get", "/legacy/orders"); legacy["deprecated"] != true || legacy["x-waygate-successor"] != "/orders" {
		t.Errorf("GET /legacy/orders = %v", legacy)
	}
	if h := d.op("get", "/health"); h == nil || h["x-waygate-status"] != nil {
		t.Errorf("GET /health = %v", h)
	}
	if d.Info.Global["enabled"] != false {
		t.Errorf("info.x-waygate-global-maintenance = %v", d.Info.Global)
	}

	// The YAML swag output gives the same document, as YAML.
	outYAML := filepath.Join(dir, "openapi.yaml")
	c.ok("openapi", "patch", filepath.Join(demoDocs, "swagger.yaml"), "--state", s.Admin, "-o", outYAML)
	y := readDoc(t, outYAML)
	if y.op("get", "/payments")["x-waygate-status"] != "maintenance" || y.Paths["/old-reports"] != nil || len(y.Paths) != len(d.Paths) {
		t.Errorf("YAML output differs: %d paths, want %d", len(y.Paths), len(d.Paths))
	}
	// --env staging brings /debug back; standard output gets the document.
	r = c.ok("openapi", "patch", filepath.Join(demoDocs, "swagger.yaml"), "--state", s.Admin, "--env", "staging", "--format", "json")
	if !strings.HasPrefix(r.stdout, "{") || !strings.Contains(r.stdout, `"/debug"`) {
		t.Errorf("--env staging to stdout:\n%s", r.stdout)
	}

	// Changes made through the API show up in the next patch.
	c.ok("enable", "GET:/old-reports")
	c.ok("global", "enable", "--reason", "Upgrading", "--exempt", "/health")
	c.ok("openapi", "patch", filepath.Join(demoDocs, "swagger.json"), "--state", s.Admin, "-o", out)
	d = readDoc(t, out)
	if d.op("get", "/old-reports") == nil {
		t.Error("enabled GET /old-reports is still missing")
	}
	if !strings.HasPrefix(d.Info.Description, "> 🔧 Maintenance: Upgrading") || d.Info.Global["enabled"] != true {
		t.Errorf("info during global maintenance: %q %v", d.Info.Description, d.Info.Global)
	}
	if o := d.op("get", "/orders"); o["x-waygate-reason"] != "Upgrading" {
		t.Errorf("GET /orders during global maintenance = %v", o)
	}
	if h := d.op("get", "/health"); h["x-waygate-status"] != nil {
		t.Errorf("exempt GET /health bannered: %v", h)
	}
	// --include-force-active banners it too.
	c.ok("global", "enable", "--reason", "Upgrading", "--exempt", "/orders")
	c.ok("openapi", "patch", filepath.Join(demoDocs, "swagger.json"), "--state", s.Admin, "-o", out, "--include-force-active")
	if h := readDoc(t, out).op("get", "/health"); h["x-waygate-status"] != "maintenance" {
		t.Errorf("--include-force-active: GET /health = %v", h)
	}
}

func TestOpenAPIPatchStateFile(t *testing.T) {
	s := newDemoServer(t)
	c := newCLI(t)
	c.login(s, "admin", adminPassword)
	dir := t.TempDir()

	// waygate status -o json is a state file (a bare routes array).
	routes := c.ok("status", "-o", "json").stdout
	statePath := filepath.Join(dir, "routes.json")
	if err := os.WriteFile(statePath, []byte(routes), 0o600); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "public.yml")
	r := c.ok("openapi", "patch", filepath.Join(demoDocs, "swagger.json"), "--state", statePath, "--env", "production", "-o", out)
	d := readDoc(t, out)
	if d.Paths["/old-reports"] != nil || d.Paths["/debug"] != nil || d.op("get", "/payments")["x-waygate-status"] != "maintenance" {
		t.Errorf("patched from a state file:\n%v", d.Paths)
	}
	if !strings.Contains(r.stderr, "route states from "+statePath+" (environment production)") {
		t.Errorf("summary:\n%s", r)
	}

	// A full state file from standard input, with global maintenance.
	state := `{"env":"dev","routes":` + routes + `,"global":{"enabled":true,"reason":"Moving racks","exempt_paths":[]}}`
	r = c.runIn(state, "openapi", "patch", filepath.Join(demoDocs, "swagger.json"), "--state", "-")
	if r.code != 0 || !strings.Contains(r.stdout, `"/debug"`) || !strings.Contains(r.stdout, "> 🔧 Maintenance: Moving racks") {
		t.Fatalf("state from stdin:\n%s", r)
	}
}

func TestOpenAPIPatchErrors(t *testing.T) {
	s := newDemoServer(t)
	c := newCLI(t) // not logged in
	dir := t.TempDir()
	doc := filepath.Join(demoDocs, "swagger.json")
	broken := filepath.Join(dir, "broken.json")
	os.WriteFile(broken, []byte(`{"swagger": "2.0", "paths": {"/a": {"get": []}}}`), 0o644)
	state := filepath.Join(dir, "state.json")
	os.WriteFile(state, []byte(`[]`), 0o644)

	c.fails(2, []string{"openapi", "patch", doc}, "--state is required")
	c.fails(2, []string{"openapi", "patch", "--state", state}, "missing argument: DOCUMENT")
	c.fails(2, []string{"openapi", "patch", doc, "--state", state, "-o", "out.txt"}, ".json, .yaml or .yml")
	c.fails(2, []string{"openapi", "patch", doc, "--state", state, "--format", "xml"}, `unknown format "xml"`)
	c.fails(1, []string{"openapi", "patch", doc, "--state", s.Admin}, "not logged in: run: waygate login")
	c.fails(1, []string{"openapi", "patch", broken, "--state", state}, broken+": paths./a.get: an operation must be an object")
	c.fails(1, []string{"openapi", "patch", filepath.Join(dir, "missing.json"), "--state", state}, "read the document")
	c.fails(1, []string{"openapi", "patch", doc, "--state", "http://127.0.0.1:1/waygate"}, "cannot reach the Waygate server at http://127.0.0.1:1/waygate")
	if _, err := os.Stat(filepath.Join(dir, "out.json")); !os.IsNotExist(err) {
		t.Errorf("a failed run left a file behind: %v", err)
	}
}

// TestBinaryLeavesSwaggerUIOut: the CLI patches documents but never serves
// them, so the linker must drop the Swagger UI package openapi embeds.
func TestBinaryLeavesSwaggerUIOut(t *testing.T) {
	b, err := os.ReadFile(binary)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), "SwaggerUIBundle") {
		t.Fatal("the waygate binary carries Swagger UI: keep package-level initializers in openapi/docs.go away from the embedded files")
	}
}
