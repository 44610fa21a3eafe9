package patch

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/waygate-go/waygate/cli/internal/api"
	"github.com/waygate-go/waygate/cli/internal/cmdtest"
	"github.com/waygate-go/waygate/cli/internal/iostreams"
	"github.com/waygate-go/waygate/openapi"
)

func TestNewCmdPatch(t *testing.T) {
	cmdtest.RunCases(t, NewCmdPatch, []cmdtest.Case[PatchOptions]{
		{Name: "file to file", Args: []string{"docs/swagger.json", "--state", "state.json", "-o", "out.yaml"}, Check: func(t *testing.T, o *PatchOptions) {
			if o.Input != "docs/swagger.json" || o.State != "state.json" || o.Output != "out.yaml" || o.Format != "yaml" || o.EnvSet || o.BasePathSet {
				t.Errorf("got %+v", o)
			}
		}},
		{Name: "server and flags", Args: []string{"-", "--state", "http://localhost:8080/waygate", "--env", "", "--base-path", "/api", "--include-force-active", "--format", "yml"},
			Env: map[string]string{"WAYGATE_SERVICE": "payments"}, Check: func(t *testing.T, o *PatchOptions) {
				if !o.EnvSet || o.Env != "" || o.BasePath != "/api" || !o.BasePathSet || !o.IncludeForceActive || o.Format != "yaml" || o.Service != "payments" {
					t.Errorf("got %+v", o)
				}
			}},
		{Name: "defaults", Args: []string{"a.json", "--state", "s.json"}, Check: func(t *testing.T, o *PatchOptions) {
			if o.AllowUnmatched || o.SummaryEmoji || o.IncludeForceActive {
				t.Errorf("got %+v", o)
			}
		}},
		{Name: "allow unmatched and summary emoji", Args: []string{"a.json", "--state", "s.json", "--allow-unmatched", "--summary-emoji"}, Check: func(t *testing.T, o *PatchOptions) {
			if !o.AllowUnmatched || !o.SummaryEmoji {
				t.Errorf("got %+v", o)
			}
		}},
		{Name: "format wins over extension", Args: []string{"a.yaml", "--state", "s.json", "-o", "out.txt", "--format", "json"}, Check: func(t *testing.T, o *PatchOptions) {
			if o.Format != "json" {
				t.Errorf("format = %q", o.Format)
			}
		}},
		{Name: "no document", Args: []string{"--state", "s.json"}, Usage: true},
		{Name: "two documents", Args: []string{"a.json", "b.json", "--state", "s.json"}, Usage: true},
		{Name: "no state", Args: []string{"a.json"}, Usage: true},
		{Name: "both on stdin", Args: []string{"-", "--state", "-"}, Usage: true},
		{Name: "unknown extension", Args: []string{"a.json", "--state", "s.json", "-o", "out.txt"}, Usage: true},
		{Name: "unknown format", Args: []string{"a.json", "--state", "s.json", "--format", "xml"}, Usage: true},
		{Name: "relative base path", Args: []string{"a.json", "--state", "s.json", "--base-path", "api"}, Usage: true},
	})
}

const doc = `{
  "swagger": "2.0",
  "info": {"title": "Shop", "version": "1.0"},
  "basePath": "/",
  "paths": {
    "/payments": {"get": {"summary": "List payments", "responses": {"200": {"description": "OK"}}}},
    "/debug": {"get": {"responses": {"200": {"description": "OK"}}}}
  }
}
`

const state = `{"env": "production", "routes": [
  {"path": "GET:/payments", "status": "maintenance", "reason": "DB migration"},
  {"path": "GET:/debug", "status": "env_gated", "allowed_envs": ["dev"]}
]}`

func run(t *testing.T, opts *PatchOptions) (stdout, stderr string, err error) {
	t.Helper()
	ios, in, out, errOut := iostreams.Test()
	if opts.Input == "-" || opts.State == "-" {
		in.WriteString(doc)
		if opts.State == "-" {
			in.Reset()
			in.WriteString(state)
		}
	}
	opts.IO = ios
	err = patchRun(context.Background(), opts)
	return out.String(), errOut.String(), err
}

