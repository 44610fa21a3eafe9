package api

import (
	"context"
	"net/http"
	"slices"
	"strings"

	"github.com/waygate-go/waygate/admin/internal/wire"
	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/ratelimit"
)

// keyedPolicy is a route policy with its route key.
type keyedPolicy struct {
	Key string `json:"key"`
	ratelimit.Policy
}

func (h *API) listRateLimits(w http.ResponseWriter, r *http.Request) error {
	all := h.eng.RateLimits()
	out := make([]keyedPolicy, 0, len(all))
	for k, p := range all {
		out = append(out, keyedPolicy{Key: k, Policy: p})
	}
	slices.SortFunc(out, func(a, b keyedPolicy) int { return strings.Compare(a.Key, b.Key) })
	wire.WriteJSON(w, http.StatusOK, out)
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
func (h *API) setRateLimit(w http.ResponseWriter, r *http.Request) error {
	var req setRouteLimitRequest
	if err := wire.DecodeBody(w, r, &req, true); err != nil {
		return err
	}
	key := req.Key
	switch {
	case key != "" && (req.Path != "" || req.Method != ""):
		return wire.BadRequest("give either key or path (with an optional method), not both")
	case key == "" && req.Path == "":
		return wire.BadRequest("key (like GET:/posts) or path (like /posts) is required")
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
	wire.WriteJSON(w, status, keyedPolicy{Key: resolved, Policy: p})
	return nil
}

func (h *API) deleteRateLimit(w http.ResponseWriter, r *http.Request) error {
	return h.routeLimitOp(w, r, h.eng.DeleteRateLimit)
}

func (h *API) resetRateLimit(w http.ResponseWriter, r *http.Request) error {
	return h.routeLimitOp(w, r, h.eng.ResetRateLimit)
}

// routeLimitOp applies op (delete or reset) to the {key} route's limit.
func (h *API) routeLimitOp(w http.ResponseWriter, r *http.Request, op func(context.Context, engine.Scope) error) error {
	key, err := wire.RouteKeyParam(r)
	if err != nil {
		return err
	}
	if err := wire.DecodeBody(w, r, &struct{}{}, false); err != nil {
		return err
	}
	if err := op(r.Context(), engine.RouteScope(key)); err != nil {
		return err
	}
	wire.WriteJSON(w, http.StatusOK, map[string]any{"ok": true, "key": key})
	return nil
}

// listHits lists recent 429s, newest first; ?route= keeps one route key's,
// ?limit= (1-1000, default 50).
func (h *API) listHits(w http.ResponseWriter, r *http.Request) error {
	limit, err := wire.QueryInt(r, "limit", 50, 1, 1000)
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
	wire.WriteJSON(w, http.StatusOK, hits)
	return nil
}

type scopeLimitView struct {
	Service string            `json:"service,omitempty"`
	Enabled bool              `json:"enabled"`
	Policy  *ratelimit.Policy `json:"policy"`
}

func (h *API) getScopeLimit(w http.ResponseWriter, r *http.Request) error {
	s, err := wire.ScopeParam(r)
	if err != nil {
		return err
	}
	v := scopeLimitView{Service: s.Service()}
	if p, found := h.eng.RateLimit(s); found {
		v.Enabled, v.Policy = p.Enabled, &p
	}
	wire.WriteJSON(w, http.StatusOK, v)
	return nil
}

// setScopeLimit creates (201) or updates (200) the policy, merging fields.
func (h *API) setScopeLimit(w http.ResponseWriter, r *http.Request) error {
	s, err := wire.ScopeParam(r)
	if err != nil {
		return err
	}
	var patch ratelimit.Patch
	if err := wire.DecodeBody(w, r, &patch, true); err != nil {
		return err
	}
	_, existed := h.eng.RateLimit(s)
	p, err := h.eng.SetRateLimit(r.Context(), s, patch)
	if err != nil {
		return err
	}
	status := http.StatusCreated
	if existed {
		status = http.StatusOK
	}
	wire.WriteJSON(w, status, p)
	return nil
}

func (h *API) deleteScopeLimit(w http.ResponseWriter, r *http.Request) error {
	s, err := wire.ScopeParam(r)
	if err != nil {
		return err
	}
	if err := wire.DecodeBody(w, r, &struct{}{}, false); err != nil {
		return err
	}
	if _, found := h.eng.RateLimit(s); !found {
		return wire.NoScopeLimit(s)
	}
	err = h.eng.DeleteRateLimit(r.Context(), s)
	if err != nil {
		return err
	}
	wire.WriteJSON(w, http.StatusOK, wire.OKBody)
	return nil
}

func (h *API) resetScopeLimit(w http.ResponseWriter, r *http.Request) error {
	s, err := wire.ScopeParam(r)
	if err != nil {
		return err
	}
	if err := wire.DecodeBody(w, r, &struct{}{}, false); err != nil {
		return err
	}
	err = h.eng.ResetRateLimit(r.Context(), s)
	if err != nil {
		return err
	}
	wire.WriteJSON(w, http.StatusOK, wire.OKBody)
	return nil
}

func (h *API) enableScopeLimit(w http.ResponseWriter, r *http.Request) error {
	return h.toggleScopeLimit(w, r, true)
}

func (h *API) disableScopeLimit(w http.ResponseWriter, r *http.Request) error {
	return h.toggleScopeLimit(w, r, false)
}

// toggleScopeLimit pauses or resumes an existing policy.
func (h *API) toggleScopeLimit(w http.ResponseWriter, r *http.Request, on bool) error {
	s, err := wire.ScopeParam(r)
	if err != nil {
		return err
	}
	if err := wire.DecodeBody(w, r, &struct{}{}, false); err != nil {
		return err
	}
	if _, found := h.eng.RateLimit(s); !found {
		return wire.NoScopeLimit(s)
	}
	p, err := h.eng.SetRateLimit(r.Context(), s, ratelimit.Patch{Enabled: &on})
	if err != nil {
		return err
	}
	wire.WriteJSON(w, http.StatusOK, p)
	return nil
}
