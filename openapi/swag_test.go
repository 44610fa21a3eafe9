package openapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"gopkg.in/yaml.v3"
)

// TestPatchDropsSwagsEmptyFields: swag writes "host": "" and "basePath": ""
// when an API has no @host or @BasePath. Both fail the Swagger 2.0 schema;
// the patched document leaves them out (meaning the serving host and /)
// and still applies the state to the paths.
func TestPatchDropsSwagsEmptyFields(t *testing.T) {
	docs := map[string]string{
		"json": `{"swagger":"2.0","info":{"title":"t","version":"1"},"host":"","basePath":"","paths":{` +
			`"/orders":{"get":{"responses":{"200":{"description":"OK"}}}},` +
			`"/old-reports":{"get":{"responses":{"200":{"description":"OK"}}}}}}`,
		"yaml": "swagger: \"2.0\"\ninfo: {title: t, version: \"1\"}\nhost: \"\"\nbasePath: ''\npaths:\n" +
			"  /orders:\n    get:\n      responses: {\"200\": {description: OK}}\n" +
			"  /old-reports:\n    get:\n      responses: {\"200\": {description: OK}}\n",
	}
	st := State{Routes: demoRoutes(""), Env: "production", Now: testNow}
	for name, doc := range docs {
		t.Run(name, func(t *testing.T) {
			if swagger2SchemaErr([]byte(doc)) == nil {
				t.Fatal("the schema accepts the empty host; this test proves nothing")
			}
			out, err := Patch([]byte(doc), st, AsJSON())
			if err != nil {
				t.Fatalf("Patch: %v", err)
			}
			validateSwagger2Schema(t, out)
			var v map[string]any
			if err := json.Unmarshal(out, &v); err != nil {
				t.Fatal(err)
			}
			for _, k := range []string{"host", "basePath"} {
				if _, ok := v[k]; ok {
					t.Errorf("%s kept: %v", k, v[k])
				}
			}
			ops := operations(t, out)
			if _, ok := ops["GET /old-reports"]; ok {
				t.Error("the disabled GET /old-reports is still documented")
			}
			if _, ok := ops["GET /orders"]; !ok {
				t.Error("GET /orders is gone")
			}
		})
	}
	// A host that is set stays, and so do a basePath that is not empty and
	// schemes that are listed.
	out, err := Patch([]byte(`{"swagger":"2.0","schemes":["https"],"host":"api.example.com","basePath":"/v1","paths":{}}`), st)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(out, []byte(`"host":"api.example.com"`)) || !bytes.Contains(out, []byte(`"basePath":"/v1"`)) || !bytes.Contains(out, []byte(`"schemes":["https"]`)) {
		t.Errorf("a real host, basePath or schemes was touched: %s", out)
	}
	// docs.go writes "schemes": null when SwaggerInfo.Schemes is nil.
	out, err = Patch([]byte(`{"schemes":null,"swagger":"2.0","info":{"title":"t","version":"1"},"paths":{}}`), st, AsJSON())
	if err != nil || bytes.Contains(out, []byte("schemes")) {
		t.Errorf("schemes: null kept: %v\n%s", err, out)
	}
	validateSwagger2Schema(t, out)
	// An OpenAPI 3 document is not swag's: its fields stay as they are.
	oas := `{"openapi":"3.0.3","info":{"title":"t","version":"1"},"schemes":[],"host":"","paths":{}}`
	if out, err := Patch([]byte(oas), st); err != nil || !bytes.Contains(out, []byte(`"schemes":[],"host":""`)) {
		t.Errorf("OpenAPI 3 document: %v\n%s", err, out)
	}
}

// TestPatchSwagsRegisteredDocument: the document swag's docs.go registers
// (what swagdoc.Read returns) has "schemes": [] besides the empty host.
// The patched document has neither: the patcher adds no empty field and
// leaves out the ones swag writes for an unset annotation.
func TestPatchSwagsRegisteredDocument(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("testdata", "swagdoc.json"))
	if err != nil {
		t.Fatal(err)
	}
	st := State{Routes: demoRoutes(""), Env: "production", Now: testNow}
	for _, opts := range [][]Option{nil, {AsYAML()}} {
		got, err := Patch(src, st, opts...)
		if err != nil {
			t.Fatal(err)
		}
		if opts == nil {
			checkGolden(t, "swagdoc.routes.json", got)
		}
		validate(t, got)
		var v map[string]any
		if err := yaml.Unmarshal(got, &v); err != nil {
			t.Fatal(err)
		}
		for _, k := range []string{"schemes", "host"} {
			if _, ok := v[k]; ok {
				t.Errorf("%s kept: %v", k, v[k])
			}
		}
		if emptyField := emptyValue(v, ""); emptyField != "" {
			t.Errorf("the output has an empty %s", emptyField)
		}
	}
}

// emptyValue returns the location of the first empty array, object or
// string in v other than the global maintenance extension; "" when none.
func emptyValue(v any, loc string) string {
	switch v := v.(type) {
	case map[string]any:
		if len(v) == 0 {
			return loc
		}
		for k, c := range v {
			if k == ExtGlobalMaintenance || k == "contact" { // swag's "contact": {} is in the input
				continue
			}
			if l := emptyValue(c, loc+"."+k); l != "" {
				return l
			}
		}
	case []any:
		if len(v) == 0 {
			return loc
		}
		for i, c := range v {
			if l := emptyValue(c, fmt.Sprintf("%s[%d]", loc, i)); l != "" {
				return l
			}
		}
	case string:
		if v == "" {
			return loc
		}
	}
	return ""
}
