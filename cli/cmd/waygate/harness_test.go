package main

// The end-to-end harness: the real waygate binary, built once, run as a
// process against a real server — an engine with an application's routes
// (through the net/http adapter) and the admin API mounted at /waygate —
// on an httptest server.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	waygatehttp "github.com/waygate-go/waygate/adapters/nethttp"
	"github.com/waygate-go/waygate/admin"
	"github.com/waygate-go/waygate/core/clock"
	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/flag"
)

// binary is the waygate executable TestMain builds.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "waygate-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "waygate")
	build := exec.Command("go", "build", "-o", binary, ".")
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "go build: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// The passwords of the test server's users.
const (
	adminPassword  = "correct horse battery staple"
	viewerPassword = "a viewer's long password"
)

// server is a running application with Waygate and its admin API.
type server struct {
	t      *testing.T
	URL    string // application root
	Admin  string // admin API mount
	Engine *engine.Engine
}

// serverOption changes how the test server is built.
type serverOption struct {
	adminClock clock.Clock
	tokenTTL   time.Duration
}

// newServer starts the application: GET /health (force-active), GET and
// POST /orders, GET /payments, GET /status, GET /posts, and GET /checkout,
// which reads the new-checkout flag for the X-User header.
func newServer(t *testing.T, opt serverOption) *server {
	t.Helper()
	ctx := context.Background()
	e, err := engine.New(ctx, engine.WithEnv("production"), engine.WithLogger(quietLogger()))
	if err != nil {
		t.Fatal(err)
	}
	aopts := []admin.Option{
		admin.WithUser("admin", adminPassword, admin.RoleAdmin),
		admin.WithUser("viewer", viewerPassword, admin.RoleViewer),
		admin.WithLogger(quietLogger()),
	}
	if opt.adminClock != nil {
		aopts = append(aopts, admin.WithClock(opt.adminClock))
	}
	if opt.tokenTTL > 0 {
		aopts = append(aopts, admin.WithTokenTTL(opt.tokenTTL))
	}
	h, err := admin.New(e, aopts...)
	if err != nil {
		t.Fatal(err)
	}
	mux := waygatehttp.NewServeMux(e)
	mux.Mount("/waygate", h)
	ok := func(body string) http.HandlerFunc {
		return func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, body) }
	}
	mux.HandleFunc("GET /health", ok(`{"status":"ok"}`), waygatehttp.ForceActive())
	mux.HandleFunc("GET /orders", ok(`{"orders":[]}`))
	mux.HandleFunc("POST /orders", ok(`{"created":true}`))
	mux.HandleFunc("GET /payments", ok(`{"payments":[]}`))
	mux.HandleFunc("GET /status", ok(`{"up":true}`))
	mux.HandleFunc("GET /posts", ok(`{"posts":[]}`))
	mux.HandleFunc("GET /checkout", func(w http.ResponseWriter, r *http.Request) {
		on := e.Flags().Bool("new-checkout", flag.EvaluationContext{Key: r.Header.Get("X-User")}, false)
		fmt.Fprintf(w, `{"new_checkout":%t}`, on)
	})
	ts := httptest.NewServer(mux)
	t.Cleanup(func() {
		ts.Close()
		h.Close()
		e.Close()
	})
	return &server{t: t, URL: ts.URL, Admin: ts.URL + "/waygate", Engine: e}
}

// get requests path on the application and returns the status code.
func (s *server) get(path string, header ...string) (int, string) {
	s.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, s.URL+path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// cli runs the binary with its own config directory.
type cli struct {
	t   *testing.T
	env []string
	dir string
}

func newCLI(t *testing.T, extraEnv ...string) *cli {
	dir := t.TempDir()
	env := []string{"HOME=" + dir, "XDG_CONFIG_HOME=" + filepath.Join(dir, "config"), "PATH=" + os.Getenv("PATH"), "NO_COLOR=1"}
	return &cli{t: t, env: append(env, extraEnv...), dir: dir}
}

// result is one run of the binary.
type result struct {
	args   []string
	code   int
	stdout string
	stderr string
}

func (r result) String() string {
	return fmt.Sprintf("waygate %s → exit %d\nstdout:\n%s\nstderr:\n%s", strings.Join(r.args, " "), r.code, r.stdout, r.stderr)
}

// run runs waygate with args and returns what it did.
func (c *cli) run(args ...string) result { return c.runIn("", args...) }

// runIn runs waygate with stdin.
func (c *cli) runIn(stdin string, args ...string) result {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Env, cmd.Dir = c.env, c.dir
	cmd.Stdin = strings.NewReader(stdin)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		c.t.Fatalf("waygate %v: %v", args, err)
	}
	return result{args: args, code: code, stdout: out.String(), stderr: errOut.String()}
}

// ok runs waygate and fails the test unless it exits 0.
func (c *cli) ok(args ...string) result {
	c.t.Helper()
	r := c.run(args...)
	if r.code != 0 {
		c.t.Fatalf("expected success:\n%s", r)
	}
	return r
}

// fails runs waygate and fails the test unless it exits with code and its
// standard error contains every want.
func (c *cli) fails(code int, args []string, want ...string) result {
	c.t.Helper()
	r := c.run(args...)
	if r.code != code {
		c.t.Fatalf("expected exit %d:\n%s", code, r)
	}
	for _, w := range want {
		if !strings.Contains(r.stderr, w) {
			c.t.Fatalf("stderr lacks %q:\n%s", w, r)
		}
	}
	return r
}

// login points the CLI at s and logs in as user.
func (c *cli) login(s *server, user, password string) {
	c.t.Helper()
	c.ok("config", "set-url", s.Admin)
	if r := c.runIn(password+"\n", "login", user, "--password-stdin"); r.code != 0 {
		c.t.Fatalf("login:\n%s", r)
	}
}

// jsonOut runs waygate with -o json and decodes its output into v.
func (c *cli) jsonOut(v any, args ...string) {
	c.t.Helper()
	r := c.ok(append(args, "-o", "json")...)
	if err := json.Unmarshal([]byte(r.stdout), v); err != nil {
		c.t.Fatalf("output is not JSON (%v):\n%s", err, r)
	}
}

// contains fails unless s contains every want.
func contains(t *testing.T, r result, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(r.stdout, w) {
			t.Fatalf("stdout lacks %q:\n%s", w, r)
		}
	}
}

func quietLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }
