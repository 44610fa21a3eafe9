package waygatechi_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"

	waygatechi "github.com/waygate-go/waygate/adapters/chi"
	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/ratelimit"
)

func registered(t *testing.T, e *engine.Engine) *chi.Mux {
	t.Helper()
	r := app(e)
	if err := waygatechi.Register(context.Background(), e, r); err != nil {
		t.Fatal(err)
	}
	return r
}

func TestMiddlewareJudgesByFullPattern(t *testing.T) {
	tests := []struct {
		name, method, path string
		status             int
		code               string // error.code in the body, "" for the handler's
		header             string // a header the response must carry
	}{
		{"a plain route", "GET", "/health", 200, "", ""},
		{"a route declared with With", "GET", "/payments", 503, "MAINTENANCE_MODE", ""},
		{"a group's declaration", "GET", "/admin/users", 503, "ROUTE_DISABLED", ""},
		{"a route overrides its group", "GET", "/admin/ping", 200, "", ""},
		{"a Route's declaration", "GET", "/legacy/orders/7", 200, "", "Sunset"},
		{"a route two mounts deep", "GET", "/api/v1/orders/42", 200, "", "RateLimit-Policy"},
		{"an env-gated route two mounts deep", "GET", "/api/v1/debug", 404, "", ""},
		{"a mount's stub routes on to the sub-router's /", "GET", "/api/v1", 200, "", "RateLimit-Policy"},
		{"a mount's slash stub too", "GET", "/api/v1/", 200, "", "RateLimit-Policy"},
		{"an all-methods route", "DELETE", "/webhook", 200, "", ""},
		{"a catch-all", "GET", "/files/a/b", 200, "", ""},
		{"an unknown path is chi's 404", "GET", "/nowhere", 404, "", ""},
		{"an unknown method is chi's 405", "POST", "/health", 405, "", ""},
		{"the admin mount is never checked", "GET", "/waygate/x", 404, "", ""},
	}
	e := newEngine(t)
	r := registered(t, e)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := serve(r, tt.method, tt.path)
			if w.Code != tt.status {
				t.Fatalf("status %d, want %d (body %s)", w.Code, tt.status, w.Body)
			}
			if tt.code != "" && !strings.Contains(w.Body.String(), `"code":"`+tt.code+`"`) {
				t.Errorf("body %s, want code %s", w.Body, tt.code)
			}
			if tt.header != "" && w.Header().Get(tt.header) == "" {
				t.Errorf("no %s header: %v", tt.header, w.Header())
			}
		})
	}
}

// A runtime change addressed by the key reaches the route however the
// request spells its path: the middleware reads chi's pattern.
func TestRuntimeChangeByKey(t *testing.T) {
	e := newEngine(t)
	r := registered(t, e)
	if _, err := e.SetMaintenance(context.Background(), "GET:/api/v1/orders/{id}", "moving"); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"/api/v1/orders/42", "/api/v1/orders/a%2Fb", "/api/v1/orders/%34%32"} {
		if w := serve(r, "GET", p); w.Code != 503 {
			t.Errorf("GET %s: status %d, want 503", p, w.Code)
		}
	}
	if w := serve(r, "GET", "/api/v1/"); w.Code != 200 {
		t.Errorf("GET /api/v1/: status %d, want 200", w.Code)
	}
}

// chi routes by the escaped path: /orders/a%2Fb is the route
// /orders/{id}, never /orders/{id}/{rest} or a mount its decoded form
// names; the check judges the route chi serves.
func TestEscapedSlashIsJudgedAsTheRouteChiServes(t *testing.T) {
	e := newEngine(t)
	r := chi.NewRouter()
	r.Use(waygatechi.Middleware(e))
	r.Get("/orders/{id}", func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("one:" + chi.URLParam(r, "id"))) })
	r.With(waygatechi.Maintenance("x")).Get("/orders/{id}/{rest}", ok)
	waygatechi.Mount(r, e, "/docs", http.HandlerFunc(ok))
	r.With(waygatechi.Disabled("gone")).Get("/{tenant}/payments", ok)
	if err := waygatechi.Register(context.Background(), e, r); err != nil {
		t.Fatal(err)
	}
	if w := serve(r, "GET", "/orders/a%2Fb"); w.Code != 200 || w.Body.String() != "one:a%2Fb" {
		t.Errorf("GET /orders/a%%2Fb: %d %s", w.Code, w.Body)
	}
	if w := serve(r, "GET", "/docs%2Fx/payments"); w.Code != 503 {
		t.Errorf("GET /docs%%2Fx/payments: %d %s, want the gated route's 503", w.Code, w.Body)
	}
}

