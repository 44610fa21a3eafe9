package waygatetest

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// RedisServer is a real redis-server started for a test.
type RedisServer struct {
	// URL is what go-redis's ParseURL (and WAYGATE_BACKEND) take.
	URL string
	// Addr is the network address ("/path/redis.sock" or "host:port").
	Addr    string
	Network string

	dir      string
	cmd      *exec.Cmd
	t        testing.TB
	external bool
}

// StartRedis starts a private redis-server on a unix socket for the test
// and stops it when the test ends. With REDIS_URL set, that server is used
// instead (and never stopped). Without either, the test is skipped with a
// loud message — or fails when WAYGATE_REQUIRE_REDIS=1, as in CI.
func StartRedis(t testing.TB) *RedisServer {
	t.Helper()
	if url := os.Getenv("REDIS_URL"); url != "" {
		return &RedisServer{URL: url, t: t, external: true}
	}
	bin := needRedisBinary(t, "redis-server", "this test needs Redis: install redis-server (apt-get install redis-server) or set REDIS_URL")
	dir, err := os.MkdirTemp("", "wgredis")
	if err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(dir, "redis.sock")
	s := &RedisServer{URL: "unix://" + sock, Addr: sock, Network: "unix", dir: dir, t: t}
	s.start(bin)
	t.Cleanup(func() {
		s.Stop()
		os.RemoveAll(dir)
	})
	return s
}

