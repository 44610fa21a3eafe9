package waygategin_test

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/gin-gonic/gin"

	waygategin "github.com/waygate-go/waygate/adapters/gin"
	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/ratelimit"
)

// answer is a responder that writes its name, the outcome and the key.
func answer(name string, status int) waygategin.ResponseFunc {
	return func(c *gin.Context, d engine.Decision) {
		c.String(status, "%s %s %s", name, d.Outcome, d.Key)
	}
}

// TestResponders: the route's responder wins, then the app's for the
// outcome, then the app's for every outcome, then the engine's JSON; the
// handler never runs, even when a responder forgets to abort.
func TestResponders(t *testing.T) {
	tests := []struct {
		name       string
		path       string
		setup      func(ctx context.Context, e *engine.Engine) error
		wantStatus int
		wantBody   string
	}{
		{name: "route responder", path: "/own", wantStatus: 418, wantBody: "own maintenance GET:/own"},
		{name: "app responder for the outcome", path: "/off", wantStatus: 410, wantBody: "gone disabled GET:/off"},
		{name: "app responder for every outcome", path: "/busy", wantStatus: 599, wantBody: "all maintenance GET:/busy"},
		{name: "route responder under global maintenance", path: "/own", wantStatus: 418, wantBody: "own maintenance GET:/own",
			setup: func(ctx context.Context, e *engine.Engine) error {
				_, err := e.EnableMaintenance(ctx, engine.GlobalScope(), "deploy")
				return err
			}},
		{name: "silent responder still stops the chain", path: "/silent", wantStatus: http.StatusOK, wantBody: ""},
		{name: "allowed requests reach the handler", path: "/open", wantStatus: http.StatusOK, wantBody: "handler"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEngine(t)
			var handled atomic.Int32
			h := func(c *gin.Context) { handled.Add(1); c.String(http.StatusOK, "handler") }
			g := gin.New()
			g.Use(waygategin.Middleware(e,
				waygategin.WithResponder(answer("all", 599)),
				waygategin.WithResponder(answer("gone", 410), engine.BlockDisabled)))
			r := waygategin.Wrap(e, g)
			r.GET("/own", waygategin.Maintenance("m"), waygategin.Respond(answer("own", 418)), h)
			r.GET("/off", waygategin.Disabled("d"), h)
			r.GET("/busy", waygategin.Maintenance("m"), h)
			r.GET("/silent", waygategin.Disabled("d"), waygategin.Respond(func(*gin.Context, engine.Decision) {}), h)
			r.GET("/open", h)
			register(t, r)
			if tt.setup != nil {
				if err := tt.setup(t.Context(), e); err != nil {
					t.Fatal(err)
				}
			}

			rec := serve(g, http.MethodGet, tt.path)
			if rec.Code != tt.wantStatus || rec.Body.String() != tt.wantBody {
				t.Errorf("GET %s = %d %q, want %d %q", tt.path, rec.Code, rec.Body, tt.wantStatus, tt.wantBody)
			}
			wantHandled := int32(0)
			if tt.path == "/open" {
				wantHandled = 1
			}
			if n := handled.Load(); n != wantHandled {
				t.Errorf("handler ran %d times, want %d", n, wantHandled)
			}
		})
	}
}

// TestUnmatchedRequests: requests gin matches to no route are judged too
// (the middleware also runs before gin's 404), so global maintenance
// answers them; otherwise gin's 404 stands.
func TestUnmatchedRequests(t *testing.T) {
	e := newEngine(t)
	g := gin.New()
	g.Use(waygategin.Middleware(e))
	r := waygategin.Wrap(e, g)
	r.GET("/orders", func(c *gin.Context) {})
	register(t, r)

	if rec := serve(g, http.MethodGet, "/nowhere"); rec.Code != http.StatusNotFound {
		t.Errorf("unmatched = %d, want gin's 404", rec.Code)
	}
	if _, err := e.EnableMaintenance(t.Context(), engine.GlobalScope(), "deploy"); err != nil {
		t.Fatal(err)
	}
	rec := serve(g, http.MethodGet, "/nowhere")
	if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Content-Type") != "application/json" {
		t.Errorf("unmatched under global maintenance = %d %q, want 503 JSON", rec.Code, rec.Header().Get("Content-Type"))
	}
}

