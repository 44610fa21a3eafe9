package snippets

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"slices"
	"strconv"
	"strings"
)

// File is one generated Go file.
type File struct {
	Name string // base name: snippet.go, snippet_test.go or main.go
	Code []byte
}

// Assemble returns the file that compiles s as package pkg (a program is
// always package main).
func Assemble(s Snippet, pkg string) (File, error) {
	if s.Kind == Program {
		return File{Name: "main.go", Code: []byte(s.Code)}, nil
	}
	w, ok := wrappers[s.Wrapper]
	if !ok {
		return File{}, fmt.Errorf("%s: wrapper %q: use nethttp, gin, echo or fiber", s.Where(), s.Wrapper)
	}
	uses, declared, err := names(s)
	if err != nil {
		return File{}, fmt.Errorf("%s: the snippet does not parse as Go %s: %v", s.Where(), kindWords[s.Kind], err)
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "// Code generated from %s by devtools/snippets. DO NOT EDIT.\n\npackage %s\n\n", s.Where(), pkg)
	for _, p := range w.decls {
		if uses[p.name] && !declared[p.name] {
			b.WriteString(p.code + "\n\n")
		}
	}
	switch s.Kind {
	case Decls, TestDecls:
		b.WriteString(s.Code)
	case Body, Test:
		if s.Kind == Test {
			b.WriteString("func TestSnippet(t *testing.T) {\n")
		} else {
			b.WriteString("// Snippet runs the documentation's fragment.\nfunc Snippet() {\n")
		}
		needs := map[string]bool{}
		for n := range uses {
			needs[n] = !declared[n] // what the fragment declares, it does not need
		}
		for _, p := range w.setupFor(needs) {
			fmt.Fprintf(&b, "%s\n_ = %s\n", p.code, p.name)
		}
		b.WriteString("{\n" + s.Code)
		for _, n := range sortedKeys(declared) {
			fmt.Fprintf(&b, "_ = %s\n", n)
		}
		b.WriteString("}\n}\n")
	}
	src, err := addImports(b.Bytes())
	if err != nil {
		return File{}, fmt.Errorf("%s: %v\n%s", s.Where(), err, b.Bytes())
	}
	name := "snippet.go"
	if s.Kind == Test || s.Kind == TestDecls {
		name = "snippet_test.go"
	}
	return File{Name: name, Code: src}, nil
}

var kindWords = map[Kind]string{
	Body: "statements", Test: "statements", Decls: "declarations", TestDecls: "declarations",
}

// names parses the snippet and returns the identifiers it uses and the
// names it declares: at the top of its block for statements, at the top
// level for declarations.
func names(s Snippet) (uses, declared map[string]bool, err error) {
	src := "package p\n" + s.Code
	if s.Kind == Body || s.Kind == Test {
		src = "package p\nfunc _() {\n" + s.Code + "\n}\n"
	}
	f, err := parser.ParseFile(token.NewFileSet(), "snippet.go", src, parser.SkipObjectResolution)
	if err != nil {
		return nil, nil, err
	}
	uses, declared = map[string]bool{}, map[string]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok {
			uses[id.Name] = true
		}
		return true
	})
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Recv == nil && d.Name.Name != "_" {
				declared[d.Name.Name] = true
			}
			if d.Name.Name == "_" && d.Body != nil {
				for _, st := range d.Body.List {
					declaredBy(st, declared)
				}
			}
		case *ast.GenDecl:
			for _, sp := range d.Specs {
				switch sp := sp.(type) {
				case *ast.ValueSpec:
					for _, n := range sp.Names {
						declared[n.Name] = true
					}
				case *ast.TypeSpec:
					declared[sp.Name.Name] = true
				}
			}
		}
	}
	delete(declared, "_")
	return uses, declared, nil
}

// declaredBy adds the names a statement declares in its block.
func declaredBy(st ast.Stmt, into map[string]bool) {
	switch st := st.(type) {
	case *ast.AssignStmt:
		if st.Tok == token.DEFINE {
			for _, l := range st.Lhs {
				if id, ok := l.(*ast.Ident); ok && id.Name != "_" {
					into[id.Name] = true
				}
			}
		}
	case *ast.DeclStmt:
		if g, ok := st.Decl.(*ast.GenDecl); ok && g.Tok == token.VAR {
			for _, sp := range g.Specs {
				for _, n := range sp.(*ast.ValueSpec).Names {
					if n.Name != "_" {
						into[n.Name] = true
					}
				}
			}
		}
	}
}

// addImports adds an import for every package the file names (an
// identifier X in X.Sel that the file does not declare) and formats it.
func addImports(src []byte) ([]byte, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "snippet.go", src, parser.ParseComments)
	if err != nil {
		return nil, err
	}
	local := map[string]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			if n.Tok == token.DEFINE {
				for _, l := range n.Lhs {
					if id, ok := l.(*ast.Ident); ok {
						local[id.Name] = true
					}
				}
			}
		case *ast.ValueSpec:
			for _, id := range n.Names {
				local[id.Name] = true
			}
		case *ast.Field:
			for _, id := range n.Names {
				local[id.Name] = true
			}
		case *ast.FuncDecl:
			local[n.Name.Name] = true
		case *ast.TypeSpec:
			local[n.Name.Name] = true
		case *ast.RangeStmt:
			for _, e := range []ast.Expr{n.Key, n.Value} {
				if id, ok := e.(*ast.Ident); ok {
					local[id.Name] = true
				}
			}
		}
		return true
	})
	need := map[string]string{} // name → path
	var unknown []string
	ast.Inspect(f, func(n ast.Node) bool {
		sel, ok := n.(*ast.SelectorExpr)
		if !ok {
			return true
		}
		id, ok := sel.X.(*ast.Ident)
		if !ok || local[id.Name] {
			return true
		}
		if path, ok := packages[id.Name]; ok {
			need[id.Name] = path
		} else if !slices.Contains(unknown, id.Name) {
			unknown = append(unknown, id.Name)
		}
		return true
	})
	if len(unknown) > 0 {
		return nil, fmt.Errorf("the snippet names %s, which is neither declared nor a package the snippet builder knows (add it to packages in devtools/snippets/wrappers.go)", strings.Join(unknown, ", "))
	}
	if len(need) > 0 {
		var imp bytes.Buffer
		imp.WriteString("import (\n")
		for _, name := range sortedKeys(need) {
			path := need[name]
			if last := path[strings.LastIndex(path, "/")+1:]; last == name {
				fmt.Fprintf(&imp, "\t%s\n", strconv.Quote(path))
			} else {
				fmt.Fprintf(&imp, "\t%s %s\n", name, strconv.Quote(path))
			}
		}
		imp.WriteString(")\n\n")
		// The import block goes right after the package clause.
		at := fset.Position(f.Name.End()).Offset
		src = slices.Concat(src[:at], []byte("\n\n"), imp.Bytes(), src[at:])
	}
	return format.Source(src)
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
