package wire

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
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

// ValidServiceName reports whether s can name a service: letters, digits,
// '-', '_' and '.', as in route keys.
func ValidServiceName(s string) bool {
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

// MountPath is where a handler is mounted, for cookie paths and URLs: the
// configured prefix, else what http.StripPrefix removed from the request
// path.
func MountPath(r *http.Request, prefix string) string {
	if prefix != "" {
		return prefix
	}
	orig := r.RequestURI
	if u, err := url.ParseRequestURI(orig); err == nil {
		orig = u.Path // also for the absolute form, GET http://host/waygate/x
	} else if i := strings.IndexAny(orig, "?#"); i >= 0 {
		orig = orig[:i]
	}
	if m, found := strings.CutSuffix(orig, r.URL.Path); found && strings.HasPrefix(m, "/") {
		return strings.TrimSuffix(m, "/")
	}
	return ""
}
