package conformance

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/waygate-go/waygate/core/clock"
	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/ratelimit"
	"github.com/waygate-go/waygate/core/route"
)

// rateLimitRoutes are the rate-limited routes of the conformance app.
func rateLimitRoutes() []Route {
	get := func(path string, limit string, opts ...ratelimit.Option) Route {
		return Route{Method: "GET", Path: path, Options: []route.Option{route.RateLimit(limit, opts...)}}
	}
	return []Route{
		get("/posts", "5/minute"),
		get("/reports", "2/minute", ratelimit.Tiers(ratelimit.Tier{Name: "free", Limit: "2/minute"}, ratelimit.Tier{Name: "pro", Limit: "10/minute"})),
		get("/rl/sliding", "3/minute", ratelimit.Algo(ratelimit.SlidingWindow)),
		get("/rl/moving", "3/minute", ratelimit.Algo(ratelimit.MovingWindow)),
		get("/rl/bucket", "3/minute", ratelimit.Algo(ratelimit.TokenBucket), ratelimit.Burst(2)),
		get("/rl/burst", "2/minute", ratelimit.Burst(1)),
		get("/rl/apikey", "2/minute", ratelimit.By(ratelimit.KeyAPIKey)),
		get("/rl/shared", "2/minute", ratelimit.By(ratelimit.KeyGlobal)),
		get("/rl/user-block", "2/minute", ratelimit.By(ratelimit.KeyUser), ratelimit.WhenMissing(ratelimit.MissingBlock)),
		get("/rl/user", "1/minute", ratelimit.By(ratelimit.KeyUser)),
		get("/rl/exempt", "1/minute", ratelimit.ExemptIPs("198.51.100.0/24"), ratelimit.ExemptRoles("admin")),
		get("/rl/tenant", "1/minute", ratelimit.ByFunc(func(r ratelimit.Request) (string, bool) {
			t := r.HeaderValue("X-Tenant")
			return t, t != ""
		})),
		get("/rl/multi", "2/second;3/minute"),
		get("/rl/unlimited", "unlimited"),
		{Method: "GET", Path: "/rl/custom429", Options: []route.Option{route.RateLimit("1/minute")}, Respond: customRoute},
	}
}

// Start+60s, as X-RateLimit-Reset reports it.
var resetMinute = fmt.Sprint(Start.Add(time.Minute).Unix())

var noRateHeaders = []string{"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset", "RateLimit", "RateLimit-Policy"}

func limited(limit string, retry int, path string) Want {
	return Want{Status: 429, Code: "RATE_LIMIT_EXCEEDED",
		Fields: map[string]any{"limit": limit, "retry_after_seconds": retry, "path": path, "message": "Too many requests"},
		Header: map[string]string{"Retry-After": fmt.Sprint(retry), "X-RateLimit-Remaining": "0", "Content-Type": "application/json"}}
}

func served(limit, remaining int) Want {
	return Want{Status: 200, Header: map[string]string{
		"X-RateLimit-Limit": fmt.Sprint(limit), "X-RateLimit-Remaining": fmt.Sprint(remaining)}}
}

func get(path string, status int) Step { return Step{Method: "GET", Path: path, Status: status} }

func getAs(path string, header map[string]string, status int) Step {
	return Step{Method: "GET", Path: path, Header: header, Status: status}
}

func do(f func(ctx context.Context, t testing.TB, e *engine.Engine)) Step {
	return Step{Method: "GET", Path: "/orders", Do: f, Status: 0}
}

