package conformance

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/waygate-go/waygate/core/clock"
	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/route"
)

// The window declared in code on GET /window: one to two hours after Start.
var (
	windowStart = Start.Add(time.Hour)
	windowEnd   = Start.Add(2 * time.Hour)
)

// registered is the RFC 9745 Deprecation of a route deprecated in code
// without a date: the time its deprecation was registered, Start.
var registered = fmt.Sprintf("@%d", Start.Unix())

// customRoute answers blocked requests of GET /custom itself.
func customRoute(d engine.Decision) (int, string) {
	return 418, "route:" + d.Outcome.String() + ":" + d.Reason
}

// customApp is the app-wide responder of the apps that use one.
func customApp(d engine.Decision) (int, string) {
	return 599, "app:" + d.Outcome.String()
}

// DefaultApp is the conformance app: the demo's routes plus groups, a
// catch-all, an all-methods route, custom responses and rate-limited routes.
func DefaultApp() App {
	a := lifecycleApp()
	a.Routes = append(a.Routes, rateLimitRoutes()...)
	return a
}

// MountPrefix is where the conformance app mounts its admin stand-in, which
// answers "admin:" and the path it sees.
const MountPrefix = "/waygate"

var mounted = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	_, _ = w.Write([]byte("admin:" + r.URL.Path))
})

func lifecycleApp() App {
	return App{
		MountPrefix: MountPrefix,
		Mounted:     mounted,
		Routes: []Route{
			{Method: "GET", Path: "/health", Options: []route.Option{route.ForceActive()}},
			{Method: "GET", Path: "/payments", Options: []route.Option{route.Maintenance("DB migration")}},
			{Method: "GET", Path: "/orders"},
			{Method: "POST", Path: "/orders"},
			{Method: "GET", Path: "/orders/{id}"},
			{Method: "GET", Path: "/legacy/orders", Options: []route.Option{route.Deprecated("2027-01-01", "/orders")}},
			{Method: "GET", Path: "/legacy/v0", Options: []route.Option{route.Deprecated("2026-12-31T12:00:00Z", "https://api.example.com/v2", "2026-06-01")}},
			{Method: "GET", Path: "/sunsetless", Options: []route.Option{route.Deprecated("", "")}},
			{Method: "GET", Path: "/debug", Options: []route.Option{route.EnvOnly("dev", "staging")}},
			{Method: "GET", Path: "/old-reports", Options: []route.Option{route.Disabled("Replaced by /reports")}},
			{Method: "GET", Path: "/window", Options: []route.Option{route.MaintenanceWindow("Planned upgrade", windowStart, windowEnd)}},
			{Method: "GET", Path: "/files/{path...}", Options: []route.Option{route.Maintenance("files moving")}},
			{Method: "", Path: "/anything"},
			{Method: "GET", Path: "/custom", Options: []route.Option{route.Maintenance("custom reason")}, Respond: customRoute},
			{Method: "GET", Path: "/escape", Options: []route.Option{route.Maintenance(`<script>alert("x")</script> & co`)}},
		},
		Groups: []Group{
			{Prefix: "/admin", Options: []route.Option{route.Disabled("admin closed")}, Routes: []Route{
				{Method: "GET", Path: "/users"},
				{Method: "POST", Path: "/users"},
				{Method: "GET", Path: "/status", Options: []route.Option{route.Maintenance("status rebuild")}},
			}},
			{Prefix: "/v1", Options: []route.Option{route.Maintenance("v1 retired")}, Routes: []Route{
				{Method: "GET", Path: "/items/{id}"},
			}},
		},
	}
}

func appWith(respond Responder) *App {
	a := DefaultApp()
	a.Respond = respond
	return &a
}

// must returns a function that fails the test when a setup step fails:
// must(t)(e.Enable(ctx, key)).
func must(t testing.TB) func(any, error) {
	return func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("setup: %v", err)
		}
	}
}

type setup = func(ctx context.Context, t testing.TB, e *engine.Engine, clk *clock.Fake)

func globalOn(reason string, opts ...engine.MaintenanceOption) setup {
	return func(ctx context.Context, t testing.TB, e *engine.Engine, _ *clock.Fake) {
		must(t)(e.EnableMaintenance(ctx, engine.GlobalScope(), reason, opts...))
	}
}

const maintenanceBody = `{"error":{"code":"MAINTENANCE_MODE","message":"This endpoint is temporarily unavailable","reason":"DB migration","path":"/payments"}}`

