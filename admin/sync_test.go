package admin_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/waygate-go/waygate/core/backend/redisbackend"
	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/waygatetest"
)

// /api/health and the dashboard footer say what the engine knows: in step
// while Redis's change stream is up, degraded (serving the last known
// state) while it is down, in step again once it is back.
func TestHealthAndFooterTellTheSyncTruth(t *testing.T) {
	srv := waygatetest.StartRedis(t)
	b, err := redisbackend.Open(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	eng, clk := waygatetest.NewEngine(t, engine.WithBackend(b))
	f := newFixtureOn(t, eng, clk)
	s := newSession(t, f.base)
	s.signIn("admin", adminPass)

	type health struct {
		Status    string
		Synced    bool
		LastSync  time.Time `json:"last_sync"`
		LagMillis *float64  `json:"lag_ms"`
		Engine    engine.Stats
	}
	get := func() health {
		var h health
		r := f.as("GET", "/api/health", "")
		want(t, r, http.StatusOK)
		r.json(t, &h)
		return h
	}
	// waitHealth polls until cond holds, moving the engine's fake clock so
	// its back-off sleeps end.
	waitHealth := func(what string, cond func(health) bool) health {
		t.Helper()
		deadline := time.Now().Add(20 * time.Second)
		for {
			h := get()
			if cond(h) {
				return h
			}
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting for %s: last health %+v", what, h)
			}
			clk.Advance(time.Second)
			time.Sleep(10 * time.Millisecond)
		}
	}

	h := waitHealth("in step", func(h health) bool { return h.Synced })
	if h.Status != "ok" || h.LastSync.IsZero() || h.LagMillis == nil || !h.Engine.Synced {
		t.Fatalf("health in step: %+v, want ok, a last sync and lag_ms", h)
	}
	home := s.get("/")
	if !strings.Contains(home.body, `data-synced="true"`) || !strings.Contains(home.body, "backend in sync · last sync ") {
		t.Fatalf("the footer does not say the backend is in sync:\n%s", footer(home.body))
	}

	srv.Stop()
	h = waitHealth("degraded with Redis down", func(h health) bool { return !h.Synced })
	if h.Status != "degraded" || h.Engine.Synced || h.LastSync.IsZero() {
		t.Fatalf("health with Redis down: %+v, want degraded, not synced, the last sync kept", h)
	}
	home = s.get("/")
	if !strings.Contains(home.body, `data-synced="false"`) || !strings.Contains(home.body, "backend not in sync: serving the last known state") {
		t.Fatalf("the footer does not say the backend is out of sync:\n%s", footer(home.body))
	}

	srv.Restart()
	h = waitHealth("in step again", func(h health) bool { return h.Synced })
	if h.Status != "ok" {
		t.Fatalf("health after Redis came back: %+v", h)
	}
}

// footer returns a page's footer, for failure messages.
func footer(body string) string {
	if i := strings.Index(body, "<footer"); i >= 0 {
		body = body[i:]
	}
	if i := strings.Index(body, "</footer>"); i >= 0 {
		body = body[:i]
	}
	return body
}
