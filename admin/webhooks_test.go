package admin_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/waygate-go/waygate/core/backend"
	"github.com/waygate-go/waygate/core/clock"
	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/waygatetest"
	"github.com/waygate-go/waygate/core/webhook"
)

// receiver is a local webhook endpoint. The nth request is answered with
// statuses[n] (200 once they run out).
type receiver struct {
	*httptest.Server
	got chan delivery

	mu       sync.Mutex
	statuses []int
	n        int
}

type delivery struct {
	body   []byte
	header http.Header
}

func newReceiver(t *testing.T, statuses ...int) *receiver {
	t.Helper()
	rv := &receiver{got: make(chan delivery, 100), statuses: statuses}
	rv.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rv.mu.Lock()
		status := http.StatusOK
		if rv.n < len(rv.statuses) {
			status = rv.statuses[rv.n]
		}
		rv.n++
		rv.mu.Unlock()
		rv.got <- delivery{body: body, header: r.Header.Clone()}
		w.WriteHeader(status)
	}))
	t.Cleanup(rv.Close)
	return rv
}

func (rv *receiver) next(t *testing.T) delivery {
	t.Helper()
	select {
	case d := <-rv.got:
		return d
	case <-time.After(5 * time.Second):
		t.Fatal("no webhook delivery")
		return delivery{}
	}
}

// nextOn waits for the next delivery, moving the engine's fake clock on
// while it waits, so that retries (which back off on that clock) go out.
func (rv *receiver) nextOn(t *testing.T, clk *clock.Fake) delivery {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		select {
		case d := <-rv.got:
			return d
		case <-time.After(2 * time.Millisecond):
			if time.Now().After(deadline) {
				t.Fatal("no webhook delivery")
			}
			clk.Advance(time.Second)
		}
	}
}

// none checks that nothing more arrives for a short while.
func (rv *receiver) none(t *testing.T) {
	t.Helper()
	select {
	case d := <-rv.got:
		t.Fatalf("unexpected delivery %s", d.body)
	case <-time.After(150 * time.Millisecond):
	}
}

func TestWebhookPayloadAndSignature(t *testing.T) {
	rv := newReceiver(t)
	f := newHookFixture(t, webhook.WithHook(rv.URL+"/hook", webhook.Secret("hook-secret")))
	want(t, f.as("POST", "/api/routes/"+key("GET:/orders")+"/disable", `{"reason":"broken"}`), http.StatusOK)
	d := rv.next(t)
	var ev map[string]any
	if err := json.Unmarshal(d.body, &ev); err != nil {
		t.Fatal(err)
	}
	st, _ := ev["state"].(map[string]any)
	if ev["event"] != "disable" || ev["kind"] != "route" || ev["path"] != "GET:/orders" || ev["reason"] != "broken" ||
		ev["actor"] != "admin" || ev["timestamp"] != "2026-01-01T00:00:00Z" || st["status"] != "disabled" {
		t.Errorf("payload %s", d.body)
	}
	m := hmac.New(sha256.New, []byte("hook-secret"))
	m.Write(d.body)
	if sig := d.header.Get("X-Waygate-Signature"); sig != "sha256="+hex.EncodeToString(m.Sum(nil)) || sig != webhook.Sign("hook-secret", d.body) {
		t.Errorf("signature %q does not verify", sig)
	}
	if d.header.Get("Content-Type") != "application/json" || d.header.Get("X-Waygate-Event") != "disable" || d.header.Get("X-Waygate-Delivery") == "" {
		t.Errorf("headers %v", d.header)
	}
	// Global, service and rate-limit changes fire too.
	want(t, f.as("POST", "/api/services/billing/maintenance/enable", `{"reason":"ledger"}`), http.StatusOK)
	if d := rv.next(t); !strings.Contains(string(d.body), `"event":"service_maintenance_on","kind":"service","path":"__service:billing__","service":"billing","reason":"ledger"`) {
		t.Errorf("service payload %s", d.body)
	}
	want(t, f.as("POST", "/api/rate-limits", `{"key":"GET:/posts","limit":"9/minute"}`), http.StatusOK)
	if d := rv.next(t); !strings.Contains(string(d.body), `"event":"rl_policy_updated","kind":"rate_limit","path":"GET:/posts"`) || !strings.Contains(string(d.body), `"rate_limit":{"path":"/posts","method":"GET","limit":"9/minute"`) {
		t.Errorf("rate limit payload %s, want the new policy in rate_limit", d.body)
	}
}

