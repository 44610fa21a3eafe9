package admin_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/waygate-go/waygate/admin"
	"github.com/waygate-go/waygate/core/clock"
	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/webhook"
)

// syncBuffer is a log sink shared by the engine, the handler and webhook
// deliveries.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// Secrets never reach the logs: passwords (right and wrong), the signing
// secret, session tokens, service tokens and webhook secrets, while
// everything that fails along the way is logged at debug level.
func TestSecretsAreNeverLogged(t *testing.T) {
	const (
		signing      = "signing-secret-0123456789abcdef-0123"
		serviceToken = "service-token-0123456789abcdef"
		hookSecret   = "webhook-secret-0123456789abcdef"
		wrongPass    = "wrong-password-0123456789"
	)
	logs := &syncBuffer{}
	log := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	clk := clock.NewFake(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	eng, err := engine.New(context.Background(), engine.WithClock(clk), engine.WithLogger(log))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { eng.Close() })
	failing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "receiver down", http.StatusInternalServerError)
	}))
	defer failing.Close()
	f := newFixtureOn(t, eng, clk,
		admin.WithLogger(log),
		admin.WithSecret(signing),
		admin.WithServiceToken("payments", serviceToken),
		withHooks(t, eng, webhook.WithHook(failing.URL, webhook.Secret(hookSecret)), webhook.WithLogger(log)),
	)

	// Failed and successful sign-ins, a bad and a good session token.
	want(t, f.call("POST", "/api/auth/login", "", mustJSON(map[string]string{"username": "admin", "password": wrongPass})), http.StatusUnauthorized)
	want(t, f.call("GET", "/api/routes", f.adminToken+"x", ""), http.StatusUnauthorized)
	want(t, f.as("GET", "/api/routes", ""), http.StatusOK)
	// A webhook added at runtime with its own secret; a change that makes
	// both webhooks fail their deliveries.
	want(t, f.as("POST", "/api/webhooks", mustJSON(map[string]string{"url": failing.URL + "/second", "secret": hookSecret + "-2"})), http.StatusCreated)
	want(t, f.as("POST", "/api/global/enable", `{"reason":"logged change"}`), http.StatusOK)
	// The SDK side: a wrong and a right service token.
	for _, tok := range []string{serviceToken + "x", serviceToken} {
		req, err := http.NewRequest("GET", f.base+"/api/sdk/snapshot", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+tok)
		f.send(req)
	}
	want(t, f.as("POST", "/api/auth/logout", ""), http.StatusOK)

	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(logs.String(), "webhook") {
		if time.Now().After(deadline) {
			t.Fatalf("no webhook failure was logged, so this test proves little; logs:\n%s", logs)
		}
		time.Sleep(2 * time.Millisecond)
		clk.Advance(time.Second) // the deliveries' retries back off on the engine's clock
	}
	out := logs.String()
	for name, secret := range map[string]string{
		"admin password": adminPass, "wrong password": wrongPass, "signing secret": signing,
		"session token": f.adminToken, "viewer token": f.viewerToken, "service token": serviceToken,
		"webhook secret": hookSecret, "runtime webhook secret": hookSecret + "-2",
	} {
		if strings.Contains(out, secret) {
			t.Errorf("the %s appears in the logs:\n%s", name, out)
		}
	}
}
