package admin

import (
	"net/http"
	"slices"
	"strings"

	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/ratelimit"
)

// keyedPolicy is a route policy with its route key.
type keyedPolicy struct {
	Key string `json:"key"`
	ratelimit.Policy
}

func (h *Handler) listRateLimits(w http.ResponseWriter, r *http.Request) error {
	all := h.eng.RateLimits()
	out := make([]keyedPolicy, 0, len(all))
	for k, p := range all {
		out = append(out, keyedPolicy{Key: k, Policy: p})
	}
	slices.SortFunc(out, func(a, b keyedPolicy) int { return strings.Compare(a.Key, b.Key) })
	writeJSON(w, http.StatusOK, out)
	return nil
}

// setRouteLimitRequest names the route by key ("GET:/posts") or by path
// and method, plus the fields to change.
type setRouteLimitRequest struct {
	Key    string `json:"key"`
	Path   string `json:"path"`
	Method string `json:"method"`
	ratelimit.Patch
}

// setRateLimit creates or updates a route's policy; fields left out keep
// their value. 201 when the route had no limit, else 200.
func (h *Handler) setRateLimit(w http.ResponseWriter, r *http.Request) error {
	var req setRouteLimitRequest
	if err := decodeBody(w, r, &req, true); err != nil {
		return err
	}
	key := req.Key
	switch {
	case key != "" && (req.Path != "" || req.Method != ""):
		return badRequest("give either key or path (with an optional method), not both")
	case key == "" && req.Path == "":
		return badRequest("key (like GET:/posts) or path (like /posts) is required")
	case key == "" && req.Method != "":
		key = strings.ToUpper(req.Method) + ":" + req.Path
	case key == "":
		key = req.Path
	}
	resolved, err := h.resolveKey(key)
	if err != nil {
		return err
	}
	before := h.eng.RateLimits()
	p, err := h.eng.SetRateLimit(r.Context(), engine.RouteScope(resolved), req.Patch)
	if err != nil {
		return err
	}
	status := http.StatusCreated
	if _, existed := before[resolved]; existed {
		status = http.StatusOK
	}
	writeJSON(w, status, keyedPolicy{Key: resolved, Policy: p})
	return nil
}

func (h *Handler) deleteRateLimit(w http.ResponseWriter, r *http.Request) error {
	key, err := routeKey(r)
	if err != nil {
		return err
	}
	if err := decodeBody(w, r, &struct{}{}, false); err != nil {
		return err
	}
	if err := h.eng.DeleteRateLimit(r.Context(), engine.RouteScope(key)); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"ok": true, "key": key})
	return nil
}

func (h *Handler) resetRateLimit(w http.ResponseWriter, r *http.Request) error {
	key, err := routeKey(r)
	if err != nil {
		return err
	}
	if err := decodeBody(w, r, &struct{}{}, false); err != nil {
		return err
	}
	if err := h.eng.ResetRateLimit(r.Context(), engine.RouteScope(key)); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"ok": true, "key": key})
	return nil
}

// listHits lists recent 429s, newest first; ?route= keeps one route key's,
// ?limit= (1-1000, default 50).
func (h *Handler) listHits(w http.ResponseWriter, r *http.Request) error {
	limit, err := queryInt(r, "limit", 50, 1, 1000)
	if err != nil {
		return err
	}
	hits, err := h.eng.Hits(r.Context(), r.URL.Query().Get("route"), limit)
	if err != nil {
		return err
	}
	if hits == nil {
		hits = []ratelimit.Hit{}
	}
	writeJSON(w, http.StatusOK, hits)
	return nil
}

// scope is the global policy (service "") or one service's.
type scope struct {
	h       *Handler
	service string
}

// scopeOf reads the optional {service} segment.
func (h *Handler) scopeOf(r *http.Request) (scope, error) {
	if r.PathValue("service") == "" {
		return scope{h: h}, nil
	}
	svc, err := serviceName(r)
	return scope{h: h, service: svc}, err
}

