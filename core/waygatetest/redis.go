package waygatetest

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
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
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		msg := "SKIPPING: this test needs Redis: install redis-server (apt-get install redis-server) or set REDIS_URL"
		if os.Getenv("WAYGATE_REQUIRE_REDIS") == "1" {
			t.Fatal(strings.Replace(msg, "SKIPPING", "FAILING (WAYGATE_REQUIRE_REDIS=1)", 1))
		}
		t.Skip(msg)
	}
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
