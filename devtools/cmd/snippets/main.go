// Command snippets builds the documentation's Go blocks in consumer
// modules (see package snippets):
//
//	snippets write -root REPO -out DIR PAGE...   write one package per snippet into
//	                                  DIR/nethttp, DIR/gin, DIR/echo, DIR/fiber
//	snippets run -out DIR PAGE...     run the pages' "program run" snippets
//	                                  and compare what they print
//	snippets check PAGE...            check every Go block is marked and
//	                                  assembles, without building
//
// scripts/install-check.sh prepares the consumer modules (go get of the
// modules at the release version), runs write, vets the modules, then run.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/waygate-go/waygate/devtools/snippets"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	fs := flag.NewFlagSet(os.Args[1], flag.ExitOnError)
	out := fs.String("out", "", "the directory of the consumer modules")
	root := fs.String("root", ".", "the repository, which page names in messages are relative to")
	_ = fs.Parse(os.Args[2:])
	var all []snippets.Snippet
	for _, page := range fs.Args() {
		raw, err := os.ReadFile(page)
		if err != nil {
			fail(err)
		}
		name := page
		if abs, err := filepath.Abs(page); err == nil {
			if r, err := filepath.Abs(*root); err == nil {
				if rel, err := filepath.Rel(r, abs); err == nil && !strings.HasPrefix(rel, "..") {
					name = filepath.ToSlash(rel)
				}
			}
		}
		s, err := snippets.Parse(name, raw)
		if err != nil {
			fail(err)
		}
		all = append(all, s...)
	}
	switch os.Args[1] {
	case "check":
		for _, s := range all {
			if _, err := snippets.Assemble(s, "p"); err != nil {
				fail(err)
			}
		}
		fmt.Printf("%d snippets marked and assembled\n", len(all))
	case "write", "run":
		if *out == "" {
			usage()
		}
		placed, err := snippets.Write(*out, all)
		if err != nil {
			fail(err)
		}
		if os.Args[1] == "write" {
			count := map[string]int{}
			for _, p := range placed {
				count[p.Consumer]++
			}
			fmt.Printf("%d snippets written: %v\n", len(placed), count)
			return
		}
		ran := 0
		for _, p := range placed {
			if !p.Run {
				continue
			}
			if err := snippets.Run(context.Background(), *out, p); err != nil {
				fail(err)
			}
			ran++
		}
		fmt.Printf("%d programs ran and printed what their pages show\n", ran)
	default:
		usage()
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: snippets check PAGE... | snippets write -out DIR PAGE... | snippets run -out DIR PAGE...")
	os.Exit(2)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, err)
	os.Exit(1)
}
