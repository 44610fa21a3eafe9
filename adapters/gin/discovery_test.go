package waygategin_test

import (
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	waygategin "github.com/waygate-go/waygate/adapters/gin"
	"github.com/waygate-go/waygate/core/route"
)

type wantState struct {
	status route.Status
	reason string
	force  bool
}

// TestStartupListsEveryRoute: every route, wrapped or plain, on a group or
// straight on gin, is listed with its declared state right after startup,
// before any request.
func TestStartupListsEveryRoute(t *testing.T) {
	e := newEngine(t)
	var calls atomic.Int32
	h := func(c *gin.Context) { calls.Add(1) }

	g := gin.New()
	g.Use(waygategin.Middleware(e))
	g.GET("/direct", h) // plain, on gin before Wrap
	r := waygategin.Wrap(e, g)
	r.GET("/plain", h)
	admin := r.Group("/admin", waygategin.Maintenance("admin upgrade"))
	admin.GET("/users", h)
	admin.POST("/users", h)
	admin.GET("/status", waygategin.Disabled("status closed"), h)
	admin.Group("/reports").GET("/:id", h)
	legacy := r.Group("/legacy", waygategin.Deprecated("2027-01-01", "/v2"))
	legacy.GET("/orders", waygategin.ForceActive(), h)
	api := r.Group("/api")
	api.GET("/before", h)
	api.Use(waygategin.Disabled("api frozen"))
	api.GET("/after", h)
	r.GET("/debug", waygategin.EnvOnly("dev"), h)
	g.POST("/late", h) // plain, on gin after Wrap
	register(t, r)

	want := map[string]wantState{
		"GET:/direct":             {status: route.StatusActive},
		"GET:/plain":              {status: route.StatusActive},
		"GET:/admin/users":        {status: route.StatusMaintenance, reason: "admin upgrade"},
		"POST:/admin/users":       {status: route.StatusMaintenance, reason: "admin upgrade"},
		"GET:/admin/status":       {status: route.StatusDisabled, reason: "status closed"},
		"GET:/admin/reports/{id}": {status: route.StatusMaintenance, reason: "admin upgrade"},
		"GET:/legacy/orders":      {status: route.StatusDeprecated, force: true},
		"GET:/api/before":         {status: route.StatusActive},
		"GET:/api/after":          {status: route.StatusDisabled, reason: "api frozen"},
		"GET:/debug":              {status: route.StatusEnvGated},
		"POST:/late":              {status: route.StatusActive},
	}
	got := listed(e)
	for key, w := range want {
		st, ok := got[key]
		if !ok {
			t.Errorf("%s not listed; listed: %v", key, keys(got))
			continue
		}
		if st.Status != w.status || st.Reason != w.reason || st.ForceActive != w.force || st.Stale {
			t.Errorf("%s = {%s %q force=%v stale=%v}, want {%s %q force=%v}", key, st.Status, st.Reason, st.ForceActive, st.Stale, w.status, w.reason, w.force)
		}
	}
	if len(got) != len(want) {
		t.Errorf("listed %v, want exactly %d routes", keys(got), len(want))
	}
	if n := calls.Load(); n != 0 {
		t.Errorf("handlers ran %d times during startup, want 0", n)
	}
}

// TestDiscoveryWithAuthInFront: an auth middleware in front of the
// declarations, on the app or on the group, never runs during discovery
// and does not hide the declarations; at request time the order the app
// chose decides who answers first.
func TestDiscoveryWithAuthInFront(t *testing.T) {
	tests := []struct {
		name          string
		authFirst     bool // app-wide auth before the Waygate middleware
		path          string
		wantStatus    int
		wantAuthCalls int32
	}{
		{name: "auth first rejects before Waygate", authFirst: true, path: "/admin/users", wantStatus: http.StatusUnauthorized, wantAuthCalls: 1},
		{name: "Waygate first blocks before auth", path: "/admin/users", wantStatus: http.StatusServiceUnavailable, wantAuthCalls: 0},
		{name: "route-level auth after Waygate", path: "/payments", wantStatus: http.StatusServiceUnavailable, wantAuthCalls: 0},
		{name: "auth first on a route-level declaration", authFirst: true, path: "/payments", wantStatus: http.StatusUnauthorized, wantAuthCalls: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEngine(t)
			var auth, handler atomic.Int32
			authMW := func(c *gin.Context) { auth.Add(1); c.AbortWithStatus(http.StatusUnauthorized) }
			h := func(c *gin.Context) { handler.Add(1) }
			g := gin.New()
			if tt.authFirst {
				g.Use(authMW)
			}
			g.Use(waygategin.Middleware(e))
			r := waygategin.Wrap(e, g)
			admin := r.Group("/admin", authMW, waygategin.Disabled("closed"))
			admin.GET("/users", h)
			r.GET("/payments", authMW, waygategin.Maintenance("DB migration"), h)
			register(t, r)

			if auth.Load() != 0 || handler.Load() != 0 {
				t.Fatalf("discovery ran auth %d and handlers %d times, want 0", auth.Load(), handler.Load())
			}
			got := listed(e)
			if st := got["GET:/admin/users"]; st.Status != route.StatusDisabled || st.Reason != "closed" {
				t.Errorf("GET:/admin/users = %s %q, want disabled %q", st.Status, st.Reason, "closed")
			}
			if st := got["GET:/payments"]; st.Status != route.StatusMaintenance {
				t.Errorf("GET:/payments = %s, want maintenance", st.Status)
			}

			rec := serve(g, http.MethodGet, tt.path)
			if rec.Code != tt.wantStatus {
				t.Errorf("status = %d, want %d (body %s)", rec.Code, tt.wantStatus, rec.Body)
			}
			if n := auth.Load(); n != tt.wantAuthCalls {
				t.Errorf("auth ran %d times, want %d", n, tt.wantAuthCalls)
			}
			if n := handler.Load(); n != 0 {
				t.Errorf("handler ran %d times for a blocked route, want 0", n)
			}
		})
	}
}

