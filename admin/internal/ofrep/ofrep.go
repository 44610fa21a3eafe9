// Package ofrep serves the engine's feature flags over the OpenFeature
// Remote Evaluation Protocol (OFREP): POST /ofrep/v1/evaluate/flags/{key}
// evaluates one flag, POST /ofrep/v1/evaluate/flags all of them (with an
// ETag, and 304 for an If-None-Match that matches). Any OpenFeature SDK
// with an OFREP provider (browser JavaScript, Node, Python, Java, .NET)
// evaluates Waygate's flags this way.
//
// Requests carry a credential in one header (Authorization: Bearer KEY by
// default): a read-only evaluation key or a service token. Evaluations go
// through the flag store like local ones: counted, and sent to the
// evaluation stream. Answers follow the OFREP document: 404 FLAG_NOT_FOUND,
// 400 PARSE_ERROR / INVALID_CONTEXT / TARGETING_KEY_MISSING, 401 without a
// valid credential, 403 for a browser origin not allowed, 429 with
// Retry-After once a client has sent too many wrong credentials.
package ofrep

import (
	"bytes"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/open-feature/go-sdk/openfeature"

	"github.com/waygate-go/waygate/admin/internal/wire"
	"github.com/waygate-go/waygate/core/clock"
	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/flag"
)

// Paths of the two endpoints, relative to the admin handler's mount.
const (
	FlagPath  = "/ofrep/v1/evaluate/flags/{key}"
	FlagsPath = "/ofrep/v1/evaluate/flags"
)

// The throttle of wrong credentials: a client network that sent maxFails
// wrong ones within failWindow waits until the window ends.
const (
	maxFails   = 20
	failWindow = time.Minute
)

// Config is what the endpoints work with.
type Config struct {
	Engine *engine.Engine
	// Keys are the read-only evaluation keys.
	Keys []string
	// ServiceToken reports whether a secret is a configured service token.
	ServiceToken func(secret string) bool
	// Header is the request header carrying the credential; "" or
	// "Authorization" means "Authorization: Bearer <credential>", any
	// other header carries the credential alone.
	Header string
	// Origins are the browser origins allowed to call the endpoints
	// (CORS); "*" allows every origin.
	Origins []string
	Clock   clock.Clock
	Log     *slog.Logger
}

// OFREP is the endpoints of one engine.
type OFREP struct {
	eng      *engine.Engine
	keys     [][32]byte
	isToken  func(string) bool
	header   string
	bearer   bool
	origins  []string
	anyOrig  bool
	clock    clock.Clock
	log      *slog.Logger
	throttle *wire.Throttle
}

// New returns the endpoints of cfg.Engine.
func New(cfg Config) *OFREP {
	o := &OFREP{eng: cfg.Engine, isToken: cfg.ServiceToken, header: http.CanonicalHeaderKey(cfg.Header),
		clock: cfg.Clock, log: cfg.Log, throttle: wire.NewThrottle(failWindow)}
	if o.header == "" {
		o.header = "Authorization"
	}
	o.bearer = o.header == "Authorization"
	for _, k := range cfg.Keys {
		o.keys = append(o.keys, sha256.Sum256([]byte(k)))
	}
	for _, origin := range cfg.Origins {
		if origin == "*" {
			o.anyOrig = true
		}
		o.origins = append(o.origins, strings.TrimSuffix(origin, "/"))
	}
	if o.clock == nil {
		o.clock = clock.Real{}
	}
	if o.isToken == nil {
		o.isToken = func(string) bool { return false }
	}
	return o
}

// Register lists the endpoints: public for the admin handler, as they
// authenticate their own credential, and answering in OFREP's shapes.
func (o *OFREP) Register(reg wire.Registrar) {
	reg.Handle("POST "+FlagPath, wire.Public, o.guard(o.evaluateFlag))
	reg.Handle("POST "+FlagsPath, wire.Public, o.guard(o.evaluateFlags))
	reg.HandleFunc("OPTIONS "+FlagPath, wire.Public, o.preflight)
	reg.HandleFunc("OPTIONS "+FlagsPath, wire.Public, o.preflight)
}

// failure is OFREP's error body; Key is omitted by the bulk endpoint.
type failure struct {
	Key          string `json:"key,omitempty"`
	ErrorCode    string `json:"errorCode,omitempty"`
	ErrorDetails string `json:"errorDetails"`
}

// success is one evaluated flag.
type success struct {
	Key      string         `json:"key"`
	Value    any            `json:"value"`
	Reason   string         `json:"reason"`
	Variant  string         `json:"variant,omitempty"`
	Metadata map[string]any `json:"metadata,omitempty"`
}

