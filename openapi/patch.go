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

// maintenanceIcon starts every maintenance banner of a description, and
// the banner of a summary with WithSummaryEmoji.
const maintenanceIcon = "🔧 Maintenance"

// maintenanceLabel starts the plain banner of a summary.
const maintenanceLabel = "Maintenance: "

// defaultReason is shown when a maintenance has no reason.
const defaultReason = "temporarily unavailable"

// Patch returns doc rewritten to match st: see the package documentation
// for the rules. doc is Swagger 2.0 or OpenAPI 3.0/3.1, JSON or YAML; the
// result has the same format. Problems with doc are *DocumentError values
// that name their location and match ErrInvalidDocument. When st names
// routes of the document's service and none of them matches an operation
// of doc, Patch returns an *UnmatchedError (matching ErrUnmatched) unless
// AllowUnmatched is given.
func Patch(doc []byte, st State, opts ...Option) ([]byte, error) {
	d, err := parseDocument(doc)
	if err != nil {
		return nil, err
	}
	cfg := newConfig(opts)
	unmatched, err := patchAndMatch(d, st, cfg)
	if err != nil {
		return nil, err
	}
	if unmatched != nil && !cfg.allowUnmatched {
		return nil, unmatched
	}
	if cfg.outputSet && cfg.output != d.format {
		if cfg.output == formatJSON {
			return d.encodeJSON("  ", true)
		}
		return d.encodeYAML()
	}
	return d.encode()
}

// patcher holds what the rules need while one document is patched.
type patcher struct {
	idx *stateIndex
	st  State
	cfg config
}

// patchDocument applies the rules to a parsed document in place, matched
// or not: NewHandler serves the engine's live state, whose routes come and
// go while the program runs, and answers with whatever matches.
func patchDocument(d *document, st State, cfg config) error {
	_, err := patchAndMatch(d, st, cfg)
	return err
}

// patchAndMatch applies the rules to a parsed document in place. It
// reports, without failing, when the state names routes of the document's
// service and none of them matched an operation.
func patchAndMatch(d *document, st State, cfg config) (*UnmatchedError, error) {
	idx, err := newStateIndex(st, cfg)
	if err != nil {
		return nil, err
	}
	root := d.root
	dropSwagsEmptyFields(root)
	base, source, err := documentPrefix(root, cfg)
	if err != nil {
		return nil, err
	}
	patchInfo(root, st.Maintenance)
	paths := get(root, "paths")
	if paths == nil || paths.ShortTag() == "!!null" {
		return nil, nil
	}
	if paths.Kind != yaml.MappingNode {
		return nil, docErr("paths", "must be an object")
	}
	p := &patcher{idx: idx, st: st, cfg: cfg}
	kept := paths.Content[:0:0]
	for i := 0; i+1 < len(paths.Content); i += 2 {
		k, v := resolve(paths.Content[i]), paths.Content[i+1]
		if k == nil || k.Kind != yaml.ScalarNode {
			return nil, docErr("paths", "every key must be a path string")
		}
		path := k.Value
		loc := "paths." + path
		if strings.HasPrefix(path, "x-") {
			kept = append(kept, paths.Content[i], v)
			continue
		}
		if !strings.HasPrefix(path, "/") {
			return nil, docErr(loc, "a path must start with /")
		}
		item := resolve(v)
		if item == nil || item.Kind != yaml.MappingNode {
			return nil, docErr(loc, "a path item must be an object")
		}
		keep, err := p.patchPathItem(item, joinPath(base, path), loc)
		if err != nil {
			return nil, err
		}
		if keep {
			kept = append(kept, paths.Content[i], v)
		}
	}
	paths.Content = kept
	return idx.unmatched(base, source), nil
}

// dropSwagsEmptyFields removes the empty fields swag writes into a Swagger
// 2.0 document when the API has no @host, @BasePath or @schemes
// annotation: "host": "" and "basePath": "" (swag init's swagger.json and
// swagger.yaml), and "schemes": [] (the document its docs.go registers,
// which swagdoc.Read returns; null when SwaggerInfo.Schemes is nil). The
// schema rejects the empty strings and a null list, and an empty list
// names no scheme a client could use; absent, they say what was meant:
// the host that serves the document, /, and the scheme the document was
// fetched with.
func dropSwagsEmptyFields(root *yaml.Node) {
	if stringAt(root, "swagger") == "" {
		return
	}
	for _, key := range []string{"host", "basePath"} {
		if v := get(root, key); v != nil && v.Kind == yaml.ScalarNode && v.ShortTag() == "!!str" && v.Value == "" {
			remove(root, key)
		}
	}
	if v := get(root, "schemes"); v != nil && (v.Kind == yaml.SequenceNode && len(v.Content) == 0 || v.ShortTag() == "!!null") {
		remove(root, "schemes")
	}
}