// TestDeclarationsLeaveTheHandlerChain: the Router strips declarations, so
// gin runs only the real handlers and no error is recorded.
func TestDeclarationsLeaveTheHandlerChain(t *testing.T) {
	e := newEngine(t)
	var names []string
	var errs []*gin.Error
	h := func(c *gin.Context) { names, errs = c.HandlerNames(), c.Errors; c.Status(http.StatusOK) }
	g := gin.New()
	g.Use(waygategin.Middleware(e))
	r := waygategin.Wrap(e, g)
	r.Group("/v1", waygategin.Deprecated("", "")).GET("/x", waygategin.Respond(nil), h)
	register(t, r)

	rec := serve(g, http.MethodGet, "/v1/x")
	// Deprecated without a date: dated when it was registered, just now.
	if dep := rec.Header().Get("Deprecation"); rec.Code != http.StatusOK || !recentDeprecation(dep) {
		t.Fatalf("status %d, Deprecation %q; want 200 and @<unix seconds of the registration>", rec.Code, dep)
	}
	if len(names) != 2 || strings.Contains(strings.Join(names, " "), "marker") {
		t.Errorf("handler chain = %v, want the middleware and the handler only", names)
	}
	if len(errs) != 0 {
		t.Errorf("c.Errors = %v, want none", errs)
	}
}

// TestDeclarationGivenToGinDirectly: gin cannot report a route's handlers,
// so a declaration given to gin itself is invisible at startup; it is
// reported in c.Errors when it runs, and the route stays as registered.
func TestDeclarationGivenToGinDirectly(t *testing.T) {
	e := newEngine(t)
	var errs []*gin.Error
	g := gin.New()
	g.Use(waygategin.Middleware(e))
	g.GET("/x", waygategin.Maintenance("never seen"), func(c *gin.Context) { errs = c.Errors; c.Status(http.StatusOK) })
	register(t, waygategin.Wrap(e, g))

	if st := listed(e)["GET:/x"]; st.Status != route.StatusActive {
		t.Errorf("GET:/x = %s, want active", st.Status)
	}
	if rec := serve(g, http.MethodGet, "/x"); rec.Code != http.StatusOK {
		t.Errorf("status = %d, want 200", rec.Code)
	}
	if len(errs) != 1 || !errors.Is(errs[0], waygategin.ErrDeclarationIgnored) {
		t.Errorf("c.Errors = %v, want ErrDeclarationIgnored", errs)
	}
}

