package openapi

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/route"
)

// demoEngine registers the demo routes of SPEC §14 that matter to the
// document.
func demoEngine(t *testing.T) *engine.Engine {
	t.Helper()
	ctx := context.Background()
	e, err := engine.New(ctx, engine.WithEnv("production"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	decl := func(opts ...route.Option) route.Declaration {
		d, err := route.Declare(opts...)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	err = e.Register(ctx,
		engine.Registration{Method: "GET", Template: "/health", Declaration: decl(route.ForceActive())},
		engine.Registration{Method: "GET", Template: "/payments", Declaration: decl(route.Maintenance("DB migration — back at 04:00 UTC"))},
		engine.Registration{Method: "GET", Template: "/orders"},
		engine.Registration{Method: "POST", Template: "/orders"},
		engine.Registration{Method: "GET", Template: "/orders/:id"},
		engine.Registration{Method: "GET", Template: "/debug", Declaration: decl(route.EnvOnly("dev", "staging"))},
		engine.Registration{Method: "GET", Template: "/old-reports", Declaration: decl(route.Disabled("Replaced by /reports"))},
	)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func fetch(t *testing.T, h http.Handler, etag string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, "/openapi.json", nil)
	if etag != "" {
		req.Header.Set("If-None-Match", etag)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func TestHandlerFollowsEngine(t *testing.T) {
	e := demoEngine(t)
	for _, in := range inputs {
		if in.prefix != "" {
			continue // the demo engine has no /api base path
		}
		t.Run(in.file, func(t *testing.T) {
			src, err := os.ReadFile(filepath.Join("testdata", in.file))
			if err != nil {
				t.Fatal(err)
			}
			h, err := NewHandler(e, src)
			if err != nil {
				t.Fatal(err)
			}
			defer h.Close()

			first := fetch(t, h, "")
			if first.Code != http.StatusOK || first.Header().Get("Content-Type") != "application/json; charset=utf-8" {
				t.Fatalf("GET = %d %q", first.Code, first.Header().Get("Content-Type"))
			}
			body := first.Body.String()
			if strings.Contains(body, `"/old-reports"`) || strings.Contains(body, `"/debug"`) {
				t.Errorf("disabled or env-gated path listed:\n%s", body)
			}
			if !strings.Contains(body, "🔧 Maintenance: DB migration — back at 04:00 UTC") {
				t.Errorf("no maintenance banner on /payments:\n%s", body)
			}
			validate(t, first.Body.Bytes())
			etag := first.Header().Get("ETag")
			if etag == "" {
				t.Fatal("no ETag")
			}
			if rec := fetch(t, h, etag); rec.Code != http.StatusNotModified || rec.Body.Len() != 0 {
				t.Fatalf("If-None-Match: got %d", rec.Code)
			}

			if _, err := e.Enable(context.Background(), "GET:/old-reports"); err != nil {
				t.Fatal(err)
			}
			defer e.Disable(context.Background(), "GET:/old-reports", "Replaced by /reports")
			deadline := time.Now().Add(5 * time.Second)
			var rec *httptest.ResponseRecorder
			for {
				rec = fetch(t, h, etag)
				if rec.Code == http.StatusOK && strings.Contains(rec.Body.String(), `"/old-reports"`) {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("enabled /old-reports never appeared; last answer %d:\n%s", rec.Code, rec.Body)
				}
				time.Sleep(5 * time.Millisecond)
			}
			if got := rec.Header().Get("ETag"); got == etag || got == "" {
				t.Errorf("ETag %q did not change", got)
			}
		})
	}
}

// TestHandlerSeesLaterRegistrations: adapters register routes at startup,
// after the app built its docs handler; the first request sees them.
func TestHandlerSeesLaterRegistrations(t *testing.T) {
	ctx := context.Background()
	e, err := engine.New(ctx, engine.WithEnv("production"))
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	h, err := NewHandler(e, []byte(`{"swagger":"2.0","info":{"title":"t","version":"1"},"basePath":"/","paths":{"/old-reports":{"get":{"responses":{"200":{"description":"OK"}}}}}}`))
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	off, _ := route.Declare(route.Disabled("Replaced by /reports"))
	if err := e.Register(ctx, engine.Registration{Method: "GET", Template: "/old-reports", Declaration: off}); err != nil {
		t.Fatal(err)
	}
	if body := fetch(t, h, "").Body.String(); strings.Contains(body, "/old-reports") {
		t.Fatalf("a route disabled at registration is listed:\n%s", body)
	}
}

func TestHandlerMethodsAndErrors(t *testing.T) {
	e := demoEngine(t)
	if _, err := NewHandler(e, []byte(`{"openapi":`)); err == nil {
		t.Fatal("NewHandler accepted a broken document")
	}
	h, err := NewHandler(e, []byte("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n"))
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/openapi.json", nil))
	if rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST = %d", rec.Code)
	}
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodHead, "/openapi.json", nil))
	if rec.Code != http.StatusOK || rec.Body.Len() != 0 || rec.Header().Get("ETag") == "" {
		t.Errorf("HEAD = %d, %d bytes", rec.Code, rec.Body.Len())
	}
	for header, want := range map[string]bool{"": false, "*": true, `"x"`: false, `"x", W/` + rec.Header().Get("ETag"): true} {
		if got := etagMatches(header, rec.Header().Get("ETag")); got != want {
			t.Errorf("etagMatches(%q) = %v", header, got)
		}
	}
}
