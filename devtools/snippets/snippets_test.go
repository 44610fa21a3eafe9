package snippets_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/waygate-go/waygate/devtools/snippets"
)

// Every Go block of the README and docs/ is marked and assembles into a
// package (the full build, against the modules at the release version,
// is scripts/install-check.sh).
func TestEveryDocumentedSnippetIsMarked(t *testing.T) {
	pages, _ := filepath.Glob("../../docs/*.md")
	more, _ := filepath.Glob("../../docs/*/*.md")
	pages = append(append(pages, more...), "../../README.md")
	n := 0
	for _, page := range pages {
		snips, err := snippets.Extract(page)
		if err != nil {
			t.Error(err)
			continue
		}
		for _, s := range snips {
			n++
			if _, err := snippets.Assemble(s, "p"); err != nil {
				t.Error(err)
			}
			if strings.Contains(s.Code, "examples/internal") || strings.Contains(s.Code, "demo.") {
				t.Errorf("%s uses the demos' internal helpers: a reader cannot import them", s.Where())
			}
		}
	}
	if n < 50 {
		t.Fatalf("only %d snippets found: are the docs where the test looks?", n)
	}
}

func TestMarkersAreRequiredAndChecked(t *testing.T) {
	for name, page := range map[string]string{
		"no marker":        "Text.\n\n```go\nfmt.Println(1)\n```\n",
		"unknown kind":     "<!-- snippet: fragment nethttp -->\n```go\nfmt.Println(1)\n```\n",
		"unknown wrapper":  "<!-- snippet: body chi -->\n```go\nfmt.Println(1)\n```\n",
		"program wrapper":  "<!-- snippet: program gin -->\n```go\npackage main\n```\n",
		"run without text": "<!-- snippet: program run -->\n```go\npackage main\nfunc main() {}\n```\n",
		"orphan shell":     "<!-- snippet: shell -->\n```sh\necho hi\n```\n```text\nhi\n```\n",
	} {
		if _, err := snippets.Parse(name+".md", []byte(page)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	page := "# Page\n\n<!-- snippet: program run -->\n```go\npackage main\n```\n\nIt prints:\n\n```text\nhi\n```\n\n" +
		"<!-- snippet: shell -->\n```sh\necho a\n```\n\n```text\na\n```\n\n```sh\nnot marked\n```\n"
	snips, err := snippets.Parse("page.md", []byte(page))
	if err != nil {
		t.Fatal(err)
	}
	if len(snips) != 1 || !snips[0].Run || snips[0].Output != "hi\n" || len(snips[0].Shell) != 1 ||
		snips[0].Shell[0].Script != "echo a\n" || snips[0].Shell[0].Output != "a\n" || snips[0].Line != 4 {
		t.Fatalf("parsed %+v", snips)
	}
}

// consumer makes an empty module that needs nothing but the standard
// library, in which stdlib-only snippets build.
func consumer(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	for _, c := range snippets.Consumers {
		dir := filepath.Join(root, c)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.com/"+c+"\n\ngo 1.26.0\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func vet(t *testing.T, dir string) error {
	t.Helper()
	cmd := exec.Command("go", "vet", "./...")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Logf("go vet: %s", out)
	}
	return err
}

// A snippet broken on purpose fails the build, and a whole one passes: the
// pipeline the install check runs catches a broken page.
func TestABrokenSnippetFailsTheBuild(t *testing.T) {
	good := "<!-- snippet: body nethttp -->\n```go\nname := strings.ToUpper(\"shop\")\nfmt.Println(name)\n```\n" +
		"<!-- snippet: decls nethttp -->\n```go\nfunc greet(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, \"hi\") }\n```\n" +
		"<!-- snippet: test nethttp -->\n```go\nif strings.Repeat(\"a\", 2) != \"aa\" {\n\tt.Fatal(\"no\")\n}\n```\n"
	for name, tc := range map[string]struct {
		page   string
		broken bool
	}{
		"whole":            {page: good},
		"misspelt call":    {page: strings.Replace(good, "ToUpper", "ToUper", 1), broken: true},
		"wrong type":       {page: strings.Replace(good, `fmt.Fprintln(w, "hi")`, `w.WriteHeader("200")`, 1), broken: true},
		"broken test body": {page: strings.Replace(good, "t.Fatal(", "t.Fatalx(", 1), broken: true},
	} {
		t.Run(name, func(t *testing.T) {
			snips, err := snippets.Parse("page.md", []byte(tc.page))
			if err != nil {
				t.Fatal(err)
			}
			root := consumer(t)
			if _, err := snippets.Write(root, snips); err != nil {
				t.Fatal(err)
			}
			err = vet(t, filepath.Join(root, "nethttp"))
			if tc.broken && err == nil {
				t.Fatal("a broken snippet built")
			}
			if !tc.broken && err != nil {
				t.Fatalf("a whole snippet did not build: %v", err)
			}
		})
	}
}

// A program's output, and its shell commands' while it serves, must be
// what the page shows.
func TestProgramOutputIsCompared(t *testing.T) {
	program := "<!-- snippet: program run -->\n```go\npackage main\n\nimport (\n\t\"fmt\"\n\t\"net/http\"\n\t\"os\"\n)\n\n" +
		"func main() {\n\tfmt.Println(\"listening on localhost:\" + os.Getenv(\"PORT\"))\n\thttp.HandleFunc(\"/\", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, \"hello\") })\n" +
		"\t_ = http.ListenAndServe(\"localhost:\"+os.Getenv(\"PORT\"), nil)\n}\n```\n\n```text\nlistening on localhost:8080\n```\n\n" +
		"<!-- snippet: shell -->\n```sh\ncurl -s localhost:8080/\n```\n\n```text\nhello\n```\n"
	if _, err := exec.LookPath("curl"); err != nil {
		t.Skip("no curl on this machine")
	}
	for name, tc := range map[string]struct {
		page  string
		wrong bool
	}{
		"as shown":     {page: program},
		"other output": {page: strings.Replace(program, "```text\nlistening", "```text\nserving", 1), wrong: true},
		"other answer": {page: strings.Replace(program, "```text\nhello", "```text\ngoodbye", 1), wrong: true},
	} {
		t.Run(name, func(t *testing.T) {
			snips, err := snippets.Parse("page.md", []byte(tc.page))
			if err != nil {
				t.Fatal(err)
			}
			root := consumer(t)
			placed, err := snippets.Write(root, snips)
			if err != nil {
				t.Fatal(err)
			}
			err = snippets.Run(context.Background(), root, placed[0])
			if tc.wrong && err == nil {
				t.Fatal("a program printing what the page does not show passed")
			}
			if !tc.wrong && err != nil {
				t.Fatal(err)
			}
		})
	}
}

// The versions the pages tell readers to go get and go install are the
// one the modules require each other at, which scripts/release.sh moves
// together.
func TestDocsNameTheReleaseVersion(t *testing.T) {
	gomod, err := os.ReadFile("../../adapters/gin/go.mod")
	if err != nil {
		t.Fatal(err)
	}
	release := regexp.MustCompile(`(?m)^\s*github\.com/waygate-go/waygate/core (v\S+)`).FindSubmatch(gomod)
	if release == nil {
		t.Fatal("adapters/gin/go.mod does not require the core module at a version")
	}
	pages, _ := filepath.Glob("../../docs/*.md")
	more, _ := filepath.Glob("../../docs/*/*.md")
	pages = append(append(pages, more...), "../../README.md")
	named := regexp.MustCompile(`github\.com/waygate-go/waygate/[A-Za-z0-9/._-]*@([^\s` + "`" + `)"']+)`)
	n := 0
	for _, page := range pages {
		b, err := os.ReadFile(page)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range named.FindAllSubmatch(b, -1) {
			n++
			if string(m[1]) != string(release[1]) {
				t.Errorf("%s names %s; the release version is %s", page, m[0], release[1])
			}
		}
	}
	if n < 5 {
		t.Fatalf("only %d versioned module paths in the docs: where do readers learn what to go get?", n)
	}
}
