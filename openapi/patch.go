package openapi

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/waygate-go/waygate/core/route"
)

// operationMethods are the path item keys that hold operations.
var operationMethods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

// Extension names set on patched operations.
const (
	ExtStatus            = "x-waygate-status"
	ExtReason            = "x-waygate-reason"
	ExtRetryAfter        = "x-waygate-retry-after"
	ExtSunset            = "x-waygate-sunset"
	ExtSuccessor         = "x-waygate-successor"
	ExtGlobalMaintenance = "x-waygate-global-maintenance"
)

// maintenanceIcon starts every maintenance banner.
const maintenanceIcon = "🔧 Maintenance"

// defaultReason is shown when a maintenance has no reason.
const defaultReason = "temporarily unavailable"

// Patch returns doc rewritten to match st: see the package documentation
// for the rules. doc is Swagger 2.0 or OpenAPI 3.0/3.1, JSON or YAML; the
// result has the same format. Problems with doc are *DocumentError values
// that name their location and match ErrInvalidDocument.
func Patch(doc []byte, st State, opts ...Option) ([]byte, error) {
	d, err := parseDocument(doc)
	if err != nil {
		return nil, err
	}
	cfg := newConfig(opts)
	if err := patchDocument(d, st, cfg); err != nil {
		return nil, err
	}
	if cfg.outputSet && cfg.output != d.format {
		if cfg.output == formatJSON {
			return d.encodeJSON("  ", true)
		}
		return d.encodeYAML()
	}
	return d.encode()
}

// patchDocument applies the rules to a parsed document in place.
func patchDocument(d *document, st State, cfg config) error {
	idx, err := newStateIndex(st, cfg)
	if err != nil {
		return err
	}
	root := d.root
	dropEmptyHostAndBasePath(root)
	base, err := basePath(root, cfg)
	if err != nil {
		return err
	}
	patchInfo(root, st.Maintenance)
	paths := get(root, "paths")
	if paths == nil || paths.ShortTag() == "!!null" {
		return nil
	}
	if paths.Kind != yaml.MappingNode {
		return docErr("paths", "must be an object")
	}
	kept := paths.Content[:0:0]
	for i := 0; i+1 < len(paths.Content); i += 2 {
		k, v := resolve(paths.Content[i]), paths.Content[i+1]
		if k == nil || k.Kind != yaml.ScalarNode {
			return docErr("paths", "every key must be a path string")
		}
		p := k.Value
		loc := "paths." + p
		if strings.HasPrefix(p, "x-") {
			kept = append(kept, paths.Content[i], v)
			continue
		}
		if !strings.HasPrefix(p, "/") {
			return docErr(loc, "a path must start with /")
		}
		item := resolve(v)
		if item == nil || item.Kind != yaml.MappingNode {
			return docErr(loc, "a path item must be an object")
		}
		keep, err := patchPathItem(item, joinPath(base, p), loc, idx, st)
		if err != nil {
			return err
		}
		if keep {
			kept = append(kept, paths.Content[i], v)
		}
	}
	paths.Content = kept
	return nil
}

// dropEmptyHostAndBasePath removes the empty host and basePath swag writes into a
// Swagger 2.0 document when the API has no @host or @BasePath annotation.
// The schema rejects both empty strings; an absent host means the host
// that serves the document, and an absent basePath means /, which is what
// the empty ones were meant to say.
func dropEmptyHostAndBasePath(root *yaml.Node) {
	if stringAt(root, "swagger") == "" {
		return
	}
	for _, key := range []string{"host", "basePath"} {
		if v := get(root, key); v != nil && v.Kind == yaml.ScalarNode && v.ShortTag() == "!!str" && v.Value == "" {
			remove(root, key)
		}
	}
}

// basePath returns the prefix of document paths: WithBasePath, else a
// Swagger 2.0 basePath.
func basePath(root *yaml.Node, cfg config) (string, error) {
	if cfg.basePathSet {
		return strings.TrimSuffix(cfg.basePath, "/"), nil
	}
	if stringAt(root, "swagger") == "" {
		return "", nil
	}
	v := get(root, "basePath")
	if v == nil {
		return "", nil
	}
	if v.Kind != yaml.ScalarNode || !strings.HasPrefix(v.Value, "/") {
		return "", docErr("basePath", "must be a string starting with /")
	}
	return strings.TrimSuffix(v.Value, "/"), nil
}

func joinPath(base, p string) string {
	if base == "" {
		return p
	}
	return base + p
}