func rateLimitCases() []Case {
	pro := map[string]string{HeaderUser: "alice", HeaderPlan: "pro"}
	free := map[string]string{HeaderUser: "bob", HeaderPlan: "free"}
	ptr := func(s string) *string { return &s }
	return []Case{
		{Name: "rl: first counted request carries every header", Method: "GET", Path: "/posts",
			Want: Want{Status: 200, Header: map[string]string{
				"X-RateLimit-Limit": "5", "X-RateLimit-Remaining": "4", "X-RateLimit-Reset": resetMinute,
				"RateLimit-Policy": `"default";q=5;w=60`, "RateLimit": `"default";r=4;t=60`}}},
		{Name: "rl: remaining counts down to zero", Prior: times(4, get("/posts", 200)), Method: "GET", Path: "/posts", Want: served(5, 0)},
		{Name: "rl: sixth request in a minute is 429", Prior: times(5, get("/posts", 200)), Method: "GET", Path: "/posts",
			Want: func() Want {
				w := limited("5/minute", 60, "/posts")
				w.Header["X-RateLimit-Reset"] = resetMinute
				return w
			}()},
		{Name: "rl: another client has its own counter", Prior: times(5, get("/posts", 200)), Method: "GET", Path: "/posts",
			RemoteAddr: "192.0.2.99:4000", Want: served(5, 4)},
		{Name: "rl: the window resets", Prior: append(times(5, get("/posts", 200)),
			Step{Method: "GET", Path: "/posts", Status: 429, Advance: 30 * time.Second},
			Step{Method: "GET", Path: "/posts", Status: 200, Advance: 30 * time.Second}),
			Method: "GET", Path: "/posts", Want: served(5, 3)},
		{Name: "rl: pro tier gets its own limit", Prior: times(10, getAs("/reports", pro, 200)), Method: "GET", Path: "/reports", Header: pro,
			Want: limited("10/minute", 60, "/reports")},
		{Name: "rl: free tier is limited sooner", Prior: times(2, getAs("/reports", free, 200)), Method: "GET", Path: "/reports", Header: free,
			Want: limited("2/minute", 60, "/reports")},
		{Name: "rl: unknown tier gets the base limit", Prior: times(2, getAs("/reports", map[string]string{HeaderUser: "carol", HeaderPlan: "gold"}, 200)),
			Method: "GET", Path: "/reports", Header: map[string]string{HeaderUser: "carol", HeaderPlan: "gold"}, Want: limited("2/minute", 60, "/reports")},
		{Name: "rl: users are counted apart", Prior: times(2, getAs("/reports", free, 200)), Method: "GET", Path: "/reports",
			Header: map[string]string{HeaderUser: "dave", HeaderPlan: "free"}, Want: served(2, 1)},
		{Name: "rl: sliding window", Prior: times(3, get("/rl/sliding", 200)), Method: "GET", Path: "/rl/sliding", Want: Want{Status: 429, Code: "RATE_LIMIT_EXCEEDED"}},
		{Name: "rl: moving window tells when the oldest request leaves", Prior: []Step{get("/rl/moving", 200), {Method: "GET", Path: "/rl/moving", Advance: 10 * time.Second, Status: 200}, get("/rl/moving", 200)},
			Method: "GET", Path: "/rl/moving", Want: limited("3/minute", 50, "/rl/moving")},
		{Name: "rl: token bucket holds limit plus burst", Prior: times(5, get("/rl/bucket", 200)), Method: "GET", Path: "/rl/bucket", Want: limited("3/minute", 20, "/rl/bucket")},
		{Name: "rl: token bucket refills", Prior: append(times(5, get("/rl/bucket", 200)), Step{Method: "GET", Path: "/rl/bucket", Status: 200, Advance: 20 * time.Second}),
			Method: "GET", Path: "/rl/bucket", Want: Want{Status: 429, Code: "RATE_LIMIT_EXCEEDED"}},
		{Name: "rl: burst adds to a fixed window", Prior: times(3, get("/rl/burst", 200)), Method: "GET", Path: "/rl/burst", Want: limited("2/minute", 60, "/rl/burst")},
		{Name: "rl: API keys are counted apart", Prior: times(2, getAs("/rl/apikey", map[string]string{"X-API-Key": "k1"}, 200)), Method: "GET", Path: "/rl/apikey",
			Header: map[string]string{"X-API-Key": "k2"}, Want: served(2, 1)},
		{Name: "rl: a missing API key falls back to the IP", Prior: times(2, get("/rl/apikey", 200)), Method: "GET", Path: "/rl/apikey", Want: Want{Status: 429, Code: "RATE_LIMIT_EXCEEDED"}},
		{Name: "rl: global key shares one counter", Prior: []Step{{Method: "GET", Path: "/rl/shared", RemoteAddr: "203.0.113.1:1", Status: 200}, {Method: "GET", Path: "/rl/shared", RemoteAddr: "203.0.113.2:1", Status: 200}},
			Method: "GET", Path: "/rl/shared", RemoteAddr: "203.0.113.3:1", Want: Want{Status: 429, Code: "RATE_LIMIT_EXCEEDED"}},
		{Name: "rl: missing user blocks when told to", Method: "GET", Path: "/rl/user-block", Want: limited("2/minute", 0, "/rl/user-block")},
		{Name: "rl: missing user is exempt by default", Prior: times(3, get("/rl/user", 200)), Method: "GET", Path: "/rl/user", Want: Want{Status: 200, NoHeader: noRateHeaders}},
		{Name: "rl: exempt IP is neither counted nor told", Prior: times(3, Step{Method: "GET", Path: "/rl/exempt", RemoteAddr: "198.51.100.7:1", Status: 200}),
			Method: "GET", Path: "/rl/exempt", RemoteAddr: "198.51.100.7:1", Want: Want{Status: 200, NoHeader: noRateHeaders}},
		{Name: "rl: exempt role", Prior: times(3, getAs("/rl/exempt", map[string]string{HeaderRoles: "reader,admin"}, 200)), Method: "GET", Path: "/rl/exempt",
			Header: map[string]string{HeaderRoles: "reader,admin"}, Want: Want{Status: 200, NoHeader: noRateHeaders}},
		{Name: "rl: spoofed X-Forwarded-For does not get a fresh counter", Prior: times(5, getAs("/posts", map[string]string{"X-Forwarded-For": "203.0.113.50"}, 200)),
			Method: "GET", Path: "/posts", Header: map[string]string{"X-Forwarded-For": "203.0.113.51"}, Want: Want{Status: 429, Code: "RATE_LIMIT_EXCEEDED"}},
		{Name: "rl: a trusted proxy's X-Forwarded-For names the client", Options: []engine.Option{engine.WithTrustedProxies("192.0.2.0/24")},
			Prior:  times(5, getAs("/posts", map[string]string{"X-Forwarded-For": "203.0.113.50"}, 200)),
			Method: "GET", Path: "/posts", Header: map[string]string{"X-Forwarded-For": "203.0.113.51, 192.0.2.7"}, Want: served(5, 4)},
		{Name: "rl: IPv6 clients are keyed per /64", Prior: times(5, Step{Method: "GET", Path: "/posts", RemoteAddr: "[2001:db8:1:2::1]:443", Status: 200}),
			Method: "GET", Path: "/posts", RemoteAddr: "[2001:db8:1:2:ffff::9]:443", Want: Want{Status: 429, Code: "RATE_LIMIT_EXCEEDED"}},
		{Name: "rl: custom key function", Prior: []Step{getAs("/rl/tenant", map[string]string{"X-Tenant": "acme"}, 200)}, Method: "GET", Path: "/rl/tenant",
			Header: map[string]string{"X-Tenant": "globex"}, Want: served(1, 0)},
		{Name: "rl: several rates are all enforced", Prior: []Step{get("/rl/multi", 200), get("/rl/multi", 200)}, Method: "GET", Path: "/rl/multi",
			Want: Want{Status: 429, Code: "RATE_LIMIT_EXCEEDED", Fields: map[string]any{"limit": "2/second;3/minute", "retry_after_seconds": 1}}},
		{Name: "rl: a blocked request uses no quota of the other rates", Prior: []Step{get("/rl/multi", 200), get("/rl/multi", 200), get("/rl/multi", 429),
			{Method: "GET", Path: "/rl/multi", Advance: time.Second, Status: 200}}, Method: "GET", Path: "/rl/multi",
			Want: Want{Status: 429, Code: "RATE_LIMIT_EXCEEDED", Header: map[string]string{"Retry-After": "59"}}},
		{Name: "rl: unlimited sends no headers", Prior: times(5, get("/rl/unlimited", 200)), Method: "GET", Path: "/rl/unlimited", Want: Want{Status: 200, NoHeader: noRateHeaders}},
		{Name: "rl: route responder answers 429", Prior: []Step{get("/rl/custom429", 200)}, Method: "GET", Path: "/rl/custom429",
			Want: Want{Status: 418, Body: "route:rate_limited:"}},
		{Name: "rl: app responder answers 429", App: appWith(customApp), Prior: times(5, get("/posts", 200)), Method: "GET", Path: "/posts",
			Want: Want{Status: 599, Body: "app:rate_limited"}},
		{Name: "rl: plain routes carry no rate headers", Method: "GET", Path: "/orders", Want: Want{Status: 200, NoHeader: noRateHeaders}},

		// Layering and lifecycle.
		{Name: "rl: global limit applies to every route", Setup: setGlobal("2/minute"), Prior: []Step{get("/orders", 200), get("/orders/1", 200)},
			Method: "GET", Path: "/orders", Want: limited("2/minute", 60, "/orders")},
		{Name: "rl: global limit skips its exempt routes", Setup: setGlobal("1/minute", "GET:/orders"), Prior: times(3, get("/orders", 200)),
			Method: "GET", Path: "/orders", Want: Want{Status: 200, NoHeader: noRateHeaders}},
		{Name: "rl: global limit skips force-active routes", Setup: setGlobal("1/minute"), Prior: times(3, get("/health", 200)),
			Method: "GET", Path: "/health", Want: Want{Status: 200, NoHeader: noRateHeaders}},
		{Name: "rl: a global block leaves the route's quota alone", Setup: setGlobal("2/minute"),
			Prior:  []Step{get("/posts", 200), get("/posts", 200), get("/posts", 429), do(deleteGlobal)},
			Method: "GET", Path: "/posts", Want: served(5, 2)},
		{Name: "rl: the most restrictive counted policy sets the headers", Setup: setGlobal("3/minute"), Prior: []Step{get("/posts", 200)},
			Method: "GET", Path: "/posts", Want: served(3, 1)},
		{Name: "rl: requests blocked by maintenance use no quota",
			Setup: func(ctx context.Context, t testing.TB, e *engine.Engine, _ *clock.Fake) {
				must(t)(e.SetMaintenance(ctx, "GET:/posts", "m"))
			},
			Prior:  append(times(6, get("/posts", 503)), do(func(ctx context.Context, t testing.TB, e *engine.Engine) { must(t)(e.Enable(ctx, "GET:/posts")) })),
			Method: "GET", Path: "/posts", Want: served(5, 4)},
		{Name: "rl: a runtime limit on a plain route", Setup: func(ctx context.Context, t testing.TB, e *engine.Engine, _ *clock.Fake) {
			must(t)(e.SetRateLimit(ctx, engine.RouteScope("GET:/orders"), ratelimit.Patch{Limit: ptr("1/minute")}))
		}, Prior: []Step{get("/orders", 200)}, Method: "GET", Path: "/orders", Want: limited("1/minute", 60, "/orders")},
		{Name: "rl: a runtime update keeps the tiers", Setup: func(ctx context.Context, t testing.TB, e *engine.Engine, _ *clock.Fake) {
			must(t)(e.SetRateLimit(ctx, engine.RouteScope("GET:/reports"), ratelimit.Patch{Limit: ptr("1/minute")}))
		}, Prior: times(10, getAs("/reports", pro, 200)), Method: "GET", Path: "/reports", Header: pro, Want: limited("10/minute", 60, "/reports")},
		{Name: "rl: deleting a declared limit", Setup: func(ctx context.Context, t testing.TB, e *engine.Engine, _ *clock.Fake) {
			if err := e.DeleteRateLimit(ctx, engine.RouteScope("GET:/posts")); err != nil {
				t.Fatal(err)
			}
		}, Prior: times(6, get("/posts", 200)), Method: "GET", Path: "/posts", Want: Want{Status: 200, NoHeader: noRateHeaders}},
		{Name: "rl: reset clears the route's counters", Prior: append(times(5, get("/posts", 200)), do(func(ctx context.Context, t testing.TB, e *engine.Engine) {
			if err := e.ResetRateLimit(ctx, engine.RouteScope("/posts")); err != nil {
				t.Fatal(err)
			}
		})), Method: "GET", Path: "/posts", Want: served(5, 4)},
		{Name: "rl: bypass rate limits", Setup: func(_ context.Context, _ testing.TB, e *engine.Engine, _ *clock.Fake) { e.SetBypass(false, true) },
			Prior: times(6, get("/posts", 200)), Method: "GET", Path: "/posts", Want: Want{Status: 200, NoHeader: noRateHeaders}},
	}
}

func setGlobal(limit string, exempt ...string) func(ctx context.Context, t testing.TB, e *engine.Engine, _ *clock.Fake) {
	return func(ctx context.Context, t testing.TB, e *engine.Engine, _ *clock.Fake) {
		p := ratelimit.Patch{Limit: &limit}
		if len(exempt) > 0 {
			p.ExemptRoutes = &exempt
		}
		must(t)(e.SetRateLimit(ctx, engine.GlobalScope(), p))
	}
}

func deleteGlobal(ctx context.Context, t testing.TB, e *engine.Engine) {
	if err := e.DeleteRateLimit(ctx, engine.GlobalScope()); err != nil {
		t.Fatal(err)
	}
}