func TestWebhookSlackAndCustomFormat(t *testing.T) {
	slack, custom := newReceiver(t), newReceiver(t)
	f := newHookFixture(t,
		webhook.WithHook(slack.URL, webhook.Slack()),
		webhook.WithHook(custom.URL, webhook.Custom(func(ev webhook.Event) any {
			if ev.Event == "enable" {
				return nil // skipped
			}
			return map[string]string{"text": ev.Event + " " + ev.Path}
		})),
	)
	want(t, f.as("POST", "/api/routes/"+key("GET:/orders")+"/disable", `{"reason":"broken"}`), http.StatusOK)
	want(t, f.as("POST", "/api/routes/"+key("GET:/orders")+"/enable", ``), http.StatusOK)
	want(t, f.as("POST", "/api/routes/"+key("GET:/orders")+"/maintenance", `{}`), http.StatusOK)
	ts := f.clk.Now().Unix()
	for _, w := range []string{
		`{"attachments":[{"color":"#FF0000","footer":"waygate","text":"*DISABLE*: ` + "`GET:/orders`" + `\n\u003e broken","ts":` + itoa(ts) + `}]}`,
		`{"attachments":[{"color":"#36A64F","footer":"waygate","text":"*ENABLE*: ` + "`GET:/orders`" + `","ts":` + itoa(ts) + `}]}`,
		`{"attachments":[{"color":"#FFA500","footer":"waygate","text":"*MAINTENANCE_ON*: ` + "`GET:/orders`" + `","ts":` + itoa(ts) + `}]}`,
	} {
		if got := string(slack.next(t).body); got != w {
			t.Errorf("slack payload\n got %s\nwant %s", got, w)
		}
	}
	if got := string(custom.next(t).body); got != `{"text":"disable GET:/orders"}` {
		t.Errorf("custom %s", got)
	}
	if got := string(custom.next(t).body); got != `{"text":"maintenance_on GET:/orders"}` {
		t.Errorf("custom after the skipped event: %s", got)
	}
}

func itoa(n int64) string { b, _ := json.Marshal(n); return string(b) }

// hookStatus reads one webhook's delivery status from the API.
func hookStatus(t *testing.T, f *fixture, id string) map[string]any {
	t.Helper()
	var list []map[string]any
	f.as("GET", "/api/webhooks", "").json(t, &list)
	for _, h := range list {
		if h["id"] == id {
			return h
		}
	}
	t.Fatalf("webhook %s not listed", id)
	return nil
}

// waitStatus polls until the webhook's field reaches v, moving the
// engine's fake clock on between polls so retries go out.
func waitStatus(t *testing.T, f *fixture, id, field string, v float64) map[string]any {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		h := hookStatus(t, f, id)
		if h[field] == v {
			return h
		}
		if time.Now().After(deadline) {
			t.Fatalf("webhook %s: %s never reached %v: %v", id, field, v, h)
		}
		time.Sleep(2 * time.Millisecond)
		f.clk.Advance(time.Second)
	}
}

func TestWebhookRetryThenSuccess(t *testing.T) {
	rv := newReceiver(t, 500, 503)
	f := newHookFixture(t, webhook.WithHook(rv.URL))
	want(t, f.as("POST", "/api/routes/"+key("GET:/orders")+"/disable", ``), http.StatusOK)
	first, second, third := rv.nextOn(t, f.clk), rv.nextOn(t, f.clk), rv.nextOn(t, f.clk)
	if string(first.body) != string(third.body) || string(second.body) != string(third.body) {
		t.Error("retries sent another body")
	}
	h := waitStatus(t, f, "code-1", "delivered", 1)
	if h["retries"] != 2.0 || h["failed"] != 0.0 || h["last_status"] != 200.0 || h["last_error"] != nil {
		t.Errorf("status %v", h)
	}
	rv.none(t)
}