// patchPathItem patches the operations of one path item and reports
// whether the path should stay.
func patchPathItem(item *yaml.Node, fullPath, loc string, idx *stateIndex, st State) (bool, error) {
	shape := pathShape(fullPath)
	had, left := 0, 0
	out := item.Content[:0:0]
	for i := 0; i+1 < len(item.Content); i += 2 {
		k := resolve(item.Content[i])
		if k == nil || k.Kind != yaml.ScalarNode || !slices.Contains(operationMethods, k.Value) {
			out = append(out, item.Content[i], item.Content[i+1])
			continue
		}
		had++
		opLoc := loc + "." + k.Value
		op := resolve(item.Content[i+1])
		if op == nil || op.Kind != yaml.MappingNode {
			return false, docErr(opLoc, "an operation must be an object")
		}
		method := strings.ToUpper(k.Value)
		rs := idx.lookup(method, shape)
		if !visible(rs, st.Env) {
			continue
		}
		if err := patchOperation(op, opLoc, rs, method, shape, idx, st); err != nil {
			return false, err
		}
		left++
		out = append(out, item.Content[i], item.Content[i+1])
	}
	item.Content = out
	return had == 0 || left > 0, nil
}

// visible reports whether an operation with state rs stays in the document.
func visible(rs *route.State, env string) bool {
	if rs == nil || rs.ForceActive {
		return true
	}
	switch rs.Status {
	case route.StatusDisabled:
		return false
	case route.StatusEnvGated:
		return slices.Contains(rs.AllowedEnvs, env)
	}
	return true
}

func patchOperation(op *yaml.Node, loc string, rs *route.State, method, shape string, idx *stateIndex, st State) error {
	for _, key := range []string{"summary", "description"} {
		if v := get(op, key); v != nil && v.ShortTag() != "!!null" && (v.Kind != yaml.ScalarNode || v.ShortTag() != "!!str") {
			return docErr(loc+"."+key, "must be a string")
		}
	}
	maintained := false
	if rs != nil && !rs.ForceActive {
		switch rs.Status {
		case route.StatusDeprecated:
			markDeprecated(op, rs)
		case route.StatusMaintenance:
			markMaintenance(op, rs.Reason, retryAfter(rs, st.Now))
			maintained = true
		}
	}
	g := st.Maintenance
	if g.Enabled && !maintained && !idx.exempt(method, shape) && (g.IncludeForceActive || rs == nil || !rs.ForceActive) {
		markMaintenance(op, g.Reason, "")
	}
	return nil
}

// retryAfter is when the window that put a route in maintenance ends,
// RFC 3339, or "" when unknown or past (see route.Window.MaintenanceEnd).
func retryAfter(rs *route.State, now time.Time) string {
	end := rs.Window.MaintenanceEnd(rs.Status)
	if end.IsZero() || (!now.IsZero() && !now.Before(end)) {
		return ""
	}
	return end.UTC().Format(time.RFC3339)
}

func markDeprecated(op *yaml.Node, rs *route.State) {
	set(op, "deprecated", &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: "true"})
	var notes []string
	if rs.SunsetDate != "" {
		notes = append(notes, "Sunset: "+markdownText(rs.SunsetDate)+".")
	}
	if rs.SuccessorPath != "" {
		notes = append(notes, "Use "+markdownText(rs.SuccessorPath)+" instead.")
	}
	if len(notes) > 0 {
		note := "**Deprecated.** " + strings.Join(notes, " ")
		desc := stringAt(op, "description")
		if !strings.Contains(desc, note) {
			if desc != "" {
				desc += "\n\n"
			}
			setString(op, "description", desc+note)
		}
	}
	if rs.SunsetDate != "" {
		setString(op, ExtSunset, rs.SunsetDate)
	}
	if rs.SuccessorPath != "" {
		setString(op, ExtSuccessor, rs.SuccessorPath)
	}
}

// banner is the maintenance line for reason, as plain text (a summary).
func banner(reason string) string {
	if reason == "" {
		reason = defaultReason
	}
	return maintenanceIcon + ": " + strings.Join(strings.Fields(reason), " ")
}

// markdownBanner is the maintenance line for reason in a Markdown
// description.
func markdownBanner(reason string) string {
	if reason == "" {
		reason = defaultReason
	}
	return maintenanceIcon + ": " + markdownText(reason)
}

