package wire

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/waygate-go/waygate/core/flag"
)

// DecodeStrict is DecodeBody for types that (or whose parts) have their own
// UnmarshalJSON, like the flag model: encoding/json's DisallowUnknownFields
// stops at such types, so the field names of the body are checked against
// the JSON fields of v's type, at every depth.
func DecodeStrict(w http.ResponseWriter, r *http.Request, v any, required bool) error {
	raw, err := ReadBody(w, r, required)
	if err != nil || raw == nil {
		return err
	}
	return DecodeStrictRaw(raw, v)
}

// DecodeStrictRaw decodes one JSON object into v like DecodeStrict. The
// fields are checked first, so a wrong type or an unknown name deep in the
// body is reported with its path ("rules[0].clauses[0].negate").
func DecodeStrictRaw(raw []byte, v any) error {
	if err := checkFields(raw, reflect.TypeOf(v), ""); err != nil {
		return err
	}
	return DecodeRaw(raw, v)
}

// checkFields reports the first object key in raw (sorted, depth first)
// that names no JSON field of t, or the first value whose JSON type cannot
// be t. Values typed any (variation values, clause values, attributes,
// payloads) are free-form. Malformed JSON is left to the decoder.
func checkFields(raw []byte, t reflect.Type, path string) error {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" || t.Kind() == reflect.Interface {
		return nil
	}
	got := jsonTypeOf(raw[0])
	mismatch := func(want string) error {
		if path == "" {
			return BadRequest("expected %s, not %s", want, got)
		}
		return BadRequest("field %q must be %s, not %s", path, want, got)
	}
	switch t {
	case reflect.TypeFor[json.RawMessage]():
		return nil
	case reflect.TypeFor[time.Time]():
		// The flag model reads RFC 3339 and the reference's naive times.
		var text string
		if got != "string" || json.Unmarshal(raw, &text) != nil {
			return mismatch("a string (an RFC 3339 time)")
		}
		if _, err := flag.ParseTime(text); err != nil {
			return BadRequest("field %q: %v", path, err)
		}
		return nil
	case reflect.TypeFor[flag.Fallthrough]():
		if got != "string" && got != "array" {
			return mismatch("a variation name or a list of {\"variation\", \"weight\"}")
		}
		if got == "string" {
			return nil
		}
		return checkFields(raw, reflect.TypeFor[[]flag.WeightedVariation](), path)
	}
	switch t.Kind() {
	case reflect.String:
		if got != "string" {
			return mismatch("a string")
		}
	case reflect.Bool:
		if got != "boolean" {
			return mismatch("a boolean")
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		if got != "number" {
			return mismatch("a whole number")
		}
		if bytes.ContainsAny(raw, ".eE") {
			return BadRequest("field %q must be a whole number, not %s", path, raw)
		}
	case reflect.Float32, reflect.Float64:
		if got != "number" {
			return mismatch("a number")
		}
	case reflect.Struct:
		if got != "object" {
			return mismatch("an object")
		}
		var obj map[string]json.RawMessage
		if json.Unmarshal(raw, &obj) != nil {
			return nil //nolint:nilerr // malformed JSON is the decoder's to report
		}
		fields := jsonFields(t)
		for _, name := range sortedKeys(obj) {
			ft, found := fields.lookup(name)
			if !found {
				return BadRequest("unknown field %q: check the field names in GET /api/openapi.json", joinPath(path, name))
			}
			if err := checkFields(obj[name], ft, joinPath(path, name)); err != nil {
				return err
			}
		}
	case reflect.Slice, reflect.Array:
		if got != "array" {
			return mismatch("an array")
		}
		var items []json.RawMessage
		if json.Unmarshal(raw, &items) != nil {
			return nil //nolint:nilerr // malformed JSON is the decoder's to report
		}
		for i, item := range items {
			if err := checkFields(item, t.Elem(), fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
	case reflect.Map:
		if got != "object" {
			return mismatch("an object")
		}
		var obj map[string]json.RawMessage
		if json.Unmarshal(raw, &obj) != nil {
			return nil //nolint:nilerr // malformed JSON is the decoder's to report
		}
		for _, name := range sortedKeys(obj) {
			if err := checkFields(obj[name], t.Elem(), joinPath(path, name)); err != nil {
				return err
			}
		}
	}
	return nil
}

// jsonTypeOf names the JSON type of a value from its first byte.
func jsonTypeOf(first byte) string {
	switch first {
	case '{':
		return "object"
	case '[':
		return "array"
	case '"':
		return "string"
	case 't', 'f':
		return "boolean"
	case 'n':
		return "null"
	}
	return "number"
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func joinPath(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// fieldSet maps JSON field names to their types.
type fieldSet map[string]reflect.Type

// lookup finds a field as encoding/json does: the exact name, else one
// that differs only in case.
func (fs fieldSet) lookup(name string) (reflect.Type, bool) {
	if t, found := fs[name]; found {
		return t, true
	}
	for n, t := range fs {
		if strings.EqualFold(n, name) {
			return t, true
		}
	}
	return nil, false
}

// extraFields are names a type's UnmarshalJSON accepts beyond its struct
// fields.
var extraFields = map[reflect.Type]fieldSet{
	// The reference's top-level context fields, moved into attributes.
	reflect.TypeFor[flag.EvaluationContext](): {
		"email": reflect.TypeFor[any](), "ip": reflect.TypeFor[any](),
		"country": reflect.TypeFor[any](), "app_version": reflect.TypeFor[any](),
	},
}

var fieldCache sync.Map // reflect.Type → fieldSet

// jsonFields lists the JSON fields of a struct type, including those of
// untagged embedded structs.
func jsonFields(t reflect.Type) fieldSet {
	if fs, found := fieldCache.Load(t); found {
		return fs.(fieldSet)
	}
	fs := fieldSet{}
	for name, ft := range extraFields[t] {
		fs[name] = ft
	}
	var walk func(reflect.Type)
	walk = func(t reflect.Type) {
		for i := range t.NumField() {
			sf := t.Field(i)
			tag := sf.Tag.Get("json")
			if tag == "-" {
				continue
			}
			name, _, _ := strings.Cut(tag, ",")
			if sf.Anonymous && name == "" {
				et := sf.Type
				if et.Kind() == reflect.Pointer {
					et = et.Elem()
				}
				if et.Kind() == reflect.Struct {
					walk(et)
					continue
				}
			}
			if !sf.IsExported() {
				continue
			}
			if name == "" {
				name = sf.Name
			}
			if _, taken := fs[name]; !taken {
				fs[name] = sf.Type
			}
		}
	}
	walk(t)
	fieldCache.Store(t, fs)
	return fs
}
