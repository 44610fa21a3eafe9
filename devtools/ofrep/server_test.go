package ofrep_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"reflect"
	"sync"
	"testing"

	"github.com/open-feature/go-sdk/openfeature"
	"github.com/open-feature/go-sdk/openfeature/isolated"

	"github.com/waygate-go/waygate/admin"
	"github.com/waygate-go/waygate/core/engine"
	coreflag "github.com/waygate-go/waygate/core/flag"
	"github.com/waygate-go/waygate/core/waygatetest"
	"github.com/waygate-go/waygate/devtools/ofrep"
)

// The Waygate Server's OFREP endpoints, evaluated by real OpenFeature
// clients (the Node server SDK and the web SDK in Chromium) and compared
// with the Go provider (flag.NewProvider) evaluating the same engine.

const (
	// serverKey is the server's OFREP evaluation key (admin.WithOFREPKey).
	serverKey = "ofrep-e2e-key-0123456789abcdef"
	// mount is where the admin handler, and so OFREP, is served.
	mount = "/waygate"
	// anyVersion in a wanted flag metadata stands for any non-empty
	// "version": a digest of the flag's definition, not pinned here.
	anyVersion = "<any version>"
)

// createServerFlags creates one flag per OFREP type and reason.
func createServerFlags(t *testing.T, eng *engine.Engine) {
	t.Helper()
	theme := coreflag.Flag{Key: "theme", Type: coreflag.TypeString, Enabled: true, OffVariation: "light",
		Fallthrough: coreflag.Fallthrough{Variation: "dark"},
		Variations:  []coreflag.Variation{{Name: "light", Value: "#fff"}, {Name: "dark", Value: "#000"}}}
	limit := coreflag.Flag{Key: "limit", Type: coreflag.TypeInteger, Enabled: true, OffVariation: "low",
		Fallthrough: coreflag.Fallthrough{Variation: "low"},
		Variations:  []coreflag.Variation{{Name: "low", Value: 10}, {Name: "high", Value: 100}},
		Targets:     map[string][]string{"high": {"vip"}}}
	ratio := coreflag.Flag{Key: "ratio", Type: coreflag.TypeFloat, Enabled: true, OffVariation: "a",
		Fallthrough: coreflag.Fallthrough{Variation: "b"},
		Variations:  []coreflag.Variation{{Name: "a", Value: 0.5}, {Name: "b", Value: 2.5}},
		Rules: []coreflag.Rule{{ID: "pro", Variation: "a",
			Clauses: []coreflag.Clause{{Attribute: "plan", Operator: "is", Values: []any{"pro"}}}}}}
	config := coreflag.Flag{Key: "config", Type: coreflag.TypeJSON, Enabled: true, OffVariation: "a",
		Fallthrough: coreflag.Fallthrough{Variation: "b"},
		Variations: []coreflag.Variation{{Name: "a", Value: map[string]any{}},
			{Name: "b", Value: map[string]any{"retries": 3.0, "regions": []any{"eu", "us"}, "limits": map[string]any{"burst": 1.5}}}}}
	split := coreflag.NewBoolean("split")
	split.Fallthrough = coreflag.Fallthrough{Rollout: []coreflag.WeightedVariation{{Variation: "on", Weight: 50000}, {Variation: "off", Weight: 50000}}}
	off := coreflag.NewBoolean("dark-launch")
	off.Enabled = false
	pre := coreflag.NewBoolean("needs-launch")
	pre.Prerequisites = []coreflag.Prerequisite{{FlagKey: "dark-launch", Variation: "on"}}
	for _, f := range []coreflag.Flag{theme, limit, ratio, config, split, off, pre} {
		if _, err := eng.CreateFlag(context.Background(), f); err != nil {
			t.Fatalf("flag %s: %v", f.Key, err)
		}
	}
}

