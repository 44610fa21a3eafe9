package admin_test

import (
	"bufio"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/waygate-go/waygate/admin"
)

// Event streams are capped per handler, whichever endpoint opens them:
// past the cap a stream is refused with 503 and Retry-After, and
// /api/health counts them.
func TestEventStreamsAreCapped(t *testing.T) {
	f := newFixture(t, admin.WithMaxStreams(2))
	open := func(path string) (*http.Response, error) {
		req, _ := http.NewRequest("GET", f.base+path, nil)
		req.Header.Set(admin.TokenHeader, f.adminToken)
		return http.DefaultClient.Do(req)
	}
	streaming := func(path string) *http.Response {
		t.Helper()
		res, err := open(path)
		if err != nil {
			t.Fatal(err)
		}
		if res.StatusCode != http.StatusOK {
			t.Fatalf("GET %s = %d", path, res.StatusCode)
		}
		t.Cleanup(func() { res.Body.Close() }) // a failing test must not leave the server waiting
		if line, err := bufio.NewReader(res.Body).ReadString('\n'); err != nil || !strings.HasPrefix(line, "retry:") {
			t.Fatalf("GET %s began %q, %v", path, line, err)
		}
		return res
	}
	health := func() (open, refused int64) {
		t.Helper()
		r := f.call("GET", "/api/health", f.adminToken, "")
		var h struct {
			Streams struct{ Open, Max, Refused int64 } `json:"streams"`
		}
		if err := json.Unmarshal(r.body, &h); err != nil || h.Streams.Max != 2 {
			t.Fatalf("health %s: %v", r.body, err)
		}
		return h.Streams.Open, h.Streams.Refused
	}

	events := streaming("/api/events")
	flags := streaming("/api/flags/stream")
	res, err := open("/api/events")
	if err != nil {
		t.Fatal(err)
	}
	var body struct {
		Error string `json:"error"`
	}
	_ = json.NewDecoder(res.Body).Decode(&body)
	res.Body.Close()
	if res.StatusCode != http.StatusServiceUnavailable || res.Header.Get("Retry-After") != "5" || !strings.Contains(body.Error, "too many event streams") {
		t.Fatalf("a third stream: %d Retry-After %q %q, want 503", res.StatusCode, res.Header.Get("Retry-After"), body.Error)
	}
	if o, r := health(); o != 2 || r != 1 {
		t.Fatalf("health: %d open, %d refused; want 2 and 1", o, r)
	}

	// A closed stream frees its place.
	events.Body.Close()
	deadline := time.Now().Add(10 * time.Second)
	for o, _ := health(); o != 1; o, _ = health() {
		if time.Now().After(deadline) {
			t.Fatalf("%d streams still counted open after one closed", o)
		}
		time.Sleep(10 * time.Millisecond)
	}
	streaming("/api/events").Body.Close()
	flags.Body.Close()
}

func TestMaxStreamsMustBePositive(t *testing.T) {
	f := newFixture(t)
	if _, err := admin.New(f.eng, admin.WithUser("a", adminPass, admin.RoleAdmin), admin.WithMaxStreams(0)); err == nil || !strings.Contains(err.Error(), "max streams") {
		t.Fatalf("WithMaxStreams(0): %v", err)
	}
}
