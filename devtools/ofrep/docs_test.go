package ofrep_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/waygate-go/waygate/admin"
	coreflag "github.com/waygate-go/waygate/core/flag"
	"github.com/waygate-go/waygate/core/waygatetest"
	"github.com/waygate-go/waygate/devtools/ofrep"
)

// docSnippet is a ```js block of docs/feature-flags.md after the marker
// "<!-- snippet: ofrep NAME -->".
func docSnippet(t *testing.T, name string) string {
	t.Helper()
	page, err := os.ReadFile("../../docs/feature-flags.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)<!-- snippet: ofrep " + name + " -->\n```js\n(.*?)```").FindSubmatch(page)
	if m == nil {
		t.Fatalf("docs/feature-flags.md has no ```js block after <!-- snippet: ofrep %s -->", name)
	}
	return string(m[1])
}

// docsServer is a Waygate Server as the snippets expect a demo: OFREP at
// /waygate with the demos' key, the demos' new-checkout flag (20% on).
// The runner's page is served beside it, same origin.
func docsServer(t *testing.T) string {
	t.Helper()
	eng, _ := waygatetest.NewEngine(t)
	f := coreflag.NewBoolean("new-checkout")
	f.Fallthrough = coreflag.Fallthrough{Rollout: []coreflag.WeightedVariation{{Variation: "on", Weight: 20_000}, {Variation: "off", Weight: 80_000}}}
	if _, err := eng.CreateFlag(context.Background(), f); err != nil {
		t.Fatal(err)
	}
	h, err := admin.New(eng, admin.WithOpenAccess(), admin.WithPrefix("/waygate"), admin.WithOFREPKey("demo-flags-key"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = h.Close() })
	mux := http.NewServeMux()
	mux.Handle("/waygate/", h)
	mux.Handle("/client/", http.StripPrefix("/client", ofrep.PageHandler(".")))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv.URL
}

// atServer points a snippet written for a demo on localhost:8080 at url.
func atServer(t *testing.T, snippet, url string) string {
	t.Helper()
	const demo = "http://localhost:8080/waygate"
	if !strings.Contains(snippet, demo) {
		t.Fatalf("the snippet does not name %s:\n%s", demo, snippet)
	}
	return strings.ReplaceAll(snippet, demo, url+"/waygate")
}

// The Node snippet of docs/feature-flags.md runs as written and prints
// what its comment says.
func TestDocsNodeSnippet(t *testing.T) {
	need(t, false)
	code := atServer(t, docSnippet(t, "node"), docsServer(t))
	// In this directory, so that node finds the installed packages.
	file := filepath.Join(".", ".docs-snippet-"+strings.ReplaceAll(t.Name(), "/", "-")+".mjs")
	if err := os.WriteFile(file, []byte(code), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Remove(file) })
	out, err := exec.CommandContext(withTimeout(t), "node", file).CombinedOutput()
	if err != nil {
		t.Fatalf("node: %v\n%s", err, out)
	}
	if got := strings.TrimSpace(string(out)); got != "true SPLIT" {
		t.Fatalf("the Node snippet printed %q, want %q (its comment)", got, "true SPLIT")
	}
}

// The browser snippet of docs/feature-flags.md runs as written in headless
// Chromium and logs what its comment says.
func TestDocsBrowserSnippet(t *testing.T) {
	need(t, true)
	base := docsServer(t)
	logs, err := ofrep.RunModule(withTimeout(t), ".", base+"/client/web/index.html", atServer(t, docSnippet(t, "browser"), base))
	if err != nil {
		t.Fatal(err)
	}
	if len(logs) != 1 || logs[0] != "true" {
		t.Fatalf("the browser snippet logged %q, want [\"true\"] (its comment)", logs)
	}
}
