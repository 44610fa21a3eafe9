package admin_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/waygate-go/waygate/admin"
	"github.com/waygate-go/waygate/core/clock"
	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/ratelimit"
	"github.com/waygate-go/waygate/core/route"
	"github.com/waygate-go/waygate/core/waygatetest"
	"github.com/waygate-go/waygate/core/webhook"
)

const (
	adminPass  = "admin-password-1"
	viewerPass = "viewer-password-1"
)

// fixture is an engine with the demo routes, the admin handler mounted at
// /waygate on a real HTTP server, and tokens for an admin and a viewer.
type fixture struct {
	t           *testing.T
	eng         *engine.Engine
	clk         *clock.Fake
	h           *admin.Handler
	srv         *httptest.Server
	base        string
	adminToken  string
	viewerToken string
}

// newFixture builds a fixture; extra options are applied after the
// defaults (users, clock, fast password hashing).
func newFixture(t *testing.T, opts ...admin.Option) *fixture {
	t.Helper()
	eng, clk := waygatetest.NewEngine(t)
	return newFixtureOn(t, eng, clk, opts...)
}

func newFixtureOn(t *testing.T, eng *engine.Engine, clk *clock.Fake, opts ...admin.Option) *fixture {
	t.Helper()
	users := []admin.Option{
		admin.WithUser("admin", adminPass, admin.RoleAdmin),
		admin.WithUser("viewer", viewerPass, admin.RoleViewer),
	}
	return build(t, eng, clk, append(users, opts...), true)
}

// newHookFixture builds a fixture whose handler serves a dispatcher with
// the webhooks hookOpts give.
func newHookFixture(t *testing.T, hookOpts ...webhook.Option) *fixture {
	t.Helper()
	eng, clk := waygatetest.NewEngine(t)
	return newFixtureOn(t, eng, clk, withHooks(t, eng, hookOpts...))
}

// newOpenFixture serves without authentication.
func newOpenFixture(t *testing.T) *fixture {
	t.Helper()
	eng, clk := waygatetest.NewEngine(t)
	return build(t, eng, clk, []admin.Option{admin.WithOpenAccess()}, false)
}

func build(t *testing.T, eng *engine.Engine, clk *clock.Fake, opts []admin.Option, users bool) *fixture {
	t.Helper()
	registerDemo(t, eng)
	all := append([]admin.Option{
		admin.WithClock(clk),
		admin.WithLogger(slog.New(slog.DiscardHandler)),
		admin.WithIterations(1000),
		withHooks(t, eng),
	}, opts...)
	h, srv := serveAdmin(t, eng, all...)
	f := &fixture{t: t, eng: eng, clk: clk, h: h, srv: srv, base: srv.URL + "/waygate"}
	if users {
		f.adminToken = f.login("admin", adminPass)
		f.viewerToken = f.login("viewer", viewerPass)
	}
	return f
}

// registerDemo declares the routes the tests change.
func registerDemo(t *testing.T, eng *engine.Engine) {
	t.Helper()
	decl := func(opts ...route.Option) route.Declaration {
		d, err := route.Declare(opts...)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	err := eng.Register(context.Background(),
		engine.Registration{Method: "GET", Template: "/health", Declaration: decl(route.ForceActive())},
		engine.Registration{Method: "GET", Template: "/payments", Declaration: decl(route.Maintenance("DB migration"))},
		engine.Registration{Method: "GET", Template: "/orders"},
		engine.Registration{Method: "POST", Template: "/orders"},
		engine.Registration{Method: "GET", Template: "/orders/{id}"},
		engine.Registration{Method: "GET", Template: "/posts", Declaration: decl(route.RateLimit("5/minute"))},
	)
	if err != nil {
		t.Fatal(err)
	}
}

// response is a finished request.
type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) json(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("body %q is not JSON: %v", r.body, err)
	}
}

// errorMessage returns the body's "error" field, failing when absent.
func (r response) errorMessage(t *testing.T) string {
	t.Helper()
	var body map[string]any
	r.json(t, &body)
	msg, _ := body["error"].(string)
	if msg == "" {
		t.Fatalf("status %d body %s has no error message", r.status, r.body)
	}
	return msg
}

// call sends a request with an optional token and raw body.
func (f *fixture) call(method, path, token, body string, header ...string) response {
	f.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, f.base+path, rd)
	if err != nil {
		f.t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set(admin.TokenHeader, token)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return f.send(req)
}

func (f *fixture) send(req *http.Request) response {
	f.t.Helper()
	resp, err := f.srv.Client().Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		f.t.Fatal(err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: b}
}

// as calls as the admin.
func (f *fixture) as(method, path, body string) response {
	f.t.Helper()
	return f.call(method, path, f.adminToken, body)
}

// want fails unless r has status.
func want(t *testing.T, r response, status int) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d; body %s", r.status, status, r.body)
	}
}

func (f *fixture) login(user, pass string) string {
	f.t.Helper()
	r := f.call("POST", "/api/auth/login", "", mustJSON(map[string]string{"username": user, "password": pass}))
	want(f.t, r, http.StatusOK)
	var out struct{ Token string }
	r.json(f.t, &out)
	if out.Token == "" {
		f.t.Fatalf("login returned no token: %s", r.body)
	}
	return out.Token
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// key is the URL segment of a route key.
func key(k string) string { return admin.EncodeRouteKey(k) }

// state decodes a RouteState body.
func state(t *testing.T, r response) route.State {
	t.Helper()
	var st route.State
	r.json(t, &st)
	return st
}

// policies decodes a rate-limit policy body.
func policy(t *testing.T, r response) ratelimit.Policy {
	t.Helper()
	var p ratelimit.Policy
	r.json(t, &p)
	return p
}

// compact re-encodes JSON without spaces, for comparisons.
func compact(t *testing.T, b []byte) string {
	t.Helper()
	var buf bytes.Buffer
	if err := json.Compact(&buf, b); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// withHooks serves a webhook dispatcher on eng with opts, retrying three
// times a millisecond apart on the engine's clock; it closes when the test
// ends.
func withHooks(t *testing.T, eng *engine.Engine, opts ...webhook.Option) admin.Option {
	t.Helper()
	d, err := webhook.New(eng, append([]webhook.Option{webhook.WithRetry(3, time.Millisecond), webhook.WithLogger(slog.New(slog.DiscardHandler))}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return admin.WithWebhooks(d)
}
