// Package snippets turns the Go code blocks of the documentation into
// packages that build in a consumer module, so that every snippet a reader
// copies is known to compile against the released modules.
//
// Every ```go block carries a marker on the line before it, an HTML comment
// the rendered page does not show:
//
//	<!-- snippet: body nethttp -->      statements, run inside a function
//	<!-- snippet: decls gin -->         top-level declarations
//	<!-- snippet: test nethttp -->      statements inside a test (t is there)
//	<!-- snippet: testdecls gin -->     top-level declarations of a _test.go file
//	<!-- snippet: program -->           a whole program (package main)
//	<!-- snippet: program run -->       a whole program whose output is the
//	                                    next ```text block
//	<!-- snippet: shell -->             (before a ```sh block, after a run
//	                                    program) commands run while the
//	                                    program serves; their output is the
//	                                    next ```text block
//
// The wrapper (nethttp, gin, echo, fiber) names the consumer module the
// snippet builds in and what it may use without declaring it: an engine e,
// a context ctx, the framework's app, handlers with the framework's
// signature. A fragment gets only what it uses, its imports are found from
// the packages it names, and the variables it declares are marked used, so
// a fragment reads in the page exactly as a reader would paste it.
package snippets

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"regexp"
	"strings"
)

// Kind is how a snippet is compiled.
type Kind string

// The kinds of snippets.
const (
	Body      Kind = "body"      // statements inside a function
	Decls     Kind = "decls"     // top-level declarations
	Test      Kind = "test"      // statements inside a test function
	TestDecls Kind = "testdecls" // top-level declarations in a _test.go file
	Program   Kind = "program"   // a whole package main
)

// Snippet is one Go block of a page.
type Snippet struct {
	File    string // the page
	Line    int    // the line of the block's opening fence
	Kind    Kind
	Wrapper string // nethttp, gin, echo or fiber; "" for programs
	Run     bool   // a program to run; its output must be Output
	Code    string // the block, without its fences
	Output  string // the block after a Run program: what it prints
	// Shell are the commands the page runs against a Run program while it
	// serves (```sh blocks marked <!-- snippet: shell -->), each with the
	// output the page shows for it.
	Shell []Command
}

// Command is a shell block a reader runs, and what it prints.
type Command struct {
	Line   int
	Script string
	Output string
}

// Where is the snippet's place, as file:line.
func (s Snippet) Where() string { return fmt.Sprintf("%s:%d", s.File, s.Line) }

var (
	marker      = regexp.MustCompile(`^<!--\s*snippet:\s*([a-z]+)(?:\s+([a-z]+))?(?:\s+(run))?\s*-->$`)
	shellMarker = regexp.MustCompile(`^<!--\s*snippet:\s*shell\s*-->$`)
)

// Extract reads the Go blocks of one Markdown page. A Go block without a
// marker, or with one this package does not understand, is an error that
// says how to mark it.
func Extract(path string) ([]Snippet, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(path, raw)
}

// Parse reads the Go blocks of a page's text (path is for messages).
func Parse(path string, text []byte) ([]Snippet, error) {
	var (
		out       []Snippet
		errs      []string
		prev      string // the last non-blank line outside a block
		lines     []string
		sc        = bufio.NewScanner(bytes.NewReader(text))
		wantText  = -1 // index in out of a Run program waiting for its output
		lastRun   = -1 // index in out of the page's last Run program
		wantShell = -1 // index in out[lastRun].Shell of a command waiting for its output
	)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	for i := 0; i < len(lines); i++ {
		line := strings.TrimSpace(lines[i])
		fence, lang, isFence := strings.Cut(line, "```")
		if !isFence || fence != "" {
			if line != "" {
				prev = line
			}
			continue
		}
		// A fenced block: find its end.
		start := i
		var body []string
		for i++; i < len(lines) && strings.TrimSpace(lines[i]) != "```"; i++ {
			body = append(body, lines[i])
		}
		code := strings.Join(body, "\n") + "\n"
		switch strings.TrimSpace(lang) {
		case "sh":
			if !shellMarker.MatchString(prev) {
				break
			}
			if lastRun < 0 {
				errs = append(errs, fmt.Sprintf("%s:%d: a shell snippet runs against a \"program run\" snippet earlier on the page; there is none", path, start+1))
				break
			}
			out[lastRun].Shell = append(out[lastRun].Shell, Command{Line: start + 1, Script: code})
			wantShell = len(out[lastRun].Shell) - 1
		case "go":
			s, err := parseMarker(prev)
			if err != nil {
				errs = append(errs, fmt.Sprintf("%s:%d: %v", path, start+1, err))
				break
			}
			s.File, s.Line, s.Code = path, start+1, code
			out = append(out, s)
			if s.Run {
				wantText, lastRun = len(out)-1, len(out)-1
			}
		case "text":
			switch {
			case wantText >= 0:
				out[wantText].Output = code
				wantText = -1
			case wantShell >= 0:
				out[lastRun].Shell[wantShell].Output = code
				wantShell = -1
			}
		}
		prev = ""
	}
	if wantText >= 0 {
		s := out[wantText]
		errs = append(errs, fmt.Sprintf("%s: a \"program run\" snippet needs a ```text block after it with what the program prints", s.Where()))
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("%s", strings.Join(errs, "\n"))
	}
	return out, nil
}

// parseMarker reads the marker line before a Go block.
func parseMarker(line string) (Snippet, error) {
	m := marker.FindStringSubmatch(line)
	if m == nil {
		return Snippet{}, fmt.Errorf("this Go block has no marker: put <!-- snippet: body nethttp --> (or decls, test, testdecls, program; gin, echo, fiber) on the line before it")
	}
	s := Snippet{Kind: Kind(m[1]), Wrapper: m[2], Run: m[3] == "run"}
	switch s.Kind {
	case Program:
		if s.Wrapper == "run" {
			s.Wrapper, s.Run = "", true
		}
		if s.Wrapper != "" {
			return Snippet{}, fmt.Errorf("a program has no wrapper: write <!-- snippet: program --> or <!-- snippet: program run -->")
		}
	case Body, Decls, Test, TestDecls:
		if _, ok := wrappers[s.Wrapper]; !ok {
			return Snippet{}, fmt.Errorf("wrapper %q: use nethttp, gin, echo or fiber", s.Wrapper)
		}
		if s.Run {
			return Snippet{}, fmt.Errorf("only a program can be run")
		}
	default:
		return Snippet{}, fmt.Errorf("kind %q: use body, decls, test, testdecls or program", s.Kind)
	}
	return s, nil
}