func TestWebhookFailuresVisible(t *testing.T) {
	down := newReceiver(t, 500, 500, 500)
	refused := newReceiver(t, 400)
	f := newHookFixture(t, webhook.WithHook(down.URL), webhook.WithHook(refused.URL))
	want(t, f.as("POST", "/api/routes/"+key("GET:/orders")+"/disable", ``), http.StatusOK)
	h := waitStatus(t, f, "code-1", "failed", 1)
	if h["retries"] != 2.0 || h["last_status"] != 500.0 || h["last_error"] != "receiver answered 500" || h["delivered"] != 0.0 {
		t.Errorf("5xx status %v", h)
	}
	h = waitStatus(t, f, "code-2", "failed", 1) // 4xx is not retried
	if h["retries"] != 0.0 || h["last_status"] != 400.0 {
		t.Errorf("4xx status %v", h)
	}
	var health struct {
		Webhooks struct{ Failed int } `json:"webhooks"`
	}
	f.as("GET", "/api/health", "").json(t, &health)
	if health.Webhooks.Failed != 2 {
		t.Errorf("health webhooks %+v", health)
	}
	// A receiver that is not listening: a network error, retried, then failed.
	gone := httptest.NewServer(http.NotFoundHandler())
	gone.Close()
	g := newHookFixture(t, webhook.WithHook(gone.URL+"/secret-path"))
	want(t, g.as("POST", "/api/routes/"+key("GET:/orders")+"/disable", ``), http.StatusOK)
	h = waitStatus(t, g, "code-1", "failed", 1)
	if msg, _ := h["last_error"].(string); msg == "" || strings.Contains(msg, "secret-path") {
		t.Errorf("network error %q (must not show the URL)", msg)
	}
}

// A receiver that hangs does not hold up the mutation.
func TestSlowWebhookDoesNotSlowMutation(t *testing.T) {
	entered, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		once.Do(func() { close(entered) })
		<-release
	}))
	defer slow.Close()
	defer close(release)
	f := newHookFixture(t, webhook.WithHook(slow.URL))
	done := make(chan response, 2)
	go func() {
		done <- f.as("POST", "/api/routes/"+key("GET:/orders")+"/disable", ``)
		done <- f.as("POST", "/api/routes/"+key("GET:/orders")+"/enable", ``)
	}()
	<-entered // the first delivery is stuck in the receiver...
	for i := 0; i < 2; i++ {
		select {
		case r := <-done: // ...and both mutations still return
			want(t, r, http.StatusOK)
		case <-time.After(5 * time.Second):
			t.Fatal("a mutation waited for the webhook receiver")
		}
	}
}