// Contexts, in the order the cases use them: the web provider fetches the
// flags once per context change.
var (
	noKey = map[string]any{}
	carol = map[string]any{"targetingKey": "carol"} // in the rollout's "on" half
	dave  = map[string]any{"targetingKey": "dave"}  // in its "off" half
	vip   = map[string]any{"targetingKey": "vip"}
	u1    = map[string]any{"targetingKey": "u1"}
	// u1Pro keeps u1's targeting key, so the web provider revalidates with
	// If-None-Match; ratio's answer changes, so the server answers 200.
	u1Pro = map[string]any{"targetingKey": "u1", "plan": "pro"}
	// u1ProDE changes nothing any flag looks at: the server answers 304
	// and the web provider keeps u1Pro's flags.
	u1ProDE = map[string]any{"targetingKey": "u1", "plan": "pro", "country": "de"}
)

// meta is the flag metadata every evaluation of a flag carries, plus extra.
func meta(extra ...string) map[string]any {
	m := map[string]any{"flagSetId": "default", "version": anyVersion}
	for i := 0; i+1 < len(extra); i += 2 {
		m[extra[i]] = extra[i+1]
	}
	return m
}

// serverCases are the evaluations every client makes, each with what the
// Go provider answers for its context (pinned, so a bug on both sides
// still fails). What each OFREP client should answer is derived from it
// by overOFREP.
var serverCases = []struct {
	name string
	in   ofrep.Case
	goes ofrep.Result
}{
	{"string, static, without a targeting key", ofrep.Case{Flag: "theme", Type: "string", Default: "x", Context: noKey},
		ofrep.Result{Value: "#000", Variant: "dark", Reason: "STATIC", FlagMetadata: meta()}},
	{"rollout without a targeting key", ofrep.Case{Flag: "split", Type: "boolean", Default: true, Context: noKey},
		ofrep.Result{Value: true, Reason: "ERROR", ErrorCode: "TARGETING_KEY_MISSING",
			ErrorMessage: "a percentage rollout needs a targeting key to place the context; none was given", FlagMetadata: meta()}},
	{"boolean rollout, on", ofrep.Case{Flag: "split", Type: "boolean", Default: false, Context: carol},
		ofrep.Result{Value: true, Variant: "on", Reason: "SPLIT", FlagMetadata: meta()}},
	{"boolean rollout, off", ofrep.Case{Flag: "split", Type: "boolean", Default: true, Context: dave},
		ofrep.Result{Value: false, Variant: "off", Reason: "SPLIT", FlagMetadata: meta()}},
	{"integer, target", ofrep.Case{Flag: "limit", Type: "number", Default: 0.0, Context: vip},
		ofrep.Result{Value: 100.0, Variant: "high", Reason: "TARGETING_MATCH", FlagMetadata: meta()}},
	{"integer, no target", ofrep.Case{Flag: "limit", Type: "number", Default: 0.0, Context: u1},
		ofrep.Result{Value: 10.0, Variant: "low", Reason: "DEFAULT", FlagMetadata: meta()}},
	{"float, no rule matches", ofrep.Case{Flag: "ratio", Type: "number", Default: 0.0, Context: u1},
		ofrep.Result{Value: 2.5, Variant: "b", Reason: "DEFAULT", FlagMetadata: meta()}},
	{"object", ofrep.Case{Flag: "config", Type: "object", Default: map[string]any{}, Context: u1},
		ofrep.Result{Value: map[string]any{"retries": 3.0, "regions": []any{"eu", "us"}, "limits": map[string]any{"burst": 1.5}},
			Variant: "b", Reason: "STATIC", FlagMetadata: meta()}},
	{"disabled", ofrep.Case{Flag: "dark-launch", Type: "boolean", Default: true, Context: u1},
		ofrep.Result{Value: false, Variant: "off", Reason: "DISABLED", FlagMetadata: meta()}},
	{"prerequisite failed", ofrep.Case{Flag: "needs-launch", Type: "boolean", Default: true, Context: u1},
		ofrep.Result{Value: false, Variant: "off", Reason: "PREREQUISITE_FAILED", FlagMetadata: meta("prerequisite_key", "dark-launch")}},
	{"unknown flag", ofrep.Case{Flag: "missing", Type: "boolean", Default: true, Context: u1},
		ofrep.Result{Value: true, Reason: "ERROR", ErrorCode: "FLAG_NOT_FOUND", ErrorMessage: `flag "missing" not found`}},
	{"type mismatch", ofrep.Case{Flag: "theme", Type: "boolean", Default: true, Context: u1},
		ofrep.Result{Value: true, Reason: "ERROR", ErrorCode: "TYPE_MISMATCH",
			ErrorMessage: `flag "theme" is a string flag, not boolean; call the matching evaluation method`}},
	{"float, rule", ofrep.Case{Flag: "ratio", Type: "number", Default: 0.0, Context: u1Pro},
		ofrep.Result{Value: 0.5, Variant: "a", Reason: "TARGETING_MATCH", FlagMetadata: meta("rule_id", "pro")}},
	{"float, rule, after a 304", ofrep.Case{Flag: "ratio", Type: "number", Default: 0.0, Context: u1ProDE},
		ofrep.Result{Value: 0.5, Variant: "a", Reason: "TARGETING_MATCH", FlagMetadata: meta("rule_id", "pro")}},
}

