//go:build linux

package examples_test

// The fault suite: real demo processes on loopback, driven while something
// around them breaks — the state file's directory turns read-only, the
// disk fills up, webhook receivers hang or fail. Each test asserts that no
// request gets a 5xx Waygate did not decide, that nothing panics, that no
// state is lost, and that everything recovers once the fault is gone.
// (Redis killed under load: redis_test.go. Clock jumps across windows:
// core/engine/clock_jump_test.go.)

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// demoProc is a demo process started by launch.
type demoProc struct {
	cmd  *exec.Cmd
	base string
	logs *lockedBuffer
	done chan struct{} // closed when the process has exited
}

// lockedBuffer collects a process's output while the test reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// unprivileged reports whether file permissions bind this test's demo
// processes. As root they do not, so the demo runs as nobody instead.
func unprivileged() *syscall.Credential {
	if os.Geteuid() != 0 {
		return nil
	}
	return &syscall.Credential{Uid: 65534, Gid: 65534}
}

// openDir makes a directory everybody may enter and write (the demo may run
// as nobody), removed when the test ends.
func openDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "waygate-faults-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(dir, 0o755); os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	return dir
}

// launch starts a demo like start does, but as cred (nil: this user) and
// without waiting for it to become healthy; the process is stopped when
// the test ends. The binary is copied next to the test's files, where an
// unprivileged user may run it.
func launch(t *testing.T, fw string, cred *syscall.Credential, env ...string) *demoProc {
	t.Helper()
	bin := filepath.Join(build(t), fw)
	if cred != nil {
		dir := openDir(t)
		b, err := os.ReadFile(bin)
		if err != nil {
			t.Fatal(err)
		}
		bin = filepath.Join(dir, fw)
		if err := os.WriteFile(bin, b, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	port := freePort(t)
	p := &demoProc{base: "http://127.0.0.1:" + port, logs: &lockedBuffer{}, done: make(chan struct{})}
	p.cmd = exec.Command(bin)
	p.cmd.Env = append(os.Environ(), "HOST=127.0.0.1", "PORT="+port, "WAYGATE_BACKEND=memory", "WAYGATE_ENV=production")
	p.cmd.Env = append(p.cmd.Env, env...)
	p.cmd.Stdout, p.cmd.Stderr = p.logs, p.logs
	if cred != nil {
		p.cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.cmd.Wait(); close(p.done) }()
	t.Cleanup(func() {
		p.stop()
		if t.Failed() {
			t.Logf("%s output:\n%s", fw, p.logs.String())
		}
	})
	return p
}

// stop interrupts the process and waits for it (killing it after 5s).
func (p *demoProc) stop() {
	p.cmd.Process.Signal(os.Interrupt)
	select {
	case <-p.done:
	case <-time.After(5 * time.Second):
		p.cmd.Process.Kill()
		<-p.done
	}
}

// healthy waits until the process answers /health, failing if it exits.
func (p *demoProc) healthy(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-p.done:
			t.Fatalf("the demo exited: %v\n%s", p.cmd.ProcessState, p.logs.String())
		default:
		}
		if status(p.base+"/health") == 200 {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("the demo did not become healthy\n%s", p.logs.String())
}

// alive fails the test if the process has exited (a crash, a panic).
func (p *demoProc) alive(t *testing.T) {
	t.Helper()
	select {
	case <-p.done:
		t.Fatalf("the demo died: %v\n%s", p.cmd.ProcessState, p.logs.String())
	default:
	}
	if strings.Contains(p.logs.String(), "panic:") {
		t.Fatalf("the demo panicked:\n%s", p.logs.String())
	}
}

// load requests paths that always answer 200 in a bounded loop until stop
// is called, and returns what it saw.
type load struct {
	stopped atomic.Bool
	wg      sync.WaitGroup
	served  atomic.Int64
	mu      sync.Mutex
	bad     []string
}

func startLoad(base string, paths ...string) *load {
	l := &load{}
	l.wg.Add(1)
	go func() {
		defer l.wg.Done()
		for i := 0; i < 200000 && !l.stopped.Load(); i++ {
			p := paths[i%len(paths)]
			if code := status(base + p); code != 200 {
				l.mu.Lock()
				l.bad = append(l.bad, fmt.Sprintf("%s → %d", p, code))
				l.mu.Unlock()
			}
			l.served.Add(1)
		}
	}()
	return l
}

// stop ends the loop and fails t for every answer that was not 200.
func (l *load) stop(t *testing.T) {
	t.Helper()
	l.stopped.Store(true)
	l.wg.Wait()
	if len(l.bad) > 0 {
		t.Errorf("%d of %d requests under the fault did not get 200: %v", len(l.bad), l.served.Load(), l.bad[:min(len(l.bad), 10)])
	}
	t.Logf("%d requests served under the fault", l.served.Load())
}

// steady are demo routes that answer 200 whatever the tests change (they
// change GET /orders and GET /orders/{id}).
var steady = []string{"/health", "/legacy/orders", "/checkout"}

// routeState reads a route's status through the admin API.
func routeState(t *testing.T, api *apiClient, key string) string {
	t.Helper()
	code, body := api.do("GET", "/api/routes/"+routeSeg(key), nil)
	var st struct{ Status string }
	if code != 200 || json.Unmarshal(body, &st) != nil {
		t.Fatalf("GET route %s: %d %s", key, code, body)
	}
	return st.Status
}

func TestFaultFileBackendInReadOnlyDirectory(t *testing.T) {
	if testing.Short() {
		t.Skip("runs demo processes")
	}
	// A state file in a directory the process cannot write: every runtime
	// change would be lost (or refused), and the lock that keeps a second
	// writer away cannot be taken. A careful user wants to hear that at
	// startup, not after the first change at 3 a.m.: the demo refuses to
	// start and names the file and the cause.
	for _, existing := range []bool{false, true} {
		t.Run(fmt.Sprintf("state file exists=%v", existing), func(t *testing.T) {
			dir := filepath.Join(openDir(t), "state")
			if err := os.Mkdir(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(dir, "state.json")
			if existing {
				state := `{"format":1,"documents":{"route":{"GET:/orders":{"path":"GET:/orders","status":"maintenance","reason":"kept","allowed_envs":null,"force_active":false}}}}`
				if err := os.WriteFile(path, []byte(state), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if err := os.Chmod(dir, 0o555); err != nil {
				t.Fatal(err)
			}
			p := launch(t, "nethttp", unprivileged(), "WAYGATE_BACKEND=file:"+path)
			select {
			case <-p.done:
			case <-time.After(30 * time.Second):
				t.Fatalf("the demo kept running with a read-only state directory\n%s", p.logs.String())
			}
			out := p.logs.String()
			if p.cmd.ProcessState.ExitCode() == 0 || !strings.Contains(out, path) || !strings.Contains(out, "permission denied") {
				t.Fatalf("exit %d, output:\n%s\nwant a non-zero exit naming %s and the cause", p.cmd.ProcessState.ExitCode(), out, path)
			}
			if strings.Contains(out, "panic:") {
				t.Fatalf("the demo panicked:\n%s", out)
			}
			if existing {
				b, _ := os.ReadFile(path)
				if !strings.Contains(string(b), `"reason":"kept"`) {
					t.Fatalf("the state file changed:\n%s", b)
				}
			}
		})
	}
}

// unwritable is a fault of the state file's storage, applied to a running
// demo and lifted again.
type unwritable struct {
	name        string
	cred        *syscall.Credential
	apply, lift func(t *testing.T, p *demoProc, dir string)
}

func TestFaultFileBackendStopsAcceptingWrites(t *testing.T) {
	if testing.Short() {
		t.Skip("runs demo processes")
	}
	faults := []unwritable{
		{
			// The directory turns read-only (a remount after disk errors, an
			// operator's chmod).
			name: "read-only directory", cred: unprivileged(),
			apply: func(t *testing.T, _ *demoProc, dir string) { must(t, os.Chmod(dir, 0o555)) },
			lift:  func(t *testing.T, _ *demoProc, dir string) { must(t, os.Chmod(dir, 0o777)) },
		},
		{
			// The disk is full: the file size limit drops to one block, so
			// every write of the state file fails with EFBIG (Go ignores
			// SIGXFSZ, so the process lives on to see the error).
			name: "full disk",
			apply: func(t *testing.T, p *demoProc, _ string) {
				must(t, unix.Prlimit(p.cmd.Process.Pid, unix.RLIMIT_FSIZE, &unix.Rlimit{Cur: 512, Max: unix.RLIM_INFINITY}, nil))
			},
			lift: func(t *testing.T, p *demoProc, _ string) {
				must(t, unix.Prlimit(p.cmd.Process.Pid, unix.RLIMIT_FSIZE, &unix.Rlimit{Cur: unix.RLIM_INFINITY, Max: unix.RLIM_INFINITY}, nil))
			},
		},
	}
	for _, f := range faults {
		t.Run(f.name, func(t *testing.T) {
			dir := filepath.Join(openDir(t), "state")
			must(t, os.Mkdir(dir, 0o777))
			must(t, os.Chmod(dir, 0o777))
			path := filepath.Join(dir, "state.json")
			env := []string{"WAYGATE_BACKEND=file:" + path, "WAYGATE_ADMIN_PASSWORD=pw"}
			p := launch(t, "nethttp", f.cred, env...)
			p.healthy(t)
			api := login(t, p.base, "admin", "pw")
			orders, one := "/api/routes/"+routeSeg("GET:/orders"), "/api/routes/"+routeSeg("GET:/orders/{id}")
			if code, body := api.do("POST", orders+"/maintenance", map[string]string{"reason": "before the fault"}); code != 200 {
				t.Fatalf("maintenance before the fault: %d %s", code, body)
			}
			before, _ := os.ReadFile(path)
			if st, err := os.Stat(path); err != nil || st.Size() <= 512 {
				t.Fatalf("state file %v, %v: want more than 512 bytes for the full-disk fault to bite", st, err)
			}

			l := startLoad(p.base, steady...)
			f.apply(t, p, dir)
			// Admin changes are refused with a clear error, the route keeps its
			// state, and requests keep flowing.
			for range 3 {
				code, body := api.do("POST", one+"/disable", map[string]string{"reason": "during the fault"})
				if code != http.StatusServiceUnavailable || !strings.Contains(string(body), "backend write failed") || !strings.Contains(string(body), "previous state is kept") {
					t.Fatalf("disable during the fault: %d %s, want 503 saying the backend write failed and the previous state is kept", code, body)
				}
			}
			if code, body := api.do("POST", orders+"/enable", nil); code != http.StatusServiceUnavailable {
				t.Fatalf("enable during the fault: %d %s, want 503", code, body)
			}
			if got := routeState(t, api, "GET:/orders/{id}"); got != "active" {
				t.Fatalf("GET:/orders/{id} is %s after a refused disable, want active", got)
			}
			if got := routeState(t, api, "GET:/orders"); got != "maintenance" {
				t.Fatalf("GET:/orders is %s after a refused enable, want maintenance", got)
			}
			if res := do(t, "GET", p.base+"/orders", nil); res.status != 503 || errorCode(t, res.body) != "MAINTENANCE_MODE" {
				t.Fatalf("GET /orders during the fault: %d %s, want the maintenance kept", res.status, res.body)
			}
			if code, body := api.do("GET", "/api/health", nil); code != 200 {
				t.Fatalf("health during the fault: %d %s", code, body)
			}
			if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
				t.Fatalf("the state file changed during the fault:\n%s", after)
			}
			p.alive(t)

			// Recovery: the next change is written, and it survives a restart.
			f.lift(t, p, dir)
			if code, body := api.do("POST", one+"/disable", map[string]string{"reason": "after the fault"}); code != 200 {
				t.Fatalf("disable after the fault: %d %s", code, body)
			}
			if res := do(t, "GET", p.base+"/orders/7", nil); res.status != 503 || errorCode(t, res.body) != "ROUTE_DISABLED" {
				t.Fatalf("GET /orders/7 after the disable: %d %s", res.status, res.body)
			}
			l.stop(t)
			p.alive(t)
			p.stop()

			q := launch(t, "nethttp", f.cred, env...)
			q.healthy(t)
			for path, want := range map[string]string{"/orders": "MAINTENANCE_MODE", "/orders/7": "ROUTE_DISABLED"} {
				if res := do(t, "GET", q.base+path, nil); res.status != 503 || errorCode(t, res.body) != want {
					t.Errorf("GET %s after a restart: %d %s, want 503 %s", path, res.status, res.body, want)
				}
			}
		})
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// receiver is a webhook endpoint that counts deliveries.
type receiver struct {
	*httptest.Server
	hits atomic.Int64
}

func TestFaultSlowAndFailingWebhooks(t *testing.T) {
	if testing.Short() {
		t.Skip("runs demo processes")
	}
	// One receiver hangs on every delivery until the test lets go; another
	// answers 500. Neither may slow a mutation or a request, the failing one
	// is retried, the hanging one's queue stays bounded, and deliveries
	// resume once the receiver answers again.
	release := make(chan struct{})
	slow := &receiver{}
	slow.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		slow.hits.Add(1)
		io.Copy(io.Discard, r.Body)
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	failing := &receiver{}
	failing.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		failing.hits.Add(1)
		http.Error(w, "receiver is broken", http.StatusInternalServerError)
	}))
	t.Cleanup(failing.Close)
	t.Cleanup(slow.Close)
	var once sync.Once
	letGo := func() { once.Do(func() { close(release) }) }
	t.Cleanup(letGo) // runs before the servers close

	base := start(t, "nethttp", "WAYGATE_ADMIN_PASSWORD=pw")
	api := login(t, base, "admin", "pw")
	for _, url := range []string{slow.URL + "/hook", failing.URL + "/hook"} {
		if code, body := api.do("POST", "/api/webhooks", map[string]string{"url": url}); code != 201 {
			t.Fatalf("add webhook %s: %d %s", url, code, body)
		}
	}

	l := startLoad(base, steady...)
	const changes = 300 // more than a webhook's queue (256) holds
	// A mutation that waited for a delivery would wait until the test lets
	// the slow receiver go, which it does only after all the changes.
	done := make(chan error, 1)
	go func() { done <- mutate(api, changes) }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(2 * time.Minute):
		t.Fatal("admin changes hang behind a hanging webhook receiver")
	}
	if code := status(base + "/orders"); code != 200 {
		t.Fatalf("GET /orders after the last change (enable): %d", code)
	}

	// The failing receiver is retried (4 attempts, backoff from 1s).
	deadline := time.Now().Add(20 * time.Second)
	for failing.hits.Load() < 3 && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	hooks := webhooks(t, api)
	f, s := hooks[failing.URL+"/hook"], hooks[slow.URL+"/hook"]
	if failing.hits.Load() < 3 || f.Retries < 2 || f.LastStatus != 500 {
		t.Errorf("failing receiver: %d deliveries, status %+v; want retries", failing.hits.Load(), f)
	}
	if s.Dropped == 0 || s.Dropped > changes {
		t.Errorf("hanging receiver: %+v after %d changes, want the overflow of its bounded queue dropped and counted", s, changes)
	}
	if code, body := api.do("GET", "/api/health", nil); code != 200 || !strings.Contains(string(body), `"webhooks"`) {
		t.Errorf("health: %d %s", code, body)
	}

	// Recovery: the receiver answers again; queued deliveries go out.
	letGo()
	deadline = time.Now().Add(20 * time.Second)
	for webhooks(t, api)[slow.URL+"/hook"].Delivered < 10 && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	if got := webhooks(t, api)[slow.URL+"/hook"]; got.Delivered < 10 {
		t.Errorf("after the receiver recovered: %+v, want queued deliveries delivered", got)
	}
	l.stop(t)
	t.Logf("hanging receiver: %d deliveries seen, status %+v; failing receiver: %d deliveries seen", slow.hits.Load(), webhooks(t, api)[slow.URL+"/hook"], failing.hits.Load())
}

// mutate toggles GET /orders between maintenance and active n times
// through the admin API, checking the route after each change.
func mutate(api *apiClient, n int) error {
	client := &http.Client{Timeout: 30 * time.Second}
	orders := api.base + "/api/routes/" + routeSeg("GET:/orders")
	for i := range n {
		path, want := orders+"/maintenance", 503
		if i%2 == 1 {
			path, want = orders+"/enable", 200
		}
		req, _ := http.NewRequest("POST", path, strings.NewReader(fmt.Sprintf(`{"reason":"change %d"}`, i)))
		req.Header.Set("X-Waygate-Token", api.token)
		req.Header.Set("Content-Type", "application/json")
		res, err := client.Do(req)
		if err != nil {
			return fmt.Errorf("change %d with a hanging webhook receiver: %w", i, err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 200 {
			return fmt.Errorf("change %d with a hanging webhook receiver: %d %s", i, res.StatusCode, body)
		}
		if got := status(strings.TrimSuffix(api.base, "/waygate") + "/orders"); got != want {
			return fmt.Errorf("GET /orders after change %d: %d, want %d", i, got, want)
		}
	}
	return nil
}

// hookStatus is a webhook's delivery status as GET /api/webhooks lists it.
type hookStatus struct {
	URL        string `json:"url"`
	Delivered  uint64 `json:"delivered"`
	Failed     uint64 `json:"failed"`
	Dropped    uint64 `json:"dropped"`
	Retries    uint64 `json:"retries"`
	LastStatus int    `json:"last_status"`
}

func webhooks(t *testing.T, api *apiClient) map[string]hookStatus {
	t.Helper()
	code, body := api.do("GET", "/api/webhooks", nil)
	var list []hookStatus
	if code != 200 || json.Unmarshal(body, &list) != nil {
		t.Fatalf("GET /api/webhooks: %d %s", code, body)
	}
	out := map[string]hookStatus{}
	for _, h := range list {
		out[h.URL] = h
	}
	return out
}