func TestWebhookAPI(t *testing.T) {
	rv := newReceiver(t)
	b := backend.NewMemory()
	eng, clk := waygatetest.NewEngine(t, engine.WithBackend(b))
	f := newFixtureOn(t, eng, clk, withHooks(t, eng, webhook.WithHook("https://hooks.example.com/services/T0/B0/SECRET")))
	r := f.as("POST", "/api/webhooks", `{"url":"`+rv.URL+`/path/token","secret":"shh","format":"slack"}`)
	want(t, r, http.StatusCreated)
	var created map[string]any
	r.json(t, &created)
	id, _ := created["id"].(string)
	if !strings.HasPrefix(id, "wh_") || created["has_secret"] != true || created["source"] != "api" || created["format"] != "slack" ||
		created["created_by"] != "admin" || strings.Contains(string(r.body), "shh") {
		t.Errorf("created %s", r.body)
	}
	for _, tc := range []struct {
		body   string
		status int
	}{
		{`{"url":"` + rv.URL + `/path/token"}`, 409},
		{`{"url":"ftp://example.com"}`, 400},
		{`{"url":"/relative"}`, 400},
		{`{"url":"http://x","format":"custom"}`, 400},
		{`{"url":"http://x","format":"xml"}`, 400},
		{`{}`, 400},
	} {
		r := f.as("POST", "/api/webhooks", tc.body)
		if r.status != tc.status {
			t.Errorf("%s: %d %s", tc.body, r.status, r.body)
		}
		r.errorMessage(t)
	}
	// Viewers see hosts only.
	r = f.call("GET", "/api/webhooks", f.viewerToken, "")
	if body := string(r.body); strings.Contains(body, "SECRET") || strings.Contains(body, "token") || !strings.Contains(body, "https://hooks.example.com/…") {
		t.Errorf("viewer list %s", body)
	}
	if body := string(f.as("GET", "/api/webhooks", "").body); !strings.Contains(body, "SECRET") || strings.Contains(body, "shh") {
		t.Errorf("admin list %s", body)
	}
	// The runtime webhook receives changes, signed.
	want(t, f.as("POST", "/api/routes/"+key("GET:/orders")+"/disable", ``), http.StatusOK)
	d := rv.next(t)
	if d.header.Get("X-Waygate-Signature") != webhook.Sign("shh", d.body) || !strings.Contains(string(d.body), "attachments") {
		t.Errorf("delivery %s %v", d.body, d.header)
	}
	// It is persisted: a new handler on the same backend has it.
	eng2, clk2 := waygatetest.NewEngine(t, engine.WithBackend(b))
	g := newFixtureOn(t, eng2, clk2)
	hookStatus(t, g, id)

	want(t, f.as("DELETE", "/api/webhooks/code-1", ""), http.StatusConflict)
	want(t, f.as("DELETE", "/api/webhooks/wh_nope", ""), http.StatusNotFound)
	r = f.as("DELETE", "/api/webhooks/"+id, "")
	want(t, r, http.StatusOK)
	if got := compact(t, r.body); got != `{"deleted":"`+id+`","ok":true}` {
		t.Errorf("delete %s", got)
	}
	// The other instance drops it too.
	deadline := time.Now().Add(5 * time.Second)
	for strings.Contains(string(g.as("GET", "/api/webhooks", "").body), id) {
		if time.Now().After(deadline) {
			t.Fatal("the other instance kept the deleted webhook")
		}
		time.Sleep(2 * time.Millisecond)
	}
	want(t, f.as("POST", "/api/routes/"+key("GET:/orders")+"/enable", ``), http.StatusOK)
	rv.none(t)
}

// Each change is delivered once, however many instances run.
func TestWebhookOncePerChange(t *testing.T) {
	rv := newReceiver(t)
	b := backend.NewMemory()
	eng, clk := waygatetest.NewEngine(t, engine.WithBackend(b))
	other, clk2 := waygatetest.NewEngine(t, engine.WithBackend(b))
	f := newFixtureOn(t, eng, clk)
	same := newFixtureOn(t, eng, clk)      // a second handler on the same engine
	remote := newFixtureOn(t, other, clk2) // another instance
	want(t, f.as("POST", "/api/webhooks", `{"url":"`+rv.URL+`"}`), http.StatusCreated)
	for _, g := range []*fixture{same, remote} {
		deadline := time.Now().Add(5 * time.Second)
		for !strings.Contains(string(g.as("GET", "/api/webhooks", "").body), rv.URL) {
			if time.Now().After(deadline) {
				t.Fatal("the webhook did not reach every handler")
			}
			time.Sleep(2 * time.Millisecond)
		}
	}
	want(t, f.as("POST", "/api/routes/"+key("GET:/orders")+"/disable", ``), http.StatusOK)
	if d := rv.next(t); !strings.Contains(string(d.body), `"event":"disable"`) {
		t.Errorf("delivery %s", d.body)
	}
	rv.none(t)
	want(t, remote.as("POST", "/api/routes/"+key("GET:/orders")+"/enable", ``), http.StatusOK)
	if d := rv.next(t); !strings.Contains(string(d.body), `"event":"enable"`) {
		t.Errorf("delivery %s", d.body)
	}
	rv.none(t)
}
