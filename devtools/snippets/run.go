package snippets

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Run runs a program snippet written into root and checks that it prints
// exactly what the page shows. A program that serves keeps running while
// the page's shell commands run against it — with localhost:8080, the
// page's address, pointed at a free port given in PORT — and each must
// print exactly what the page shows; then it is stopped.
func Run(ctx context.Context, root string, p Placed) error {
	if !p.Run {
		return nil
	}
	dir := filepath.Join(root, p.Consumer)
	bin := filepath.Join(dir, "snippet-program")
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, "./"+p.Dir)
	build.Dir = dir
	if out, err := build.CombinedOutput(); err != nil {
		return fmt.Errorf("%s: build: %v\n%s", p.Where(), err, out)
	}
	defer os.Remove(bin)
	port, err := freePort()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "PORT="+strconv.Itoa(port))
	var stderr lockedBuffer // written by exec's copier while the program runs
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()

	addr := "localhost:" + strconv.Itoa(port)
	want := strings.Split(strings.TrimRight(strings.ReplaceAll(p.Output, "localhost:8080", addr), "\n"), "\n")
	lines := make(chan string)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
		_, _ = io.Copy(io.Discard, stdout)
	}()
	var got []string
	for len(got) < len(want) {
		select {
		case l, open := <-lines:
			if !open {
				return mismatch(p.Where(), "the program's output", want, got, stderr.String())
			}
			got = append(got, l)
		case <-ctx.Done():
			return mismatch(p.Where(), "the program's output (it printed no more within two minutes)", want, got, stderr.String())
		}
	}
	if !equalLines(want, got) {
		return mismatch(p.Where(), "the program's output", want, got, stderr.String())
	}
	for _, c := range p.Shell {
		script := strings.ReplaceAll(c.Script, "localhost:8080", addr)
		sh := exec.CommandContext(ctx, "sh", "-c", script)
		out, err := sh.Output()
		if err != nil {
			return fmt.Errorf("%s:%d: %v\n%s", p.File, c.Line, err, out)
		}
		cwant := strings.Split(strings.TrimRight(c.Output, "\n"), "\n")
		cgot := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
		if !equalLines(cwant, cgot) {
			return mismatch(fmt.Sprintf("%s:%d", p.File, c.Line), "the command's output", cwant, cgot, stderr.String())
		}
	}
	return nil
}

func equalLines(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if strings.TrimRight(a[i], " \t\r") != strings.TrimRight(b[i], " \t\r") {
			return false
		}
	}
	return true
}

func mismatch(where, what string, want, got []string, stderr string) error {
	return fmt.Errorf("%s: %s differs from the page:\n--- the page shows\n%s\n--- it printed\n%s\n--- its stderr\n%s",
		where, what, strings.Join(want, "\n"), strings.Join(got, "\n"), stderr)
}

// lockedBuffer is a bytes.Buffer safe to read while a process writes it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
