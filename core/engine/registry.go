package engine

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/waygate-go/waygate/core/audit"
	"github.com/waygate-go/waygate/core/backend"
	"github.com/waygate-go/waygate/core/route"
)

// Registration declares one route of the application.
type Registration struct {
	// Method is the HTTP method; "" registers the route for every method.
	Method string
	// Template is the route template in the framework's own syntax
	// ("/items/:id", "/files/*path", "/items/{id}").
	Template string
	// Declaration is the state declared in code.
	Declaration route.Declaration
	// Origin identifies what added the route, for MergeAllMethods: the
	// routes one framework call (echo's Any, fiber's All) adds for every
	// method share it. Any comparable value; nil is an origin too.
	// Optional.
	Origin any
	// Learned marks a route found serving rather than declared: a router
	// that cannot list its routes (a plain http.ServeMux) registers each
	// when it is first matched. It keeps the declaration the route already
	// has, if any, and its Declaration is ignored then.
	Learned bool
}

// MergeAllMethods folds, for each template, registrations that cover every
// one of methods and share an Origin into one all-methods registration
// (Method "", whose key is the bare "/template"), the way a framework's
// Any or All adds a route for every method. methods is the framework's own
// list of what Any registers. The merged registration takes the place of
// the first one it replaces; the others keep their order.
func MergeAllMethods(regs []Registration, methods []string) []Registration {
	type place struct {
		template string
		origin   any
	}
	covered := map[place]map[string]bool{}
	for _, r := range regs {
		p := place{r.Template, r.Origin}
		if covered[p] == nil {
			covered[p] = map[string]bool{}
		}
		covered[p][strings.ToUpper(r.Method)] = true
	}
	all := func(p place) bool {
		if len(methods) == 0 {
			return false
		}
		for _, m := range methods {
			if !covered[p][strings.ToUpper(m)] {
				return false
			}
		}
		return true
	}
	out := make([]Registration, 0, len(regs))
	merged := map[place]bool{}
	for _, r := range regs {
		p := place{r.Template, r.Origin}
		method := strings.ToUpper(r.Method)
		if !all(p) || !slices.ContainsFunc(methods, func(m string) bool { return strings.EqualFold(m, method) }) {
			out = append(out, r)
			continue
		}
		if !merged[p] {
			merged[p] = true
			r.Method = ""
			out = append(out, r)
		}
	}
	return out
}