// markdownText escapes admin-set text (a maintenance reason, a successor
// path) for a Markdown description, which Swagger UI and Redoc render as
// Markdown with inline HTML: HTML's special characters become entities
// and Markdown's punctuation is backslash-escaped, so the text reads as
// itself and never as markup (<img>, <h1>, links, emphasis); line breaks
// become spaces, keeping a banner one quoted line.
func markdownText(s string) string {
	var b strings.Builder
	b.Grow(len(s) + len(s)/4)
	for _, r := range s {
		switch r {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '"':
			b.WriteString("&quot;")
		case '\n', '\r', '\t', '\v', '\f':
			b.WriteByte(' ')
		case '\\', '`', '*', '_', '[', ']', '(', ')', '#', '!', '|', '~':
			// Markdown's inline markup; block markup needs a line start,
			// which the text never has once its line breaks are spaces.
			b.WriteByte('\\')
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func markMaintenance(op *yaml.Node, reason, retry string) {
	b := banner(reason)
	summary := stringAt(op, "summary")
	switch {
	case summary == "":
		setString(op, "summary", b)
	case !strings.HasPrefix(summary, maintenanceIcon):
		setString(op, "summary", b+" — "+summary)
	}
	setString(op, "description", prefixBanner(stringAt(op, "description"), markdownBanner(reason)))
	setString(op, ExtStatus, string(route.StatusMaintenance))
	setString(op, ExtReason, reason)
	if retry != "" {
		setString(op, ExtRetryAfter, retry)
	}
}

// prefixBanner puts a markdown quote of b before desc, once.
func prefixBanner(desc, b string) string {
	quote := "> " + b
	if strings.HasPrefix(desc, "> "+maintenanceIcon) {
		return desc
	}
	if desc == "" {
		return quote
	}
	return quote + "\n\n" + desc
}

// patchInfo records global maintenance in info.
func patchInfo(root *yaml.Node, g route.MaintenanceConfig) {
	info := get(root, "info")
	if info == nil || info.Kind != yaml.MappingNode {
		if info != nil {
			return // kin-openapi and friends report a malformed info; leave it
		}
		info = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
		set(root, "info", info)
	}
	ext := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	setBool := func(m *yaml.Node, k string, v bool) {
		set(m, k, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: fmt.Sprint(v)})
	}
	setBool(ext, "enabled", g.Enabled)
	if g.Enabled {
		setString(ext, "reason", g.Reason)
		ex := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
		for _, p := range g.ExemptPaths {
			ex.Content = append(ex.Content, strNode(p))
		}
		set(ext, "exempt_paths", ex)
		if d := get(info, "description"); d == nil || d.Kind == yaml.ScalarNode {
			setString(info, "description", prefixBanner(stringAt(info, "description"), markdownBanner(g.Reason)))
		}
	}
	set(info, ExtGlobalMaintenance, ext)
}

// pathShape reduces a template to its shape: parameter names are dropped,
// so "/orders/{id}" in a document matches the key "GET:/orders/{orderID}".
func pathShape(p string) string {
	if !strings.Contains(p, "{") {
		return p
	}
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		if p[i] == '{' {
			if j := strings.IndexByte(p[i:], '}'); j > 0 {
				b.WriteString("{}")
				i += j
				continue
			}
		}
		b.WriteByte(p[i])
	}
	return b.String()
}

// stateIndex finds the state of an operation.
type stateIndex struct {
	byKey  map[string]*route.State // "METHOD:shape" or "shape"
	exempt func(method, shape string) bool
}

func newStateIndex(st State, cfg config) (*stateIndex, error) {
	idx := &stateIndex{byKey: make(map[string]*route.State, len(st.Routes))}
	for i := range st.Routes {
		rs := &st.Routes[i]
		k, err := route.ParseKey(rs.Path)
		if err != nil {
			return nil, fmt.Errorf("state: route %q: %w", rs.Path, err)
		}
		svc := k.Service
		if svc == "" {
			svc = rs.Service
		}
		if svc != cfg.service {
			continue
		}
		idx.byKey[route.Key{Method: k.Method, Path: pathShape(k.Path)}.String()] = rs
	}
	exempt := map[string]bool{}
	for _, p := range st.Maintenance.ExemptPaths {
		k, err := route.ParseKey(p)
		if err != nil {
			return nil, fmt.Errorf("state: exempt path: %w", err)
		}
		exempt[route.Key{Method: k.Method, Path: pathShape(k.Path)}.String()] = true
	}
	idx.exempt = func(method, shape string) bool {
		return exempt[method+":"+shape] || exempt[shape]
	}
	return idx, nil
}

// lookup returns the state of METHOD:shape, else of the bare shape.
func (x *stateIndex) lookup(method, shape string) *route.State {
	if rs, ok := x.byKey[method+":"+shape]; ok {
		return rs
	}
	return x.byKey[shape]
}
