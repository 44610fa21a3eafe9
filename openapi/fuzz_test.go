package openapi

import (
	"errors"
	"os"
	"path/filepath"
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
