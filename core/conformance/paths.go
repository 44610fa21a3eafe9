package conformance

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/waygate-go/waygate/core/backend"
	"github.com/waygate-go/waygate/core/clock"
	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/route"
)

// Reached starts the body of every handler of the path-trick app, whose
// API routes are all gated: a response starting with it is a gated
// handler reached.
const Reached = "reached:"

// The unguarded paths of the path-trick app: the admin stand-in is mounted
// under MountPrefix, and the docs are two plain routes never checked (as
// the demos serve Swagger UI and the OpenAPI document).
const (
	DocsPath = "/docs"
	SpecPath = "/openapi.json"
)

// PathApp is the app of the path-trick cases: gated routes whose first
// segment is a parameter, beside a mount and unguarded docs routes, so
// that a path a router reads one way and the engine another could reach
// a gated handler. Every API route answers Reached and its template.
func PathApp() App {
	gated := func(path string, opt route.Option) Route {
		return Route{Method: "GET", Path: path, Options: []route.Option{opt}, Body: Reached + path}
	}
	return App{
		MountPrefix: MountPrefix,
		Mounted:     mounted,
		Unguarded:   []string{DocsPath, SpecPath},
		Routes: []Route{
			gated("/{tenant}/payments", route.Maintenance("DB migration")),
			gated("/{tenant}/reports", route.Disabled("gone")),
			gated("/{tenant}/debug", route.EnvOnly("dev")),
			gated("/{tenant}/files/{path...}", route.Maintenance("files moving")),
			{Method: "GET", Path: DocsPath, Body: "docs"},
			{Method: "GET", Path: SpecPath, Body: "spec"},
		},
	}
}

// TrickPaths are request paths that name a mount or docs prefix in
// encoded, doubled, dotted, cased or slashed spellings in front of a gated
// route: each must reach the mount, the docs, the framework's 404 or
// redirect, or the gate, and never a gated handler.
func TrickPaths() []string {
	seps := []string{
		"/", "%2F", "%2f", "%252F", "%25252F", "%5C", "\\", "/./", "/../", "%2F..%2F", "%2F.%2F",
		"//", ";", "%3B", "%00", "%20", "%09", "?", "%3F", "#", "%23",
	}
	prefixes := []string{"/docs", "/openapi.json", "/waygate", "/Docs", "/WAYGATE", "/%64ocs", "/waygate/api", "//docs", "/./docs", "/docs/"}
	tails := []string{"payments", "reports", "debug", "files/a/b", "payments/", "payments//", "./payments", "Payments", "payments%2F"}
	var out []string
	for _, p := range prefixes {
		for _, s := range seps {
			for _, tail := range tails {
				out = append(out, p+s+"x/"+tail)
			}
			out = append(out, p+s+"payments")
		}
	}
	return out
}

// PathCases are the controls of the path-trick app: its routes, mount and
// docs answer as declared, so that the sweep of the trick paths (run by
// Run after the cases) cannot pass by reaching nothing at all.
func PathCases() []Case {
	app := PathApp()
	// enable enables the route whose key starts with prefix (a catch-all's
	// name differs between frameworks).
	enable := func(prefix string) func(ctx context.Context, t testing.TB, e *engine.Engine, _ *clock.Fake) {
		return func(ctx context.Context, t testing.TB, e *engine.Engine, _ *clock.Fake) {
			for _, st := range e.Routes() {
				if strings.HasPrefix(st.Path, prefix) {
					must(t)(e.Enable(ctx, st.Path))
					return
				}
			}
			t.Fatalf("no route key starts with %s", prefix)
		}
	}
	cases := []Case{
		{Name: "paths: a gated param-first route is blocked", App: &app, Method: "GET", Path: "/acme/payments",
			Want: maint("DB migration", "/acme/payments")},
		{Name: "paths: the same route enabled is reached", App: &app, Method: "GET", Path: "/acme/payments",
			Setup: enable("GET:/{tenant}/payments"), Want: Want{Status: 200, Body: Reached + "/{tenant}/payments"}},
		{Name: "paths: a gated catch-all is reached once enabled", App: &app, Method: "GET", Path: "/acme/files/a/b",
			Setup: enable("GET:/{tenant}/files/"), Want: Want{Status: 200, Body: Reached + "/{tenant}/files/{path...}"}},
		{Name: "paths: the docs are served during global maintenance", App: &app, Method: "GET", Path: DocsPath,
			Setup: globalOn("deploy", engine.IncludeForceActive()), Want: Want{Status: 200, Body: "docs"}},
		{Name: "paths: the spec is served during global maintenance", App: &app, Method: "GET", Path: SpecPath,
			Setup: globalOn("deploy", engine.IncludeForceActive()), Want: Want{Status: 200, Body: "spec"}},
		{Name: "paths: the mount is served during global maintenance", App: &app, Method: "GET", Path: "/waygate/api/x",
			Setup: globalOn("deploy", engine.IncludeForceActive()), Want: Want{Status: 200, Body: "admin:/api/x"}},
	}
	return cases
}

