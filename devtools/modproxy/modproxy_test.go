package modproxy_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/mod/module"
	"golang.org/x/mod/zip"

	"github.com/waygate-go/waygate/devtools/modproxy"
)

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// A module of a tree is served at a version, and a consumer outside the
// tree builds against it through GOPROXY=file://.
func TestAModuleOfTheTreeInstallsFromTheProxy(t *testing.T) {
	tree := t.TempDir()
	write(t, filepath.Join(tree, "lib", "go.mod"), "module example.com/tree/lib\n\ngo 1.26.0\n")
	write(t, filepath.Join(tree, "lib", "lib.go"), "package lib\n\n// Answer is the answer.\nconst Answer = 42\n")
	write(t, filepath.Join(tree, "lib", "nested", "go.mod"), "module example.com/tree/lib/nested\n\ngo 1.26.0\n")
	write(t, filepath.Join(tree, "lib", "nested", "n.go"), "package nested\n")

	out := filepath.Join(t.TempDir(), "proxy")
	mods, err := modproxy.Build(out, "v0.3.0", filepath.Join(tree, "lib"))
	if err != nil {
		t.Fatal(err)
	}
	if len(mods) != 1 || mods[0].Path != "example.com/tree/lib" {
		t.Fatalf("built %+v", mods)
	}
	at := filepath.Join(out, "example.com", "tree", "lib", "@v")
	list, _ := os.ReadFile(filepath.Join(at, "list"))
	if strings.TrimSpace(string(list)) != "v0.3.0" {
		t.Fatalf("list %q", list)
	}
	files, err := zip.CheckZip(module.Version{Path: "example.com/tree/lib", Version: "v0.3.0"}, filepath.Join(at, "v0.3.0.zip"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files.Valid {
		if strings.Contains(f, "nested") {
			t.Errorf("the zip holds %s, a file of a nested module", f)
		}
	}

	consumer := t.TempDir()
	write(t, filepath.Join(consumer, "go.mod"), "module example.com/consumer\n\ngo 1.26.0\n\nrequire example.com/tree/lib v0.3.0\n")
	write(t, filepath.Join(consumer, "main.go"), "package main\n\nimport \"example.com/tree/lib\"\n\nfunc main() { println(lib.Answer) }\n")
	cmd := exec.Command("go", "build", "./...")
	cmd.Dir = consumer
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod", "GOPROXY=file://"+filepath.ToSlash(out), "GONOSUMDB=example.com",
		"GOMODCACHE="+t.TempDir())
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build against the proxy: %v\n%s", err, b)
	}
	// The module cache is read-only; let the test clean it up.
	_ = filepath.Walk(cmd.Env[len(cmd.Env)-1][len("GOMODCACHE="):], func(p string, info os.FileInfo, err error) error {
		if err == nil {
			_ = os.Chmod(p, 0o755)
		}
		return nil
	})

	if _, err := modproxy.Build(out, "1.0", filepath.Join(tree, "lib")); err == nil {
		t.Error("a version that is not semantic was accepted")
	}
}