// patchPathItem patches the operations of one path item and reports
// whether the path should stay.
func (p *patcher) patchPathItem(item *yaml.Node, fullPath, loc string) (bool, error) {
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
		rs := p.idx.lookup(method, shape)
		if !visible(rs, p.st.Env) {
			continue
		}
		if err := p.patchOperation(op, opLoc, rs, method, shape); err != nil {
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

func (p *patcher) patchOperation(op *yaml.Node, loc string, rs *route.State, method, shape string) error {
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
			markMaintenance(op, rs.Reason, retryAfter(rs, p.st.Now), p.cfg.summaryEmoji)
			maintained = true
		}
	}
	g := p.st.Maintenance
	if g.Enabled && !maintained && !p.idx.exempt(method, shape) && (g.IncludeForceActive || rs == nil || !rs.ForceActive) {
		markMaintenance(op, g.Reason, "", p.cfg.summaryEmoji)
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

// summaryBanner is the maintenance line for reason in a summary, as plain
// text on one line; it starts with the icon when emoji is set.
func summaryBanner(reason string, emoji bool) string {
	if reason == "" {
		reason = defaultReason
	}
	reason = strings.Join(strings.Fields(reason), " ")
	if emoji {
		return maintenanceIcon + ": " + reason
	}
	return maintenanceLabel + reason
}

// hasSummaryBanner reports whether a summary already starts with a
// maintenance banner, with or without the icon.
func hasSummaryBanner(summary string) bool {
	return strings.HasPrefix(summary, maintenanceIcon) || strings.HasPrefix(summary, maintenanceLabel)
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

func markMaintenance(op *yaml.Node, reason, retry string, emoji bool) {
	b := summaryBanner(reason, emoji)
	summary := stringAt(op, "summary")
	switch {
	case summary == "":
		setString(op, "summary", b)
	case !hasSummaryBanner(summary):
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

	keys    []string // the route keys of the document's service, as the state has them
	paths   []string // their normalised paths
	lookups int      // operations looked up
	matched bool     // some operation found a state
}

// stateKey parses a route key of the state, which may be written in a
// framework's syntax (GET:/users/:name, GET:/files/*path): its path is
// normalised to Waygate's {param} form.
func stateKey(s string) (route.Key, error) {
	k, err := route.ParseKey(s)
	if err != nil {
		return route.Key{}, err
	}
	if k.Path, err = route.NormalizeTemplate(k.Path); err != nil {
		return route.Key{}, err
	}
	return k, nil
}

func newStateIndex(st State, cfg config) (*stateIndex, error) {
	idx := &stateIndex{byKey: make(map[string]*route.State, len(st.Routes))}
	for i := range st.Routes {
		rs := &st.Routes[i]
		k, err := stateKey(rs.Path)
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
		idx.keys = append(idx.keys, rs.Path)
		idx.paths = append(idx.paths, k.Path)
	}
	exempt := map[string]bool{}
	for _, p := range st.Maintenance.ExemptPaths {
		k, err := stateKey(p)
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
	x.lookups++
	rs, ok := x.byKey[method+":"+shape]
	if !ok {
		rs = x.byKey[shape]
	}
	if rs != nil {
		x.matched = true
	}
	return rs
}

// unmatched is the error for a state whose routes matched no operation
// of a document that has operations; nil when some route matched or there
// was nothing to match.
func (x *stateIndex) unmatched(prefix, source string) *UnmatchedError {
	if x.matched || len(x.keys) == 0 || x.lookups == 0 {
		return nil
	}
	e := &UnmatchedError{Keys: slices.Clone(x.keys), Prefix: prefix, PrefixSource: source}
	if prefix != "" {
		e.NoneUnderPrefix = !slices.ContainsFunc(x.paths, func(p string) bool {
			return p == prefix || strings.HasPrefix(p, prefix+"/")
		})
	}
	return e
}