// TestInvalidDeclarationsPanicAtRegistration: a bad declaration is a
// startup error, like a bad gin route; nothing is registered.
func TestInvalidDeclarationsPanicAtRegistration(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	ok := func(c *gin.Context) {}
	tests := []struct {
		name  string
		build func(r *waygategin.Router)
		want  []string
	}{
		{name: "bad sunset", want: []string{"GET /x", "sunset", "2027-01-01"},
			build: func(r *waygategin.Router) { r.GET("/x", waygategin.Deprecated("someday", ""), ok) }},
		{name: "window ending before it starts", want: []string{"GET /x", "window"},
			build: func(r *waygategin.Router) {
				r.GET("/x", waygategin.MaintenanceWindow("w", now, now.Add(-time.Hour)), ok)
			}},
		{name: "bad rate limit", want: []string{"GET /x", "rate limit"},
			build: func(r *waygategin.Router) { r.GET("/x", waygategin.RateLimit("lots"), ok) }},
		{name: "EnvOnly without environments", want: []string{"ANY /x", "EnvOnly"},
			build: func(r *waygategin.Router) { r.Any("/x", waygategin.EnvOnly(), ok) }},
		{name: "bad group declaration", want: []string{"group /admin", "sunset"},
			build: func(r *waygategin.Router) { r.Group("/admin", waygategin.Deprecated("soon", "")) }},
		{name: "bad declaration in Use", want: []string{"group /api", "EnvOnly"},
			build: func(r *waygategin.Router) { r.Group("/api").Use(waygategin.EnvOnly("")) }},
		{name: "declarations without a handler", want: []string{"POST /x", "no handler"},
			build: func(r *waygategin.Router) { r.POST("/x", waygategin.Maintenance("m")) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEngine(t)
			g := gin.New()
			r := waygategin.Wrap(e, g)
			msg := func() (msg string) {
				defer func() { msg = panicMessage(recover()) }()
				tt.build(r)
				return ""
			}()
			for _, w := range tt.want {
				if !strings.Contains(msg, w) {
					t.Errorf("panic %q does not mention %q", msg, w)
				}
			}
			if n := len(g.Routes()); n != 0 {
				t.Errorf("gin has %d routes, want 0", n)
			}
			register(t, r)
			if n := len(e.Routes()); n != 0 {
				t.Errorf("engine lists %v, want nothing", e.Routes())
			}
		})
	}
}

// TestStaticRoutesCarryTheGroupDeclaration: gin's static helpers register
// GET and HEAD routes; inside a declared group they get its declaration.
func TestStaticRoutesCarryTheGroupDeclaration(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "a.txt"), []byte("a"), 0o600); err != nil {
		t.Fatal(err)
	}
	e := newEngine(t)
	g := gin.New()
	g.Use(waygategin.Middleware(e))
	r := waygategin.Wrap(e, g)
	files := r.Group("/files", waygategin.Disabled("moving"))
	files.StaticFile("/a.txt", filepath.Join(dir, "a.txt"))
	files.Static("/dir", dir)
	r.StaticFS("/public", gin.Dir(dir, false))
	register(t, r)

	want := map[string]route.Status{
		"GET:/files/a.txt":           route.StatusDisabled,
		"HEAD:/files/a.txt":          route.StatusDisabled,
		"GET:/files/dir/{filepath}":  route.StatusDisabled,
		"HEAD:/files/dir/{filepath}": route.StatusDisabled,
		"GET:/public/{filepath}":     route.StatusActive,
		"HEAD:/public/{filepath}":    route.StatusActive,
	}
	got := listed(e)
	for k, w := range want {
		if got[k].Status != w {
			t.Errorf("%s = %q, want %s (listed %v)", k, got[k].Status, w, keys(got))
		}
	}
	for _, c := range []struct {
		path string
		code int
	}{{"/files/a.txt", 503}, {"/files/dir/a.txt", 503}, {"/public/a.txt", 200}} {
		if rec := serve(g, http.MethodGet, c.path); rec.Code != c.code {
			t.Errorf("GET %s = %d, want %d", c.path, rec.Code, c.code)
		}
	}
}

// TestRegisterIsIncremental: a second Register adds only routes added to
// gin since, and keeps runtime changes made in between.
func TestRegisterIsIncremental(t *testing.T) {
	e := newEngine(t)
	g := gin.New()
	r := waygategin.Wrap(e, g)
	r.GET("/a", func(*gin.Context) {})
	g.GET("/b", func(*gin.Context) {})
	register(t, r)
	if _, err := e.Disable(t.Context(), "GET:/b", "off"); err != nil {
		t.Fatal(err)
	}
	g.GET("/c", func(*gin.Context) {})
	register(t, r)
	got := listed(e)
	if !slices.Equal(keys(got), []string{"GET:/a", "GET:/b", "GET:/c"}) {
		t.Fatalf("listed %v", keys(got))
	}
	if got["GET:/b"].Status != route.StatusDisabled || got["GET:/c"].Status != route.StatusActive {
		t.Errorf("GET:/b = %s, GET:/c = %s; want disabled, active", got["GET:/b"].Status, got["GET:/c"].Status)
	}
}

func keys(m map[string]route.State) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func panicMessage(v any) string {
	if v == nil {
		return ""
	}
	if s, ok := v.(string); ok {
		return s
	}
	if err, ok := v.(error); ok {
		return err.Error()
	}
	return "unexpected panic value"
}

// recentDeprecation reports whether an RFC 9745 Deprecation header is a
// date (@<unix seconds>) within the last minute.
func recentDeprecation(v string) bool {
	sec, err := strconv.ParseInt(strings.TrimPrefix(v, "@"), 10, 64)
	return err == nil && strings.HasPrefix(v, "@") && time.Since(time.Unix(sec, 0)) < time.Minute && time.Since(time.Unix(sec, 0)) >= 0
}
