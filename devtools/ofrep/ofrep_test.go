package ofrep_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/waygate-go/waygate/devtools/ofrep"
)

const apiKey = "test-key"

// flag is one flag of the fake server: what it answers for a context.
type flag func(ctx map[string]any) map[string]any

// fakeFlags are the fake server's flags, one of each OFREP value type, one
// that targets alice, and one the server cannot evaluate.
var fakeFlags = map[string]flag{
	"bool-flag": func(map[string]any) map[string]any {
		return map[string]any{"value": true, "variant": "on", "reason": "STATIC",
			"metadata": map[string]any{"team": "checkout", "version": 3, "beta": true, "nested": map[string]any{"dropped": 1}}}
	},
	"string-flag": func(map[string]any) map[string]any {
		return map[string]any{"value": "blue", "variant": "blue", "reason": "STATIC"}
	},
	"int-flag": func(map[string]any) map[string]any {
		return map[string]any{"value": 42, "variant": "answer", "reason": "STATIC"}
	},
	"float-flag": func(map[string]any) map[string]any {
		return map[string]any{"value": 0.25, "variant": "quarter", "reason": "SPLIT"}
	},
	"object-flag": func(map[string]any) map[string]any {
		return map[string]any{"value": map[string]any{"color": "red", "sizes": []any{1, 2}}, "variant": "red", "reason": "STATIC"}
	},
	"targeted-flag": func(ctx map[string]any) map[string]any {
		if ctx["targetingKey"] == "alice" {
			return map[string]any{"value": "gold", "variant": "gold", "reason": "TARGETING_MATCH", "metadata": map[string]any{"rule": "alice"}}
		}
		return map[string]any{"value": "standard", "variant": "standard", "reason": "DEFAULT"}
	},
	"broken-flag": func(map[string]any) map[string]any {
		return map[string]any{"errorCode": "PARSE_ERROR", "errorDetails": "rule 2 does not parse"}
	},
}

// request is what the fake server saw.
type request struct {
	Path        string
	Auth        string
	ContentType string
	IfNoneMatch string
	Body        map[string]any
	Status      int
	ETag        string
}

// fakeServer is an OFREP server after the protocol's OpenAPI document
// (open-feature/protocol service/openapi.yaml), recording every request.
type fakeServer struct {
	mu       sync.Mutex
	requests []request
}

func (f *fakeServer) record(r request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.requests = append(f.requests, r)
}

func (f *fakeServer) seen() []request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]request(nil), f.requests...)
}

