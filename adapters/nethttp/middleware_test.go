package waygatehttp_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	waygatehttp "github.com/waygate-go/waygate/adapters/nethttp"
	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/route"
	"github.com/waygate-go/waygate/core/waygatetest"
)

// keys lists the engine's routes as "key status".
func keys(e *engine.Engine) []string {
	var out []string
	for _, st := range e.Routes() {
		out = append(out, st.Path+" "+string(st.Status))
	}
	return out
}

func serveOnce(h http.Handler, method, target string) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(method, target, nil))
	return rec
}

// Both ways of placing the middleware on a plain ServeMux find the route
// by the pattern the mux matched.
func TestMiddlewareJudgesTheMatchedPattern(t *testing.T) {
	for _, tc := range []struct {
		name  string
		build func(mw func(http.Handler) http.Handler, routes map[string]http.HandlerFunc) http.Handler
	}{
		{"wrapping the mux", func(mw func(http.Handler) http.Handler, routes map[string]http.HandlerFunc) http.Handler {
			mux := http.NewServeMux()
			for p, h := range routes {
				mux.Handle(p, h)
			}
			return mw(mux)
		}},
		{"wrapping each handler", func(mw func(http.Handler) http.Handler, routes map[string]http.HandlerFunc) http.Handler {
			mux := http.NewServeMux()
			for p, h := range routes {
				mux.Handle(p, mw(h))
			}
			return mux
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, _ := waygatetest.NewEngine(t)
			echoID := func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("id=" + r.PathValue("id"))) }
			ok := func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("ok")) }
			h := tc.build(waygatehttp.Middleware(e), map[string]http.HandlerFunc{
				"GET /orders/{id}":      echoID,
				"/all":                  ok,
				"POST example.com/host": ok,
			})
			if got := keys(e); len(got) != 0 {
				t.Fatalf("routes before any request: %q; a plain mux cannot be listed", got)
			}
			for _, target := range []string{"/orders/7", "/all", "http://example.com/host"} {
				method := "GET"
				if strings.Contains(target, "example.com") {
					method = "POST"
				}
				if rec := serveOnce(h, method, target); rec.Code != 200 {
					t.Fatalf("%s %s = %d %q", method, target, rec.Code, rec.Body)
				}
			}
			if rec := serveOnce(h, "GET", "/orders/7"); rec.Body.String() != "id=7" {
				t.Errorf("path value through the middleware: %q", rec.Body)
			}
			want := []string{"/all active", "POST:/host active", "GET:/orders/{id} active"}
			if got := keys(e); !slices.Equal(got, want) {
				t.Fatalf("routes after the first requests: %q, want %q", got, want)
			}

			ctx := context.Background()
			if _, err := e.SetMaintenance(ctx, "GET:/orders/{id}", "reindex"); err != nil {
				t.Fatal(err)
			}
			if _, err := e.Disable(ctx, "/all", "off"); err != nil {
				t.Fatal(err)
			}
			for _, tc := range []struct {
				method, target string
				status         int
				body           string
			}{
				{"GET", "/orders/7", 503, "MAINTENANCE_MODE"},
				{"HEAD", "/orders/7", 503, ""}, // judged as the pattern's GET
				{"DELETE", "/all", 503, "ROUTE_DISABLED"},
				{"GET", "/nowhere", 404, "404 page not found"},
				{"POST", "/orders/7", 405, "Method Not Allowed"},
			} {
				if rec := serveOnce(h, tc.method, tc.target); rec.Code != tc.status || !strings.Contains(rec.Body.String(), tc.body) {
					t.Errorf("%s %s = %d %q, want %d %q", tc.method, tc.target, rec.Code, rec.Body, tc.status, tc.body)
				}
			}

			// Requests that match no pattern are the mux's own answers,
			// never judged, even under global maintenance.
			if _, err := e.EnableMaintenance(ctx, engine.GlobalScope(), "deploy"); err != nil {
				t.Fatal(err)
			}
			if rec := serveOnce(h, "GET", "/nowhere"); rec.Code != 404 {
				t.Errorf("unknown path under global maintenance = %d, want the mux's 404", rec.Code)
			}
		})
	}
}

// A route the engine already knows keeps its declared state: the
// middleware registers only routes it has never heard of.
func TestMiddlewareKeepsKnownDeclarations(t *testing.T) {
	e, _ := waygatetest.NewEngine(t)
	d, err := route.Declare(route.Maintenance("declared"))
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Register(context.Background(), engine.Registration{Method: "GET", Template: "/pay", Declaration: d}); err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /pay", func(http.ResponseWriter, *http.Request) {})
	h := waygatehttp.Middleware(e)(mux)
	for range 2 {
		if rec := serveOnce(h, "GET", "/pay"); rec.Code != 503 {
			t.Fatalf("GET /pay = %d, want the declared 503", rec.Code)
		}
	}
	if got := keys(e); !slices.Equal(got, []string{"GET:/pay maintenance"}) {
		t.Errorf("routes = %q", got)
	}
}
