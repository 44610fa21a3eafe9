// Command modproxy writes a Go module proxy directory from modules of the
// working tree at one version:
//
//	go run ./devtools/cmd/modproxy -out /tmp/proxy -version v0.1.0 core adapters/gin ...
//
// Then GOPROXY=file:///tmp/proxy,https://proxy.golang.org and
// GONOSUMDB=github.com/waygate-go/waygate make go get and go install take
// those modules at that version (scripts/install-check.sh).
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/waygate-go/waygate/devtools/modproxy"
)

func main() {
	out := flag.String("out", "", "the proxy directory to write (created if missing)")
	version := flag.String("version", "", "the version to give every module, like v0.1.0")
	flag.Usage = func() {
		fmt.Fprintln(flag.CommandLine.Output(), "usage: modproxy -out DIR -version VERSION MODULE_DIR...")
		flag.PrintDefaults()
	}
	flag.Parse()
	if *out == "" || *version == "" || flag.NArg() == 0 {
		flag.Usage()
		os.Exit(2)
	}
	mods, err := modproxy.Build(*out, *version, flag.Args()...)
	if err != nil {
		fmt.Fprintln(os.Stderr, "modproxy:", err)
		os.Exit(1)
	}
	for _, m := range mods {
		fmt.Printf("%s@%s from %s\n", m.Path, *version, m.Dir)
	}
}