// guard checks the origin and the credential before f runs. Every answer
// is written in OFREP's shapes, so it never returns an error.
func (o *OFREP) guard(f http.HandlerFunc) wire.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if origin := r.Header.Get("Origin"); origin != "" && !sameOrigin(r, origin) {
			if !o.allowed(origin) {
				writeJSON(w, http.StatusForbidden, failure{ErrorDetails: "origin " + origin + " may not call OFREP: allow it on the server (admin.WithOFREPOrigins, WAYGATE_OFREP_ORIGINS)"})
				return nil
			}
			o.cors(w, origin)
		}
		network := engine.InternalsOf(o.eng).ClientNetwork(r.RemoteAddr, r.Header.Get).String()
		now := o.clock.Now()
		if wait := o.throttle.RetryAfter(network, maxFails, now); wait > 0 {
			secs := strconv.FormatInt(wire.RetrySeconds(wait), 10)
			w.Header().Set("Retry-After", secs)
			writeJSON(w, http.StatusTooManyRequests, failure{ErrorDetails: "too many wrong credentials from this client: try again in " + secs + " seconds"})
			return nil
		}
		if !o.authorized(r) {
			o.throttle.Fail(network, now)
			w.Header().Set("WWW-Authenticate", `Bearer realm="waygate-ofrep"`)
			writeJSON(w, http.StatusUnauthorized, failure{ErrorDetails: o.credentialHelp()})
			return nil
		}
		f(w, r)
		return nil
	}
}

func (o *OFREP) credentialHelp() string {
	where := "Authorization: Bearer <key>"
	if !o.bearer {
		where = o.header + ": <key>"
	}
	return "an OFREP evaluation key or a service token is required: send " + where +
		" with a key configured on the server (admin.WithOFREPKey, WAYGATE_OFREP_KEYS)"
}

// authorized compares the credential with every key and token, in
// constant time, so timing tells nothing about which matched.
func (o *OFREP) authorized(r *http.Request) bool {
	v := strings.TrimSpace(r.Header.Get(o.header))
	if o.bearer {
		var ok bool
		if v, ok = strings.CutPrefix(v, "Bearer "); !ok {
			return false
		}
		v = strings.TrimSpace(v)
	}
	if v == "" {
		return false
	}
	sum := sha256.Sum256([]byte(v))
	match := 0
	for _, k := range o.keys {
		match |= subtle.ConstantTimeCompare(sum[:], k[:])
	}
	return match == 1 || o.isToken(v)
}

// sameOrigin reports whether a browser request comes from a page of this
// server: browsers send Origin with every POST, same-origin ones too. It
// decides as net/http's CrossOriginProtection does: Sec-Fetch-Site, else
// the Origin's host against the request's.
func sameOrigin(r *http.Request, origin string) bool {
	switch r.Header.Get("Sec-Fetch-Site") {
	case "same-origin":
		return true
	case "":
		u, err := url.Parse(origin)
		return err == nil && u.Host == r.Host
	}
	return false
}

func (o *OFREP) allowed(origin string) bool {
	return o.anyOrig || slices.Contains(o.origins, origin)
}

func (o *OFREP) cors(w http.ResponseWriter, origin string) {
	h := w.Header()
	h.Set("Access-Control-Allow-Origin", origin)
	h.Add("Vary", "Origin")
	h.Set("Access-Control-Expose-Headers", "ETag, Retry-After")
}

// preflight answers a browser's CORS preflight for an allowed origin.
func (o *OFREP) preflight(w http.ResponseWriter, r *http.Request) {
	origin := r.Header.Get("Origin")
	if origin == "" || !o.allowed(origin) {
		w.WriteHeader(http.StatusForbidden)
		return
	}
	o.cors(w, origin)
	h := w.Header()
	h.Set("Access-Control-Allow-Methods", "POST, OPTIONS")
	h.Set("Access-Control-Allow-Headers", "Content-Type, If-None-Match, "+o.header)
	h.Set("Access-Control-Max-Age", "600")
	w.WriteHeader(http.StatusNoContent)
}

// request is OFREP's request body.
type request struct {
	Context json.RawMessage `json:"context"`
}

