package admin

import (
	"encoding/base64"
	"fmt"
	"strings"
	"unicode/utf8"
)

// EncodeRouteKey encodes a route key ("GET:/payments") for a URL path
// segment: unpadded base64url of its UTF-8 bytes ("R0VUOi9wYXltZW50cw"), as
// the Python reference's CLI and dashboard send it.
func EncodeRouteKey(key string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(key))
}

// DecodeRouteKey decodes a route key from a URL path segment. Padding is
// accepted but not required.
func DecodeRouteKey(segment string) (string, error) {
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(segment, "="))
	if err != nil || len(b) == 0 || !utf8.Valid(b) {
		return "", fmt.Errorf("route key %q is not unpadded base64url of a key like GET:/payments (GET:/payments is R0VUOi9wYXltZW50cw)", segment)
	}
	return string(b), nil
}

// validServiceName reports whether s can name a service: letters, digits,
// '-', '_' and '.', as in route keys.
func validServiceName(s string) bool {
	if s == "" || len(s) > 200 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return false
		}
	}
	return true
}

// resolveKey returns the route key a mutation given key acts on: key
// itself, normalised, or the one method key of a bare path. It fails as the
// mutation would.
func (h *Handler) resolveKey(key string) (string, error) {
	st, err := h.eng.Route(key)
	if err != nil {
		return "", err
	}
	return st.Path, nil
}
