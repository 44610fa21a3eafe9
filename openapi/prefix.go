package openapi

import (
	"net/url"
	"strings"

	"gopkg.in/yaml.v3"
)

// Where a prefix of document paths comes from (UnmatchedError.PrefixSource).
const (
	sourceOption   = "WithBasePath"
	sourceBasePath = "basePath"
	sourceServers  = "servers[0].url"
)

// documentPrefix returns the prefix of document paths, without a trailing
// slash, and where it comes from: WithBasePath, else a Swagger 2.0
// basePath, else the path of an OpenAPI 3 document's first server URL.
func documentPrefix(root *yaml.Node, cfg config) (prefix, source string, err error) {
	switch {
	case cfg.basePathSet:
		prefix, source = cfg.basePath, sourceOption
	case stringAt(root, "swagger") != "":
		if v := get(root, "basePath"); v != nil && (v.Kind != yaml.ScalarNode || !strings.HasPrefix(v.Value, "/")) {
			return "", "", docErr("basePath", "must be a string starting with /")
		}
		prefix, source = stringAt(root, "basePath"), sourceBasePath
	case stringAt(root, "openapi") != "":
		prefix, err = serversPrefix(root)
		source = sourceServers
	}
	prefix = strings.TrimRight(prefix, "/")
	if err != nil || prefix == "" {
		return "", "", err
	}
	return prefix, source, nil
}

// serversPrefix is the path of an OpenAPI 3 document's first server URL,
// its variables at their defaults, without a trailing slash: "/api/v1" for
// "https://api.example.com/api/v1" or "/api/v1"; "" for no servers, a URL
// without a path, or a URL relative to where the document is served
// ("v1", "."), which the document alone cannot resolve. Only the first
// server counts: when servers differ in their paths, it is the one the
// document presents first.
func serversPrefix(root *yaml.Node) (string, error) {
	servers := get(root, "servers")
	if servers == nil || servers.ShortTag() == "!!null" {
		return "", nil
	}
	if servers.Kind != yaml.SequenceNode {
		return "", docErr("servers", "must be an array of server objects")
	}
	if len(servers.Content) == 0 {
		return "", nil
	}
	server := resolve(servers.Content[0])
	if server == nil || server.Kind != yaml.MappingNode {
		return "", docErr("servers[0]", "must be an object with a url")
	}
	u := get(server, "url")
	if u == nil || u.Kind != yaml.ScalarNode || u.ShortTag() != "!!str" {
		return "", docErr("servers[0].url", "must be a string")
	}
	expanded, err := expandServerVariables(u.Value, get(server, "variables"))
	if err != nil {
		return "", err
	}
	p := urlPath(expanded)
	if unescaped, err := url.PathUnescape(p); err == nil {
		p = unescaped
	}
	return p, nil
}

// expandServerVariables replaces every {name} in a server URL with the
// default of variable name.
func expandServerVariables(raw string, vars *yaml.Node) (string, error) {
	if !strings.ContainsAny(raw, "{}") {
		return raw, nil
	}
	var b strings.Builder
	for i := 0; i < len(raw); i++ {
		switch raw[i] {
		case '{':
			j := strings.IndexByte(raw[i:], '}')
			if j < 0 {
				return "", docErr("servers[0].url", "has a { without }")
			}
			name := raw[i+1 : i+j]
			loc := "servers[0].variables." + name
			v := get(vars, name)
			if v == nil || v.Kind != yaml.MappingNode {
				return "", docErr(loc, "is missing: define the variable {%s} the url uses, with a default, or set the prefix of the paths yourself (WithBasePath, or --base-path of waygate openapi patch)", name)
			}
			def := get(v, "default")
			if def == nil || def.Kind != yaml.ScalarNode || def.ShortTag() == "!!null" {
				return "", docErr(loc+".default", "is missing: give the variable a default, or set the prefix of the paths yourself (WithBasePath, or --base-path of waygate openapi patch)")
			}
			b.WriteString(def.Value)
			i += j
		case '}':
			return "", docErr("servers[0].url", "has a } without {")
		default:
			b.WriteByte(raw[i])
		}
	}
	return b.String(), nil
}

// urlPath is the path of a server URL: absolute (https://host/path),
// scheme-relative (//host/path) or absolute-path (/path). A relative URL
// ("v1", "./api") has none.
func urlPath(s string) string {
	if i := strings.IndexAny(s, "?#"); i >= 0 {
		s = s[:i]
	}
	if strings.HasPrefix(s, "/") && !strings.HasPrefix(s, "//") {
		return s
	}
	rest, ok := strings.CutPrefix(s, "//")
	if !ok {
		i := strings.Index(s, "://")
		if i <= 0 || !isScheme(s[:i]) {
			return ""
		}
		rest = s[i+3:]
	}
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		return rest[i:]
	}
	return ""
}

// isScheme reports whether s is a URL scheme (RFC 3986 section 3.1).
func isScheme(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		letter := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
		if !letter && (i == 0 || !(c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.')) {
			return false
		}
	}
	return s != ""
}

func joinPath(base, p string) string {
	if base == "" {
		return p
	}
	return base + p
}
