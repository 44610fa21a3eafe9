package waygatefiber_test

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	waygatefiber "github.com/waygate-go/waygate/adapters/fiber"
	"github.com/waygate-go/waygate/core/waygatetest"
)

// serve runs app on a loopback listener and returns its base URL.
func serve(t *testing.T, app *fiber.App) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go app.Listener(l)
	t.Cleanup(func() { _ = app.ShutdownWithTimeout(5 * time.Second) }) // a failing test may leave a stream open
	return "http://" + l.Addr().String()
}

// A mounted handler that flushes (Server-Sent Events) reaches the client
// as it writes, and its request context ends when the client goes away
// (noticed at the next write, as on net/http).
func TestMountStreamsFlushedResponses(t *testing.T) {
	e, _ := waygatetest.NewEngine(t)
	ended := make(chan struct{})
	release := make(chan struct{})
	sse := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		w.Header().Set("X-Stream", "yes")
		io.WriteString(w, "event: hello\ndata: 1\n\n")
		w.(http.Flusher).Flush()
		<-release
		io.WriteString(w, "data: 2\n\n")
		w.(http.Flusher).Flush()
		// Keepalives, as every Waygate stream sends: a departed client is
		// noticed when a write fails.
		for {
			select {
			case <-r.Context().Done():
				close(ended)
				return
			case <-time.After(10 * time.Millisecond):
				io.WriteString(w, ": keepalive\n\n")
				w.(http.Flusher).Flush()
			}
		}
	})
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	waygatefiber.Mount(app, e, "/ops", sse)
	base := serve(t, app)

	res, err := http.Get(base + "/ops/events")
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "text/event-stream" || res.Header.Get("X-Stream") != "yes" {
		t.Fatalf("status %d, headers %v", res.StatusCode, res.Header)
	}
	rd := bufio.NewReader(res.Body)
	readEvent := func() string {
		var b strings.Builder
		for {
			line, err := rd.ReadString('\n')
			if err != nil {
				t.Fatalf("reading the stream: %v (so far %q)", err, b.String())
			}
			if line == "\n" {
				return b.String()
			}
			b.WriteString(line)
		}
	}
	// The first event arrives while the handler is still blocked.
	if got := readEvent(); got != "event: hello\ndata: 1\n" {
		t.Fatalf("first event %q", got)
	}
	close(release)
	if got := readEvent(); got != "data: 2\n" {
		t.Fatalf("second event %q", got)
	}
	res.Body.Close()
	select {
	case <-ended:
	case <-time.After(5 * time.Second):
		t.Fatal("the handler's context did not end after the client went away")
	}
}

// A client that closes a quiet stream releases it at once: the handler's
// context ends although the handler writes nothing (Waygate's streams
// write a keepalive only every 15 seconds), and the server's read and
// write timeouts, shorter than the stream, do not end it.
func TestMountReleasesAClosedClientsQuietStream(t *testing.T) {
	e, _ := waygatetest.NewEngine(t)
	ended := make(chan time.Time, 1)
	opened := make(chan struct{})
	quiet := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		io.WriteString(w, ": connected\n\n")
		w.(http.Flusher).Flush()
		close(opened)
		<-r.Context().Done()
		ended <- time.Now()
	})
	app := fiber.New(fiber.Config{DisableStartupMessage: true, ReadTimeout: 200 * time.Millisecond, WriteTimeout: 200 * time.Millisecond})
	waygatefiber.Mount(app, e, "/ops", quiet)
	base := serve(t, app)

	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(conn, "GET /ops/events HTTP/1.1\r\nHost: x\r\n\r\n")
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("GET /ops/events: %v", err)
	}
	<-opened
	// Held well past both timeouts, the stream is still open: nothing
	// has ended the handler's context.
	held := time.NewTimer(time.Second)
	select {
	case <-ended:
		t.Fatal("the stream ended while the client was still connected")
	case <-held.C:
	}
	closed := time.Now()
	conn.Close()
	select {
	case at := <-ended:
		t.Logf("released %v after the client closed", at.Sub(closed))
	case <-time.After(10 * time.Second):
		t.Fatal("the quiet stream of a closed client was not released")
	}
}

// Ordinary responses keep their status, headers and body.
func TestMountPlainResponses(t *testing.T) {
	e, _ := waygatetest.NewEngine(t)
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	waygatefiber.Mount(app, e, "/ops", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Add("X-Multi", "a")
		w.Header().Add("X-Multi", "b")
		w.WriteHeader(http.StatusTeapot)
		io.WriteString(w, `{"path":"`+r.URL.Path+`","body":"`+string(body)+`"}`)
	}))
	base := serve(t, app)
	res, err := http.Post(base+"/ops/x/y", "text/plain", strings.NewReader("hi"))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusTeapot || res.Header.Get("Content-Type") != "application/json" ||
		strings.Join(res.Header.Values("X-Multi"), ",") != "a,b" || string(b) != `{"path":"/x/y","body":"hi"}` {
		t.Fatalf("status %d, headers %v, body %s", res.StatusCode, res.Header, b)
	}
}
