package admin_test

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/waygate-go/waygate/admin"
	"github.com/waygate-go/waygate/core/webhook"
)

// stream opens GET /api/events and returns its lines, after the server
// confirmed the subscription.
func stream(t *testing.T, f *fixture) (<-chan string, *http.Response) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	return streamAt(t, ctx, f, "/api/events")
}

// streamAt opens the SSE stream at path as the viewer; cancel ctx to hang
// up.
func streamAt(t *testing.T, ctx context.Context, f *fixture, path string) (<-chan string, *http.Response) {
	t.Helper()
	req, _ := http.NewRequestWithContext(ctx, "GET", f.base+path, nil)
	req.Header.Set(admin.TokenHeader, f.viewerToken)
	resp, err := f.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("status %d, content type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	lines := make(chan string, 100)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	for line := range lines {
		if line == ": connected" {
			return lines, resp
		}
	}
	t.Fatal("the stream ended before it was confirmed")
	return nil, nil
}

// next returns the next event (name and data) or fails after timeout.
func next(t *testing.T, lines <-chan string, timeout time.Duration) (string, string) {
	t.Helper()
	deadline := time.After(timeout)
	var name string
	for {
		select {
		case line, open := <-lines:
			if !open {
				t.Fatal("the stream ended")
			}
			switch {
			case strings.HasPrefix(line, "event: "):
				name = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: ") && name != "":
				return name, strings.TrimPrefix(line, "data: ")
			}
		case <-deadline:
			t.Fatalf("no event within %s", timeout)
		}
	}
}

func TestEventsDeliverChangesWithin100ms(t *testing.T) {
	f := newFixture(t)
	lines, _ := stream(t, f)
	want(t, f.as("POST", "/api/routes/"+key("GET:/orders")+"/disable", `{"reason":"broken"}`), http.StatusOK)
	name, data := next(t, lines, 100*time.Millisecond)
	var ev webhook.Event
	if err := json.Unmarshal([]byte(data), &ev); err != nil {
		t.Fatal(err)
	}
	if name != "route" || ev.Event != "disable" || ev.Path != "GET:/orders" || ev.Actor != "admin" ||
		ev.Reason != "broken" || ev.State == nil || ev.State.Status != "disabled" {
		t.Errorf("event %s %s", name, data)
	}
	want(t, f.as("POST", "/api/global/enable", `{"reason":"deploy"}`), http.StatusOK)
	if name, data := next(t, lines, 100*time.Millisecond); name != "global" || !strings.Contains(data, `"path":"__global__"`) {
		t.Errorf("global event %s %s", name, data)
	}
	want(t, f.as("POST", "/api/global-rate-limit", `{"limit":"100/second"}`), http.StatusCreated)
	if name, data := next(t, lines, 100*time.Millisecond); name != "rate_limit" || !strings.Contains(data, `"event":"global_rl_set"`) {
		t.Errorf("rate limit event %s %s", name, data)
	}
}

func TestEventsKeepAliveAndClose(t *testing.T) {
	f := newFixture(t, admin.WithKeepAlive(10*time.Millisecond))
	lines, _ := stream(t, f)
	deadline := time.After(5 * time.Second)
	for got := false; !got; {
		select {
		case line := <-lines:
			got = line == ": keepalive"
		case <-deadline:
			t.Fatal("no keepalive")
		}
	}
	f.h.Close()
	for {
		select {
		case _, open := <-lines:
			if !open {
				return // Close ended the stream
			}
		case <-time.After(5 * time.Second):
			t.Fatal("Close did not end the stream")
		}
	}
}
