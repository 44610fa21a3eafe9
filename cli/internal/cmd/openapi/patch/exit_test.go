package patch_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/waygate-go/waygate/cli/internal/iostreams"
	"github.com/waygate-go/waygate/cli/internal/waygatecmd"
)

// TestUnmatchedExitCode: through the whole command line, a state that
// matches nothing in the document exits 1 with the keys and the way out
// on standard error, and --allow-unmatched exits 0.
func TestUnmatchedExitCode(t *testing.T) {
	dir := t.TempDir()
	doc := filepath.Join(dir, "openapi.yaml")
	os.WriteFile(doc, []byte("openapi: 3.1.0\ninfo: {title: Users, version: \"1.0\"}\nservers:\n  - url: https://api.example.com/api/v1\n"+
		"paths:\n  /users/{id}:\n    get:\n      responses: {\"200\": {description: OK}}\n"), 0o644)
	state := filepath.Join(dir, "state.json")
	os.WriteFile(state, []byte(`[{"path":"GET:/users/:id","status":"disabled"}]`), 0o644)
	env := map[string]string{"XDG_CONFIG_HOME": t.TempDir()}
	run := func(args ...string) (waygatecmd.ExitCode, string, string) {
		ios, _, out, errOut := iostreams.Test()
		code := waygatecmd.Run(context.Background(), args, ios, func(k string) string { return env[k] })
		return code, out.String(), errOut.String()
	}

	code, stdout, stderr := run("openapi", "patch", doc, "--state", state)
	if code != waygatecmd.ExitError || stdout != "" {
		t.Fatalf("exit %d, stdout %q; want 1 and nothing", code, stdout)
	}
	for _, want := range []string{
		"error: " + doc + ": none of the 1 route states from " + state + " matches an operation of the document (its paths are joined to /api/v1, from servers[0].url):\n",
		"\n  GET:/users/{id}\n",
		"pass --base-path /",
		"pass --allow-unmatched to write the document anyway\n",
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	if strings.Contains(stderr, "usage:") {
		t.Errorf("a runtime error printed the usage:\n%s", stderr)
	}

	code, stdout, stderr = run("openapi", "patch", doc, "--state", state, "--allow-unmatched")
	if code != waygatecmd.ExitOK || !strings.Contains(stdout, "/users/{id}:") || stderr != "" {
		t.Fatalf("--allow-unmatched: exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	code, stdout, _ = run("openapi", "patch", doc, "--state", state, "--base-path", "/")
	if code != waygatecmd.ExitOK || strings.Contains(stdout, "/users/{id}:") {
		t.Fatalf("--base-path /: exit %d\n%s", code, stdout)
	}
}
