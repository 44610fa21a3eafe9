package main

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/waygate-go/waygate/core/backend"
	"github.com/waygate-go/waygate/core/engine"
)

// TestServers checks what the load test measures: bare, every framework
// answers 200 with the reply; with Waygate, GET /hello is registered with
// the engine and judged on every request (a maintenance set at runtime
// turns it into a 503).
func TestServers(t *testing.T) {
	ctx := context.Background()
	for _, fw := range []string{"gin", "echo", "fiber", "nethttp"} {
		t.Run(fw, func(t *testing.T) {
			serve := func(e *engine.Engine) (int, string) {
				t.Helper()
				h, app, err := build(ctx, fw, e)
				if err != nil {
					t.Fatal(err)
				}
				req := httptest.NewRequest("GET", "/hello", nil)
				var res *http.Response
				if h != nil {
					rec := httptest.NewRecorder()
					h.ServeHTTP(rec, req)
					res = rec.Result()
				} else if res, err = app.Test(req); err != nil {
					t.Fatal(err)
				}
				b, _ := io.ReadAll(res.Body)
				return res.StatusCode, string(b)
			}
			if code, body := serve(nil); code != 200 || body != string(hello) {
				t.Fatalf("bare: %d %s", code, body)
			}
			e, err := engine.New(ctx, engine.WithBackend(backend.NewMemory()))
			if err != nil {
				t.Fatal(err)
			}
			defer e.Close()
			if code, body := serve(e); code != 200 || body != string(hello) {
				t.Fatalf("with Waygate: %d %s", code, body)
			}
			if _, err := e.SetMaintenance(ctx, "GET:/hello", "load test"); err != nil {
				t.Fatalf("GET:/hello is not registered: %v", err)
			}
			if code, _ := serve(e); code != 503 {
				t.Fatalf("with Waygate and GET:/hello in maintenance: %d, want 503", code)
			}
		})
	}
	if _, _, err := build(ctx, "chi", nil); err == nil {
		t.Fatal("an unknown framework was accepted")
	}
}
