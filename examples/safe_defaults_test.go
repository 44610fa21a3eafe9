package examples_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Short timeouts, so that the tests wait little; each check's own bound is
// far longer, so a server without the timeout fails it and a busy machine
// does not.
var shortTimeouts = []string{"READ_HEADER_TIMEOUT=300ms", "READ_TIMEOUT=600ms", "WRITE_TIMEOUT=500ms", "IDLE_TIMEOUT=400ms"}

const closeBound = 20 * time.Second

// closedByServer reads conn until the server closes it (whatever it writes
// first: some servers answer 408 or 400), and fails when closeBound passes
// with the connection still open.
func closedByServer(t *testing.T, r io.Reader, conn net.Conn, what string) {
	t.Helper()
	_ = conn.SetReadDeadline(time.Now().Add(closeBound))
	_, err := io.Copy(io.Discard, r)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.Errorf("%s: the server kept the connection open for %s", what, closeBound)
	}
}

func dial(t *testing.T, base string) net.Conn {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

// Slow headers, a slow body (on the public login) and an idle keep-alive
// connection are each closed by every demo, within its timeouts.
func TestDemosCloseSlowAndIdleConnections(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the demo programs")
	}
	for _, fw := range frameworks {
		t.Run(fw, func(t *testing.T) {
			t.Parallel()
			base := start(t, fw, shortTimeouts...)
			closeChecks(t, base, "/health", "/waygate/api/auth/login")
		})
	}
}

// closeChecks runs the three connection checks against a server: get is a
// cheap GET path, post a public POST path that reads its body.
func closeChecks(t *testing.T, base, get, post string) {
	t.Helper()
	t.Run("slow headers", func(t *testing.T) {
		conn := dial(t, base)
		fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: demo\r\nX-Slow: ", get) // and never the rest
		closedByServer(t, conn, conn, "headers never finished")
	})
	t.Run("slow body", func(t *testing.T) {
		conn := dial(t, base)
		fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: demo\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"username\":", post)
		closedByServer(t, conn, conn, "a body that never finished")
	})
	t.Run("idle", func(t *testing.T) {
		conn := dial(t, base)
		fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: demo\r\n\r\n", get)
		br := bufio.NewReader(conn)
		_ = conn.SetReadDeadline(time.Now().Add(closeBound))
		res, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK || res.Close {
			t.Fatalf("GET %s = %d (close %v), want 200 on a kept-alive connection", get, res.StatusCode, res.Close)
		}
		closedByServer(t, br, conn, "an idle keep-alive connection")
	})
}

// An event stream is not cut by the write timeout: changes made well after
// it has passed still arrive on the stream every demo serves.
func TestDemoStreamsOutliveTheWriteTimeout(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the demo programs")
	}
	for _, fw := range frameworks {
		t.Run(fw, func(t *testing.T) {
			t.Parallel()
			base := start(t, fw, shortTimeouts...)
			api := login(t, base, "admin", "secret")
			req, _ := http.NewRequest("GET", base+"/waygate/api/events", nil)
			req.Header.Set("X-Waygate-Token", api.token)
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			if res.StatusCode != 200 {
				t.Fatalf("GET /api/events = %d", res.StatusCode)
			}
			lines := bufio.NewScanner(res.Body)
			opened := time.Now()
			// Change state until three write timeouts have passed since the
			// stream opened; each change must arrive as an event.
			for i := 0; i == 0 || time.Since(opened) < 1500*time.Millisecond; i++ {
				reason := fmt.Sprintf("change %d", i)
				if code, body := api.do("POST", "/api/routes/"+routeSeg("GET:/orders")+"/maintenance", map[string]string{"reason": reason}); code != 200 {
					t.Fatalf("maintenance: %d %s", code, body)
				}
				for !strings.Contains(lines.Text(), reason) {
					if !lines.Scan() {
						t.Fatalf("the stream ended %s after it opened, before the event of %q: %v", time.Since(opened).Round(time.Millisecond), reason, lines.Err())
					}
				}
			}
		})
	}
}