// TestAttributesAreGinKeys: rate limits read the user and tier from gin's
// context keys, whether set with SetUser/SetAttr or with c.Set directly.
func TestAttributesAreGinKeys(t *testing.T) {
	tests := []struct {
		name     string
		identify gin.HandlerFunc
		allowed  int // requests served before the 429
	}{
		{name: "SetUser and SetAttr", allowed: 3, identify: func(c *gin.Context) {
			waygategin.SetUser(c, c.GetHeader("X-User"))
			waygategin.SetAttr(c, "plan", "pro")
		}},
		{name: "c.Set is the same", allowed: 3, identify: func(c *gin.Context) {
			c.Set(ratelimit.AttrUser, c.GetHeader("X-User"))
			c.Set("plan", "pro")
		}},
		{name: "no tier gets the base limit", allowed: 1, identify: func(c *gin.Context) {
			waygategin.SetUser(c, c.GetHeader("X-User"))
		}},
		{name: "exempt role", allowed: 10, identify: func(c *gin.Context) {
			waygategin.SetUser(c, c.GetHeader("X-User"))
			waygategin.SetRoles(c, "reader", "admin")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEngine(t)
			g := gin.New()
			g.Use(tt.identify, waygategin.Middleware(e))
			r := waygategin.Wrap(e, g)
			r.GET("/reports", waygategin.RateLimit("1/minute", ratelimit.By(ratelimit.KeyUser),
				ratelimit.Tiers(ratelimit.Tier{Name: "pro", Limit: "3/minute"}), ratelimit.ExemptRoles("admin")),
				func(c *gin.Context) { c.Status(http.StatusOK) })
			register(t, r)
			send := func(user string) *http.Response {
				rec := serve(withHeader(g, "X-User", user), http.MethodGet, "/reports")
				return rec.Result()
			}
			for i := range tt.allowed {
				if res := send("alice"); res.StatusCode != http.StatusOK {
					t.Fatalf("request %d = %d, want 200", i+1, res.StatusCode)
				}
			}
			if tt.allowed < 10 {
				res := send("alice")
				if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" {
					t.Errorf("request %d = %d (Retry-After %q), want 429 with Retry-After", tt.allowed+1, res.StatusCode, res.Header.Get("Retry-After"))
				}
				if res := send("bob"); res.StatusCode != http.StatusOK || res.Header.Get("X-RateLimit-Remaining") != strconv.Itoa(tt.allowed-1) {
					t.Errorf("another user = %d, remaining %q; want 200, %d", res.StatusCode, res.Header.Get("X-RateLimit-Remaining"), tt.allowed-1)
				}
			}
		})
	}
}

// withHeader sets a request header before h sees the request.
func withHeader(h http.Handler, name, value string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Header.Set(name, value)
		h.ServeHTTP(w, r)
	})
}

// TestDecisionHeaders: an allowed request gets the decision's headers
// before the handler runs, and the handler may add to them without
// disturbing the others.
func TestDecisionHeaders(t *testing.T) {
	e := newEngine(t)
	g := gin.New()
	g.Use(waygategin.Middleware(e))
	r := waygategin.Wrap(e, g)
	r.GET("/legacy", waygategin.Deprecated("2027-01-01", "/v2", "2026-06-01"), func(c *gin.Context) {
		if got := c.Writer.Header().Get("Deprecation"); got != "@1780272000" {
			t.Errorf("handler sees Deprecation %q, want @1780272000", got)
		}
		c.Writer.Header().Add("Link", `</docs>; rel="help"`)
		c.Status(http.StatusOK)
	})
	register(t, r)

	for range 2 { // the second request reuses gin's context and writer
		h := serve(g, http.MethodGet, "/legacy").Header()
		want := map[string][]string{
			"Deprecation": {"@1780272000"},
			"Sunset":      {"Fri, 01 Jan 2027 00:00:00 GMT"},
			"Link":        {`</v2>; rel="successor-version"`, `</docs>; rel="help"`},
		}
		for name, vals := range want {
			if got := h.Values(name); !slices.Equal(got, vals) {
				t.Errorf("%s = %q, want %q", name, got, vals)
			}
		}
	}
}
