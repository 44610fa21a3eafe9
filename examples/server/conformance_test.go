package main

// The core conformance table, run on net/http with the engine's state on a
// Waygate Server (in process, over real HTTP) through the SDK: a service
// behaves exactly as an embedded engine would.

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/waygate-go/waygate/adapters/nethttp/waygatehttptest"
	"github.com/waygate-go/waygate/admin"
	"github.com/waygate-go/waygate/core/backend"
	"github.com/waygate-go/waygate/core/clock"
	"github.com/waygate-go/waygate/core/conformance"
	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/sdk"
)

// onServer gives each case's engine an SDK backend on a fresh Waygate
// Server. The server's clock stands still, so the service's own engine
// (on the case's fake clock) performs scheduled transitions, claimed
// through the server.
func onServer(t testing.TB, _ *clock.Fake) []engine.Option {
	quiet := slog.New(slog.DiscardHandler)
	srvEng, err := engine.New(context.Background(), engine.WithBackend(backend.NewMemory()),
		engine.WithClock(clock.NewFake(conformance.Start)), engine.WithLogger(quiet))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srvEng.Close() })
	h, err := admin.New(srvEng, admin.WithOpenAccess(), admin.WithLogger(quiet), admin.WithServiceToken("conformance", "conformance-token-0123", admin.SharedState()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Close() })
	srv := httptest.NewServer(http.StripPrefix("/waygate", h))
	t.Cleanup(srv.Close)
	b, err := sdk.New(srv.URL+"/waygate", "conformance", "conformance-token-0123", sdk.WithLogger(quiet), sdk.WithTimeout(5*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return []engine.Option{engine.WithBackend(b), engine.WithService("conformance"), engine.WithLogger(quiet)}
}

func TestConformanceThroughTheServer(t *testing.T) {
	conformance.RunWith(t, waygatehttptest.Harness{}, onServer)
}
