package patch

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/waygate-go/waygate/cli/internal/cmdtest"
	"github.com/waygate-go/waygate/openapi"
)

// serversDoc is an OpenAPI 3 document whose paths sit under the path of
// its first server URL.
func serversDoc(version, url string) string {
	return `{"openapi": "` + version + `", "info": {"title": "Users", "version": "1.0"},
  "servers": [{"url": "` + url + `"}],
  "paths": {
    "/users/{id}": {"get": {"summary": "Get a user", "responses": {"200": {"description": "OK"}}},
                    "delete": {"summary": "Delete a user", "responses": {"204": {"description": "No Content"}}}},
    "/files/{path}": {"get": {"summary": "Download a file", "responses": {"200": {"description": "OK"}}}}
  }
}
`
}

// usersState names the document's routes with the /api/v1 prefix, in
// Waygate's syntax and in gin's.
const usersState = `{"env": "production", "routes": [
  {"path": "GET:/api/v1/users/:name", "status": "disabled"},
  {"path": "DELETE:/api/v1/users/{id}", "status": "maintenance", "reason": "audit"},
  {"path": "GET:/api/v1/files/*path", "status": "deprecated", "sunset_date": "2027-01-01"}
]}`

func write(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestPatchRunServersPrefix: OpenAPI 3.0 and 3.1 documents whose paths sit
// under servers[0].url, relative or absolute, match route keys with that
// prefix, written in either syntax.
func TestPatchRunServersPrefix(t *testing.T) {
	dir := t.TempDir()
	st := write(t, dir, "state.json", usersState)
	for _, tc := range []struct{ version, url string }{
		{"3.0.3", "/api/v1"},
		{"3.0.3", "https://api.example.com/api/v1"},
		{"3.1.0", "/api/v1/"},
		{"3.1.0", "http://localhost:8080/api/v1"},
	} {
		t.Run(tc.version+" "+tc.url, func(t *testing.T) {
			in := write(t, dir, "openapi.json", serversDoc(tc.version, tc.url))
			stdout, _, err := run(t, &PatchOptions{Input: in, State: st})
			if err != nil {
				t.Fatal(err)
			}
			var got struct {
				Paths map[string]map[string]map[string]any `json:"paths"`
			}
			if err := json.Unmarshal([]byte(stdout), &got); err != nil {
				t.Fatalf("not JSON: %v\n%s", err, stdout)
			}
			users := got.Paths["/users/{id}"]
			if _, ok := users["get"]; ok {
				t.Error("the disabled GET /users/{id} is still documented")
			}
			if users["delete"][openapi.ExtStatus] != "maintenance" || users["delete"]["summary"] != "Maintenance: audit — Delete a user" {
				t.Errorf("DELETE /users/{id} = %v", users["delete"])
			}
			if got.Paths["/files/{path}"]["get"]["deprecated"] != true {
				t.Errorf("GET /files/{path} = %v", got.Paths["/files/{path}"]["get"])
			}
		})
	}
}

// TestPatchRunUnmatched: a state none of whose routes matches an operation
// fails with the keys and what to do; --allow-unmatched writes anyway.
func TestPatchRunUnmatched(t *testing.T) {
	dir := t.TempDir()
	in := write(t, dir, "openapi.json", serversDoc("3.1.0", "https://api.example.com/api/v1"))
	bare := write(t, dir, "bare.json", serversDoc("3.0.3", "https://api.example.com"))
	// The routes as the service registers them: without /api/v1.
	st := write(t, dir, "state.json", `[{"path":"GET:/users/{id}","status":"disabled"},{"path":"/health","status":"active"}]`)
	out := filepath.Join(dir, "public.json")

	for name, tc := range map[string]struct {
		opts PatchOptions
		want []string
	}{
		"prefix from servers": {PatchOptions{Input: in, State: st, Output: out}, []string{
			in + ": none of the 2 route states from " + st + " matches an operation of the document (its paths are joined to /api/v1, from servers[0].url):\n",
			"  GET:/users/{id}\n  /health\n",
			"no route key starts with /api/v1: if the service serves the document's paths without it, pass --base-path /;\n",
			"pass --allow-unmatched to write the document anyway",
		}},
		"prefix from --base-path": {PatchOptions{Input: in, State: st, BasePath: "/v2", BasePathSet: true}, []string{
			"(its paths are joined to /v2, from --base-path)", "pass --base-path /;",
		}},
		"no prefix": {PatchOptions{Input: bare, State: write(t, dir, "prefixed.json", `[{"path":"GET:/api/v2/users/{id}","status":"disabled"}]`)}, []string{
			"matches an operation of the document:\n  GET:/api/v2/users/{id}\n",
			"if the service serves the document's paths under a prefix, pass it with --base-path;\n",
		}},
	} {
		t.Run(name, func(t *testing.T) {
			stdout, _, err := run(t, &tc.opts)
			if err == nil || cmdtest.IsUsage(err) || !errors.Is(err, openapi.ErrUnmatched) {
				t.Fatalf("err = %v, want a runtime error matching openapi.ErrUnmatched", err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("message lacks %q:\n%s", w, err)
				}
			}
			if stdout != "" {
				t.Errorf("a document was written to standard output:\n%s", stdout)
			}
			if _, err := os.Stat(out); !os.IsNotExist(err) {
				t.Errorf("a failed run wrote %s: %v", out, err)
			}
		})
	}

	// --allow-unmatched writes the document, untouched but for the info
	// extension; the summary line still counts the route states.
	_, stderr, err := run(t, &PatchOptions{Input: in, State: st, Output: out, AllowUnmatched: true})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(out)
	if !strings.Contains(string(b), `"get"`) || !strings.Contains(stderr, "with 2 route states from "+st) {
		t.Errorf("--allow-unmatched:\n%s\n%s", stderr, b)
	}
	// --base-path / says the routes are served without the prefix.
	if _, _, err := run(t, &PatchOptions{Input: in, State: st, Output: out, BasePath: "/", BasePathSet: true}); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(out); strings.Contains(string(b), `"Get a user"`) {
		t.Errorf("--base-path /: GET /users/{id} still documented:\n%s", b)
	}
}

// TestPatchRunUnmatchedListsAtMost: a long list is cut, with a count.
func TestPatchRunUnmatchedListsAtMost(t *testing.T) {
	dir := t.TempDir()
	in := write(t, dir, "openapi.json", serversDoc("3.0.3", "/api"))
	var routes []string
	for i := range 25 {
		routes = append(routes, `{"path":"GET:/r`+string(rune('a'+i))+`","status":"active"}`)
	}
	st := write(t, dir, "state.json", "["+strings.Join(routes, ",")+"]")
	_, _, err := run(t, &PatchOptions{Input: in, State: st})
	if err == nil || !strings.Contains(err.Error(), "  GET:/rt\n  … and 5 more\n") || strings.Contains(err.Error(), "GET:/ru") {
		t.Fatalf("err = %v", err)
	}
}

// TestPatchRunSummaryEmoji: the summary banner is plain text unless
// --summary-emoji; the description's has the emoji either way.
func TestPatchRunSummaryEmoji(t *testing.T) {
	dir := t.TempDir()
	in := write(t, dir, "swagger.json", doc)
	st := write(t, dir, "state.json", state)
	for _, tc := range []struct {
		emoji bool
		want  string
	}{
		{false, `"summary": "Maintenance: DB migration — List payments"`},
		{true, `"summary": "🔧 Maintenance: DB migration — List payments"`},
	} {
		stdout, _, err := run(t, &PatchOptions{Input: in, State: st, SummaryEmoji: tc.emoji})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(stdout, tc.want) || !strings.Contains(stdout, `"description": "> 🔧 Maintenance: DB migration"`) {
			t.Errorf("--summary-emoji=%v:\n%s", tc.emoji, stdout)
		}
	}
}