// readContext reads the body's evaluation context: a JSON object whose
// "targetingKey" (a string) is the context key, "kind" the kind and every
// entry an attribute. An absent body or context is an empty context.
func readContext(w http.ResponseWriter, r *http.Request) (flag.EvaluationContext, *failure) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, wire.MaxBodyBytes))
	if err != nil {
		return flag.EvaluationContext{}, &failure{ErrorCode: string(openfeature.ParseErrorCode), ErrorDetails: "the request body could not be read: " + err.Error()}
	}
	var req request
	if len(bytes.TrimSpace(body)) > 0 {
		if err := json.Unmarshal(body, &req); err != nil {
			return flag.EvaluationContext{}, &failure{ErrorCode: string(openfeature.ParseErrorCode),
				ErrorDetails: `the body is not OFREP's JSON: send {"context": {"targetingKey": "user-1", ...}}: ` + err.Error()}
		}
	}
	attrs := map[string]any{}
	if raw := bytes.TrimSpace(req.Context); len(raw) > 0 && string(raw) != "null" {
		if raw[0] != '{' {
			return flag.EvaluationContext{}, &failure{ErrorCode: string(openfeature.InvalidContextCode), ErrorDetails: "context must be a JSON object"}
		}
		d := json.NewDecoder(bytes.NewReader(raw))
		d.UseNumber()
		if err := d.Decode(&attrs); err != nil {
			return flag.EvaluationContext{}, &failure{ErrorCode: string(openfeature.InvalidContextCode), ErrorDetails: "context: " + err.Error()}
		}
		numbers(attrs)
	}
	ctx := flag.EvaluationContext{Attributes: attrs}
	if v, ok := attrs[openfeature.TargetingKey]; ok {
		s, isString := v.(string)
		if !isString {
			return ctx, &failure{ErrorCode: string(openfeature.InvalidContextCode), ErrorDetails: "context.targetingKey must be a string"}
		}
		ctx.Key = s
	}
	if v, ok := attrs["kind"]; ok {
		s, isString := v.(string)
		if !isString {
			return ctx, &failure{ErrorCode: string(openfeature.InvalidContextCode), ErrorDetails: "context.kind must be a string"}
		}
		ctx.Kind = s
	}
	return ctx, nil
}

// numbers turns json.Numbers into int64 when whole, float64 otherwise, as
// the Go SDK's contexts hold them, in nested objects and lists too.
func numbers(m map[string]any) {
	for k, v := range m {
		m[k] = number(v)
	}
}

func number(v any) any {
	switch x := v.(type) {
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return i
		}
		if f, err := x.Float64(); err == nil {
			return f
		}
	case map[string]any:
		numbers(x)
	case []any:
		for i := range x {
			x[i] = number(x[i])
		}
	}
	return v
}

// evaluateFlag answers POST /ofrep/v1/evaluate/flags/{key}.
func (o *OFREP) evaluateFlag(w http.ResponseWriter, r *http.Request) {
	key := r.PathValue("key")
	ctx, bad := readContext(w, r)
	if bad != nil {
		bad.Key = key
		writeJSON(w, http.StatusBadRequest, bad)
		return
	}
	res := o.eng.Flags().Resolve(key, ctx)
	switch res.ErrorCode {
	case "":
		writeJSON(w, http.StatusOK, successOf(key, &res))
	case openfeature.FlagNotFoundCode:
		writeJSON(w, http.StatusNotFound, failure{Key: key, ErrorCode: string(res.ErrorCode), ErrorDetails: res.ErrorMessage})
	default:
		writeJSON(w, http.StatusBadRequest, failure{Key: key, ErrorCode: string(res.ErrorCode), ErrorDetails: res.ErrorMessage})
	}
}

// evaluateFlags answers POST /ofrep/v1/evaluate/flags: every flag, in key
// order, each a success or a failure, with an ETag of the answer.
func (o *OFREP) evaluateFlags(w http.ResponseWriter, r *http.Request) {
	ctx, bad := readContext(w, r)
	if bad != nil {
		writeJSON(w, http.StatusBadRequest, bad)
		return
	}
	all := o.eng.Flags().ResolveAll(ctx)
	out := struct {
		Flags []any `json:"flags"`
	}{Flags: make([]any, 0, len(all))}
	for i := range all {
		res := &all[i]
		if res.ErrorCode != "" {
			out.Flags = append(out.Flags, failure{Key: res.Key, ErrorCode: string(res.ErrorCode), ErrorDetails: res.ErrorMessage})
			continue
		}
		out.Flags = append(out.Flags, successOf(res.Key, res))
	}
	body, err := json.Marshal(out)
	if err != nil {
		o.log.Error("waygate ofrep: encoding the bulk evaluation failed", "err", err)
		writeJSON(w, http.StatusInternalServerError, failure{ErrorDetails: "internal error: see the server log"})
		return
	}
	sum := sha256.Sum256(body)
	etag := `"` + hex.EncodeToString(sum[:12]) + `"`
	w.Header().Set("ETag", etag)
	if matches(r.Header.Get("If-None-Match"), etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}

// matches reports whether an If-None-Match list names etag (weak
// comparison, as RFC 9110 asks for If-None-Match) or is "*".
func matches(inm, etag string) bool {
	for t := range strings.SplitSeq(inm, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == "*" || t == etag {
			return true
		}
	}
	return false
}

func successOf(key string, r *flag.Resolution) success {
	return success{Key: key, Value: r.Value, Reason: string(r.Reason), Variant: r.Variant, Metadata: r.Metadata}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil { // a flag value JSON cannot hold: the store validates them, so a bug
		body, status = []byte(`{"errorDetails":"internal error: the answer could not be encoded"}`), http.StatusInternalServerError
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
