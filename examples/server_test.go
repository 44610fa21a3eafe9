package examples_test

// The Waygate Server and its SDK as real processes (examples/server, one
// process per role) driven by the real waygate CLI binary: changes reach
// the right service, services survive the server going away, service
// tokens are confined to their service, flags evaluate identically, and
// server replicas on one Redis feed each other's SDKs.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/waygate-go/waygate/core/waygatetest"
)

const (
	srvAdminPassword = "server-demo-password"
	srvTokens        = "payments=payments-test-token-0001,orders=orders-test-token-00001"
	paymentsTok      = "payments-test-token-0001"
	ordersTok        = "orders-test-token-00001"
)

var (
	serverBuildOnce sync.Once
	serverBin       string
	cliBin          string
	serverBuildErr  error
)

// serverBinaries builds examples/server and the waygate CLI once.
func serverBinaries(t *testing.T) (server, cli string) {
	t.Helper()
	serverBuildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "waygate-server-demo-")
		if err != nil {
			serverBuildErr = err
			return
		}
		serverBin, cliBin = filepath.Join(dir, "server"), filepath.Join(dir, "waygate")
		for _, b := range [][]string{{"-o", serverBin, "./server"}, {"-o", cliBin, "github.com/waygate-go/waygate/cli/cmd/waygate"}} {
			if out, err := exec.Command("go", append([]string{"build"}, b...)...).CombinedOutput(); err != nil {
				serverBuildErr = fmt.Errorf("go build %v: %v\n%s", b, err, out)
				return
			}
		}
	})
	if serverBuildErr != nil {
		t.Fatal(serverBuildErr)
	}
	return serverBin, cliBin
}

// proc is one running role of examples/server.
type proc struct {
	t      *testing.T
	name   string
	cmd    *exec.Cmd
	logs   *bytes.Buffer
	logsMu *sync.Mutex // guards logs, which the process writes while the test reads
	URL    string
	done   chan struct{}
}

// output returns what the process has logged so far.
func (p *proc) output() string {
	p.logsMu.Lock()
	defer p.logsMu.Unlock()
	return p.logs.String()
}

// startRole starts examples/server -role role on a free port (or port).
func startRole(t *testing.T, role, port, serverURL string, env ...string) *proc {
	t.Helper()
	bin, _ := serverBinaries(t)
	if port == "" {
		port = freePort(t)
	}
	args := []string{"-role", role, "-addr", "127.0.0.1:" + port}
	if serverURL != "" {
		args = append(args, "-server", serverURL)
	}
	p := &proc{t: t, name: role + ":" + port, cmd: exec.Command(bin, args...), logs: &bytes.Buffer{}, logsMu: &sync.Mutex{}, URL: "http://127.0.0.1:" + port, done: make(chan struct{})}
	p.cmd.Env = append(os.Environ(), "WAYGATE_ADMIN_PASSWORD="+srvAdminPassword, "WAYGATE_SERVICE_TOKENS="+srvTokens,
		"WAYGATE_ADMIN_SECRET=0123456789abcdef0123456789abcdef-demo")
	p.cmd.Env = append(p.cmd.Env, env...)
	p.cmd.Stdout, p.cmd.Stderr = syncWriter{p.logs, p.logsMu}, syncWriter{p.logs, p.logsMu}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.cmd.Wait(); close(p.done) }()
	t.Cleanup(func() {
		p.stop(os.Interrupt)
		if t.Failed() {
			t.Logf("%s output:\n%s", p.name, p.output())
		}
	})
	ready := p.URL + "/health"
	if role == "server" {
		ready = p.URL + "/waygate/api/openapi.json"
	}
	deadline := time.Now().Add(30 * time.Second)
	for status(ready) != http.StatusOK {
		if time.Now().After(deadline) {
			t.Fatalf("%s did not start:\n%s", p.name, p.output())
		}
		time.Sleep(20 * time.Millisecond)
	}
	return p
}

type syncWriter struct {
	b  *bytes.Buffer
	mu *sync.Mutex
}

