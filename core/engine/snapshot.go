package engine

import (
	"maps"
	"slices"
	"strconv"
	"time"

	"github.com/waygate-go/waygate/core/route"
)

// snapshot is an immutable view of everything Check needs. Mutations build
// a new one and swap it in atomically.
type snapshot struct {
	unmatched  RouteObserver        // observes requests that matched no route
	byTemplate map[string]*routeSet // normalised templates and framework aliases
	global     maintenanceView
	services   map[string]*maintenanceView
	globalRL   *rlPolicy            // nil when unset or paused
	serviceRL  map[string]*rlPolicy // enabled service policies
	unguarded  []string             // path prefixes never checked
}

// isUnguarded reports whether path (a route template) is a mounted admin
// or docs path.
func (s *snapshot) isUnguarded(path string) bool {
	for _, p := range s.unguarded {
		if len(path) >= len(p) && path[:len(p)] == p && (len(path) == len(p) || path[len(p)] == '/') {
			return true
		}
	}
	return false
}

// routeSet holds the routes sharing one template.
type routeSet struct {
	methods []*entry // method-specific keys
	any     *entry   // the all-methods key, if any
}

func (s *routeSet) lookup(method string) *entry {
	for _, e := range s.methods {
		if e.method == method {
			return e
		}
	}
	return s.any
}

// entry is one route as Check sees it, with everything precomputed.
type entry struct {
	key         string
	method      string
	template    string
	service     string
	status      route.Status
	reason      string
	forceActive bool
	envAllowed  bool
	maintEnd    time.Time // when the maintenance ends, if a window says
	allow       headerSet // headers added to allowed requests (deprecation)
	responder   any
	rl          *rlPolicy // the route's rate limit, if any
	obs         RouteObserver
	blocks      *blockCache // the route's last rendered block
}

// maintenanceView is a MaintenanceConfig ready for matching.
type maintenanceView struct {
	enabled            bool
	reason             string
	includeForceActive bool
	exempt             map[string][]string // template → methods ("" = every method)
	blocks             *blockCache         // the scope's last rendered block
}

func newMaintenanceView(c route.MaintenanceConfig) maintenanceView {
	v := maintenanceView{enabled: c.Enabled, reason: c.Reason, includeForceActive: c.IncludeForceActive, blocks: &blockCache{}}
	if len(c.ExemptPaths) > 0 {
		v.exempt = make(map[string][]string, len(c.ExemptPaths))
		for _, p := range c.ExemptPaths {
			k, err := route.ParseKey(p)
			if err != nil {
				continue // validated on write; a hand-edited file may still hold junk
			}
			v.exempt[k.Path] = append(v.exempt[k.Path], k.Method)
		}
	}
	return v
}

func (v *maintenanceView) exempts(method, template string) bool {
	for _, m := range v.exempt[template] {
		if m == "" || m == method {
			return true
		}
	}
	return false
}

func (s *snapshot) lookup(template, method string) *entry {
	if template == "" {
		return nil
	}
	set := s.byTemplate[template]
	if set == nil {
		return nil
	}
	return set.lookup(method)
}

// buildSnapshot derives a snapshot from the engine's state. e.mu must be
// held (or the engine not yet shared).
func (e *Engine) buildSnapshot() *snapshot {
	s := &snapshot{
		byTemplate: make(map[string]*routeSet, len(e.states)+len(e.decls)),
		global:     newMaintenanceView(e.global),
		services:   make(map[string]*maintenanceView, len(e.services)),
		unguarded:  slices.Clone(e.unguarded),
		unmatched:  e.observers.Load().routeObserver(""),
	}
	for name, c := range e.services {
		v := newMaintenanceView(c)
		s.services[name] = &v
	}
	s.globalRL = e.compileScope(e.globalRL, scopeGlobal)
	for name, p := range e.serviceRLs {
		if c := e.compileScope(&p, scopeService(name)); c != nil {
			if s.serviceRL == nil {
				s.serviceRL = map[string]*rlPolicy{}
			}
			s.serviceRL[name] = c
		}
	}
	add := func(template string, en *entry) {
		set := s.byTemplate[template]
		if set == nil {
			set = &routeSet{}
			s.byTemplate[template] = set
		}
		if en.method == "" {
			set.any = en
		} else {
			set.methods = append(set.methods, en)
		}
	}
	for key, st := range e.states {
		if st.Service != "" && st.Service != e.cfg.service {
			continue // another service's route on a shared server backend
		}
		k, err := route.ParseKey(key)
		if err != nil {
			continue
		}
		en := e.newEntry(key, k, st)
		add(k.Path, en)
		if d := e.decls[key]; d != nil {
			for _, a := range d.aliases {
				if a != k.Path {
					add(a, en)
				}
			}
		}
	}
	// Declared routes the backend has not stored (a failed write): enforce
	// the declaration so the code's intent holds while the backend is away.
	for key, d := range e.decls {
		if _, ok := e.states[key]; ok {
			continue
		}
		k := route.Key{Method: d.method, Path: d.path}
		en := e.newEntry(key, k, d.decl.State(key))
		add(k.Path, en)
		for _, a := range d.aliases {
			if a != k.Path {
				add(a, en)
			}
		}
	}
	return s
}