// overOFREP is what an OFREP client answers for c where the Go provider
// answers r; served is the answer for c's flag asked with its own type,
// what the server serves when a client asks for another. The protocol carries value, variant, reason and metadata of a success
// as they are, and the error code and message of a failure; the rest is
// the providers' own doing (README.md, "What the providers do"):
//   - OFREP's error answers (a 400/404 of one flag, a failure entry of the
//     bulk answer) carry key, errorCode and errorDetails only, so the
//     flag metadata the Go provider gives a TARGETING_KEY_MISSING does not
//     travel.
//   - A type mismatch is found by the client's provider, in its own words;
//     the server answers the flag's value. The web provider keeps the
//     metadata served with it, the server provider drops it.
//   - The web provider answers a flag the bulk answer lacks with its own
//     FLAG_NOT_FOUND message (the server sends no top-level metadata).
func overOFREP(r ofrep.Result, c ofrep.Case, web bool, served ofrep.Result) ofrep.Result {
	if r.ErrorCode == "" {
		return r
	}
	r.FlagMetadata = nil
	switch {
	case r.ErrorCode == "TYPE_MISMATCH" && web:
		r.ErrorMessage = "Flag is not of expected type"
		r.FlagMetadata = served.FlagMetadata
	case r.ErrorCode == "TYPE_MISMATCH":
		r.ErrorMessage = "Expected flag type " + c.Type + " but got " + jsType(served.Value)
	case r.ErrorCode == "FLAG_NOT_FOUND" && web:
		r.ErrorMessage = "Flag was not found"
	}
	return r
}

// jsType is JavaScript's typeof of a JSON value.
func jsType(v any) string {
	switch v.(type) {
	case bool:
		return "boolean"
	case string:
		return "string"
	case float64:
		return "number"
	}
	return "object"
}

// ownAnswer is the pinned answer of a case that asks for flag with its
// own type.
func ownAnswer(t *testing.T, flag string) ofrep.Result {
	t.Helper()
	for _, c := range serverCases {
		if c.in.Flag == flag && c.goes.ErrorCode == "" {
			return c.goes
		}
	}
	t.Fatalf("no case asks for %s with its own type", flag)
	return ofrep.Result{}
}

// served is one request the Waygate Server answered.
type served struct {
	Method, Path, Origin, IfNoneMatch string
	Status                            int
}

// requestLog records what a handler answered.
type requestLog struct {
	mu   sync.Mutex
	seen []served
}

func (l *requestLog) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		h.ServeHTTP(sw, r)
		l.mu.Lock()
		defer l.mu.Unlock()
		l.seen = append(l.seen, served{Method: r.Method, Path: r.URL.Path, Origin: r.Header.Get("Origin"),
			IfNoneMatch: r.Header.Get("If-None-Match"), Status: sw.status})
	})
}

func (l *requestLog) requests() []served {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]served(nil), l.seen...)
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(status int) {
	w.status = status
	w.ResponseWriter.WriteHeader(status)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// waygateServer is a Waygate Server on a real listener: the admin handler
// (and so OFREP) under mount, the browser runner's page under /client/.
type waygateServer struct {
	url string
	log *requestLog
}

func startWaygate(t *testing.T, eng *engine.Engine, opts ...admin.Option) waygateServer {
	t.Helper()
	// Open access for the admin API: OFREP checks its own key regardless
	// (TestWaygateServerRefusesAWrongKey).
	all := append([]admin.Option{admin.WithOpenAccess(), admin.WithPrefix(mount), admin.WithOFREPKey(serverKey),
		admin.WithLogger(slog.New(slog.DiscardHandler))}, opts...)
	h, err := admin.New(eng, all...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = h.Close() })
	log := &requestLog{}
	mux := http.NewServeMux()
	mux.Handle(mount+"/", log.wrap(h))
	mux.Handle("/client/", http.StripPrefix("/client", ofrep.PageHandler(".")))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return waygateServer{url: srv.URL, log: log}
}

