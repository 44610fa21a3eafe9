package route

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// Methods lists the standard HTTP methods.
var Methods = []string{"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "CONNECT", "TRACE"}

// ErrInvalidKey is returned (wrapped) for keys and templates that cannot be
// parsed.
var ErrInvalidKey = errors.New("invalid route key")

// Key is a parsed route key.
type Key struct {
	// Service is the owning service on a Waygate Server; empty otherwise.
	Service string
	// Method is the upper-case HTTP method; empty for an all-methods route.
	Method string
	// Path is the normalised route template, starting with "/".
	Path string
}

// String formats the key as "service:METHOD:/path", omitting empty parts.
func (k Key) String() string {
	var b strings.Builder
	b.Grow(len(k.Service) + len(k.Method) + len(k.Path) + 2)
	if k.Service != "" {
		b.WriteString(k.Service)
		b.WriteByte(':')
	}
	if k.Method != "" {
		b.WriteString(k.Method)
		b.WriteByte(':')
	}
	b.WriteString(k.Path)
	return b.String()
}

// MakeKey builds the key of a route from its method ("" for every method)
// and template. The template is normalised; the method upper-cased.
func MakeKey(method, template string) (string, error) {
	p, err := NormalizeTemplate(template)
	if err != nil {
		return "", err
	}
	return Key{Method: strings.ToUpper(method), Path: p}.String(), nil
}

// ParseKey parses "METHOD:/path", "/path", "service:METHOD:/path" or
// "service:/path". Methods must be upper-case HTTP methods; the path must
// start with "/".
func ParseKey(s string) (Key, error) {
	if s == "" {
		return Key{}, fmt.Errorf("%w: empty key: write METHOD:/path, for example GET:/payments", ErrInvalidKey)
	}
	slash := strings.IndexByte(s, '/')
	if slash < 0 {
		return Key{}, fmt.Errorf("%w %q: the path must start with /, for example GET:/payments", ErrInvalidKey, s)
	}
	head, path := s[:slash], s[slash:]
	var k Key
	k.Path = path
	if head != "" {
		if !strings.HasSuffix(head, ":") {
			return Key{}, fmt.Errorf("%w %q: separate the method and the path with a colon, for example GET:/payments", ErrInvalidKey, s)
		}
		parts := strings.Split(strings.TrimSuffix(head, ":"), ":")
		switch len(parts) {
		case 1:
			if isMethod(parts[0]) {
				k.Method = parts[0]
			} else {
				k.Service = parts[0]
			}
		case 2:
			k.Service, k.Method = parts[0], parts[1]
			if !isMethod(k.Method) {
				return Key{}, fmt.Errorf("%w %q: %q is not an upper-case HTTP method", ErrInvalidKey, s, k.Method)
			}
			if isMethod(k.Service) {
				return Key{}, fmt.Errorf("%w %q: service %q looks like a method: service names need a lower-case letter, digit or '-'", ErrInvalidKey, s, k.Service)
			}
		default:
			return Key{}, fmt.Errorf("%w %q: expected [service:][METHOD:]/path", ErrInvalidKey, s)
		}
		if k.Service != "" && !validServiceName(k.Service) {
			return Key{}, fmt.Errorf("%w %q: service names use letters, digits, '-', '_' and '.'", ErrInvalidKey, s)
		}
	}
	if strings.ContainsAny(path, " \t\r\n?#") {
		return Key{}, fmt.Errorf("%w %q: the path must not contain spaces, '?' or '#'", ErrInvalidKey, s)
	}
	// A key may be written in the framework's syntax (GET:/users/:name,
	// GET:/files/*path): it names the same route as Waygate's form.
	// (Keys in Waygate's form, the engine's own on every snapshot rebuild,
	// skip the rewrite.)
	if strings.ContainsAny(path, ":*") || strings.Contains(path, "...}") {
		norm, err := NormalizeTemplate(path)
		if err != nil {
			return Key{}, fmt.Errorf("%w %q: %w", ErrInvalidKey, s, err)
		}
		k.Path = norm
	}
	return k, nil
}

// isMethod accepts any upper-case token, so WebDAV and custom methods
// (PROPFIND, PURGE) have keys too. Service names therefore need at least one
// character that is not an upper-case letter.
func isMethod(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return true
}

// ValidateSuccessor checks a deprecated route's successor: a path on this
// host or an absolute http(s) URL that fits in a Link header. A
// scheme-relative URL (//host/x, or /\host/x, which browsers read alike)
// is refused: it reads like a path and sends clients to another host.
func ValidateSuccessor(s string) error {
	if s == "" {
		return nil
	}
	if strings.ContainsAny(s, "<>\r\n\t \\") {
		return fmt.Errorf("successor %q must not contain spaces, '<', '>', backslashes or line breaks", s)
	}
	if strings.HasPrefix(s, "//") {
		return fmt.Errorf("successor %q is scheme-relative and names another host: give a path (/v2/orders) or a full URL (https://api.example.com/v2/orders)", s)
	}
	if strings.HasPrefix(s, "/") {
		return nil
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("successor %q: give a path (/v2/orders) or an absolute http(s) URL (https://api.example.com/v2/orders)", s)
	}
	return nil
}

func isNameByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
}