func (e *Engine) newEntry(key string, k route.Key, st route.State) *entry {
	en := &entry{
		key:        key,
		method:     k.Method,
		template:   k.Path,
		service:    st.Service,
		status:     st.Status,
		reason:     st.Reason,
		envAllowed: slices.Contains(st.AllowedEnvs, e.cfg.env),
		maintEnd:   st.Window.MaintenanceEnd(st.Status),
		obs:        e.observers.Load().routeObserver(key),
		blocks:     &blockCache{},
	}
	if d := e.decls[key]; d != nil {
		en.forceActive = d.decl.ForceActive
		en.responder = d.decl.Responder
	} else {
		en.forceActive = st.ForceActive
	}
	if st.Status == route.StatusDeprecated {
		en.allow = deprecationHeaders(st)
	}
	en.rl = e.compileRoutePolicy(key)
	return en
}

// deprecationHeaders renders RFC 9745 Deprecation, RFC 8594 Sunset and the
// successor Link once per snapshot, so allowed requests do not format dates.
// RFC 9745's Deprecation is a date (@<unix seconds>): every deprecated
// route has one (declared, or the time the deprecation was first
// registered or made); a state without a readable one (a hand-edited file)
// sends no Deprecation rather than a value the RFC does not allow.
func deprecationHeaders(st route.State) headerSet {
	var h []Header
	if t, err := time.Parse(time.RFC3339, st.DeprecatedAt); err == nil {
		h = append(h, Header{Name: "Deprecation", Value: "@" + strconv.FormatInt(t.Unix(), 10)})
	}
	if st.SunsetDate != "" {
		if t, err := route.ParseDate(st.SunsetDate); err == nil {
			h = append(h, Header{Name: "Sunset", Value: route.HTTPDate(t)})
		}
	}
	if st.SuccessorPath != "" {
		h = append(h, Header{Name: "Link", Value: "<" + st.SuccessorPath + `>; rel="successor-version"`})
	}
	return prepared(h)
}

// commitRouteLocked makes the change of one route's stored state current
// without rebuilding the whole snapshot: the new snapshot shares every
// other route's entry with the current one, so one change costs the same
// with 10 routes or 10,000. It falls back to a full rebuild when the
// route's entry is not simply replaced. e.mu must be held.
func (e *Engine) commitRouteLocked(key string) {
	old := e.snap.Load()
	st, stored := e.states[key]
	k, err := route.ParseKey(key)
	if old == nil || !stored || err != nil || (st.Service != "" && st.Service != e.cfg.service) {
		e.commitLocked()
		return
	}
	en := e.newEntry(key, k, st)
	next := *old
	next.byTemplate = maps.Clone(old.byTemplate)
	templates := []string{k.Path}
	if d := e.decls[key]; d != nil {
		for _, a := range d.aliases {
			if a != k.Path && !slices.Contains(templates, a) {
				templates = append(templates, a)
			}
		}
	}
	for _, t := range templates {
		set := &routeSet{}
		if cur := next.byTemplate[t]; cur != nil {
			set.any, set.methods = cur.any, slices.Clone(cur.methods)
		}
		if en.method == "" {
			set.any = en
		} else if i := slices.IndexFunc(set.methods, func(x *entry) bool { return x.key == key }); i >= 0 {
			set.methods[i] = en
		} else {
			set.methods = append(set.methods, en)
		}
		next.byTemplate[t] = set
	}
	e.snap.Store(&next)
	e.rescheduleLocked()
}
