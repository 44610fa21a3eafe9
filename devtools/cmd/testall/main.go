// Command testall runs every test of every module of the workspace (the
// README's test command) and ends with the tests that skipped and why, so
// a suite that skipped for a missing redis-server or Chromium is never
// silent. Arguments go to go test:
//
//	go run ./devtools/cmd/testall              # go test -race on every module
//	go run ./devtools/cmd/testall -run Redis   # only the tests named Redis
package main

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"

	"github.com/waygate-go/waygate/devtools/testall"
)

func main() {
	mods, err := exec.Command("go", "list", "-f", "{{.Dir}}/...", "-m").Output()
	if err != nil {
		fmt.Fprintln(os.Stderr, "testall: go list -m (run it from the repository, where go.work is):", err)
		os.Exit(2)
	}
	args := append([]string{"test", "-race", "-json"}, os.Args[1:]...)
	args = append(args, strings.Fields(string(mods))...)
	cmd := exec.Command("go", args...) //nolint:gosec // G702: the developer's own go test arguments, run as they typed them
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		fmt.Fprintln(os.Stderr, "testall:", err)
		os.Exit(2)
	}
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "testall:", err)
		os.Exit(2)
	}
	s, rerr := testall.Report(out, os.Stdout)
	_, _ = io.Copy(io.Discard, out)
	werr := cmd.Wait()
	switch {
	case rerr != nil:
		fmt.Fprintln(os.Stderr, "testall: reading go test's output:", rerr)
		os.Exit(2)
	case werr != nil || len(s.Failed) > 0:
		os.Exit(1)
	}
}
