package openapi

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/waygate-go/waygate/core/route"
)

func TestParseState(t *testing.T) {
	st, err := ParseState([]byte(`{
  "env": "staging",
  "time": "2026-11-27T12:00:00Z",
  "routes": [
    {"path": "GET:/payments", "status": "maintenance", "reason": "DB migration", "allowed_envs": [], "force_active": false},
    {"path": "GET:/debug", "status": "env_gated", "reason": "", "allowed_envs": ["dev", "staging"], "force_active": false, "stale": true}
  ],
  "global": {"enabled": true, "reason": "Upgrading", "exempt_paths": ["/health"], "include_force_active": false}
}`))
	if err != nil {
		t.Fatal(err)
	}
	if st.Env != "staging" || !st.Now.Equal(time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)) || len(st.Routes) != 2 ||
		st.Routes[1].AllowedEnvs[1] != "staging" || !st.Maintenance.Enabled || st.Maintenance.ExemptPaths[0] != "/health" {
		t.Fatalf("got %+v", st)
	}

	// The bare array GET /api/routes answers.
	st, err = ParseState([]byte(`[{"path":"GET:/old-reports","status":"disabled","reason":"gone"}]`))
	if err != nil || len(st.Routes) != 1 || st.Routes[0].Status != route.StatusDisabled || st.Env != "" {
		t.Fatalf("array: %+v, %v", st, err)
	}

	for name, tc := range map[string]struct{ in, want string }{
		"empty":          {``, "empty"},
		"not json":       {`{"routes": [}`, "not valid JSON near byte"},
		"unknown field":  {`{"route": []}`, `unknown field "route"`},
		"bad status":     {`{"routes":[{"path":"GET:/a","status":"paused"}]}`, `unknown route status "paused"`},
		"missing status": {`[{"path":"GET:/a"}]`, "routes[0] (GET:/a): status is missing"},
		"bad key":        {`[{"path":"orders","status":"active"}]`, `routes[0].path "orders"`},
		"bad exempt":     {`{"global":{"enabled":true,"exempt_paths":["health"]}}`, "global.exempt_paths"},
		"trailing data":  {`{} {}`, "unexpected data after the JSON value"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := ParseState([]byte(tc.in))
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "state: ") {
				t.Fatalf("err = %v, want one containing %q", err, tc.want)
			}
		})
	}
}

// TestPatchConvertsFormats: AsJSON and AsYAML change the output format and
// nothing else.
func TestPatchConvertsFormats(t *testing.T) {
	for _, in := range inputs {
		t.Run(in.file, func(t *testing.T) {
			src, err := os.ReadFile(filepath.Join("testdata", in.file))
			if err != nil {
				t.Fatal(err)
			}
			st := stateCases[1].state(in.prefix)
			same, err := Patch(src, st)
			if err != nil {
				t.Fatal(err)
			}
			asJSON, err := Patch(src, st, AsJSON())
			if err != nil {
				t.Fatal(err)
			}
			asYAML, err := Patch(src, st, AsYAML())
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(bytes.TrimSpace(asJSON), []byte("{")) || !bytes.HasSuffix(asJSON, []byte("}\n")) {
				t.Errorf("AsJSON did not write indented JSON:\n%s", asJSON)
			}
			if bytes.HasPrefix(bytes.TrimSpace(asYAML), []byte("{")) || !bytes.Contains(asYAML, []byte("🔧 Maintenance")) {
				t.Errorf("AsYAML did not write block YAML with the icon:\n%s", asYAML)
			}
			// Same values, same key order (a YAML round trip may spell a
			// number differently: 12.50 becomes 12.5).
			want := compactJSON(t, same)
			for name, out := range map[string][]byte{"json": asJSON, "yaml": asYAML} {
				got := compactJSON(t, out)
				var a, b any
				if err := json.Unmarshal(got, &a); err != nil {
					t.Fatal(err)
				}
				if err := json.Unmarshal(want, &b); err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(a, b) || !slices.Equal(stringTokens(t, got), stringTokens(t, want)) {
					t.Errorf("%s output differs from the input-format output:\n%s\nwant\n%s", name, got, want)
				}
				validate(t, out)
			}
		})
	}
}

// stringTokens lists the keys and string values of a JSON text in order.
func stringTokens(t *testing.T, b []byte) []string {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	var out []string
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		if s, ok := tok.(string); ok {
			out = append(out, s)
		}
	}
}

func compactJSON(t *testing.T, doc []byte) []byte {
	t.Helper()
	d, err := parseDocument(doc)
	if err != nil {
		t.Fatal(err)
	}
	out, err := d.encodeJSON("", false)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestDocsStateFile: the state file shown in docs/openapi.md parses and
// does what the page says.
func TestDocsStateFile(t *testing.T) {
	page, err := os.ReadFile(filepath.Join("..", "docs", "openapi.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, block, ok := strings.Cut(string(page), "```json\n")
	block, _, ok2 := strings.Cut(block, "```")
	if !ok || !ok2 {
		t.Fatal("docs/openapi.md has no json block")
	}
	st, err := ParseState([]byte(block))
	if err != nil {
		t.Fatalf("the documented state file: %v", err)
	}
	if st.Env != "production" || len(st.Routes) != 3 || st.Now.IsZero() {
		t.Fatalf("got %+v", st)
	}
}