var (
	ok200     = Want{Status: 200, NoHeader: []string{"Deprecation", "Sunset", "Retry-After"}}
	jsonCT    = map[string]string{"Content-Type": "application/json"}
	sunset    = "Fri, 01 Jan 2027 00:00:00 GMT"
	orderLink = `</orders>; rel="successor-version"`
)

func maint(reason, path string) Want {
	return Want{Status: 503, Code: "MAINTENANCE_MODE", Header: jsonCT,
		Fields: map[string]any{"reason": reason, "path": path, "message": "This endpoint is temporarily unavailable"},
		Absent: []string{"retry_after"}, NoHeader: []string{"Retry-After"}}
}

func disabled(reason, path string) Want {
	return Want{Status: 503, Code: "ROUTE_DISABLED", Header: jsonCT,
		Fields: map[string]any{"reason": reason, "path": path, "message": "This endpoint has been disabled"},
		Absent: []string{"retry_after"}, NoHeader: []string{"Retry-After"}}
}

// appNotFoundBody is what the app's own 404 answers.
const appNotFoundBody = "app: no such page"

// appWithNotFound is the default app with its own answer to unknown paths.
func appWithNotFound() *App {
	a := DefaultApp()
	a.NotFound = func() (int, string) { return http.StatusNotFound, appNotFoundBody }
	return &a
}

// appWithJSONNotFound is the default app asking for the engine's JSON
// body for hidden routes.
func appWithJSONNotFound() *App {
	a := DefaultApp()
	a.JSONNotFound = true
	return &a
}

func notFound(path string) Want {
	return Want{Status: 404, Code: "NOT_FOUND", Header: jsonCT, Fields: map[string]any{"path": path},
		Absent: []string{"reason", "allowed_envs", "current_env"}, NotContains: []string{"dev", "staging", "env"}}
}