func writeJSON(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

func (f *fakeServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rec := request{Path: r.URL.Path, Auth: r.Header.Get("Authorization"),
		ContentType: r.Header.Get("Content-Type"), IfNoneMatch: r.Header.Get("If-None-Match")}
	defer func() { f.record(rec) }()
	if err := json.NewDecoder(r.Body).Decode(&rec.Body); err != nil {
		rec.Status = http.StatusBadRequest
		writeJSON(w, rec.Status, map[string]any{"errorCode": "PARSE_ERROR", "errorDetails": err.Error()})
		return
	}
	if rec.Auth != "Bearer "+apiKey {
		rec.Status = http.StatusUnauthorized
		w.WriteHeader(rec.Status)
		return
	}
	ctx, _ := rec.Body["context"].(map[string]any)
	if key, ok := strings.CutPrefix(r.URL.Path, "/ofrep/v1/evaluate/flags/"); ok {
		eval, found := fakeFlags[key]
		if !found {
			rec.Status = http.StatusNotFound
			writeJSON(w, rec.Status, map[string]any{"key": key, "errorCode": "FLAG_NOT_FOUND", "errorDetails": "flag " + key + " is not defined"})
			return
		}
		res := eval(ctx)
		res["key"] = key
		rec.Status = http.StatusOK
		if _, failed := res["errorCode"]; failed {
			rec.Status = http.StatusBadRequest
		}
		writeJSON(w, rec.Status, res)
		return
	}
	if r.URL.Path != "/ofrep/v1/evaluate/flags" {
		http.NotFound(w, r)
		return
	}
	flags := []any{}
	for _, key := range []string{"bool-flag", "string-flag", "int-flag", "float-flag", "object-flag", "targeted-flag", "broken-flag"} {
		res := fakeFlags[key](ctx)
		res["key"] = key
		flags = append(flags, res)
	}
	body, _ := json.Marshal(map[string]any{"flags": flags, "metadata": map[string]any{"flagSet": "test"}})
	sum := sha256.Sum256(body)
	rec.ETag = `"` + hex.EncodeToString(sum[:8]) + `"`
	w.Header().Set("ETag", rec.ETag)
	if rec.IfNoneMatch == rec.ETag {
		rec.Status = http.StatusNotModified
		w.WriteHeader(rec.Status)
		return
	}
	rec.Status = http.StatusOK
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(body)
}

// need installs the packages, or skips the test (fails with
// WAYGATE_REQUIRE_NODE=1) when Node.js or, for browser, Chromium is missing.
func need(t *testing.T, browser bool) {
	t.Helper()
	missing := func(why string) {
		t.Helper()
		if os.Getenv("WAYGATE_REQUIRE_NODE") == "1" {
			t.Fatal("FAILING (WAYGATE_REQUIRE_NODE=1): " + why)
		}
		t.Skip("SKIPPING: " + why)
	}
	if _, err := exec.LookPath("node"); err != nil {
		missing(ofrep.ErrNoNode.Error())
	}
	if err := ofrep.Install("."); errors.Is(err, ofrep.ErrNoNode) {
		missing(err.Error())
	} else if err != nil {
		t.Fatal(err)
	}
	if browser && ofrep.ChromiumPath() == "" {
		missing(ofrep.ErrNoChromium.Error())
	}
}

// withCORS answers the browser's preflight and lets a page from another
// origin read the answer and its ETag, as the Waygate Server must when the
// page is not served from its origin. exposeETag false leaves the ETag
// unreadable to the page.
func withCORS(h http.Handler, exposeETag bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Access-Control-Allow-Origin", r.Header.Get("Origin"))
		w.Header().Set("Vary", "Origin")
		if exposeETag {
			w.Header().Set("Access-Control-Expose-Headers", "ETag, Retry-After")
		}
		if r.Method == http.MethodOptions {
			w.Header().Set("Access-Control-Allow-Methods", "POST")
			w.Header().Set("Access-Control-Allow-Headers", "Authorization, Content-Type, If-None-Match")
			w.WriteHeader(http.StatusNoContent)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// runner runs an input against the fake served at base by one OpenFeature
// client; pageURL is where the browser runner's page is, "" for its own
// origin.
type runner struct {
	name string
	web  bool // the web SDK, with the bulk endpoint
	run  func(ctx context.Context, base string, in ofrep.Input) ([]ofrep.Result, error)
	// exposeETag is false when the fake is cross-origin and hides the ETag.
	exposeETag  bool
	crossOrigin bool
}

var runners = []runner{
	{name: "node", run: func(ctx context.Context, base string, in ofrep.Input) ([]ofrep.Result, error) {
		return ofrep.Node(ctx, ".", in)
	}},
	{name: "browser same origin", web: true, exposeETag: true, run: func(ctx context.Context, base string, in ofrep.Input) ([]ofrep.Result, error) {
		return ofrep.Browser(ctx, ".", base+"/client/web/index.html", in)
	}},
	{name: "browser cross origin", web: true, exposeETag: true, crossOrigin: true, run: func(ctx context.Context, base string, in ofrep.Input) ([]ofrep.Result, error) {
		return ofrep.Browser(ctx, ".", "", in)
	}},
	{name: "browser cross origin, ETag not exposed", web: true, crossOrigin: true, run: func(ctx context.Context, base string, in ofrep.Input) ([]ofrep.Result, error) {
		return ofrep.Browser(ctx, ".", "", in)
	}},
}

// serve starts the fake OFREP server, with the browser runner's page under
// /client/ and, for a cross-origin runner, CORS.
func serve(t *testing.T, r runner, ofrepHandler http.Handler) string {
	t.Helper()
	mux := http.NewServeMux()
	if r.crossOrigin {
		ofrepHandler = withCORS(ofrepHandler, r.exposeETag)
	}
	mux.Handle("/ofrep/", ofrepHandler)
	mux.Handle("/client/", http.StripPrefix("/client", ofrep.PageHandler(".")))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv.URL
}

func withTimeout(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	t.Cleanup(cancel)
	return ctx
}

var (
	bob   = map[string]any{"targetingKey": "bob"}
	alice = map[string]any{"targetingKey": "alice"}
	// alicePro has alice's targeting key, so the web provider revalidates
	// its flags with If-None-Match: the fake's answer is the same, so 304.
	alicePro = map[string]any{"targetingKey": "alice", "plan": "pro"}
)

// TestRunnersReturnWhatTheServerServed evaluates a flag of every type, an
// unknown flag, a flag the server fails and a type mismatch with each
// client, and checks each detail against what the fake served.
func TestRunnersReturnWhatTheServerServed(t *testing.T) {
	cases := []struct {
		name string
		in   ofrep.Case
		want ofrep.Result
		// web, when set, is what the web provider returns instead.
		web *ofrep.Result
	}{
		{"boolean", ofrep.Case{Flag: "bool-flag", Type: "boolean", Default: false},
			ofrep.Result{Value: true, Variant: "on", Reason: "STATIC",
				FlagMetadata: map[string]any{"team": "checkout", "version": 3.0, "beta": true}}, nil}, // "nested" is not a primitive: dropped
		{"string", ofrep.Case{Flag: "string-flag", Type: "string", Default: "x"},
			ofrep.Result{Value: "blue", Variant: "blue", Reason: "STATIC"}, nil},
		{"integer", ofrep.Case{Flag: "int-flag", Type: "number", Default: 1},
			ofrep.Result{Value: 42.0, Variant: "answer", Reason: "STATIC"}, nil},
		{"float", ofrep.Case{Flag: "float-flag", Type: "number", Default: 1},
			ofrep.Result{Value: 0.25, Variant: "quarter", Reason: "SPLIT"}, nil},
		{"object", ofrep.Case{Flag: "object-flag", Type: "object", Default: map[string]any{}},
			ofrep.Result{Value: map[string]any{"color": "red", "sizes": []any{1.0, 2.0}}, Variant: "red", Reason: "STATIC"}, nil},
		{"no targeting match", ofrep.Case{Flag: "targeted-flag", Type: "string", Default: "x", Context: bob},
			ofrep.Result{Value: "standard", Variant: "standard", Reason: "DEFAULT"}, nil},
		{"unknown flag", ofrep.Case{Flag: "missing", Type: "boolean", Default: true, Context: bob},
			ofrep.Result{Value: true, Reason: "ERROR", ErrorCode: "FLAG_NOT_FOUND", ErrorMessage: "flag missing is not defined"},
			&ofrep.Result{Value: true, Reason: "ERROR", ErrorCode: "FLAG_NOT_FOUND", ErrorMessage: "Flag was not found",
				FlagMetadata: map[string]any{"flagSet": "test"}}}, // the bulk answer's metadata
		{"server error", ofrep.Case{Flag: "broken-flag", Type: "boolean", Default: true, Context: bob},
			ofrep.Result{Value: true, Reason: "ERROR", ErrorCode: "PARSE_ERROR", ErrorMessage: "rule 2 does not parse"}, nil},
		{"type mismatch", ofrep.Case{Flag: "string-flag", Type: "boolean", Default: true, Context: bob},
			ofrep.Result{Value: true, Reason: "ERROR", ErrorCode: "TYPE_MISMATCH", ErrorMessage: "Expected flag type boolean but got string"},
			&ofrep.Result{Value: true, Reason: "ERROR", ErrorCode: "TYPE_MISMATCH", ErrorMessage: "Flag is not of expected type"}},
		{"targeting match", ofrep.Case{Flag: "targeted-flag", Type: "string", Default: "x", Context: alice},
			ofrep.Result{Value: "gold", Variant: "gold", Reason: "TARGETING_MATCH", FlagMetadata: map[string]any{"rule": "alice"}}, nil},
		{"targeting match after 304", ofrep.Case{Flag: "targeted-flag", Type: "string", Default: "x", Context: alicePro},
			ofrep.Result{Value: "gold", Variant: "gold", Reason: "TARGETING_MATCH", FlagMetadata: map[string]any{"rule": "alice"}}, nil},
	}
	for _, r := range runners {
		t.Run(r.name, func(t *testing.T) {
			need(t, r.web)
			fake := &fakeServer{}
			base := serve(t, r, fake)
			in := ofrep.Input{BaseURL: base, Headers: map[string]string{"Authorization": "Bearer " + apiKey}}
			for _, c := range cases {
				in.Cases = append(in.Cases, c.in)
			}
			got, err := r.run(withTimeout(t), base, in)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(cases) {
				t.Fatalf("%d results for %d cases: %+v", len(got), len(cases), got)
			}
			for i, c := range cases {
				want := c.want
				if r.web && c.web != nil {
					want = *c.web
				}
				want.Flag = c.in.Flag
				if !reflect.DeepEqual(got[i], want) {
					t.Errorf("%s (%s):\n got %+v\nwant %+v", c.name, c.in.Flag, got[i], want)
				}
			}
			if r.web {
				checkBulkRequests(t, fake.seen(), r.exposeETag)
			} else {
				checkSingleRequests(t, fake.seen(), in)
			}
		})
	}
}

// checkSingleRequests checks the server provider made one POST
// /ofrep/v1/evaluate/flags/{key} per case, with the case's context.
func checkSingleRequests(t *testing.T, seen []request, in ofrep.Input) {
	t.Helper()
	if len(seen) != len(in.Cases) {
		t.Fatalf("%d requests for %d cases: %+v", len(seen), len(in.Cases), seen)
	}
	for i, c := range in.Cases {
		ctx := map[string]any{}
		for k, v := range c.Context {
			ctx[k] = v
		}
		want := request{Path: "/ofrep/v1/evaluate/flags/" + c.Flag, Auth: "Bearer " + apiKey,
			ContentType: "application/json; charset=utf-8", Body: map[string]any{"context": ctx}, Status: seen[i].Status}
		if !reflect.DeepEqual(seen[i], want) {
			t.Errorf("request %d:\n got %+v\nwant %+v", i, seen[i], want)
		}
	}
}

// checkBulkRequests checks the web provider made one bulk POST per context
// change, sent If-None-Match when the targeting key stayed the same, and
// kept its flags on the 304 — or, with the ETag hidden from a cross-origin
// page, never revalidated.
func checkBulkRequests(t *testing.T, seen []request, etagReadable bool) {
	t.Helper()
	contexts := []map[string]any{{}, bob, alice, alicePro}
	if len(seen) != len(contexts) {
		t.Fatalf("%d requests, want one bulk request per context (%d): %+v", len(seen), len(contexts), seen)
	}
	for i, ctx := range contexts {
		got := seen[i]
		want := request{Path: "/ofrep/v1/evaluate/flags", Auth: "Bearer " + apiKey,
			ContentType: "application/json; charset=utf-8", Body: map[string]any{"context": ctx},
			Status: http.StatusOK, ETag: got.ETag}
		if i == 3 && etagReadable {
			want.IfNoneMatch = seen[2].ETag
			want.Status = http.StatusNotModified
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("bulk request %d:\n got %+v\nwant %+v", i, got, want)
		}
	}
}

// TestRunnersReportRejectedRequests pins down what each client reports when
// the server rejects the key (401) or the rate (429 with Retry-After).
// These are the providers' own behaviours, surprising ones included: a
// failing test here after an upgrade means README.md needs updating.
func TestRunnersReportRejectedRequests(t *testing.T) {
	rateLimited := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "120")
		w.WriteHeader(http.StatusTooManyRequests)
	})
	in := func(base, key string) ofrep.Input {
		return ofrep.Input{BaseURL: base, Headers: map[string]string{"Authorization": "Bearer " + key}, Cases: []ofrep.Case{
			{Flag: "bool-flag", Type: "boolean", Default: false, Context: bob},
			{Flag: "string-flag", Type: "string", Default: "x", Context: bob},
			{Flag: "bool-flag", Type: "boolean", Default: false, Context: alice},
		}}
	}
	type want struct{ code, message string }
	cases := []struct {
		name      string
		handler   http.Handler
		key       string
		node, web []want // per case; a message ending in "*" is a prefix
	}{
		{"401", &fakeServer{}, "wrong",
			// The server provider's unauthorised error has no message.
			[]want{{"GENERAL", ""}, {"GENERAL", ""}, {"GENERAL", ""}},
			// The web provider turns a 401 at start into PROVIDER_FATAL; after
			// a context change it answers from an empty cache.
			[]want{{"PROVIDER_FATAL", "provider is in an irrecoverable error state"},
				{"PROVIDER_FATAL", "provider is in an irrecoverable error state"},
				{"FLAG_NOT_FOUND", "Flag was not found"}}},
		{"429", rateLimited, apiKey,
			// The server provider pauses every evaluation until Retry-After.
			[]want{{"GENERAL", "rate limit exceeded, try again after *"},
				{"GENERAL", "OFREP evaluation paused due to TooManyRequests until *"},
				{"GENERAL", "OFREP evaluation paused due to TooManyRequests until *"}},
			// The web provider starts in the ERROR state and answers from an
			// empty cache: every flag looks unknown.
			[]want{{"FLAG_NOT_FOUND", "Flag was not found"}, {"FLAG_NOT_FOUND", "Flag was not found"},
				{"FLAG_NOT_FOUND", "Flag was not found"}}},
	}
	for _, r := range runners[:2] {
		for _, c := range cases {
			t.Run(r.name+"/"+c.name, func(t *testing.T) {
				need(t, r.web)
				base := serve(t, r, c.handler)
				got, err := r.run(withTimeout(t), base, in(base, c.key))
				if err != nil {
					t.Fatal(err)
				}
				wants := c.node
				if r.web {
					wants = c.web
				}
				if len(got) != len(wants) {
					t.Fatalf("%d results, want %d: %+v", len(got), len(wants), got)
				}
				for i, w := range wants {
					msg, prefix := strings.CutSuffix(w.message, "*")
					okMsg := got[i].ErrorMessage == msg || prefix && strings.HasPrefix(got[i].ErrorMessage, msg)
					if got[i].Reason != "ERROR" || got[i].ErrorCode != w.code || !okMsg {
						t.Errorf("case %d: got %+v, want reason ERROR, code %s, message %q", i, got[i], w.code, w.message)
					}
				}
			})
		}
	}
}

// TestNodeRejectsBadInput checks node-eval.mjs says what is wrong with a
// document instead of evaluating it.
func TestNodeRejectsBadInput(t *testing.T) {
	need(t, false)
	cases := []struct {
		name string
		in   ofrep.Input
		want string
	}{
		{"no base URL", ofrep.Input{}, `"baseURL" must be a non-empty string`},
		{"unknown type", ofrep.Input{BaseURL: "http://127.0.0.1:1", Cases: []ofrep.Case{{Flag: "f", Type: "integer", Default: 1}}},
			`cases[0].type must be one of boolean, string, number, object, not "integer"`},
		{"default of another type", ofrep.Input{BaseURL: "http://127.0.0.1:1", Cases: []ofrep.Case{{Flag: "f", Type: "boolean", Default: "yes"}}},
			`cases[0].default must be a boolean`},
		{"bad URL", ofrep.Input{BaseURL: "not a url", Cases: []ofrep.Case{}}, `The given OFREP URL "not a url" is not a valid URL.`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ofrep.Node(withTimeout(t), ".", c.in)
			if err == nil || !strings.Contains(err.Error(), "bad input document: "+c.want) {
				t.Fatalf("got error %v, want one containing %q", err, c.want)
			}
		})
	}
}