// goResult evaluates c with the Go provider, through an OpenFeature
// client, in the shape the runners report.
func goResult(t *testing.T, client *openfeature.Client, c ofrep.Case) ofrep.Result {
	t.Helper()
	attrs := maps.Clone(c.Context)
	key, _ := attrs[openfeature.TargetingKey].(string)
	delete(attrs, openfeature.TargetingKey)
	ec := openfeature.NewEvaluationContext(key, attrs)
	ctx := context.Background()
	var value any
	var d openfeature.EvaluationDetails
	// The errors are the details' error codes, compared below.
	switch c.Type {
	case "boolean":
		r, _ := client.BooleanValueDetails(ctx, c.Flag, c.Default.(bool), ec)
		value, d = r.Value, r.EvaluationDetails
	case "string":
		r, _ := client.StringValueDetails(ctx, c.Flag, c.Default.(string), ec)
		value, d = r.Value, r.EvaluationDetails
	case "number":
		r, _ := client.FloatValueDetails(ctx, c.Flag, c.Default.(float64), ec)
		value, d = r.Value, r.EvaluationDetails
	case "object":
		r, _ := client.ObjectValueDetails(ctx, c.Flag, c.Default, ec)
		value, d = r.Value, r.EvaluationDetails
	default:
		t.Fatalf("case %s: type %q", c.Flag, c.Type)
	}
	res := ofrep.Result{Flag: c.Flag, Value: viaJSON(t, value), Variant: d.Variant, Reason: string(d.Reason),
		ErrorCode: string(d.ErrorCode), ErrorMessage: d.ErrorMessage}
	if len(d.FlagMetadata) > 0 {
		res.FlagMetadata, _ = viaJSON(t, map[string]any(d.FlagMetadata)).(map[string]any)
	}
	return res
}

// servedAs is the Go provider's answer for c's flag and context asked
// with the flag's own type: what the server serves when a client asks for
// another type.
func servedAs(t *testing.T, client *openfeature.Client, c ofrep.Case) ofrep.Result {
	t.Helper()
	defaults := map[string]any{"boolean": false, "string": "", "number": 0.0, "object": map[string]any{}}
	for _, typ := range []string{"boolean", "string", "number", "object"} {
		c.Type, c.Default = typ, defaults[typ]
		if r := goResult(t, client, c); r.ErrorCode != "TYPE_MISMATCH" {
			return r
		}
	}
	t.Fatalf("flag %s: a type mismatch for every type", c.Flag)
	return ofrep.Result{}
}