func (w syncWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

// stop signals the process and waits for it (killing it after 5 s).
func (p *proc) stop(sig os.Signal) {
	select {
	case <-p.done:
		return
	default:
	}
	p.cmd.Process.Signal(sig)
	select {
	case <-p.done:
	case <-time.After(5 * time.Second):
		p.cmd.Process.Kill()
		<-p.done
	}
}

// syncedLines returns the SDK's "synced with the Waygate Server" log
// lines.
func (p *proc) syncedLines() []string {
	var out []string
	for line := range strings.Lines(p.output()) {
		if strings.Contains(line, "synced with the Waygate Server") {
			out = append(out, strings.TrimSpace(line))
		}
	}
	return out
}

// sdkStatus reads a service's GET /sdk/status.
func (p *proc) sdkStatus() (connected bool, server string) {
	res, err := http.Get(p.URL + "/sdk/status")
	if err != nil {
		return false, ""
	}
	defer res.Body.Close()
	var s struct {
		Connected bool
		Server    string
	}
	json.NewDecoder(res.Body).Decode(&s)
	return s.Connected, s.Server
}

func (p *proc) waitConnected() {
	p.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		if ok, _ := p.sdkStatus(); ok {
			return
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("%s never connected to the server:\n%s", p.name, p.output())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// waygateCLI runs the CLI binary logged in to a server.
type waygateCLI struct {
	t   *testing.T
	bin string
	env []string
}

func newWaygateCLI(t *testing.T, server *proc) *waygateCLI {
	t.Helper()
	_, bin := serverBinaries(t)
	dir := t.TempDir()
	c := &waygateCLI{t: t, bin: bin, env: []string{"HOME=" + dir, "XDG_CONFIG_HOME=" + filepath.Join(dir, "config"), "PATH=" + os.Getenv("PATH"), "NO_COLOR=1"}}
	c.run("", "config", "set-url", server.URL+"/waygate")
	c.run(srvAdminPassword+"\n", "login", "admin", "--password-stdin")
	return c
}

func (c *waygateCLI) run(stdin string, args ...string) string {
	c.t.Helper()
	cmd := exec.Command(c.bin, args...)
	cmd.Env = c.env
	cmd.Stdin = strings.NewReader(stdin)
	out, err := cmd.CombinedOutput()
	if err != nil {
		c.t.Fatalf("waygate %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// waitFor polls url until it answers want; it returns how long that took
// after since.
func waitFor(t *testing.T, url string, header map[string]string, want int, since time.Time) time.Duration {
	t.Helper()
	for {
		if do(t, "GET", url, header).status == want {
			return time.Since(since)
		}
		if time.Since(since) > 10*time.Second {
			t.Fatalf("%s never answered %d", url, want)
		}
	}
}

func percentile(d []time.Duration, p float64) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[int(float64(len(s)-1)*p)]
}

func TestServerTwoServices(t *testing.T) {
	server := startRole(t, "server", "", "", "WAYGATE_BACKEND=file:"+filepath.Join(t.TempDir(), "state.json"))
	url := server.URL + "/waygate"
	payments := startRole(t, "payments", "", url)
	orders := startRole(t, "orders", "", url)
	payments.waitConnected()
	orders.waitConnected()
	cli := newWaygateCLI(t, server)

	// Both services registered their routes on the server.
	out := cli.run("", "services")
	for _, want := range []string{"payments", "orders", "connected"} {
		if !strings.Contains(out, want) {
			t.Errorf("waygate services:\n%s\nlacks %q", out, want)
		}
	}

	// A change for payments through the CLI: payments enforces it, orders,
	// which has the same route, does not. The budget is 100 ms from the
	// CLI's exit; the median of five changes is checked.
	var cliProp []time.Duration
	for range 5 {
		cli.run("", "disable", "GET:/checkout", "--service", "payments", "--reason", "checkout frozen")
		since := time.Now()
		cliProp = append(cliProp, waitFor(t, payments.URL+"/checkout", nil, http.StatusServiceUnavailable, since))
		if got := do(t, "GET", orders.URL+"/checkout", nil).status; got != http.StatusOK {
			t.Fatalf("orders /checkout = %d after disabling payments' route", got)
		}
		cli.run("", "enable", "GET:/checkout", "--service", "payments")
		waitFor(t, payments.URL+"/checkout", nil, http.StatusOK, time.Now())
	}
	t.Logf("CLI change → payments enforces it: %v", cliProp)
	if m := percentile(cliProp, 0.5); m > 100*time.Millisecond {
		t.Errorf("median propagation of a CLI change %v exceeds the 100 ms budget (all: %v)", m, cliProp)
	}
	r := do(t, "GET", payments.URL+"/payments", nil)
	if r.status != http.StatusOK {
		t.Errorf("payments /payments = %d", r.status)
	}

	// Global maintenance hits both; force-active /health stays up.
	cli.run("", "global", "enable", "--reason", "all hands")
	since := time.Now()
	waitFor(t, payments.URL+"/payments", nil, http.StatusServiceUnavailable, since)
	waitFor(t, orders.URL+"/orders", nil, http.StatusServiceUnavailable, since)
	if body := do(t, "GET", orders.URL+"/orders", nil).body; errorCode(t, body) != "MAINTENANCE_MODE" {
		t.Errorf("orders during global maintenance: %s", body)
	}
	if got := do(t, "GET", orders.URL+"/health", nil).status; got != http.StatusOK {
		t.Errorf("/health during global maintenance = %d", got)
	}
	cli.run("", "global", "disable")
	waitFor(t, payments.URL+"/payments", nil, http.StatusOK, time.Now())
	waitFor(t, orders.URL+"/orders", nil, http.StatusOK, time.Now())

	// Propagation over 100 changes made through the REST API: from the
	// server's answer to the service answering differently.
	api := login(t, server.URL, "admin", srvAdminPassword)
	key := routeSeg("payments:GET:/payments")
	var prop []time.Duration
	for i := range 100 {
		path, want := "/api/routes/"+key+"/disable", http.StatusServiceUnavailable
		body := any(map[string]string{"reason": "propagation"})
		if i%2 == 1 {
			path, want, body = "/api/routes/"+key+"/enable", http.StatusOK, nil
		}
		if code, b := api.do("POST", path, body); code != http.StatusOK {
			t.Fatalf("POST %s: %d %s", path, code, b)
		}
		prop = append(prop, waitFor(t, payments.URL+"/payments", nil, want, time.Now()))
	}
	line := fmt.Sprintf("server REST change → payments enforces it: p50 %v, p99 %v, max %v over %d changes", percentile(prop, 0.5), percentile(prop, 0.99), percentile(prop, 1), len(prop))
	t.Log(line)
	if out := os.Getenv("WAYGATE_BENCH_SERVER_OUT"); out != "" { // scripts/bench.sh
		if err := os.WriteFile(out, []byte(line+"\n"), 0o600); err != nil {
			t.Error(err)
		}
	}
}

func TestServerDownAndBack(t *testing.T) {
	state := "WAYGATE_BACKEND=file:" + filepath.Join(t.TempDir(), "state.json")
	port := freePort(t)
	server := startRole(t, "server", port, "", state)
	url := server.URL + "/waygate"
	payments := startRole(t, "payments", "", url)
	orders := startRole(t, "orders", "", url)
	payments.waitConnected()
	orders.waitConnected()
	// The first sync is not a recovery: no down_for on it.
	for _, svc := range []*proc{payments, orders} {
		if lines := svc.syncedLines(); len(lines) != 1 || strings.Contains(lines[0], "down_for") {
			t.Errorf("%s's first sync logs %q, want one line without down_for", svc.name, lines)
		}
	}
	api := login(t, server.URL, "admin", srvAdminPassword)
	if code, b := api.do("POST", "/api/routes/"+routeSeg("payments:GET:/checkout")+"/disable", map[string]string{"reason": "frozen"}); code != http.StatusOK {
		t.Fatalf("disable: %d %s", code, b)
	}
	if code, b := api.do("POST", "/api/routes/"+routeSeg("orders:GET:/orders/export")+"/enable", nil); code != http.StatusOK {
		t.Fatalf("enable: %d %s", code, b)
	}
	waitFor(t, payments.URL+"/checkout", nil, http.StatusServiceUnavailable, time.Now())
	waitFor(t, orders.URL+"/orders/export", nil, http.StatusOK, time.Now())

	// Kill the server: both services keep enforcing the last state and
	// serve without a single error of their own.
	server.stop(syscall.SIGKILL)
	deadline := time.Now().Add(time.Second)
	n := 0
	for time.Now().Before(deadline) {
		for _, c := range []struct {
			url  string
			want int
		}{
			{payments.URL + "/checkout", http.StatusServiceUnavailable},
			{payments.URL + "/payments", http.StatusOK},
			{orders.URL + "/orders", http.StatusOK},
			{orders.URL + "/orders/export", http.StatusOK},
			{orders.URL + "/checkout", http.StatusOK},
		} {
			r := do(t, "GET", c.url, nil)
			n++
			if r.status != c.want {
				t.Fatalf("with the server down, %s = %d %s, want %d", c.url, r.status, r.body, c.want)
			}
			if r.status == http.StatusServiceUnavailable && errorCode(t, r.body) != "ROUTE_DISABLED" {
				t.Fatalf("with the server down, %s answered %s", c.url, r.body)
			}
		}
	}
	t.Logf("%d requests served correctly while the server was down", n)
	if ok, _ := payments.sdkStatus(); ok {
		t.Error("payments still reports a connection to a killed server")
	}

	// A service started while the server is down serves its declared
	// state: /orders/export is declared in maintenance.
	orders2 := startRole(t, "orders", "", url)
	if r := do(t, "GET", orders2.URL+"/orders/export", nil); r.status != http.StatusServiceUnavailable || errorCode(t, r.body) != "MAINTENANCE_MODE" {
		t.Errorf("new orders replica /orders/export = %d %s, want the declared maintenance", r.status, r.body)
	}
	if r := do(t, "GET", orders2.URL+"/orders", nil); r.status != http.StatusOK {
		t.Errorf("new orders replica /orders = %d", r.status)
	}

	// The server comes back on the same state: every service resyncs; the
	// new replica takes the server's state over its declaration.
	server = startRole(t, "server", port, "", state)
	payments.waitConnected()
	orders.waitConnected()
	orders2.waitConnected()
	// Back after a real outage: the sync says how long it lasted; the
	// replica that never reached the server has no outage to time.
	for _, svc := range []*proc{payments, orders} {
		if lines := svc.syncedLines(); len(lines) < 2 || strings.Contains(lines[0], "down_for") || !strings.Contains(lines[len(lines)-1], "down_for=") {
			t.Errorf("%s's syncs log %q, want the first without down_for and the last with it", svc.name, lines)
		}
	}
	if lines := orders2.syncedLines(); len(lines) != 1 || strings.Contains(lines[0], "down_for") {
		t.Errorf("the new replica's first sync logs %q, want one line without down_for", lines)
	}
	waitFor(t, orders2.URL+"/orders/export", nil, http.StatusOK, time.Now())
	api = login(t, server.URL, "admin", srvAdminPassword)
	if code, b := api.do("POST", "/api/routes/"+routeSeg("payments:GET:/checkout")+"/enable", nil); code != http.StatusOK {
		t.Fatalf("enable after restart: %d %s", code, b)
	}
	if code, b := api.do("POST", "/api/global/enable", map[string]string{"reason": "after restart"}); code != http.StatusOK {
		t.Fatalf("global enable: %d %s", code, b)
	}
	since := time.Now()
	for _, u := range []string{payments.URL + "/payments", orders.URL + "/orders", orders2.URL + "/orders"} {
		waitFor(t, u, nil, http.StatusServiceUnavailable, since)
	}
	api.do("POST", "/api/global/disable", nil)
	waitFor(t, payments.URL+"/checkout", nil, http.StatusOK, time.Now())
}

func TestServerServiceTokensAreConfined(t *testing.T) {
	server := startRole(t, "server", "", "", "WAYGATE_BACKEND=memory")
	url := server.URL + "/waygate"
	orders := startRole(t, "orders", "", url)
	orders.waitConnected()
	call := func(method, path, token, body string) (int, string) {
		req, _ := http.NewRequest(method, url+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	for _, c := range []struct{ method, path, body string }{
		{"GET", "/api/sdk/snapshot?service=orders", ""},
		{"GET", "/api/sdk/events?service=orders", ""},
		{"POST", "/api/sdk/records", `{"records":[{"kind":"route","key":"orders:GET:/orders","value":{"status":"disabled"}}]}`},
		{"POST", "/api/sdk/records", `{"records":[{"kind":"service","key":"orders","value":{"enabled":true}}]}`},
	} {
		if code, body := call(c.method, c.path, paymentsTok, c.body); code != http.StatusForbidden || !strings.Contains(body, `"error"`) {
			t.Errorf("payments token %s %s: %d %s, want 403", c.method, c.path, code, body)
		}
	}
	if got := do(t, "GET", orders.URL+"/orders", nil).status; got != http.StatusOK {
		t.Errorf("orders /orders = %d after refused writes", got)
	}
	// A forged service in the body is ignored: the route is payments'.
	code, body := call("POST", "/api/sdk/records", paymentsTok,
		`{"service":"orders","records":[{"kind":"route","key":"GET:/forged","value":{"service":"orders","status":"disabled"}}]}`)
	if code != http.StatusOK || !strings.Contains(body, `"version":`) {
		t.Fatalf("forged write: %d %s, want 200 with the version that holds it", code, body)
	}
	api := login(t, server.URL, "admin", srvAdminPassword)
	if code, b := api.do("GET", "/api/routes/"+routeSeg("payments:GET:/forged"), nil); code != http.StatusOK || !strings.Contains(string(b), `"service":"payments"`) {
		t.Errorf("payments:GET:/forged: %d %s", code, b)
	}
	if code, _ := api.do("GET", "/api/routes/"+routeSeg("orders:GET:/forged"), nil); code != http.StatusNotFound {
		t.Errorf("orders:GET:/forged: %d, want 404", code)
	}
	if code, _ := call("GET", "/api/sdk/snapshot", "not-a-token-at-all", ""); code != http.StatusUnauthorized {
		t.Errorf("bad token: %d, want 401", code)
	}
}

func TestServerFlagsEvaluateIdenticallyInEveryService(t *testing.T) {
	server := startRole(t, "server", "", "", "WAYGATE_BACKEND=memory")
	url := server.URL + "/waygate"
	payments := startRole(t, "payments", "", url)
	orders := startRole(t, "orders", "", url)
	payments.waitConnected()
	orders.waitConnected()
	check := func(want map[string]bool) {
		t.Helper()
		for user, on := range want {
			for _, svc := range []*proc{payments, orders} {
				deadline := time.Now().Add(5 * time.Second)
				for {
					var got struct {
						NewCheckout bool `json:"new_checkout"`
					}
					json.Unmarshal(do(t, "GET", svc.URL+"/checkout", map[string]string{"X-User": user}).body, &got)
					if got.NewCheckout == on {
						break
					}
					if time.Now().After(deadline) {
						t.Fatalf("%s: new-checkout for %s = %v, want %v", svc.name, user, got.NewCheckout, on)
					}
					time.Sleep(10 * time.Millisecond)
				}
			}
		}
	}
	// The server demo seeds new-checkout like the other demos: 20% on.
	// Reference buckets of new-checkout: user_2 11477, user_123 32330,
	// anonymous 52072, user_1 96626.
	check(map[string]bool{"user_2": true, "user_123": false, "anonymous": false, "user_1": false})
	cli := newWaygateCLI(t, server)
	cli.run("", "flags", "edit", "new-checkout", "--fallthrough", "on:50,off:50")
	check(map[string]bool{"user_2": true, "user_123": true, "anonymous": false, "user_1": false})
}

// Like the other demos the server demo listens on $HOST:$PORT (no -addr
// needed), logs in their format (slog text), and says it listens only once
// it holds the port.
func TestServerDemoTakesHostAndPort(t *testing.T) {
	bin, _ := serverBinaries(t)
	env := append(os.Environ(), "WAYGATE_ADMIN_PASSWORD="+srvAdminPassword, "WAYGATE_SERVICE_TOKENS="+srvTokens, "WAYGATE_BACKEND=memory")

	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	busy := exec.CommandContext(ctx, bin, "-role", "server")
	busy.Env = append(env, "HOST=127.0.0.1", "PORT="+fmt.Sprint(taken.Addr().(*net.TCPAddr).Port))
	out, err := busy.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "address already in use") || strings.Contains(string(out), "listening") {
		t.Fatalf("server demo on a taken port: %v, want a bind error and no listening line\n%s", err, out)
	}

	port := freePort(t)
	p := &proc{t: t, name: "server:" + port, cmd: exec.Command(bin, "-role", "server"), logs: &bytes.Buffer{}, logsMu: &sync.Mutex{},
		URL: "http://127.0.0.1:" + port, done: make(chan struct{})}
	p.cmd.Env = append(env, "HOST=127.0.0.1", "PORT="+port)
	p.cmd.Stdout, p.cmd.Stderr = syncWriter{p.logs, p.logsMu}, syncWriter{p.logs, p.logsMu}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.cmd.Wait(); close(p.done) }()
	t.Cleanup(func() {
		p.stop(os.Interrupt)
		if t.Failed() {
			t.Logf("%s output:\n%s", p.name, p.output())
		}
	})
	want := `level=INFO msg="waygate server listening" url=http://127.0.0.1:` + port + "\n"
	for deadline := time.Now().Add(30 * time.Second); !strings.Contains(p.output(), want); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no %q in slog's text format", want)
		}
	}
	if code := status(p.URL + "/waygate/api/openapi.json"); code != http.StatusOK {
		t.Fatalf("the server on $PORT: %d", code)
	}
	payments := startRole(t, "payments", "", p.URL+"/waygate")
	payments.waitConnected()
	if !strings.Contains(payments.output(), `level=INFO msg="waygate sdk: synced with the Waygate Server" service=payments`) {
		t.Errorf("the service's log is not in slog's text format:\n%s", payments.output())
	}
}

func TestServerReplicasShareRedis(t *testing.T) {
	redis := waygatetest.StartRedis(t)
	env := "WAYGATE_BACKEND=" + redis.URL
	a := startRole(t, "server", "", "", env)
	b := startRole(t, "server", "", "", env)
	payments := startRole(t, "payments", "", b.URL+"/waygate")
	payments.waitConnected()
	api := login(t, a.URL, "admin", srvAdminPassword)
	var prop []time.Duration
	for i := range 20 {
		path, want := "/api/routes/"+routeSeg("payments:GET:/payments")+"/disable", http.StatusServiceUnavailable
		body := any(map[string]string{"reason": "through replica A"})
		if i%2 == 1 {
			path, want, body = "/api/routes/"+routeSeg("payments:GET:/payments")+"/enable", http.StatusOK, nil
		}
		if code, b := api.do("POST", path, body); code != http.StatusOK {
			t.Fatalf("replica A %s: %d %s", path, code, b)
		}
		prop = append(prop, waitFor(t, payments.URL+"/payments", nil, want, time.Now()))
	}
	t.Logf("replica A → Redis → replica B → SDK: p50 %v, max %v", percentile(prop, 0.5), percentile(prop, 1))
	// The connection really is on B: status there says so.
	bAPI := login(t, b.URL, "admin", srvAdminPassword)
	code, raw := bAPI.do("GET", "/api/services/status", nil)
	if code != http.StatusOK || !strings.Contains(string(raw), `"service":"payments","connected":true`) {
		t.Errorf("replica B status: %d %s", code, raw)
	}
}

// The dashboard of the server demo in a real browser: the Services page
// labels what it counts. With WAYGATE_UPDATE_SCREENSHOTS=1 it rewrites
// docs/img/dashboard-services.png.
func TestServerDashboardServicesInBrowser(t *testing.T) {
	server := startRole(t, "server", "", "", "WAYGATE_BACKEND=memory")
	url := server.URL + "/waygate"
	payments := startRole(t, "payments", "", url)
	orders := startRole(t, "orders", "", url)
	payments.waitConnected()
	orders.waitConnected()
	api := login(t, server.URL, "admin", srvAdminPassword)
	if code, b := api.do("POST", "/api/services/orders/maintenance/enable", map[string]string{"reason": "ledger move"}); code != http.StatusOK {
		t.Fatalf("service maintenance: %d %s", code, b)
	}
	b := &tab{t: t, ctx: newBrowser(t, 2*time.Minute), base: server.URL}
	b.signIn("admin", srvAdminPassword)
	b.do("services", chromedp.Navigate(url+"/services"), chromedp.WaitVisible(chromedp.CSS(`#services .connections`)))
	for _, svc := range []string{"payments", "orders"} {
		row, _ := b.eval(`[...document.querySelectorAll("#services tbody tr")].find(r => r.querySelector("strong").textContent === "` + svc + `").innerText`).(string)
		if !strings.Contains(row, "Connected 1 connection") || !strings.Contains(row, "8 routes") {
			t.Errorf("%s's row does not say what its numbers count: %q", svc, row)
		}
	}
	b.screenshot("services")
}