func (s *RedisServer) start(bin string) {
	s.t.Helper()
	s.cmd = exec.Command(bin, "--port", "0", //nolint:gosec // G204: the redis-server binary found on PATH or named by the test
		"--unixsocket", s.Addr, "--unixsocketperm", "700",
		"--save", "", "--appendonly", "no", "--dir", s.dir)
	if err := s.cmd.Start(); err != nil {
		s.t.Fatalf("start redis-server: %v", err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if c, err := net.Dial("unix", s.Addr); err == nil {
			fmt.Fprint(c, "PING\r\n")
			line, _ := bufio.NewReader(c).ReadString('\n')
			c.Close()
			if strings.HasPrefix(line, "+PONG") {
				return
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	s.t.Fatal("redis-server did not start within 10s")
}

// Stop kills the server (as an outage would).
func (s *RedisServer) Stop() {
	if s.external || s.cmd == nil || s.cmd.Process == nil {
		return
	}
	_ = s.cmd.Process.Kill()
	_ = s.cmd.Wait() // "signal: killed" is the expected outcome
	s.cmd = nil
	os.Remove(s.Addr)
}

// Restart starts the server again after Stop, empty, on the same address.
func (s *RedisServer) Restart() {
	s.t.Helper()
	if s.external {
		s.t.Fatal("cannot restart the external REDIS_URL server")
	}
	s.Stop()
	bin, _ := exec.LookPath("redis-server")
	s.start(bin)
}

// needRedisBinary returns the path of the named Redis binary. Without it
// the test is skipped with a loud message saying what it needs — or fails,
// when WAYGATE_REQUIRE_REDIS=1, as in CI.
func needRedisBinary(t testing.TB, name, need string) string {
	t.Helper()
	bin, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("WAYGATE_REQUIRE_REDIS") == "1" {
			t.Fatal("FAILING (WAYGATE_REQUIRE_REDIS=1): " + need)
		}
		t.Skip("SKIPPING: " + need)
	}
	return bin
}

// The Cluster and Sentinel helpers run several redis-server processes on
// TCP ports of 127.0.0.1; what follows is shared by both.

const (
	// processStartTimeout bounds how long a redis-server may take to
	// answer after it was started.
	processStartTimeout = 10 * time.Second
	// topologyTimeout bounds every wait for a Cluster or Sentinel state
	// (formed, failed over, rejoined): generous, for loaded CI machines.
	topologyTimeout = 30 * time.Second
	// pollInterval is how often a wait asks again.
	pollInterval = 50 * time.Millisecond

	// busOffset is what Redis adds to a Cluster node's port for its
	// cluster bus port.
	busOffset = 10000
)

// The port ranges stay below Linux's ephemeral range (32768 and up), bus
// ports included, so that no outgoing connection of the machine can take
// a killed node's port before RestartNode needs it again. Nodes that need
// a bus port get one range, other servers another, so neither takes the
// other's bus ports.
var (
	busPortRange   = [2]int{20000, 32768 - busOffset} // and their bus ports, 30000 to 32767
	plainPortRange = [2]int{23000, 30000}
)

// heldPorts are the ports (and bus ports) handed to the helpers' servers
// of this test binary and not yet given back: parallel tests must not be
// given a port whose server is down only until its restart. It is the one
// piece of package state, as ports are a resource of the whole process.
var heldPorts = struct {
	sync.Mutex
	m map[int]bool
}{m: map[int]bool{}}

// holdFreePort returns a port of 127.0.0.1 that nothing listens on and
// that no other helper holds, and holds it (with bus, port+busOffset too)
// until releasePort. It starts at a random place in the range, so that
// parallel test binaries seldom try the same ports.
func holdFreePort(bus bool) (int, error) {
	r := plainPortRange
	if bus {
		r = busPortRange
	}
	n := r[1] - r[0]
	start := rand.IntN(n) //nolint:gosec // G404: picks a port, not a secret
	heldPorts.Lock()
	defer heldPorts.Unlock()
	for i := range n {
		port := r[0] + (start+i)%n
		if heldPorts.m[port] || !portFree(port) {
			continue
		}
		if bus && (heldPorts.m[port+busOffset] || !portFree(port+busOffset)) {
			continue
		}
		heldPorts.m[port] = true
		if bus {
			heldPorts.m[port+busOffset] = true
		}
		return port, nil
	}
	return 0, fmt.Errorf("no free port in %d-%d: free some ports or stop other Redis test servers", r[0], r[1]-1)
}

// releasePort gives back a port (and its bus port) holdFreePort handed
// out.
func releasePort(port int, bus bool) {
	heldPorts.Lock()
	defer heldPorts.Unlock()
	delete(heldPorts.m, port)
	if bus {
		delete(heldPorts.m, port+busOffset)
	}
}

// portFree reports whether a listener can bind 127.0.0.1:port now.
func portFree(port int) bool {
	l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		return false
	}
	l.Close()
	return true
}

// errPortInUse says another process took a server's port before it could
// bind it.
var errPortInUse = errors.New("port already in use")

// redisProcess is one redis-server of a Cluster or Sentinel helper (a
// Cluster node, a monitored server or a Sentinel), on 127.0.0.1.
type redisProcess struct {
	port int
	addr string   // "127.0.0.1:port"
	bus  bool     // port+busOffset is held too
	dir  string   // its own directory: nodes.conf or sentinel.conf, its data, redis.log
	args []string // the arguments it runs with, kept so a restart is the same server

	cmd    *exec.Cmd     // nil while down
	exited chan struct{} // closed when cmd has exited and was reaped
	client *redis.Client // an admin connection, while up
}

// startOnFreePort starts the server build describes for a free port; it
// tries another port when some other process binds the one it was given
// first. The server is stopped by its owner's Stop, whatever happens here.
func startOnFreePort(t testing.TB, bin string, bus bool, build func(port int) *redisProcess) *redisProcess {
	t.Helper()
	var err error
	for range 5 {
		var port int
		if port, err = holdFreePort(bus); err != nil {
			t.Fatal(err)
		}
		p := build(port)
		if err = p.launch(bin); err == nil {
			return p
		}
		releasePort(port, bus) // someone else's now
		if !errors.Is(err, errPortInUse) {
			t.Fatal(err)
		}
	}
	t.Fatalf("no port stayed free long enough for redis-server, after 5 tries: %v", err)
	return nil
}

// newRedisProcess describes a server on port with its own directory
// under parent, started with args.
func newRedisProcess(t testing.TB, parent string, port int, bus bool, args ...string) *redisProcess {
	t.Helper()
	dir := filepath.Join(parent, strconv.Itoa(port))
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	return &redisProcess{port: port, addr: net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), bus: bus, dir: dir, args: args}
}

// launch starts the server and waits until it answers as itself: its
// process id, not only a PONG, since another server may hold the port.
func (p *redisProcess) launch(bin string) error {
	logPath := filepath.Join(p.dir, "redis.log")
	logFile, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600) //nolint:gosec // G304: a file in the test's own temp dir
	if err != nil {
		return err
	}
	var logStart int64 // a restart appends; only this start's lines explain its failure
	if st, err := logFile.Stat(); err == nil {
		logStart = st.Size()
	}
	cmd := exec.Command(bin, p.args...) //nolint:gosec // G204: the redis-server binary found on PATH, with the helper's own arguments
	cmd.Stdout, cmd.Stderr = logFile, logFile
	err = cmd.Start()
	logFile.Close() // the child has its own descriptor
	if err != nil {
		return fmt.Errorf("start redis-server on %s: %w", p.addr, err)
	}
	exited := make(chan struct{})
	go func() {
		_ = cmd.Wait() // killed or failed: the log says which
		close(exited)
	}()
	p.cmd, p.exited = cmd, exited
	p.client = redis.NewClient(adminOptions(p.addr))

	deadline := time.Now().Add(processStartTimeout)
	for {
		select {
		case <-exited:
			p.down()
			out := readLogFrom(logPath, logStart)
			if strings.Contains(out, "Address already in use") {
				return fmt.Errorf("%s: %w", p.addr, errPortInUse)
			}
			return fmt.Errorf("redis-server on %s exited as it started; its log:\n%s", p.addr, out)
		default:
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		info, err := p.client.Info(ctx, "server").Result()
		cancel()
		if err == nil && infoField(info, "process_id") == strconv.Itoa(cmd.Process.Pid) {
			return nil
		}
		if time.Now().After(deadline) {
			p.kill()
			return fmt.Errorf("redis-server on %s did not answer within %v; its log:\n%s",
				p.addr, processStartTimeout, readLogFrom(logPath, logStart))
		}
		time.Sleep(pollInterval)
	}
}

// up reports whether the server's process runs.
func (p *redisProcess) up() bool { return p.cmd != nil }

// kill SIGKILLs the server, as an outage would, and reaps it.
func (p *redisProcess) kill() {
	if p.cmd == nil {
		return
	}
	_ = p.cmd.Process.Kill()
	<-p.exited
	p.down()
}

// down forgets the exited process and closes its admin connection.
func (p *redisProcess) down() {
	p.cmd = nil
	if p.client != nil {
		p.client.Close()
		p.client = nil
	}
}

// adminOptions are the helpers' own connections to a server: fail fast
// and never retry, since every caller polls.
func adminOptions(addr string) *redis.Options {
	return &redis.Options{Addr: addr, DialTimeout: time.Second, DialerRetries: 1,
		ReadTimeout: 2 * time.Second, WriteTimeout: 2 * time.Second, MaxRetries: -1, PoolSize: 2}
}

// readLogFrom returns a server's log from offset on, at most its last
// 4 KiB.
func readLogFrom(path string, offset int64) string {
	b, err := os.ReadFile(path) //nolint:gosec // G304: a file in the test's own temp dir
	if err != nil {
		return fmt.Sprintf("(no log: %v)", err)
	}
	b = b[min(offset, int64(len(b))):]
	if len(b) > 4096 {
		b = b[len(b)-4096:]
	}
	return string(b)
}

// infoField returns a field of an INFO (or CLUSTER INFO) reply.
func infoField(info, name string) string {
	for line := range strings.Lines(info) {
		if v, ok := strings.CutPrefix(line, name+":"); ok {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// pollUntil asks check until it passes, for up to topologyTimeout, and
// fails the test with check's last answer when it never did.
func pollUntil(t testing.TB, what string, check func(context.Context) error) {
	t.Helper()
	deadline := time.Now().Add(topologyTimeout)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		err := check(ctx)
		cancel()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: not done within %v: %v", what, topologyTimeout, err)
		}
		time.Sleep(pollInterval)
	}
}