func TestHiddenRouteIsTheRoutersNotFound(t *testing.T) {
	for _, jsonNotFound := range []bool{false, true} {
		e := newEngine(t)
		var opts []waygatechi.Option
		if jsonNotFound {
			opts = append(opts, waygatechi.WithJSONNotFound())
		}
		r := chi.NewRouter()
		r.Use(waygatechi.Middleware(e, opts...))
		r.NotFound(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(404); _, _ = w.Write([]byte("custom 404")) })
		r.With(waygatechi.EnvOnly("dev")).Get("/debug", ok)
		if err := waygatechi.Register(context.Background(), e, r); err != nil {
			t.Fatal(err)
		}
		w := serve(r, "GET", "/debug")
		if w.Code != 404 {
			t.Fatalf("status %d", w.Code)
		}
		if got := w.Body.String(); (got == "custom 404") == jsonNotFound {
			t.Errorf("WithJSONNotFound %v: body %s", jsonNotFound, got)
		}
	}
}

func TestIdentityKeysRateLimits(t *testing.T) {
	e := newEngine(t)
	r := chi.NewRouter()
	r.Use(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			req = waygatechi.SetUser(req, req.Header.Get("X-User"))
			req = waygatechi.SetRoles(req, strings.Split(req.Header.Get("X-Roles"), ",")...)
			req = waygatechi.SetAttr(req, "plan", "free")
			next.ServeHTTP(w, req)
		})
	}, waygatechi.Middleware(e))
	r.With(waygatechi.RateLimit("1/hour", ratelimit.By(ratelimit.KeyUser), ratelimit.ExemptRoles("admin"))).Get("/x", ok)
	if err := waygatechi.Register(context.Background(), e, r); err != nil {
		t.Fatal(err)
	}
	send := func(user, roles string) int {
		req := httptest.NewRequest("GET", "/x", nil)
		req.Header.Set("X-User", user)
		req.Header.Set("X-Roles", roles)
		w := httptest.NewRecorder()
		r.ServeHTTP(w, req)
		return w.Code
	}
	for i, c := range []struct {
		user, roles string
		want        int
	}{{"ann", "", 200}, {"ann", "", 429}, {"bob", "", 200}, {"ann", "admin", 200}} {
		if got := send(c.user, c.roles); got != c.want {
			t.Errorf("request %d (%s %s): status %d, want %d", i+1, c.user, c.roles, got, c.want)
		}
	}
}

func TestCustomResponders(t *testing.T) {
	e := newEngine(t)
	r := chi.NewRouter()
	r.Use(waygatechi.Middleware(e, waygatechi.WithResponder(func(w http.ResponseWriter, _ *http.Request, d engine.Decision) {
		w.WriteHeader(d.Status)
		_, _ = w.Write([]byte("app"))
	})))
	r.With(waygatechi.Maintenance("x")).Get("/a", ok)
	r.With(waygatechi.Maintenance("x"), waygatechi.Respond(func(w http.ResponseWriter, _ *http.Request, _ engine.Decision) {
		w.WriteHeader(418)
	})).Get("/b", ok)
	if err := waygatechi.Register(context.Background(), e, r); err != nil {
		t.Fatal(err)
	}
	if w := serve(r, "GET", "/a"); w.Code != 503 || w.Body.String() != "app" {
		t.Errorf("/a: %d %s", w.Code, w.Body)
	}
	if w := serve(r, "GET", "/b"); w.Code != 418 {
		t.Errorf("/b: %d", w.Code)
	}
}

// Declarations pass requests through when Register never saw them, and
// the Middleware serves routes outside a chi router unchecked.
func TestOutsideChi(t *testing.T) {
	e := newEngine(t)
	h := waygatechi.Maintenance("x")(waygatechi.Middleware(e)(http.HandlerFunc(ok)))
	if w := serve(h, "GET", "/"); w.Code != 200 {
		t.Errorf("status %d", w.Code)
	}
}
