// Package conformance is the behaviour table every Waygate adapter must
// pass. Each adapter implements the small [Harness] interface (build the
// conformance [App] on its framework) and calls [Run] from a test:
//
//	func TestConformance(t *testing.T) { conformance.Run(t, harness{}) }
//
// Every case starts a fresh engine (memory backend, fake clock, environment
// "production"), builds the app through the harness, optionally changes state
// through the engine, sends one request and checks status, JSON body fields
// and headers. Behaviour lives in core, so a case added here is enforced on
// all four frameworks at once.
package conformance

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/waygate-go/waygate/core/backend"
	"github.com/waygate-go/waygate/core/clock"
	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/route"
)

// Start is the fake clock's time when every case begins.
var Start = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// OKBody is what every route handler of the conformance app answers.
const OKBody = "ok"

// Responder is a framework-neutral custom response: the harness wraps it in
// the adapter's own responder type and answers with the status and body it
// returns.
type Responder func(d engine.Decision) (status int, body string)

// Route is one route of the conformance app.
type Route struct {
	// Method is the HTTP method; "" registers the route for every method.
	Method string
	// Path is the template in {param} form; "{path...}" is a catch-all.
	// The harness converts it to the framework's syntax.
	Path string
	// Options are the route's declarations, passed to the adapter's
	// generic declaration wrapper.
	Options []route.Option
	// Respond, when set, is the route's custom response.
	Respond Responder
	// Body is what the handler answers; "" means OKBody.
	Body string
}

// BodyOf is what the handler of r answers.
func BodyOf(r Route) string {
	if r.Body != "" {
		return r.Body
	}
	return OKBody
}

// Group is a route group with declarations that apply to all its routes.
type Group struct {
	Prefix  string
	Options []route.Option
	Routes  []Route
}

// App is the application a harness builds.
type App struct {
	Routes []Route
	Groups []Group
	// Respond, when set, is the app-wide custom response for every outcome.
	Respond Responder
	// MountPrefix and Mounted: the harness mounts Mounted under MountPrefix
	// with the adapter's Mount helper (as the admin handler is mounted).
	MountPrefix string
	Mounted     http.Handler
	// Unguarded are paths the engine never checks (e.Unguard, before
	// Build), served by routes of the app: the demos' docs.
	Unguarded []string
	// NotFound, when set, is the app's own answer to a path no route
	// matches, installed the framework's way (gin NoRoute, echo's
	// HTTPErrorHandler, a last fiber app.Use, a net/http catch-all "/"
	// given to WithNotFound too). It answers with status and body.
	NotFound func() (status int, body string)
	// JSONNotFound asks the adapter for the engine's JSON body for hidden
	// routes (WithJSONNotFound) instead of the framework's 404.
	JSONNotFound bool
}

// Identity headers. The harness maps them, in a middleware in front of
// Waygate, to the request attributes the app's auth layer would set through
// the adapter: HeaderUser to the user id (SetUser), HeaderRoles
// (comma-separated) to the roles (SetRoles), HeaderPlan to the attribute
// "plan" (the default tier attribute).
const (
	HeaderUser  = "X-User"
	HeaderRoles = "X-Roles"
	HeaderPlan  = "X-Plan"
)

// Harness builds an App on one framework.
type Harness interface {
	// Build registers app on a new router enforced by e and returns it as an
	// http.Handler. When Build returns, every route must be registered with
	// e. Each handler answers 200 with the body OKBody. The identity headers
	// are mapped to attributes before Waygate runs.
	Build(t testing.TB, e *engine.Engine, app App) http.Handler
}

// Step is one request sent before the case's own request.
type Step struct {
	Method, Path string
	Header       map[string]string
	RemoteAddr   string
	// Advance moves the clock before the request.
	Advance time.Duration
	// Do changes state before the request.
	Do func(ctx context.Context, t testing.TB, e *engine.Engine)
	// Status, when set, is the status the request must get.
	Status int
}

// times repeats a step n times.
func times(n int, s Step) []Step {
	out := make([]Step, n)
	for i := range out {
		out[i] = s
	}
	return out
}

// Case is one row of the table.
type Case struct {
	Name string
	// Env is the engine's environment; "" means "production".
	Env string
	// App overrides the default app.
	App *App
	// Options are extra engine options (trusted proxies, ...).
	Options []engine.Option
	// Setup changes state before the request; it may advance the clock.
	Setup func(ctx context.Context, t testing.TB, e *engine.Engine, clk *clock.Fake)
	// Prior requests are sent, in order, after Setup.
	Prior []Step
	// The case's request.
	Method     string
	Path       string
	Header     map[string]string
	RemoteAddr string // default 192.0.2.10:1234
	Want       Want
	// SameAs, when set, is a path whose response the case's must equal
	// byte for byte: status, headers and body (Want is not checked).
	SameAs string
}

// Want is what the response must look like.
type Want struct {
	Status int
	// Code is the expected error.code; "" expects the handler's OKBody.
	Code string
	// Fields are expected error.* fields (compared after JSON decoding).
	Fields map[string]any
	// Absent are error.* fields that must not be present.
	Absent []string
	// Header values that must match exactly.
	Header map[string]string
	// NoHeader lists headers that must be absent.
	NoHeader []string
	// Body, when set, must equal the raw body byte for byte.
	Body string
	// NotContains lists strings the body must not contain.
	NotContains []string
}

// Run runs every case of Cases against h.
func Run(t *testing.T, h Harness) {
	t.Helper()
	RunWith(t, h, nil)
}