// waygate serve closes slow and idle connections too, and refuses to
// listen beyond this machine with a weak password.
func TestServeClosesSlowAndIdleConnections(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs waygate serve")
	}
	bin := filepath.Join(t.TempDir(), "waygate")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/waygate-go/waygate/cli/cmd/waygate").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	refused := exec.Command(bin, "serve", "--addr", ":0")
	refused.Env = append(os.Environ(), "WAYGATE_ADMIN_PASSWORD=secret")
	if out, err := refused.CombinedOutput(); err == nil || !strings.Contains(string(out), "WAYGATE_ADMIN_PASSWORD") {
		t.Errorf("waygate serve on every interface with the password secret: %v\n%s", err, out)
	}

	port := freePort(t)
	cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:"+port,
		"--read-header-timeout", "300ms", "--read-timeout", "600ms", "--write-timeout", "500ms", "--idle-timeout", "400ms")
	cmd.Env = append(os.Environ(), "WAYGATE_ADMIN_PASSWORD=secret")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	base := "http://127.0.0.1:" + port
	deadline := time.Now().Add(30 * time.Second)
	for {
		res, err := http.Get(base + "/waygate/api/openapi.json")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("waygate serve did not answer: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	closeChecks(t, base, "/waygate/api/openapi.json", "/waygate/api/auth/login")
}

// A demo listens on this machine only unless HOST says otherwise, and
// refuses, beyond it, the default admin password and short ones.
func TestDemosAreLocalUnlessToldAndRefuseWeakPasswords(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the demo programs")
	}
	bin := build(t)
	run := func(t *testing.T, fw string, env ...string) (string, error) {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, filepath.Join(bin, fw))
		cmd.Env = append(os.Environ(), append([]string{"PORT=" + freePort(t), "WAYGATE_BACKEND=memory"}, env...)...)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	for _, fw := range frameworks {
		t.Run(fw, func(t *testing.T) {
			t.Parallel()
			for name, c := range map[string]struct {
				env      []string
				variable string
			}{
				"default password":  {[]string{"HOST=0.0.0.0"}, "WAYGATE_ADMIN_PASSWORD"},
				"short password":    {[]string{"HOST=0.0.0.0", "WAYGATE_ADMIN_PASSWORD=elevenchars"}, "WAYGATE_ADMIN_PASSWORD"},
				"short viewer":      {[]string{"HOST=::", "WAYGATE_ADMIN_PASSWORD=a long passphrase", "WAYGATE_VIEWER_PASSWORD=view"}, "WAYGATE_VIEWER_PASSWORD"},
				"default OFREP key": {[]string{"HOST=0.0.0.0", "WAYGATE_ADMIN_PASSWORD=a long passphrase"}, "WAYGATE_OFREP_KEY"},
			} {
				out, err := run(t, fw, c.env...)
				var exit *exec.ExitError
				if !errors.As(err, &exit) || !strings.Contains(out, c.variable) {
					t.Errorf("%s on every interface: %v, want a refusal naming %s\n%s", name, err, c.variable, out)
				}
			}
			// By default the demo listens on 127.0.0.1, and says so.
			base := start(t, fw)
			res, err := http.Get(base + "/health")
			if err != nil || res.StatusCode != 200 {
				t.Fatalf("GET /health on 127.0.0.1: %v", err)
			}
			res.Body.Close()
			if ip := otherAddress(); ip != "" {
				port := base[strings.LastIndex(base, ":")+1:]
				if conn, err := net.DialTimeout("tcp", net.JoinHostPort(ip, port), 5*time.Second); err == nil {
					conn.Close()
					t.Errorf("the demo answers on %s, beyond this machine, without HOST", ip)
				}
			}
		})
	}
}

// otherAddress is an address of this machine other than loopback, or "".
func otherAddress() string {
	addrs, _ := net.InterfaceAddrs()
	for _, a := range addrs {
		if ipn, ok := a.(*net.IPNet); ok && !ipn.IP.IsLoopback() && ipn.IP.To4() != nil {
			return ipn.IP.String()
		}
	}
	return ""
}
