package openapi

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// FuzzPatch: arbitrary input never panics, an invalid document gives a
// *DocumentError naming its location, and the only other refusal is an
// *UnmatchedError, which AllowUnmatched lifts.
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
		`{"openapi":"3.0.0","servers":[{"url":"https://h/api/{v}","variables":{"v":{"default":"v1"}}}],"paths":{"/payments":{"get":{}}}}`,
		`{"openapi":"3.1.0","servers":[{"url":"/{a}{b}"}],"paths":{}}`, `{"openapi":"3.0.0","servers":[{"url":"//h"},{}],"paths":{"/orders":{"post":{}}}}`,
		"openapi: 3.0.0\nservers: [{url: '{x}', variables: {x: {default: '/'}}}]\npaths: {/health: {get: {}}}\n",
	} {
		f.Add([]byte(s))
	}
	st := State{Routes: demoRoutes(""), Env: "production", Now: testNow}
	st.Maintenance.Enabled = true
	st.Maintenance.ExemptPaths = []string{"/health"}
	f.Fuzz(func(t *testing.T, doc []byte) {
		out, err := Patch(doc, st)
		var ue *UnmatchedError
		if errors.As(err, &ue) {
			if len(ue.Keys) != len(st.Routes) || !errors.Is(err, ErrUnmatched) {
				t.Fatalf("unmatched error with keys %q, want every route's", ue.Keys)
			}
			out, err = Patch(doc, st, AllowUnmatched())
		}
		if err != nil {
			var de *DocumentError
			if !errors.As(err, &de) || de.Location == "" {
				t.Fatalf("error without a location: %v", err)
			}
			return
		}
		// What Patch accepted and wrote, it accepts again.
		if _, err := Patch(out, st, AllowUnmatched()); err != nil {
			t.Fatalf("patched output rejected: %v\ninput: %q\noutput: %q", err, doc, out)
		}
	})
}

// FuzzParseState: arbitrary state files never panic, a state ParseState
// accepts is one Patch accepts (whether its routes match or not), and
// reading it again gives the same state: its route keys are normalised.
func FuzzParseState(f *testing.F) {
	for _, s := range []string{
		``, `[]`, `{}`, `null`, `{"env":"dev","routes":[{"path":"GET:/a","status":"disabled"}]}`,
		`[{"path":"/a/{id}","status":"maintenance","window":{"start":"2026-01-01T00:00:00Z","end":"2026-01-02T00:00:00Z"}}]`,
		`{"global":{"enabled":true,"exempt_paths":["GET:/health"]},"time":"2026-11-27T12:00:00Z"}`,
		`{"routes":[{"path":"svc:GET:/a","status":"env_gated","allowed_envs":["dev"]}]}`,
		`[{"path":"GET:/orders/:id","status":"disabled"},{"path":"/files/*path","status":"maintenance"}]`,
		`{"global":{"enabled":true,"exempt_paths":["GET:/num/:id<int>","/opt/:x?","/f/*"]}}`,
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
		if _, err := Patch(doc, st); err != nil && !errors.Is(err, ErrUnmatched) {
			t.Fatalf("accepted state rejected by Patch: %v\nstate: %q", err, b)
		}
		if _, err := Patch(doc, st, AllowUnmatched()); err != nil {
			t.Fatalf("accepted state rejected by Patch: %v\nstate: %q", err, b)
		}
		again, err := json.Marshal(st)
		if err != nil {
			t.Fatal(err)
		}
		st2, err := ParseState(again)
		if err != nil {
			t.Fatalf("the state ParseState read does not read again: %v\nstate: %s", err, again)
		}
		keys := func(st State) []string {
			out := slices.Clone(st.Maintenance.ExemptPaths)
			for _, rs := range st.Routes {
				out = append(out, rs.Path)
			}
			return out
		}
		if !slices.Equal(keys(st), keys(st2)) {
			t.Fatalf("reading the state again changed its keys: %q, then %q", keys(st), keys(st2))
		}
	})
}