// viaJSON is v as the runners report it: numbers float64, objects maps.
func viaJSON(t *testing.T, v any) any {
	t.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out any
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// pinned is got with a non-empty "version" metadata replaced by
// anyVersion where want has anyVersion, for comparing with a pinned want.
func pinned(got, want ofrep.Result) ofrep.Result {
	if v, ok := got.FlagMetadata["version"].(string); ok && v != "" && want.FlagMetadata["version"] == anyVersion {
		got.FlagMetadata = maps.Clone(got.FlagMetadata)
		got.FlagMetadata["version"] = anyVersion
	}
	return got
}

// serverRunner runs the cases with one client against a fresh Waygate
// Server on eng, and checks the requests the server answered.
type serverRunner struct {
	name        string
	web         bool
	crossOrigin bool
	// run returns the client's results, the requests the server answered
	// and the page's origin.
	run func(t *testing.T, eng *engine.Engine, in ofrep.Input) ([]ofrep.Result, []served, string)
}

var serverRunners = []serverRunner{
	{name: "node", run: func(t *testing.T, eng *engine.Engine, in ofrep.Input) ([]ofrep.Result, []served, string) {
		srv := startWaygate(t, eng)
		in.BaseURL = srv.url + mount
		got, err := ofrep.Node(withTimeout(t), ".", in)
		if err != nil {
			t.Fatal(err)
		}
		return got, srv.log.requests(), ""
	}},
	{name: "browser, same origin", web: true, run: func(t *testing.T, eng *engine.Engine, in ofrep.Input) ([]ofrep.Result, []served, string) {
		srv := startWaygate(t, eng)
		in.BaseURL = srv.url + mount
		got, err := ofrep.Browser(withTimeout(t), ".", srv.url+"/client/web/index.html", in)
		if err != nil {
			t.Fatal(err)
		}
		return got, srv.log.requests(), srv.url
	}},
	{name: "browser, cross origin", web: true, crossOrigin: true, run: func(t *testing.T, eng *engine.Engine, in ofrep.Input) ([]ofrep.Result, []served, string) {
		// The page on its own origin, allowed by the server's CORS.
		page := httptest.NewServer(ofrep.PageHandler("."))
		t.Cleanup(page.Close)
		srv := startWaygate(t, eng, admin.WithOFREPOrigins(page.URL))
		in.BaseURL = srv.url + mount
		got, err := ofrep.Browser(withTimeout(t), ".", page.URL+"/web/index.html", in)
		if err != nil {
			t.Fatal(err)
		}
		return got, srv.log.requests(), page.URL
	}},
}

// TestWaygateServerAnswersAsTheGoProvider evaluates every flag type,
// targets, rules, rollouts, a disabled flag, a failed prerequisite, an
// unknown flag and a type mismatch with the Node and the browser client
// against a running Waygate Server, and checks each answer against the Go
// provider's for the same context and against the pinned answer.
func TestWaygateServerAnswersAsTheGoProvider(t *testing.T) {
	eng, _ := waygatetest.NewEngine(t)
	createServerFlags(t, eng)
	api := isolated.NewAPI()
	t.Cleanup(func() { _ = api.Shutdown(context.Background()) })
	if err := api.SetProviderAndWait(context.Background(), coreflag.NewProvider(eng.Flags())); err != nil {
		t.Fatal(err)
	}
	client := api.NewClient()

	// The Go provider first: it must give the pinned answers.
	goes := make([]ofrep.Result, len(serverCases))
	goServed := make([]ofrep.Result, len(serverCases))
	in := ofrep.Input{Headers: map[string]string{"Authorization": "Bearer " + serverKey}}
	for i, c := range serverCases {
		in.Cases = append(in.Cases, c.in)
		goes[i] = goResult(t, client, c.in)
		if goes[i].ErrorCode == "TYPE_MISMATCH" {
			goServed[i] = servedAs(t, client, c.in)
		}
		want := c.goes
		want.Flag = c.in.Flag
		if got := pinned(goes[i], want); !reflect.DeepEqual(got, want) {
			t.Errorf("Go provider, %s:\n got %+v\nwant %+v", c.name, goes[i], want)
		}
	}

	for _, r := range serverRunners {
		t.Run(r.name, func(t *testing.T) {
			t.Parallel()
			need(t, r.web)
			got, seen, origin := r.run(t, eng, in)
			if r.web {
				checkBrowserRequests(t, seen, origin, r.crossOrigin)
			} else {
				checkNodeRequests(t, seen)
			}
			if len(got) != len(serverCases) {
				t.Fatalf("%d results for %d cases: %+v", len(got), len(serverCases), got)
			}
			for i, c := range serverCases {
				fromGo := overOFREP(goes[i], c.in, r.web, goServed[i])
				if !reflect.DeepEqual(got[i], fromGo) {
					t.Errorf("%s: differs from the Go provider for context %v:\n    %s %+v\n    Go   %+v (over OFREP: %+v)",
						c.name, c.in.Context, r.name, got[i], goes[i], fromGo)
				}
				var served ofrep.Result
				if c.goes.ErrorCode == "TYPE_MISMATCH" {
					served = ownAnswer(t, c.in.Flag)
				}
				want := overOFREP(c.goes, c.in, r.web, served)
				want.Flag = c.in.Flag
				if p := pinned(got[i], want); !reflect.DeepEqual(p, want) {
					t.Errorf("%s:\n got %+v\nwant %+v", c.name, got[i], want)
				}
			}
		})
	}
}

// checkNodeRequests checks the server provider made one POST per case to
// the flag's endpoint, answered 200, 400 or 404 as OFREP asks.
func checkNodeRequests(t *testing.T, seen []served) {
	t.Helper()
	if len(seen) != len(serverCases) {
		t.Fatalf("%d requests for %d cases: %+v", len(seen), len(serverCases), seen)
	}
	for i, c := range serverCases {
		status := http.StatusOK
		switch c.goes.ErrorCode {
		case "FLAG_NOT_FOUND":
			status = http.StatusNotFound
		case "TARGETING_KEY_MISSING":
			status = http.StatusBadRequest
		}
		want := served{Method: http.MethodPost, Path: mount + "/ofrep/v1/evaluate/flags/" + c.in.Flag, Status: status}
		if seen[i] != want {
			t.Errorf("request %d (%s):\n got %+v\nwant %+v", i, c.name, seen[i], want)
		}
	}
}

// checkBrowserRequests checks the web provider made one bulk POST per
// context (from origin, after the preflights a cross-origin page needs),
// revalidated with If-None-Match when the targeting key stayed, and got
// 304 for the last context, whose answer did not change.
func checkBrowserRequests(t *testing.T, seen []served, origin string, crossOrigin bool) {
	t.Helper()
	var posts []served
	preflights := 0
	for _, s := range seen {
		switch {
		case s.Method == http.MethodOptions && s.Status == http.StatusNoContent && s.Origin == origin:
			preflights++
		case s.Method == http.MethodPost && s.Path == mount+"/ofrep/v1/evaluate/flags" && s.Status == http.StatusForbidden:
			// A browser sends Origin with every POST, same-origin ones too.
			t.Fatalf("the server refused the page's evaluation from origin %s (cross origin %v): %+v", origin, crossOrigin, s)
		case s.Method == http.MethodPost && s.Path == mount+"/ofrep/v1/evaluate/flags":
			posts = append(posts, s)
		default:
			t.Errorf("unexpected request %+v", s)
		}
	}
	if crossOrigin != (preflights > 0) {
		t.Errorf("cross origin %v, but %d CORS preflights from %s: %+v", crossOrigin, preflights, origin, seen)
	}
	contexts := []map[string]any{noKey, carol, dave, vip, u1, u1Pro, u1ProDE}
	if len(posts) != len(contexts) {
		t.Fatalf("%d bulk requests, want one per context (%d): %+v", len(posts), len(contexts), posts)
	}
	for i, ctx := range contexts {
		revalidates := i > 0 && ctx["targetingKey"] == contexts[i-1]["targetingKey"] && ctx["targetingKey"] != nil
		if revalidates != (posts[i].IfNoneMatch != "") {
			t.Errorf("bulk request %d for %v: If-None-Match %q", i, ctx, posts[i].IfNoneMatch)
		}
		status := http.StatusOK
		if i == len(contexts)-1 {
			status = http.StatusNotModified
		}
		if posts[i].Status != status || posts[i].Origin != origin {
			t.Errorf("bulk request %d for %v: %+v, want status %d from origin %s", i, ctx, posts[i], status, origin)
		}
	}
}

// TestWaygateServerRefusesAWrongKey checks the server's key is in force
// though the admin API is open: every evaluation with another key gets
// 401, which the server provider reports as GENERAL.
func TestWaygateServerRefusesAWrongKey(t *testing.T) {
	need(t, false)
	eng, _ := waygatetest.NewEngine(t)
	createServerFlags(t, eng)
	srv := startWaygate(t, eng)
	in := ofrep.Input{BaseURL: srv.url + mount, Headers: map[string]string{"Authorization": "Bearer not-" + serverKey},
		Cases: []ofrep.Case{{Flag: "theme", Type: "string", Default: "x", Context: u1}}}
	got, err := ofrep.Node(withTimeout(t), ".", in)
	if err != nil {
		t.Fatal(err)
	}
	want := []ofrep.Result{{Flag: "theme", Value: "x", Reason: "ERROR", ErrorCode: "GENERAL"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
	for _, s := range srv.log.requests() {
		if s.Status != http.StatusUnauthorized {
			t.Errorf("%+v, want 401", s)
		}
	}
}
