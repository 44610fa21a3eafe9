package snippets

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// Consumers are the consumer modules snippets build in: one per framework.
var Consumers = []string{"nethttp", "gin", "echo", "fiber"}

// Placed is a snippet written into a consumer module.
type Placed struct {
	Snippet
	Consumer string // the consumer module (nethttp, gin, echo, fiber)
	Dir      string // the package's directory inside it, slash-separated
}

var nonWord = regexp.MustCompile(`[^a-z0-9]+`)

// Write assembles every snippet and writes it into root/CONSUMER/DIR, one
// package per snippet, named after its page and line. It removes what an
// earlier run wrote under root/CONSUMER/snippets first.
func Write(root string, snips []Snippet) ([]Placed, error) {
	for _, c := range Consumers {
		if err := os.RemoveAll(filepath.Join(root, c, "snippets")); err != nil {
			return nil, err
		}
	}
	var out []Placed
	var errs []string
	for _, s := range snips {
		id := strings.Trim(nonWord.ReplaceAllString(strings.ToLower(strings.TrimSuffix(filepath.ToSlash(s.File), ".md")), "_"), "_")
		id = fmt.Sprintf("%s_%d", strings.TrimPrefix(id, "docs_"), s.Line)
		f, err := Assemble(s, "s_"+id)
		if err != nil {
			errs = append(errs, err.Error())
			continue
		}
		p := Placed{Snippet: s, Consumer: consumerOf(s), Dir: "snippets/" + id}
		dir := filepath.Join(root, p.Consumer, filepath.FromSlash(p.Dir))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, err
		}
		if err := os.WriteFile(filepath.Join(dir, f.Name), f.Code, 0o644); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	if len(errs) > 0 {
		return out, fmt.Errorf("%s", strings.Join(errs, "\n"))
	}
	return out, nil
}

// consumerOf picks the consumer module: the wrapper's, or for a program
// the framework whose adapter it imports.
func consumerOf(s Snippet) string {
	if s.Kind != Program {
		return s.Wrapper
	}
	for _, c := range []string{"gin", "echo", "fiber"} {
		if strings.Contains(s.Code, `"`+mod+"adapters/"+c+`"`) {
			return c
		}
	}
	return "nethttp"
}
