package wire

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/ratelimit"
	"github.com/waygate-go/waygate/core/route"
)

// MaxBodyBytes is the largest request body the API reads.
const MaxBodyBytes = 1 << 20

// Error is an error with the HTTP status it answers with.
type Error struct {
	Status int
	Msg    string
	Extra  map[string]any // more fields of the JSON body
	Header http.Header    // headers to send (Retry-After)
}

func (e *Error) Error() string { return e.Msg }

func Errorf(status int, format string, args ...any) error {
	return &Error{Status: status, Msg: fmt.Sprintf(format, args...)}
}

func BadRequest(format string, args ...any) error {
	return Errorf(http.StatusBadRequest, format, args...)
}

// StatusOf maps an error to its status and body. Errors the API does not
// know are 500, logged by the caller; bad input never gets there.
func StatusOf(err error) (int, map[string]any, http.Header) {
	var ae *Error
	var amb *engine.AmbiguousRouteError
	var tooBig *http.MaxBytesError
	body := map[string]any{"error": err.Error()}
	switch {
	case errors.As(err, &ae):
		for k, v := range ae.Extra {
			body[k] = v
		}
		return ae.Status, body, ae.Header
	case errors.As(err, &tooBig):
		body["error"] = fmt.Sprintf("request body is larger than %d bytes", tooBig.Limit)
		return http.StatusRequestEntityTooLarge, body, nil
	case errors.As(err, &amb):
		body["ambiguous_matches"] = amb.Matches
		return http.StatusConflict, body, nil
	case errors.Is(err, engine.ErrRouteNotFound), errors.Is(err, engine.ErrNoWindow):
		return http.StatusNotFound, body, nil
	case errors.Is(err, engine.ErrRouteProtected), errors.Is(err, engine.ErrExists):
		return http.StatusConflict, body, nil
	case errors.Is(err, engine.ErrInvalid), errors.Is(err, ratelimit.ErrInvalid), errors.Is(err, route.ErrInvalidKey):
		return http.StatusBadRequest, body, nil
	case errors.Is(err, engine.ErrBackend):
		return http.StatusServiceUnavailable, body, nil
	}
	body["error"] = "internal error: see the server log"
	return http.StatusInternalServerError, body, nil
}

// WriteJSON writes v as JSON with status.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"error":"internal error: could not encode the response"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}

// WriteError answers with err as {"error": "..."}; an error the API does
// not know is a 500, logged to log.
func WriteError(w http.ResponseWriter, r *http.Request, err error, log *slog.Logger) {
	status, body, header := StatusOf(err)
	if status == http.StatusInternalServerError {
		log.Error("waygate admin: request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	for k, v := range header {
		w.Header()[k] = v
	}
	WriteJSON(w, status, body)
}

// DecodeBody reads a JSON object into v, refusing unknown fields, wrong
// types, trailing data and bodies over MaxBodyBytes. An empty body is
// accepted (v keeps its zero value) unless required.
func DecodeBody(w http.ResponseWriter, r *http.Request, v any, required bool) error {
	raw, err := ReadBody(w, r, required)
	if err != nil || raw == nil {
		return err
	}
	return DecodeRaw(raw, v)
}

// ReadBody reads the request body, trimmed: nil when empty (an error when
// required), a 400 unless it starts like a JSON object.
func ReadBody(w http.ResponseWriter, r *http.Request, required bool) ([]byte, error) {
	raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, err
		}
		return nil, BadRequest("could not read the request body: %v", err)
	}
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		if required {
			return nil, BadRequest("a JSON object body is required")
		}
		return nil, nil
	}
	if raw[0] != '{' {
		got := "a JSON " + jsonTypeOf(raw[0])
		if c := raw[0]; c != '-' && (c < '0' || c > '9') && jsonTypeOf(c) == "number" {
			got = "text that is not JSON"
		}
		return nil, BadRequest("the body must be a JSON object {...}, not %s: the fields are in GET /api/openapi.json", got)
	}
	return raw, nil
}

// DecodeRaw decodes one JSON object into v, refusing unknown fields (of
// types without their own UnmarshalJSON: see DecodeStrict), wrong types
// and trailing data.
func DecodeRaw(raw []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return BadRequest("%s", describeJSONError(err, reflect.TypeOf(v)))
	}
	if _, err := dec.Token(); err != io.EOF {
		return BadRequest("unexpected data after the JSON object")
	}
	return nil
}

// describeJSONError turns a decoding error into a message that names the
// offending field by its path in the body (t is the decoded type).
func describeJSONError(err error, t reflect.Type) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fmt.Sprintf("malformed JSON at byte %d: %v", syn.Offset, syn)
	case errors.As(err, &typ):
		if f := bodyPath(t, typ.Field); f != "" {
			return fmt.Sprintf("field %q must be %s, not %s", f, jsonKind(typ.Type), typ.Value)
		}
		return fmt.Sprintf("expected %s, not %s", jsonKind(typ.Type), typ.Value)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "malformed JSON: the body ends too early"
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return "unknown field " + strings.TrimPrefix(err.Error(), "json: unknown field ") + ": check the field names in GET /api/openapi.json"
	}
	return "invalid JSON body: " + err.Error()
}

// bodyPath turns encoding/json's field path into the body's: the path
// names embedded structs by their Go type ("Patch.burst"), whose fields
// are at the level of the struct that embeds them ("burst").
func bodyPath(t reflect.Type, field string) string {
	var out []string
	for seg := range strings.SplitSeq(field, ".") {
		for t != nil && (t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Array || t.Kind() == reflect.Map) {
			t = t.Elem()
		}
		if t != nil && t.Kind() == reflect.Struct {
			if f, ok := t.FieldByName(seg); ok && f.Anonymous && f.Tag.Get("json") == "" {
				t = f.Type
				continue
			}
			t = fieldByJSONName(t, seg)
		} else {
			t = nil
		}
		out = append(out, seg)
	}
	return strings.Join(out, ".")
}

// fieldByJSONName is the type of t's field named name in JSON, or nil.
func fieldByJSONName(t reflect.Type, name string) reflect.Type {
	for _, f := range reflect.VisibleFields(t) {
		tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if tag == name || tag == "" && strings.EqualFold(f.Name, name) {
			return f.Type
		}
	}
	return nil
}

func jsonKind(t reflect.Type) string {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil {
		return "a value"
	}
	switch t.Kind() {
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Bool:
		return "a boolean"
	case reflect.String:
		return "a string"
	}
	if t == reflect.TypeFor[time.Time]() {
		return "a string"
	}
	return "an object"
}

// QueryInt reads an optional integer query parameter within [lo, hi].
func QueryInt(r *http.Request, name string, def, lo, hi int) (int, error) {
	s := r.URL.Query().Get(name)
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		return 0, BadRequest("query parameter %s=%q must be a whole number from %d to %d", name, s, lo, hi)
	}
	return n, nil
}

// OKBody is the body of mutations that return nothing else.
var OKBody = map[string]bool{"ok": true}