func validParamName(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isNameByte(s[i]) {
			return false
		}
	}
	return s != ""
}

func validServiceName(s string) bool {
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return false
		}
	}
	return s != ""
}

// NormalizeTemplate converts a framework route template to Waygate's {param}
// form: ":id" becomes "{id}", "*path" becomes "{path}", a bare "*" becomes
// "{*}", and net/http's "{path...}" becomes "{path}". A template already in
// {param} form is returned unchanged.
func NormalizeTemplate(t string) (string, error) {
	if t == "" || t[0] != '/' {
		return "", fmt.Errorf("%w: template %q must start with /", ErrInvalidKey, t)
	}
	if !strings.ContainsAny(t, ":*{") {
		return t, nil
	}
	var b strings.Builder
	b.Grow(len(t) + 4)
	for i := 0; i < len(t); {
		c := t[i]
		// A parameter starts a segment, or follows '.' or '-' (fiber's
		// "/:file.:ext", "/:from-:to").
		paramStart := i == 0 || t[i-1] == '/' || (c == ':' && (t[i-1] == '.' || t[i-1] == '-'))
		switch {
		case (c == ':' || c == '*') && paramStart:
			j := i + 1
			for j < len(t) && isNameByte(t[j]) {
				j++
			}
			name := t[i+1 : j]
			// fiber's optional (":id?") and constrained (":id<int>") parameters:
			// the key keeps only the name.
			if j < len(t) && t[j] == '<' {
				k := strings.IndexByte(t[j:], '>')
				if k < 0 {
					return "", fmt.Errorf("%w: template %q has an unclosed <", ErrInvalidKey, t)
				}
				j += k + 1
			}
			if j < len(t) && t[j] == '?' {
				j++
			}
			if name == "" {
				if c == ':' {
					return "", fmt.Errorf("%w: template %q has a parameter without a name", ErrInvalidKey, t)
				}
				name = "*"
			}
			b.WriteByte('{')
			b.WriteString(name)
			b.WriteByte('}')
			i = j
		case c == '{':
			j := strings.IndexByte(t[i:], '}')
			if j < 0 {
				return "", fmt.Errorf("%w: template %q has an unclosed {", ErrInvalidKey, t)
			}
			name := strings.TrimSuffix(t[i+1:i+j], "...")
			if name == "$" && i+j+1 == len(t) { // net/http's "/{$}" anchors the path: it is not a parameter
				i += j + 1
				continue
			}
			if name != "*" && !validParamName(name) {
				return "", fmt.Errorf("%w: template %q: parameter names use letters, digits and '_'", ErrInvalidKey, t)
			}
			b.WriteByte('{')
			b.WriteString(name)
			b.WriteByte('}')
			i += j + 1
		case c == '}':
			return "", fmt.Errorf("%w: template %q has a } without {", ErrInvalidKey, t)
		default:
			b.WriteByte(c)
			i++
		}
	}
	return b.String(), nil
}