// RunWith runs every case like Run, adding the engine options extra makes
// for each case after the case's own: a test that runs the table on
// another backend (a Waygate Server through the SDK) passes it here. extra
// receives the case's fake clock.
func RunWith(t *testing.T, h Harness, extra func(t testing.TB, clk *clock.Fake) []engine.Option) {
	t.Helper()
	for _, c := range Cases() {
		t.Run(c.Name, func(t *testing.T) { runCase(t, h, c, extra) })
	}
	t.Run("paths: no trick path reaches a gated handler", func(t *testing.T) { sweepPaths(t, h, extra) })
}

func runCase(t *testing.T, h Harness, c Case, extra func(t testing.TB, clk *clock.Fake) []engine.Option) {
	ctx := context.Background()
	clk := clock.NewFake(Start)
	env := c.Env
	if env == "" {
		env = "production"
	}
	opts := append([]engine.Option{engine.WithBackend(backend.NewMemory()), engine.WithClock(clk), engine.WithEnv(env)}, c.Options...)
	if extra != nil {
		opts = append(opts, extra(t, clk)...)
	}
	e, err := engine.New(ctx, opts...)
	if err != nil {
		t.Fatalf("engine.New: %v", err)
	}
	t.Cleanup(func() { e.Close() })
	app := DefaultApp()
	if c.App != nil {
		app = *c.App
	}
	for _, p := range app.Unguarded {
		e.Unguard(p)
	}
	handler := h.Build(t, e, app)
	if c.Setup != nil {
		c.Setup(ctx, t, e, clk)
	}
	for i, s := range c.Prior {
		clk.Advance(s.Advance)
		if s.Do != nil {
			s.Do(ctx, t, e)
		}
		res, body := send(handler, s.Method, s.Path, s.Header, s.RemoteAddr) //nolint:bodyclose // send reads and closes it
		if s.Status != 0 && res.StatusCode != s.Status {
			t.Fatalf("prior request %d (%s %s): status %d, want %d (body %s)", i+1, s.Method, s.Path, res.StatusCode, s.Status, body)
		}
	}
	res, body := send(handler, c.Method, c.Path, c.Header, c.RemoteAddr) //nolint:bodyclose // send reads and closes it
	if c.SameAs != "" {
		want, wantBody := send(handler, c.Method, c.SameAs, c.Header, c.RemoteAddr) //nolint:bodyclose // send reads and closes it
		// A framework may echo the path ("Cannot GET /x"): the answer for
		// SameAs, with SameAs spelled as the case's path, is the one due.
		wantBody = bytes.ReplaceAll(wantBody, []byte(c.SameAs), []byte(c.Path))
		for k, vs := range want.Header {
			for i, v := range vs {
				want.Header[k][i] = strings.ReplaceAll(v, c.SameAs, c.Path)
			}
		}
		same(t, c.SameAs, want, wantBody, res, body)
		return
	}
	check(t, c.Want, res, body)
}

func send(h http.Handler, method, path string, header map[string]string, remote string) (*http.Response, []byte) {
	req := httptest.NewRequest(method, path, nil)
	req.RemoteAddr = "192.0.2.10:1234"
	if remote != "" {
		req.RemoteAddr = remote
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	return serve(h, req)
}

func serve(h http.Handler, req *http.Request) (*http.Response, []byte) {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	res := rec.Result()
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res, body
}

// same fails unless res answers exactly like want, the answer to path.
func same(t *testing.T, path string, want *http.Response, wantBody []byte, res *http.Response, body []byte) {
	t.Helper()
	if res.StatusCode != want.StatusCode {
		t.Errorf("status = %d, want %d as for %s", res.StatusCode, want.StatusCode, path)
	}
	if !bytes.Equal(body, wantBody) {
		t.Errorf("body = %q, want %q as for %s", body, wantBody, path)
	}
	if !reflect.DeepEqual(res.Header, want.Header) {
		t.Errorf("headers = %v, want %v as for %s", res.Header, want.Header, path)
	}
}

func check(t *testing.T, w Want, res *http.Response, body []byte) {
	t.Helper()
	if res.StatusCode != w.Status {
		t.Errorf("status = %d, want %d (body %q)", res.StatusCode, w.Status, body)
	}
	for k, v := range w.Header {
		if got := res.Header.Get(k); got != v {
			t.Errorf("header %s = %q, want %q", k, got, v)
		}
	}
	for _, k := range w.NoHeader {
		if got, ok := res.Header[http.CanonicalHeaderKey(k)]; ok {
			t.Errorf("header %s = %q, want it absent", k, got)
		}
	}
	if w.Body != "" && string(body) != w.Body {
		t.Errorf("body = %s, want %s", body, w.Body)
	}
	for _, s := range w.NotContains {
		if strings.Contains(string(body), s) {
			t.Errorf("body %s contains %q", body, s)
		}
	}
	if w.Code == "" {
		if w.Body == "" && string(body) != OKBody {
			t.Errorf("body = %q, want the handler's %q", body, OKBody)
		}
		return
	}
	var doc struct {
		Error map[string]any `json:"error"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatalf("body %q is not a JSON error: %v", body, err)
	}
	if got := doc.Error["code"]; got != w.Code {
		t.Errorf("error.code = %v, want %s (body %s)", got, w.Code, body)
	}
	for k, v := range w.Fields {
		if n, isInt := v.(int); isInt {
			v = float64(n) // JSON numbers decode as float64
		}
		if got, ok := doc.Error[k]; !ok || got != v {
			t.Errorf("error.%s = %v, want %v (body %s)", k, got, v, body)
		}
	}
	for _, k := range w.Absent {
		if got, ok := doc.Error[k]; ok {
			t.Errorf("error.%s = %v, want it absent", k, got)
		}
	}
}
