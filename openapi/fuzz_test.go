package openapi

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzPatch: arbitrary input never panics, and an invalid document gives a
// *DocumentError naming its location.
func FuzzPatch(f *testing.F) {
	for _, in := range inputs {
		b, err := os.ReadFile(filepath.Join("testdata", in.file))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, s := range []string{
		``, `{}`, `[]`, `null`, `{"paths":{"/a":{"get":1}}}`, `{"swagger":"2.0","basePath":"/x","paths":{"/a":{"get":{}}}}`,
		"a: &x {get: *x}\npaths: {/a: *x}\n", "paths:\n  /a:\n    get:\n      summary: !!binary aGk=\n",
		`{"a":1e999}`, "x: .inf\n", "{\"a\":\"\\ud800\"}",
	} {
		f.Add([]byte(s))
	}
	st := State{Routes: demoRoutes(""), Env: "production", Now: testNow}
	st.Maintenance.Enabled = true
	st.Maintenance.ExemptPaths = []string{"/health"}
	f.Fuzz(func(t *testing.T, doc []byte) {
		out, err := Patch(doc, st)
		if err != nil {
			var de *DocumentError
			if !errors.As(err, &de) || de.Location == "" {
				t.Fatalf("error without a location: %v", err)
			}
			return
		}
		// What Patch accepted and wrote, it accepts again.
		if _, err := Patch(out, st); err != nil {
			t.Fatalf("patched output rejected: %v\ninput: %q\noutput: %q", err, doc, out)
		}
	})
}

// FuzzParseState: arbitrary state files never panic, and a state ParseState
// accepts is one Patch accepts.
func FuzzParseState(f *testing.F) {
	for _, s := range []string{
		``, `[]`, `{}`, `null`, `{"env":"dev","routes":[{"path":"GET:/a","status":"disabled"}]}`,
		`[{"path":"/a/{id}","status":"maintenance","window":{"start":"2026-01-01T00:00:00Z","end":"2026-01-02T00:00:00Z"}}]`,
		`{"global":{"enabled":true,"exempt_paths":["GET:/health"]},"time":"2026-11-27T12:00:00Z"}`,
		`{"routes":[{"path":"svc:GET:/a","status":"env_gated","allowed_envs":["dev"]}]}`,
	} {
		f.Add([]byte(s))
	}
	doc, err := os.ReadFile(filepath.Join("testdata", "openapi30.json"))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		st, err := ParseState(b)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "state: ") {
				t.Fatalf("error does not say it is about the state: %v", err)
			}
			return
		}
		if _, err := Patch(doc, st); err != nil {
			t.Fatalf("accepted state rejected by Patch: %v\nstate: %q", err, b)
		}
	})
}
