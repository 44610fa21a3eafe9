package examples_test

// The demo contract (SPEC §14), checked black-box: each demo program is
// built, started as a real process on a free port and driven over HTTP.
// Every framework must answer the same requests with the same status, body
// and Waygate headers.

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// frameworks lists the demo programs, by directory.
var frameworks = []string{"gin", "echo", "fiber", "nethttp", "chi", "echov5"}

var (
	buildOnce sync.Once
	binDir    string
	buildErr  error
)

// build compiles every demo once per test binary.
func build(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		binDir, buildErr = os.MkdirTemp("", "waygate-demos-")
		if buildErr != nil {
			return
		}
		args := []string{"build", "-o", binDir + string(os.PathSeparator)}
		for _, fw := range frameworks {
			args = append(args, "./"+fw)
		}
		out, err := exec.Command("go", args...).CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binDir
}

func freePort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return fmt.Sprint(l.Addr().(*net.TCPAddr).Port)
}

// start runs one demo with extra environment and returns its base URL.
func start(t *testing.T, fw string, env ...string) string {
	t.Helper()
	port := freePort(t)
	cmd := exec.Command(filepath.Join(build(t), fw))
	cmd.Env = append(os.Environ(), "HOST=127.0.0.1", "PORT="+port, "WAYGATE_BACKEND=memory", "WAYGATE_ENV=production")
	cmd.Env = append(cmd.Env, env...)
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			cmd.Process.Kill()
		}
		if t.Failed() {
			t.Logf("%s output:\n%s", fw, logs.String())
		}
	})
	base := "http://127.0.0.1:" + port
	deadline := time.Now().Add(30 * time.Second)
	for {
		res, err := http.Get(base + "/health")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return base
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s did not become healthy: %v\n%s", fw, err, logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

type response struct {
	status int
	header http.Header
	body   []byte
}

func do(t *testing.T, method, url string, header map[string]string) response {
	t.Helper()
	req, _ := http.NewRequestWithContext(context.Background(), method, url, nil)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return response{res.StatusCode, res.Header, b}
}

func errorCode(t *testing.T, body []byte) string {
	t.Helper()
	var doc struct {
		Error struct {
			Code string `json:"code"`
		} `json:"error"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatalf("body %q is not JSON: %v", body, err)
	}
	return doc.Error.Code
}

// registeredDate stands for the Deprecation of a route deprecated in code
// without a date: RFC 9745's @<unix seconds>, of the time the demo
// registered it.
const registeredDate = "@<registered>"

var deprecationDate = regexp.MustCompile(`^@[0-9]{10}$`)

// contract is the demo contract for the lifecycle routes.
var contract = []struct {
	method, path string
	status       int
	code         string            // error.code, "" for a served route
	body         string            // exact body when set
	header       map[string]string // exact header values
	absent       []string          // headers that must not be set
}{
	{"GET", "/health", 200, "", `{"status":"ok"}`, nil, []string{"Deprecation"}},
	{"GET", "/payments", 503, "MAINTENANCE_MODE",
		`{"error":{"code":"MAINTENANCE_MODE","message":"This endpoint is temporarily unavailable","reason":"DB migration — back at 04:00 UTC","path":"/payments"}}`,
		map[string]string{"Content-Type": "application/json"}, []string{"Retry-After"}},
	{"GET", "/orders", 200, "", `{"orders":[]}`, nil, nil},
	{"POST", "/orders", 200, "", `{"created":true}`, nil, nil},
	{"GET", "/orders/42", 200, "", `{"id":"42"}`, nil, nil},
	{"GET", "/legacy/orders", 200, "", "", map[string]string{
		"Deprecation": registeredDate, "Sunset": "Fri, 01 Jan 2027 00:00:00 GMT", "Link": `</orders>; rel="successor-version"`}, nil},
	{"GET", "/old-reports", 503, "ROUTE_DISABLED",
		`{"error":{"code":"ROUTE_DISABLED","message":"This endpoint has been disabled","reason":"Replaced by /reports","path":"/old-reports"}}`, nil, nil},
	{"GET", "/checkout", 200, "", `{"new_checkout":false}`, nil, nil},
}

func TestDemoContract(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the demo programs")
	}
	seen := map[string]response{} // first framework's answer per request
	for _, fw := range frameworks {
		t.Run(fw, func(t *testing.T) {
			base := start(t, fw)
			// The env-gated /debug answers, in production, exactly like a
			// path the demo does not serve: each framework's own 404.
			hidden, unknown := do(t, "GET", base+"/debug", nil), do(t, "GET", base+"/no-such-route", nil)
			if hidden.status != http.StatusNotFound || hidden.status != unknown.status ||
				string(hidden.body) != strings.ReplaceAll(string(unknown.body), "/no-such-route", "/debug") ||
				hidden.header.Get("Content-Type") != unknown.header.Get("Content-Type") {
				t.Errorf("GET /debug = %d %s %q, want the answer to an unknown path: %d %s %q", hidden.status,
					hidden.header.Get("Content-Type"), hidden.body, unknown.status, unknown.header.Get("Content-Type"), unknown.body)
			}
			for _, c := range contract {
				res := do(t, c.method, base+c.path, nil)
				id := c.method + " " + c.path
				if res.status != c.status {
					t.Errorf("%s: status %d, want %d (body %s)", id, res.status, c.status, res.body)
				}
				if c.code != "" && errorCode(t, res.body) != c.code {
					t.Errorf("%s: error.code in %s, want %s", id, res.body, c.code)
				}
				if c.body != "" && string(res.body) != c.body {
					t.Errorf("%s: body %s, want %s", id, res.body, c.body)
				}
				for k, v := range c.header {
					if got := res.header.Get(k); got != v && (v != registeredDate || !deprecationDate.MatchString(got)) {
						t.Errorf("%s: header %s = %q, want %q", id, k, got, v)
					}
				}
				for _, k := range c.absent {
					if v := res.header.Get(k); v != "" {
						t.Errorf("%s: header %s = %q, want none", id, k, v)
					}
				}
				if first, ok := seen[id]; ok {
					if !bytes.Equal(first.body, res.body) {
						t.Errorf("%s: body %s differs from another framework's %s", id, res.body, first.body)
					}
					// Deprecation differs: each demo registered its routes when it started.
					for _, h := range []string{"Content-Type", "Sunset", "Link", "Retry-After"} {
						if first.header.Get(h) != res.header.Get(h) {
							t.Errorf("%s: header %s = %q, another framework sent %q", id, h, res.header.Get(h), first.header.Get(h))
						}
					}
				} else {
					seen[id] = res
				}
			}
		})
	}
}

func TestDemoRateLimits(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the demo programs")
	}
	for _, fw := range frameworks {
		t.Run(fw, func(t *testing.T) {
			base := start(t, fw)
			for i := range 5 {
				res := do(t, "GET", base+"/posts", nil)
				if res.status != 200 || res.header.Get("X-RateLimit-Remaining") != fmt.Sprint(4-i) || res.header.Get("X-RateLimit-Limit") != "5" {
					t.Fatalf("GET /posts #%d: %d, remaining %q", i+1, res.status, res.header.Get("X-RateLimit-Remaining"))
				}
			}
			res := do(t, "GET", base+"/posts", nil)
			if res.status != 429 || errorCode(t, res.body) != "RATE_LIMIT_EXCEEDED" || res.header.Get("Retry-After") == "" {
				t.Fatalf("GET /posts #6: %d %s Retry-After %q; want 429 with Retry-After", res.status, res.body, res.header.Get("Retry-After"))
			}
			for plan, allowed := range map[string]int{"pro": 10, "free": 2} {
				who := map[string]string{"X-User": plan + "-user", "X-Plan": plan}
				for i := range allowed {
					if res := do(t, "GET", base+"/reports", who); res.status != 200 {
						t.Fatalf("GET /reports as %s #%d: %d", plan, i+1, res.status)
					}
				}
				if res := do(t, "GET", base+"/reports", who); res.status != 429 {
					t.Fatalf("GET /reports as %s #%d: %d, want 429", plan, allowed+1, res.status)
				}
			}
		})
	}
}

func TestDemoDebugRouteInDev(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the demo programs")
	}
	for _, fw := range frameworks {
		t.Run(fw, func(t *testing.T) {
			base := start(t, fw, "WAYGATE_ENV=dev")
			res := do(t, "GET", base+"/debug", nil)
			if res.status != 200 || string(res.body) != `{"debug":true}` {
				t.Fatalf("GET /debug in dev: %d %s, want 200 {\"debug\":true}", res.status, res.body)
			}
		})
	}
}

func TestDemoFileBackendKeepsState(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the demo programs")
	}
	// A state file written by hand (as an operator or an earlier run would)
	// wins over the code's declaration at startup.
	path := filepath.Join(t.TempDir(), "state.json")
	state := `{"format":1,"documents":{"route":{"GET:/payments":{"path":"GET:/payments","status":"active","reason":"","allowed_envs":null,"force_active":false}}}}`
	if err := os.WriteFile(path, []byte(state), 0o600); err != nil {
		t.Fatal(err)
	}
	base := start(t, frameworks[0], "WAYGATE_BACKEND=file:"+path)
	if res := do(t, "GET", base+"/payments", nil); res.status != 200 {
		t.Fatalf("GET /payments with a persisted active state: %d %s, want 200", res.status, res.body)
	}
	b, _ := os.ReadFile(path)
	if !strings.Contains(string(b), `"GET:/orders"`) {
		t.Fatalf("registration did not persist the other routes:\n%s", b)
	}
}

// A demo says it is listening only once it holds its port ($HOST:$PORT),
// in the demos' log format (slog text): on a port another process holds,
// it fails with the bind error and never claims to listen.
func TestDemosListenBeforeTheySaySo(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the demo programs")
	}
	bin := build(t)
	for _, fw := range frameworks {
		t.Run(fw, func(t *testing.T) {
			t.Parallel()
			taken, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			defer taken.Close()
			port := fmt.Sprint(taken.Addr().(*net.TCPAddr).Port)
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, filepath.Join(bin, fw))
			cmd.Env = append(os.Environ(), "HOST=127.0.0.1", "PORT="+port, "WAYGATE_BACKEND=memory")
			out, err := cmd.CombinedOutput()
			var exit *exec.ExitError
			if !errors.As(err, &exit) || !strings.Contains(string(out), "address already in use") || strings.Contains(string(out), "listening") {
				t.Fatalf("%s on a taken port: %v, want a bind error and no listening line\n%s", fw, err, out)
			}

			// On a free port: the line, in slog's text format, with the
			// address it bound.
			port = freePort(t)
			var mu sync.Mutex
			var logs bytes.Buffer
			run := exec.CommandContext(ctx, filepath.Join(bin, fw))
			run.Env = append(os.Environ(), "HOST=127.0.0.1", "PORT="+port, "WAYGATE_BACKEND=memory")
			run.Stdout, run.Stderr = syncWriter{&logs, &mu}, syncWriter{&logs, &mu}
			if err := run.Start(); err != nil {
				t.Fatal(err)
			}
			defer func() { run.Process.Signal(os.Interrupt); run.Wait() }()
			name := map[string]string{"nethttp": "net/http"}[fw]
			want := `level=INFO msg="demo listening" framework=` + cmp.Or(name, fw) + " addr=127.0.0.1:" + port + "\n"
			for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
				mu.Lock()
				out := logs.String()
				mu.Unlock()
				if strings.Contains(out, want) && strings.Contains(out, `level=INFO msg="waygate engine ready"`) {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("%s log lacks %q in slog's text format:\n%s", fw, want, out)
				}
			}
			if res := do(t, "GET", "http://127.0.0.1:"+port+"/health", nil); res.status != http.StatusOK {
				t.Fatalf("GET /health after the listening line: %d", res.status)
			}
		})
	}
}