// RunPaths runs the path-trick controls and the sweep of the trick paths
// against h: for the variants of a harness under a framework's path
// options (Run runs them with the rest of the table).
func RunPaths(t *testing.T, h Harness) {
	t.Helper()
	for _, c := range PathCases() {
		t.Run(c.Name, func(t *testing.T) { runCase(t, h, c, nil) })
	}
	t.Run("paths: no trick path reaches a gated handler", func(t *testing.T) { sweepPaths(t, h, nil) })
}

// sweepPaths sends every trick path to the path-trick app built by h.
func sweepPaths(t *testing.T, h Harness, extra func(t testing.TB, clk *clock.Fake) []engine.Option) {
	handler := buildPathApp(t, h, extra)
	for _, p := range TrickPaths() {
		res, body := send(handler, "GET", p, nil, "") //nolint:bodyclose // send reads and closes it
		if strings.HasPrefix(string(body), Reached) {
			t.Errorf("GET %s reached a gated handler: %d %s", p, res.StatusCode, body)
		}
	}
}

// buildPathApp builds the path-trick app on a fresh engine.
func buildPathApp(t testing.TB, h Harness, extra func(t testing.TB, clk *clock.Fake) []engine.Option) http.Handler {
	clk := clock.NewFake(Start)
	opts := []engine.Option{engine.WithBackend(backend.NewMemory()), engine.WithClock(clk), engine.WithEnv("production")}
	if extra != nil {
		opts = append(opts, extra(t, clk)...)
	}
	e, err := engine.New(context.Background(), opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	app := PathApp()
	for _, p := range app.Unguarded {
		e.Unguard(p)
	}
	return h.Build(t, e, app)
}

// FuzzGate throws random paths at the path-trick app built by h and fails
// when one reaches a gated handler. Call it from a fuzz test of the
// adapter:
//
//	func FuzzGate(f *testing.F) { conformance.FuzzGate(f, harness{}) }
func FuzzGate(f *testing.F, h Harness) {
	// Seeds: one tail per spelling of a prefix (the sweep sends them all).
	for _, p := range TrickPaths() {
		if strings.HasSuffix(p, "x/payments") {
			f.Add(p)
		}
	}
	handler := buildPathApp(f, h, nil)
	f.Fuzz(func(t *testing.T, path string) {
		if !strings.HasPrefix(path, "/") || strings.ContainsAny(path, " \r\n") {
			return // not a request target a client can send
		}
		u, err := url.ParseRequestURI(path)
		if err != nil {
			return
		}
		req := &http.Request{Method: "GET", URL: u, RequestURI: path, Host: "example.com", Proto: "HTTP/1.1",
			ProtoMajor: 1, ProtoMinor: 1, Header: http.Header{}, RemoteAddr: "192.0.2.10:1234"}
		res, body := serve(handler, req) //nolint:bodyclose // serve reads and closes it
		if strings.HasPrefix(string(body), Reached) {
			t.Fatalf("GET %q reached a gated handler: %d %s", path, res.StatusCode, body)
		}
	})
}
