package examples_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestDocSnippetsAreCompiled keeps the documentation honest: every ```go
// block under docs/ and in the README must be a copy of code that compiles
// and runs in the repository — an Example function, a test, or an example
// program. A block matches when all its lines appear, in order, in one Go
// file (leading white space and tabs ignored).
func TestDocSnippetsAreCompiled(t *testing.T) {
	root := filepath.Join("..")
	var sources []string
	filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if strings.HasSuffix(path, ".go") {
			b, err := os.ReadFile(path)
			if err == nil {
				sources = append(sources, normalise(string(b)))
			}
		}
		return nil
	})
	docs, _ := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	more, _ := filepath.Glob(filepath.Join(root, "docs", "*", "*.md"))
	docs = append(append(docs, more...), filepath.Join(root, "README.md"))
	block := regexp.MustCompile("(?s)```go\n(.*?)```")
	checked := 0
	for _, doc := range docs {
		b, err := os.ReadFile(doc)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range block.FindAllStringSubmatch(string(b), -1) {
			checked++
			snippet := normalise(m[1])
			found := false
			for _, src := range sources {
				if strings.Contains(src, snippet) {
					found = true
					break
				}
			}
			if !found {
				t.Errorf("%s: this snippet is not in any Go file of the repository (copy it from an Example):\n%s", doc, m[1])
			}
		}
	}
	if checked == 0 {
		t.Fatal("no Go snippets found in the docs: is the docs/ folder where the test looks?")
	}
	t.Logf("%d snippets checked", checked)
}

// normalise trims each line and drops blank ones, so indentation inside a
// function body does not matter.
func normalise(s string) string {
	var out []string
	for _, line := range strings.Split(s, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			out = append(out, line)
		}
	}
	return strings.Join(out, "\n") + "\n"
}
