package admin_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/waygate-go/waygate/admin"
	"github.com/waygate-go/waygate/core/backend"
	"github.com/waygate-go/waygate/core/clock"
	"github.com/waygate-go/waygate/core/engine"
)

// throttled is an admin handler with 5 failures a minute per user and
// network, on an engine that trusts the proxy 10.0.0.1.
func throttled(t *testing.T) http.Handler {
	t.Helper()
	clk := clock.NewFake(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	e, err := engine.New(context.Background(), engine.WithBackend(backend.NewMemory()), engine.WithClock(clk),
		engine.WithTrustedProxies("10.0.0.1"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	h, err := admin.New(e, admin.WithUser("admin", adminPass, admin.RoleAdmin), admin.WithUser("viewer", viewerPass, admin.RoleViewer),
		admin.WithClock(clk), admin.WithIterations(1000), admin.WithLoginThrottle(5, time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Close() })
	return h
}

// attempt logs in as user from remote, through the proxy when forwarded is set.
func attempt(h http.Handler, user, password, remote, forwarded string) int {
	body := fmt.Sprintf(`{"username":%q,"password":%q}`, user, password)
	req := httptest.NewRequest("POST", "/api/auth/login", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.RemoteAddr = remote
	if forwarded != "" {
		req.Header.Set("X-Forwarded-For", forwarded)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Code
}

func TestLoginThrottleKeysByClientNetwork(t *testing.T) {
	t.Run("rotating IPv6 addresses in one /64 do not reset it", func(t *testing.T) {
		h := throttled(t)
		for i := 1; i <= 5; i++ {
			if code := attempt(h, "admin", "guess", fmt.Sprintf("[2001:db8:1:2::%x]:4000", i), ""); code != http.StatusUnauthorized {
				t.Fatalf("failure %d: %d", i, code)
			}
		}
		if code := attempt(h, "admin", adminPass, "[2001:db8:1:2:ffff::9]:4000", ""); code != http.StatusTooManyRequests {
			t.Fatalf("a sixth address of the same /64: %d, want 429", code)
		}
		if code := attempt(h, "admin", adminPass, "[2001:db8:1:3::1]:4000", ""); code != http.StatusOK {
			t.Fatalf("another /64: %d, want 200", code)
		}
	})
	t.Run("clients behind one trusted proxy do not lock each other out", func(t *testing.T) {
		h := throttled(t)
		for i := 1; i <= 20; i++ { // past the per-network limit for every name
			if code := attempt(h, fmt.Sprintf("user%d", i%4), "guess", "10.0.0.1:5000", "203.0.113.5"); code != http.StatusUnauthorized {
				t.Fatalf("failure %d: %d", i, code)
			}
		}
		if code := attempt(h, "viewer", viewerPass, "10.0.0.1:5000", "203.0.113.5"); code != http.StatusTooManyRequests {
			t.Fatalf("the guessing client: %d, want 429", code)
		}
		if code := attempt(h, "admin", adminPass, "10.0.0.1:5000", "203.0.113.6"); code != http.StatusOK {
			t.Fatalf("another client behind the same proxy: %d, want 200", code)
		}
	})
	t.Run("forwarding headers from an untrusted peer are ignored", func(t *testing.T) {
		h := throttled(t)
		for i := 1; i <= 5; i++ {
			if code := attempt(h, "admin", "guess", "198.51.100.7:6000", fmt.Sprintf("203.0.113.%d", i)); code != http.StatusUnauthorized {
				t.Fatalf("failure %d: %d", i, code)
			}
		}
		if code := attempt(h, "admin", adminPass, "198.51.100.7:6000", "203.0.113.99"); code != http.StatusTooManyRequests {
			t.Fatalf("a new X-Forwarded-For from the same untrusted peer: %d, want 429", code)
		}
	})
	t.Run("one user name is throttled across networks", func(t *testing.T) {
		h := throttled(t)
		for i := 1; i <= 20; i++ {
			if code := attempt(h, "admin", "guess", fmt.Sprintf("192.0.2.%d:7000", i), ""); code != http.StatusUnauthorized {
				t.Fatalf("failure %d: %d", i, code)
			}
		}
		if code := attempt(h, "admin", adminPass, "192.0.2.200:7000", ""); code != http.StatusTooManyRequests {
			t.Fatalf("admin from a fresh network: %d, want 429", code)
		}
		if code := attempt(h, "viewer", viewerPass, "192.0.2.200:7000", ""); code != http.StatusOK {
			t.Fatalf("another user from that network: %d, want 200", code)
		}
	})
}