// Cases returns the conformance table.
func Cases() []Case {
	windowed := func(remaining int, end time.Time) Want {
		w := maint("Planned upgrade", "/window")
		w.Absent, w.NoHeader = nil, nil
		w.Header = map[string]string{"Retry-After": fmt.Sprint(remaining), "Content-Type": "application/json"}
		w.Fields["retry_after"] = end.Format(time.RFC3339)
		return w
	}
	return append([]Case{
		// Declared state, fresh backend.
		{Name: "plain route is served", Method: "GET", Path: "/orders", Want: ok200},
		{Name: "plain POST is served", Method: "POST", Path: "/orders", Want: ok200},
		{Name: "path parameter route is served", Method: "GET", Path: "/orders/42", Want: ok200},
		{Name: "declared maintenance answers 503", Method: "GET", Path: "/payments", Want: maint("DB migration", "/payments")},
		{Name: "maintenance body is byte-exact", Method: "GET", Path: "/payments", Want: Want{Status: 503, Code: "MAINTENANCE_MODE", Body: maintenanceBody}},
		{Name: "declared disabled answers 503", Method: "GET", Path: "/old-reports", Want: disabled("Replaced by /reports", "/old-reports")},
		{Name: "env-gated route answers like an unknown path", Method: "GET", Path: "/debug", SameAs: "/no-such-route"},
		{Name: "env-gated route answers like an unknown path, the app's 404 installed", App: appWithNotFound(), Method: "GET", Path: "/debug", SameAs: "/no-such-route"},
		{Name: "the app's 404 is installed", App: appWithNotFound(), Method: "GET", Path: "/no-such-route", Want: Want{Status: 404, Body: appNotFoundBody}},
		{Name: "env-gated route answers JSON when asked", App: appWithJSONNotFound(), Method: "GET", Path: "/debug", Want: notFound("/debug")},
		{Name: "env-gated route is served in dev", Env: "dev", Method: "GET", Path: "/debug", Want: ok200},
		{Name: "env-gated route is served in staging", Env: "staging", Method: "GET", Path: "/debug", Want: ok200},
		{Name: "deprecated route has RFC headers, dated when its deprecation was registered", Method: "GET", Path: "/legacy/orders", Want: Want{Status: 200,
			Header: map[string]string{"Deprecation": registered, "Sunset": sunset, "Link": orderLink}}},
		{Name: "deprecation date is sent as @unix", Method: "GET", Path: "/legacy/v0", Want: Want{Status: 200,
			Header: map[string]string{"Deprecation": fmt.Sprintf("@%d", time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC).Unix()),
				"Sunset": "Thu, 31 Dec 2026 12:00:00 GMT", "Link": `<https://api.example.com/v2>; rel="successor-version"`}}},
		{Name: "deprecated without dates sends only Deprecation, dated when registered", Method: "GET", Path: "/sunsetless", Want: Want{Status: 200,
			Header: map[string]string{"Deprecation": registered}, NoHeader: []string{"Sunset", "Link"}}},
		{Name: "force-active route is served", Method: "GET", Path: "/health", Want: ok200},
		{Name: "catch-all route carries its declaration", Method: "GET", Path: "/files/a/b.txt", Want: maint("files moving", "/files/a/b.txt")},
		{Name: "all-methods route is served for any method", Method: "DELETE", Path: "/anything", Want: ok200},
		{Name: "reason is JSON-escaped", Method: "GET", Path: "/escape", Want: Want{Status: 503, Code: "MAINTENANCE_MODE",
			Fields: map[string]any{"reason": `<script>alert("x")</script> & co`}, NotContains: []string{"<script>"}}},

		// Groups.
		{Name: "group declaration applies to GET", Method: "GET", Path: "/admin/users", Want: disabled("admin closed", "/admin/users")},
		{Name: "group declaration applies to POST", Method: "POST", Path: "/admin/users", Want: disabled("admin closed", "/admin/users")},
		{Name: "route declaration overrides its group", Method: "GET", Path: "/admin/status", Want: maint("status rebuild", "/admin/status")},
		{Name: "group declaration applies to parameter routes", Method: "GET", Path: "/v1/items/9", Want: maint("v1 retired", "/v1/items/9")},

		// Runtime mutations.
		{Name: "runtime maintenance blocks", Method: "GET", Path: "/orders", Want: maint("reindex", "/orders"),
			Setup: func(ctx context.Context, t testing.TB, e *engine.Engine, _ *clock.Fake) {
				must(t)(e.SetMaintenance(ctx, "GET:/orders", "reindex"))
			}},
		{Name: "runtime maintenance is per method", Method: "POST", Path: "/orders", Want: ok200,
			Setup: func(ctx context.Context, t testing.TB, e *engine.Engine, _ *clock.Fake) {
				must(t)(e.SetMaintenance(ctx, "GET:/orders", "reindex"))
			}},
		{Name: "runtime enable lifts declared maintenance", Method: "GET", Path: "/payments", Want: ok200,
			Setup: func(ctx context.Context, t testing.TB, e *engine.Engine, _ *clock.Fake) {
				must(t)(e.Enable(ctx, "GET:/payments"))
			}},
		{Name: "runtime enable by bare path", Method: "GET", Path: "/old-reports", Want: ok200,
			Setup: func(ctx context.Context, t testing.TB, e *engine.Engine, _ *clock.Fake) {
				must(t)(e.Enable(ctx, "/old-reports"))
			}},
		{Name: "runtime disable of a parameter route echoes the concrete path", Method: "GET", Path: "/orders/7", Want: disabled("gone", "/orders/7"),
			Setup: func(ctx context.Context, t testing.TB, e *engine.Engine, _ *clock.Fake) {
				must(t)(e.Disable(ctx, "GET:/orders/{id}", "gone"))
			}},
		{Name: "runtime env gate hides the route", Method: "GET", Path: "/orders", SameAs: "/no-such-route",
			Setup: func(ctx context.Context, t testing.TB, e *engine.Engine, _ *clock.Fake) {
				must(t)(e.SetEnvOnly(ctx, "GET:/orders", []string{"dev"}))
			}},
		{Name: "runtime deprecation adds headers", Method: "GET", Path: "/orders", Want: Want{Status: 200,
			Header: map[string]string{"Deprecation": fmt.Sprintf("@%d", Start.Unix()), "Sunset": sunset, "Link": "</v2/orders>; rel=\"successor-version\""}},
			Setup: func(ctx context.Context, t testing.TB, e *engine.Engine, _ *clock.Fake) {
				must(t)(e.Deprecate(ctx, "GET:/orders", "2027-01-01", "/v2/orders"))
			}},
		{Name: "runtime maintenance on an all-methods route", Method: "PATCH", Path: "/anything", Want: maint("busy", "/anything"),
			Setup: func(ctx context.Context, t testing.TB, e *engine.Engine, _ *clock.Fake) {
				must(t)(e.SetMaintenance(ctx, "/anything", "busy"))
			}},
		{Name: "runtime enable of a group route", Method: "GET", Path: "/admin/users", Want: ok200,
			Setup: func(ctx context.Context, t testing.TB, e *engine.Engine, _ *clock.Fake) {
				must(t)(e.Enable(ctx, "GET:/admin/users"))
			}},

		// Global maintenance.
		{Name: "global maintenance blocks plain routes", Method: "GET", Path: "/orders", Setup: globalOn("deploy"), Want: maint("deploy", "/orders")},
		{Name: "global maintenance beats deprecation", Method: "GET", Path: "/legacy/orders", Setup: globalOn("deploy"),
			Want: func() Want {
				w := maint("deploy", "/legacy/orders")
				w.NoHeader = append(w.NoHeader, "Deprecation")
				return w
			}()},
		{Name: "global maintenance beats env gating", Env: "dev", Method: "GET", Path: "/debug", Setup: globalOn("deploy"), Want: maint("deploy", "/debug")},
		{Name: "global maintenance spares force-active routes", Method: "GET", Path: "/health", Setup: globalOn("deploy"), Want: ok200},
		{Name: "global maintenance with include_force_active blocks them", Method: "GET", Path: "/health",
			Setup: globalOn("deploy", engine.IncludeForceActive()), Want: maint("deploy", "/health")},
		{Name: "exempt template serves every method", Method: "POST", Path: "/orders",
			Setup: globalOn("deploy", engine.WithExemptPaths("/orders")), Want: ok200},
		{Name: "exempt key serves only its method", Method: "POST", Path: "/orders",
			Setup: globalOn("deploy", engine.WithExemptPaths("GET:/orders")), Want: maint("deploy", "/orders")},
		{Name: "exempt parameter template", Method: "GET", Path: "/orders/5",
			Setup: globalOn("deploy", engine.WithExemptPaths("/orders/{id}")), Want: ok200},
		{Name: "exempt paths set without toggling apply on enable", Method: "GET", Path: "/orders",
			Setup: func(ctx context.Context, t testing.TB, e *engine.Engine, _ *clock.Fake) {
				must(t)(e.SetExemptPaths(ctx, engine.GlobalScope(), []string{"GET:/orders"}))
				must(t)(e.EnableMaintenance(ctx, engine.GlobalScope(), "deploy"))
			}, Want: ok200},
		{Name: "global maintenance off restores route states", Method: "GET", Path: "/orders",
			Setup: func(ctx context.Context, t testing.TB, e *engine.Engine, _ *clock.Fake) {
				must(t)(e.EnableMaintenance(ctx, engine.GlobalScope(), "deploy"))
				must(t)(e.DisableMaintenance(ctx, engine.GlobalScope()))
			}, Want: ok200},
		{Name: "another service's maintenance does not apply", Method: "GET", Path: "/orders",
			Setup: func(ctx context.Context, t testing.TB, e *engine.Engine, _ *clock.Fake) {
				must(t)(e.EnableMaintenance(ctx, engine.ServiceScope("billing"), "billing down"))
			}, Want: ok200},

		// Windows.
		{Name: "declared window is pending before start", Method: "GET", Path: "/window", Want: ok200},
		{Name: "declared window blocks inside with Retry-After seconds", Method: "GET", Path: "/window", Want: windowed(1800, windowEnd),
			Setup: func(_ context.Context, _ testing.TB, _ *engine.Engine, clk *clock.Fake) {
				clk.Advance(90 * time.Minute)
			}},
		{Name: "declared window restores after end", Method: "GET", Path: "/window", Want: ok200,
			Setup: func(_ context.Context, _ testing.TB, _ *engine.Engine, clk *clock.Fake) { clk.Advance(3 * time.Hour) }},
		{Name: "scheduled window is pending until start", Method: "GET", Path: "/orders", Want: ok200,
			Setup: func(ctx context.Context, t testing.TB, e *engine.Engine, clk *clock.Fake) {
				must(t)(e.Schedule(ctx, "GET:/orders", route.Window{Start: Start.Add(time.Hour), End: Start.Add(2 * time.Hour), Reason: "upgrade"}))
				clk.Advance(59 * time.Minute)
			}},
		{Name: "scheduled window blocks once started", Method: "GET", Path: "/orders",
			Want: func() Want {
				w := maint("upgrade", "/orders")
				w.Absent, w.NoHeader = nil, nil
				w.Header = map[string]string{"Retry-After": "3600"}
				return w
			}(),
			Setup: func(ctx context.Context, t testing.TB, e *engine.Engine, clk *clock.Fake) {
				must(t)(e.Schedule(ctx, "GET:/orders", route.Window{Start: Start.Add(time.Hour), End: Start.Add(2 * time.Hour), Reason: "upgrade"}))
				clk.Advance(time.Hour)
			}},
		{Name: "scheduled window returns to the previous status", Method: "GET", Path: "/legacy/orders",
			Want: Want{Status: 200, Header: map[string]string{"Deprecation": registered, "Sunset": sunset}},
			Setup: func(ctx context.Context, t testing.TB, e *engine.Engine, clk *clock.Fake) {
				must(t)(e.Schedule(ctx, "GET:/legacy/orders", route.Window{Start: Start.Add(time.Hour), End: Start.Add(2 * time.Hour), Reason: "upgrade"}))
				clk.Advance(2 * time.Hour)
			}},
		{Name: "cancelling a running window restores at once", Method: "GET", Path: "/orders", Want: ok200,
			Setup: func(ctx context.Context, t testing.TB, e *engine.Engine, clk *clock.Fake) {
				must(t)(e.Schedule(ctx, "GET:/orders", route.Window{Start: Start, End: Start.Add(time.Hour), Reason: "now"}))
				clk.Advance(time.Minute)
				must(t)(e.CancelSchedule(ctx, "GET:/orders"))
			}},
		{Name: "disable until blocks before its end", Method: "GET", Path: "/orders", Want: disabled("paused", "/orders"),
			Setup: func(ctx context.Context, t testing.TB, e *engine.Engine, clk *clock.Fake) {
				must(t)(e.Disable(ctx, "GET:/orders", "paused", engine.Until(Start.Add(time.Hour))))
				clk.Advance(30 * time.Minute)
			}},
		{Name: "disable until re-enables at its end", Method: "GET", Path: "/orders", Want: ok200,
			Setup: func(ctx context.Context, t testing.TB, e *engine.Engine, clk *clock.Fake) {
				must(t)(e.Disable(ctx, "GET:/orders", "paused", engine.Until(Start.Add(time.Hour))))
				clk.Advance(time.Hour)
			}},

		// Custom responses.
		{Name: "route responder answers its blocks", Method: "GET", Path: "/custom",
			Want: Want{Status: 418, Body: "route:maintenance:custom reason"}},
		{Name: "app responder answers blocks", App: appWith(customApp), Method: "GET", Path: "/payments",
			Want: Want{Status: 599, Body: "app:maintenance"}},
		{Name: "app responder sees env-gated outcome", App: appWith(customApp), Method: "GET", Path: "/debug",
			Want: Want{Status: 599, Body: "app:not_found"}},
		{Name: "route responder beats app responder", App: appWith(customApp), Method: "GET", Path: "/custom",
			Want: Want{Status: 418, Body: "route:maintenance:custom reason"}},
		{Name: "route responder answers global maintenance", Method: "GET", Path: "/custom", Setup: globalOn("deploy"),
			Want: Want{Status: 418, Body: "route:maintenance:deploy"}},
		{Name: "app responder is not used for allowed requests", App: appWith(customApp), Method: "GET", Path: "/orders", Want: ok200},

		// Mounted handlers (the admin) are never blocked.
		{Name: "mounted handler sees the stripped path", Method: "GET", Path: "/waygate/api/routes", Want: Want{Status: 200, Body: "admin:/api/routes"}},
		{Name: "mounted handler is served during global maintenance", Method: "POST", Path: "/waygate/api/global/disable",
			Setup: globalOn("deploy", engine.IncludeForceActive()), Want: Want{Status: 200, Body: "admin:/api/global/disable"}},
		{Name: "mounted handler is not rate limited", Setup: setGlobal("1/minute"), Prior: times(3, get("/waygate/api/health", 200)),
			Method: "GET", Path: "/waygate/api/health", Want: Want{Status: 200, Body: "admin:/api/health", NoHeader: noRateHeaders}},
		{Name: "mounted paths are not routes of the API", Method: "GET", Path: "/orders", Want: ok200,
			Setup: func(_ context.Context, t testing.TB, e *engine.Engine, _ *clock.Fake) {
				for _, st := range e.Routes() {
					if strings.Contains(st.Path, MountPrefix) {
						t.Fatalf("mounted path registered as a route: %s", st.Path)
					}
				}
			}},

		// Test mode.
		{Name: "bypass lifecycle serves blocked routes", Method: "GET", Path: "/payments", Want: ok200,
			Setup: func(_ context.Context, _ testing.TB, e *engine.Engine, _ *clock.Fake) { e.SetBypass(true, false) }},
		{Name: "bypass lifecycle ignores global maintenance", Method: "GET", Path: "/orders", Want: ok200,
			Setup: func(ctx context.Context, t testing.TB, e *engine.Engine, _ *clock.Fake) {
				must(t)(e.EnableMaintenance(ctx, engine.GlobalScope(), "deploy"))
				e.SetBypass(true, false)
			}},
	}, append(rateLimitCases(), PathCases()...)...)
}
