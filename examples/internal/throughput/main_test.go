package main

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gofiber/fiber/v2"

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
				res := get(t, h, app)
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
			if err := setState(ctx, e, "maintenance"); err != nil {
				t.Fatalf("GET:/hello is not registered: %v", err)
			}
			if code, _ := serve(e); code != 503 {
				t.Fatalf("with Waygate and GET:/hello in maintenance: %d, want 503", code)
			}
			for _, st := range []struct {
				state string
				codes []int
			}{
				{"limited", []int{200, 429, 429}},
				{"counted", []int{200, 200, 200}},
			} {
				e, err := engine.New(ctx, engine.WithBackend(backend.NewMemory()))
				if err != nil {
					t.Fatal(err)
				}
				defer e.Close()
				h, app, err := build(ctx, fw, e)
				if err != nil {
					t.Fatal(err)
				}
				if err := setState(ctx, e, st.state); err != nil {
					t.Fatal(err)
				}
				for i, want := range st.codes {
					res := get(t, h, app)
					if res.StatusCode != want || res.Header.Get("X-Ratelimit-Limit") == "" {
						t.Fatalf("%s, request %d: %d (X-RateLimit-Limit %q), want %d with the rate-limit headers",
							st.state, i+1, res.StatusCode, res.Header.Get("X-Ratelimit-Limit"), want)
					}
				}
			}
		})
	}
	e, err := engine.New(ctx, engine.WithBackend(backend.NewMemory()))
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if err := setState(ctx, e, "paused"); err == nil {
		t.Fatal("an unknown state was accepted")
	}
	if _, _, err := build(ctx, "chi", nil); err == nil {
		t.Fatal("an unknown framework was accepted")
	}
}

// get answers GET /hello with the app build made: h, or app for fiber.
func get(t *testing.T, h http.Handler, app *fiber.App) *http.Response {
	t.Helper()
	req := httptest.NewRequest("GET", "/hello", nil)
	if h != nil {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Result()
	}
	res, err := app.Test(req)
	if err != nil {
		t.Fatal(err)
	}
	return res
}