func (s scope) get() (ratelimit.Policy, bool) {
	if s.service == "" {
		return s.h.eng.RateLimit(engine.GlobalScope())
	}
	return s.h.eng.RateLimit(engine.ServiceScope(s.service))
}

func (s scope) set(r *http.Request, p ratelimit.Patch) (ratelimit.Policy, error) {
	if s.service == "" {
		return s.h.eng.SetRateLimit(r.Context(), engine.GlobalScope(), p)
	}
	return s.h.eng.SetRateLimit(r.Context(), engine.ServiceScope(s.service), p)
}

func (s scope) missing() error {
	if s.service == "" {
		return errorf(http.StatusNotFound, "no global rate limit is set: create one with POST /api/global-rate-limit")
	}
	return errorf(http.StatusNotFound, "service %s has no rate limit: create one with POST /api/services/%s/rate-limit", s.service, s.service)
}

type scopeLimitView struct {
	Service string            `json:"service,omitempty"`
	Enabled bool              `json:"enabled"`
	Policy  *ratelimit.Policy `json:"policy"`
}

func (h *Handler) getScopeLimit(w http.ResponseWriter, r *http.Request) error {
	s, err := h.scopeOf(r)
	if err != nil {
		return err
	}
	v := scopeLimitView{Service: s.service}
	if p, found := s.get(); found {
		v.Enabled, v.Policy = p.Enabled, &p
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

// setScopeLimit creates (201) or updates (200) the policy, merging fields.
func (h *Handler) setScopeLimit(w http.ResponseWriter, r *http.Request) error {
	s, err := h.scopeOf(r)
	if err != nil {
		return err
	}
	var patch ratelimit.Patch
	if err := decodeBody(w, r, &patch, true); err != nil {
		return err
	}
	_, existed := s.get()
	p, err := s.set(r, patch)
	if err != nil {
		return err
	}
	status := http.StatusCreated
	if existed {
		status = http.StatusOK
	}
	writeJSON(w, status, p)
	return nil
}

func (h *Handler) deleteScopeLimit(w http.ResponseWriter, r *http.Request) error {
	s, err := h.scopeOf(r)
	if err != nil {
		return err
	}
	if err := decodeBody(w, r, &struct{}{}, false); err != nil {
		return err
	}
	if _, found := s.get(); !found {
		return s.missing()
	}
	if s.service == "" {
		err = h.eng.DeleteRateLimit(r.Context(), engine.GlobalScope())
	} else {
		err = h.eng.DeleteRateLimit(r.Context(), engine.ServiceScope(s.service))
	}
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, okBody)
	return nil
}

func (h *Handler) resetScopeLimit(w http.ResponseWriter, r *http.Request) error {
	s, err := h.scopeOf(r)
	if err != nil {
		return err
	}
	if err := decodeBody(w, r, &struct{}{}, false); err != nil {
		return err
	}
	if s.service == "" {
		err = h.eng.ResetRateLimit(r.Context(), engine.GlobalScope())
	} else {
		err = h.eng.ResetRateLimit(r.Context(), engine.ServiceScope(s.service))
	}
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, okBody)
	return nil
}

func (h *Handler) enableScopeLimit(w http.ResponseWriter, r *http.Request) error {
	return h.toggleScopeLimit(w, r, true)
}

func (h *Handler) disableScopeLimit(w http.ResponseWriter, r *http.Request) error {
	return h.toggleScopeLimit(w, r, false)
}

// toggleScopeLimit pauses or resumes an existing policy.
func (h *Handler) toggleScopeLimit(w http.ResponseWriter, r *http.Request, on bool) error {
	s, err := h.scopeOf(r)
	if err != nil {
		return err
	}
	if err := decodeBody(w, r, &struct{}{}, false); err != nil {
		return err
	}
	if _, found := s.get(); !found {
		return s.missing()
	}
	p, err := s.set(r, ratelimit.Patch{Enabled: &on})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}
