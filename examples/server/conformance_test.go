package main

// The core conformance table, run on net/http with the engine's state on a
// Waygate Server (in process, over real HTTP) through the SDK: a service
// behaves exactly as an embedded engine would.

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	waygatehttp "github.com/waygate-go/waygate/adapters/nethttp"
	"github.com/waygate-go/waygate/admin"
	"github.com/waygate-go/waygate/core/backend"
	"github.com/waygate-go/waygate/core/clock"
	"github.com/waygate-go/waygate/core/conformance"
	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/sdk"
)

type harness struct{}

func (harness) Build(t testing.TB, e *engine.Engine, app conformance.App) http.Handler {
	var opts []waygatehttp.Option
	if app.Respond != nil {
		opts = append(opts, waygatehttp.WithResponder(responder(app.Respond)))
	}
	mux := waygatehttp.NewServeMux(e, opts...)
	ok := func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte(conformance.OKBody)) }
	add := func(handle func(string, func(http.ResponseWriter, *http.Request), ...waygatehttp.RouteOption), r conformance.Route) {
		opts := r.Options
		if r.Respond != nil {
			opts = append(opts, waygatehttp.Respond(responder(r.Respond)))
		}
		handle(strings.TrimSpace(r.Method+" "+r.Path), ok, opts...)
	}
	for _, r := range app.Routes {
		add(mux.HandleFunc, r)
	}
	for _, g := range app.Groups {
		grp := mux.Group(g.Prefix, g.Options...)
		for _, r := range g.Routes {
			add(grp.HandleFunc, r)
		}
	}
	if app.Mounted != nil {
		mux.Mount(app.MountPrefix, app.Mounted)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if u := r.Header.Get(conformance.HeaderUser); u != "" {
			r = waygatehttp.SetUser(r, u)
		}
		if roles := r.Header.Get(conformance.HeaderRoles); roles != "" {
			r = waygatehttp.SetRoles(r, strings.Split(roles, ",")...)
		}
		if plan := r.Header.Get(conformance.HeaderPlan); plan != "" {
			r = waygatehttp.SetAttr(r, "plan", plan)
		}
		mux.ServeHTTP(w, r)
	})
}

func responder(f conformance.Responder) waygatehttp.ResponseFunc {
	return func(w http.ResponseWriter, _ *http.Request, d engine.Decision) {
		status, body := f(d)
		w.WriteHeader(status)
		w.Write([]byte(body))
	}
}

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
	conformance.RunWith(t, harness{}, onServer)
}