func TestPatchRunFiles(t *testing.T) {
	dir := t.TempDir()
	in, st := filepath.Join(dir, "swagger.json"), filepath.Join(dir, "state.json")
	os.WriteFile(in, []byte(doc), 0o644)
	os.WriteFile(st, []byte(state), 0o644)

	// To standard output, in the input's format.
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
	if _, ok := got.Paths["/debug"]; ok || got.Paths["/payments"]["get"][openapi.ExtStatus] != "maintenance" {
		t.Fatalf("not patched:\n%s", stdout)
	}

	// --env dev keeps /debug; the YAML file is YAML.
	out := filepath.Join(dir, "public.yaml")
	_, stderr, err := run(t, &PatchOptions{Input: in, State: st, Output: out, Format: "yaml", Env: "dev", EnvSet: true})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(out)
	if !strings.HasPrefix(string(b), "swagger: \"2.0\"\n") || !strings.Contains(string(b), "/debug:") {
		t.Fatalf("YAML output:\n%s", b)
	}
	if want := "Patched " + in + " with 2 route states from " + st + " (environment dev) → " + out; !strings.Contains(stderr, want) {
		t.Errorf("stderr %q lacks %q", stderr, want)
	}

	// The state from standard input.
	if stdout, _, err = run(t, &PatchOptions{Input: in, State: "-"}); err != nil || !strings.Contains(stdout, "🔧 Maintenance: DB migration") {
		t.Fatalf("state from stdin: %v\n%s", err, stdout)
	}
}

func TestPatchRunErrors(t *testing.T) {
	dir := t.TempDir()
	in, st := filepath.Join(dir, "swagger.json"), filepath.Join(dir, "state.json")
	os.WriteFile(in, []byte(doc), 0o644)
	os.WriteFile(st, []byte(state), 0o644)
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(`{"swagger":"2.0","paths":{"/a":{"get":"x"}}}`), 0o644)
	badState := filepath.Join(dir, "bad-state.json")
	os.WriteFile(badState, []byte(`{"routes":[{"path":"GET:/a","status":"paused"}]}`), 0o644)

	for name, tc := range map[string]struct {
		opts PatchOptions
		want string
	}{
		"missing document": {PatchOptions{Input: filepath.Join(dir, "nope.json"), State: st}, "read the document"},
		"missing state":    {PatchOptions{Input: in, State: filepath.Join(dir, "nope.json")}, "read the state"},
		"broken document":  {PatchOptions{Input: bad, State: st}, bad + ": paths./a.get: an operation must be an object"},
		"broken state":     {PatchOptions{Input: in, State: badState}, `unknown route status "paused"`},
		"output dir gone":  {PatchOptions{Input: in, State: st, Output: filepath.Join(dir, "no", "out.json")}, "write "},
	} {
		t.Run(name, func(t *testing.T) {
			_, _, err := run(t, &tc.opts)
			if err == nil || !strings.Contains(err.Error(), tc.want) || cmdtest.IsUsage(err) {
				t.Fatalf("err = %v, want a runtime error containing %q", err, tc.want)
			}
			if name == "broken document" && !errors.Is(err, openapi.ErrInvalidDocument) {
				t.Errorf("err = %v does not match openapi.ErrInvalidDocument", err)
			}
		})
	}
}

// TestFetchStateForService: on a Waygate Server, --service reads that
// service's routes, and its own maintenance stands in while the global one
// is off.
func TestFetchStateForService(t *testing.T) {
	var seen []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = append(seen, r.URL.RequestURI())
		switch r.URL.Path {
		case "/waygate/api/routes":
			io.WriteString(w, `[{"path":"payments:GET:/debug","service":"payments","status":"disabled","reason":"","allowed_envs":[],"force_active":false}]`)
		case "/waygate/api/global":
			io.WriteString(w, `{"enabled":false,"reason":"","exempt_paths":[],"include_force_active":false}`)
		case "/waygate/api/services/payments/maintenance":
			io.WriteString(w, `{"enabled":true,"reason":"PSP outage","exempt_paths":["/health"],"include_force_active":false}`)
		case "/waygate/api/health":
			io.WriteString(w, `{"status":"ok","env":"staging","time":"2026-11-27T12:00:00Z"}`)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	st, err := fetchState(context.Background(), api.New(srv.URL+"/waygate", api.Session{}, "test"), "payments")
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Routes) != 1 || st.Routes[0].Path != "payments:GET:/debug" || !st.Maintenance.Enabled || st.Maintenance.Reason != "PSP outage" ||
		st.Env != "staging" || st.Now.IsZero() {
		t.Fatalf("got %+v", st)
	}
	if want := []string{"/waygate/api/routes?service=payments", "/waygate/api/global", "/waygate/api/services/payments/maintenance", "/waygate/api/health"}; !slices.Equal(seen, want) {
		t.Errorf("requests %v, want %v", seen, want)
	}
	out, err := openapi.Patch([]byte(doc), st, openapi.WithService("payments"))
	if err != nil || !strings.Contains(string(out), "> 🔧 Maintenance: PSP outage") {
		t.Errorf("patched with the service's maintenance: %v\n%s", err, out)
	}
}