// Register adds routes to the registry with their declared state. Call it at
// startup, before serving; adapters do it for you. A route the backend
// already stores keeps its stored state, except force-active, which is
// always refreshed from the declaration. An invalid declaration or template
// is an error and registers nothing; a backend write failure is logged and
// counted, and the declared state is enforced in memory meanwhile.
func (e *Engine) Register(ctx context.Context, regs ...Registration) error {
	type prepared struct {
		key     string
		d       *declared
		tmpl    string
		learned bool
	}
	list := make([]prepared, 0, len(regs))
	e.mu.Lock()
	unguarded := slices.Clone(e.unguarded)
	e.mu.Unlock()
	for _, r := range regs {
		if err := r.Declaration.Err(); err != nil {
			return fmt.Errorf("register %s %s: %w", r.Method, r.Template, err)
		}
		path, err := route.NormalizeTemplate(r.Template)
		if err != nil {
			return fmt.Errorf("register %s %s: %w", r.Method, r.Template, err)
		}
		if (&snapshot{unguarded: unguarded}).isUnguarded(path) {
			continue // a mounted admin or docs route, not part of the API
		}
		method := strings.ToUpper(r.Method)
		if method == "ANY" || method == "ALL" || method == "*" {
			method = ""
		}
		key := route.Key{Method: method, Path: path}.String()
		list = append(list, prepared{key: key, tmpl: r.Template, learned: r.Learned, d: &declared{decl: r.Declaration.Clone(), method: method, path: path}})
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.registered = true
	keys := make([]string, 0, len(list))
	added := false
	now := e.now().Truncate(time.Second)
	for _, p := range list {
		if d := &p.d.decl; d.Status == route.StatusDeprecated && d.DeprecatedAt.IsZero() {
			// Deprecated in code without a date: RFC 9745 needs one, so
			// the time the deprecation was first registered stands in
			// (kept in the stored state, the same across restarts and
			// instances; a re-registration keeps the first).
			d.DeprecatedAt = now
			if old := e.decls[p.key]; old != nil && !old.decl.DeprecatedAt.IsZero() {
				d.DeprecatedAt = old.decl.DeprecatedAt
			}
		}
		if old := e.decls[p.key]; old != nil && p.learned {
			if !slices.Contains(old.aliases, p.tmpl) {
				old.aliases = append(old.aliases, p.tmpl)
			}
			keys = append(keys, p.key)
			continue
		}
		if old := e.decls[p.key]; old != nil {
			p.d.aliases = old.aliases
		} else {
			added = true
		}
		if !slices.Contains(p.d.aliases, p.tmpl) {
			p.d.aliases = append(p.d.aliases, p.tmpl)
		}
		e.decls[p.key] = p.d
		keys = append(keys, p.key)
	}
	e.ensureRegisteredLocked(ctx, keys)
	e.commitLocked()
	if added {
		// New routes: readers of the whole state (live docs, dashboards)
		// re-read it. One change, however many routes, so subscribers'
		// buffers are not flooded at startup.
		e.changes.emit(Change{Kind: KindResync, Time: e.now()})
	}
	return nil
}

// ensureRegisteredLocked stores the declared state of keys the backend does
// not know yet and refreshes force-active on those it does, in one write.
func (e *Engine) ensureRegisteredLocked(ctx context.Context, keys []string) {
	var recs []backend.Record
	pending := map[string]route.State{}
	for _, key := range keys {
		d := e.decls[key]
		st, ok := e.states[key]
		if !ok {
			st = d.decl.State(key)
			st.Service = e.cfg.service
		} else {
			changed := false
			if st.ForceActive != d.decl.ForceActive {
				st.ForceActive, changed = d.decl.ForceActive, true
			}
			if st.Status == route.StatusDeprecated && st.DeprecatedAt == "" {
				// Stored by an older version, which sent Deprecation: ?1.
				at := d.decl.DeprecatedAt
				if at.IsZero() {
					at = e.now().Truncate(time.Second)
				}
				st.DeprecatedAt, changed = at.UTC().Format(time.RFC3339), true
			}
			if !changed {
				continue
			}
		}
		raw, err := json.Marshal(st)
		if err != nil {
			continue
		}
		recs = append(recs, backend.Record{Kind: backend.KindRoute, Key: key, Value: raw})
		pending[key] = st
	}
	if len(recs) == 0 {
		return
	}
	if err := e.write(ctx, recs...); err != nil {
		e.failOpen("backend write (route registration)", err)
		return // buildSnapshot enforces the declarations meanwhile
	}
	for k, st := range pending {
		e.states[k] = st
	}
}

// resolveLocked maps a key given to a mutation to a stored route key. A bare
// path resolves to its one method key; several are ambiguous.
func (e *Engine) resolveLocked(key string) (string, error) {
	k, err := route.ParseKey(key)
	if err != nil {
		return "", fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	norm := k.String()
	if _, ok := e.routeStateLocked(norm); ok {
		return norm, nil
	}
	if k.Method != "" {
		return "", notFound(key)
	}
	var matches []string
	for _, mk := range e.keysLocked() {
		if o, err := route.ParseKey(mk); err == nil && o.Method != "" && o.Path == k.Path && o.Service == k.Service {
			matches = append(matches, mk)
		}
	}
	slices.Sort(matches)
	switch len(matches) {
	case 0:
		return "", notFound(key)
	case 1:
		return matches[0], nil
	}
	return "", &AmbiguousRouteError{Key: key, Matches: matches}
}

// keysLocked lists every known route key, stored or declared.
func (e *Engine) keysLocked() []string {
	keys := make([]string, 0, len(e.states)+len(e.decls))
	for k := range e.states {
		keys = append(keys, k)
	}
	for k := range e.decls {
		if _, ok := e.states[k]; !ok {
			keys = append(keys, k)
		}
	}
	return keys
}

// routeStateLocked returns the state of key: stored, or declared when the
// backend write of the declaration failed.
func (e *Engine) routeStateLocked(key string) (route.State, bool) {
	if st, ok := e.states[key]; ok {
		return st, true
	}
	if d := e.decls[key]; d != nil {
		st := d.decl.State(key)
		st.Service = e.cfg.service
		return st, true
	}
	return route.State{}, false
}

// Route returns the state of one route. A bare path resolves to its one
// method key.
func (e *Engine) Route(key string) (route.State, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	k, err := e.resolveLocked(key)
	if err != nil {
		return route.State{}, err
	}
	st, _ := e.routeStateLocked(k)
	st = st.Clone()
	st.Stale = e.staleLocked(k, st)
	return st, nil
}

// Routes lists every route, sorted by path then method. Routes the running
// code no longer declares are marked Stale.
func (e *Engine) Routes() []route.State {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make([]route.State, 0, len(e.states)+len(e.decls))
	seen := make(map[string]bool, len(e.states))
	for k, st := range e.states {
		st = st.Clone()
		st.Stale = e.staleLocked(k, st)
		out = append(out, st)
		seen[k] = true
	}
	for k := range e.decls {
		if !seen[k] {
			st, _ := e.routeStateLocked(k)
			out = append(out, st)
		}
	}
	slices.SortFunc(out, func(a, b route.State) int {
		ka, _ := route.ParseKey(a.Path)
		kb, _ := route.ParseKey(b.Path)
		return cmp.Or(cmp.Compare(ka.Service, kb.Service), cmp.Compare(ka.Path, kb.Path), cmp.Compare(ka.Method, kb.Method))
	})
	return out
}

func (e *Engine) staleLocked(key string, st route.State) bool {
	return e.registered && st.Service == e.cfg.service && e.decls[key] == nil
}

// PruneStale deletes the stored routes the running code no longer declares
// and returns their keys.
func (e *Engine) PruneStale(ctx context.Context) ([]string, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	var keys []string
	var recs []backend.Record
	for k, st := range e.states {
		if e.staleLocked(k, st) {
			keys = append(keys, k)
			recs = append(recs, backend.Record{Kind: backend.KindRoute, Key: k})
		}
	}
	if len(keys) == 0 {
		return nil, nil
	}
	slices.Sort(keys)
	if err := e.write(ctx, recs...); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBackend, err)
	}
	for _, k := range keys {
		prev := e.states[k]
		delete(e.states, k)
		e.auditLocked(ctx, audit.Entry{Path: k, Service: prev.Service, Action: audit.ActionRoutePruned, PreviousStatus: prev.Status})
		e.changes.emit(Change{Kind: KindRoute, Key: k, Action: audit.ActionRoutePruned, Time: e.now()})
	}
	e.commitLocked()
	return keys, nil
}
