package engine

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/waygate-go/waygate/core/audit"
	"github.com/waygate-go/waygate/core/backend"
	"github.com/waygate-go/waygate/core/ratelimit"
	"github.com/waygate-go/waygate/core/route"
)

// storedPolicy is a runtime route policy as persisted. Deleted records that
// an operator removed the route's limit, including one declared in code, so
// the removal survives restarts.
type storedPolicy struct {
	ratelimit.Policy
	Deleted bool `json:"deleted,omitempty"`
}

const globalPolicyKey = "policy"

// loadPolicies reads every persisted policy from snap. e.mu must be held.
func (e *Engine) loadPolicies(snap backend.Snapshot) {
	e.rlPolicies = map[string]storedPolicy{}
	for key, raw := range snap[backend.KindRateLimit] {
		var p storedPolicy
		if err := json.Unmarshal(raw, &p); err != nil {
			e.logs.warn("skip unreadable rate limit", "key", key, "err", err)
			continue
		}
		e.rlPolicies[key] = p
	}
	e.globalRL = nil
	if raw, ok := snap[backend.KindGlobalRateLimit][globalPolicyKey]; ok {
		var p ratelimit.Policy
		if err := json.Unmarshal(raw, &p); err == nil {
			e.globalRL = &p
		} else {
			e.logs.warn("skip unreadable global rate limit", "err", err)
		}
	}
	e.serviceRLs = map[string]ratelimit.Policy{}
	for name, raw := range snap[backend.KindServiceRateLimit] {
		var p ratelimit.Policy
		if err := json.Unmarshal(raw, &p); err != nil {
			e.logs.warn("skip unreadable service rate limit", "service", name, "err", err)
			continue
		}
		e.serviceRLs[name] = p
	}
}

// applyRemotePolicy applies a policy change made by another engine.
func (e *Engine) applyRemotePolicy(r backend.Record, c *Change) bool {
	c.Kind = KindRateLimit
	switch r.Kind {
	case backend.KindRateLimit:
		if r.Value == nil {
			delete(e.rlPolicies, r.Key)
			return true
		}
		var p storedPolicy
		if json.Unmarshal(r.Value, &p) != nil {
			return false
		}
		e.rlPolicies[r.Key] = p
	case backend.KindGlobalRateLimit:
		c.Key = scopeGlobal
		if r.Value == nil {
			e.globalRL = nil
			return true
		}
		var p ratelimit.Policy
		if json.Unmarshal(r.Value, &p) != nil {
			return false
		}
		e.globalRL = &p
	case backend.KindServiceRateLimit:
		c.Service = r.Key
		if r.Value == nil {
			delete(e.serviceRLs, r.Key)
			return true
		}
		var p ratelimit.Policy
		if json.Unmarshal(r.Value, &p) != nil {
			return false
		}
		e.serviceRLs[r.Key] = p
	}
	return true
}

// routePolicyLocked returns the effective policy of a route key: the
// runtime one, else the one declared in code.
func (e *Engine) routePolicyLocked(key string) (ratelimit.Policy, ratelimit.KeyFunc, bool) {
	var fn ratelimit.KeyFunc
	d := e.decls[key]
	if d != nil && d.decl.RateLimit != nil {
		fn = d.decl.RateLimit.KeyFunc
	}
	if p, ok := e.rlPolicies[key]; ok {
		return p.Policy, fn, !p.Deleted
	}
	if d != nil && d.decl.RateLimit != nil {
		return d.decl.RateLimit.Policy, fn, true
	}
	return ratelimit.Policy{}, nil, false
}

func (e *Engine) compileRoutePolicy(key string) *rlPolicy {
	p, fn, ok := e.routePolicyLocked(key)
	if !ok {
		return nil
	}
	c, err := ratelimit.Compile(p, fn)
	if err != nil {
		e.logs.warn("waygate: stored rate limit is invalid; the route is not limited", "route", key, "err", err)
		return nil
	}
	return &rlPolicy{c: c, scope: key}
}

func (e *Engine) compileScope(p *ratelimit.Policy, scope string) *rlPolicy {
	if p == nil || !p.Enabled {
		return nil
	}
	c, err := ratelimit.Compile(*p, nil)
	if err != nil {
		e.logs.warn("waygate: stored rate limit is invalid; it is not enforced", "scope", scope, "err", err)
		return nil
	}
	return &rlPolicy{c: c, scope: scope}
}

// RateLimits returns the effective route policies, by route key.
func (e *Engine) RateLimits() map[string]ratelimit.Policy {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := map[string]ratelimit.Policy{}
	keys := make([]string, 0, len(e.decls)+len(e.rlPolicies))
	for k := range e.decls {
		keys = append(keys, k)
	}
	for k := range e.rlPolicies {
		keys = append(keys, k)
	}
	for _, k := range keys {
		if p, ok := e.effectiveRoutePolicyLocked(k); ok {
			out[k] = p
		}
	}
	return out
}

// effectiveRoutePolicyLocked returns a route's policy as listed: with its
// path and method, enabled, defaults filled in.
func (e *Engine) effectiveRoutePolicyLocked(k string) (ratelimit.Policy, bool) {
	p, _, ok := e.routePolicyLocked(k)
	if !ok {
		return ratelimit.Policy{}, false
	}
	p.Path, p.Method = splitKey(k)
	p.Enabled = true // a route's limit applies while it exists
	return p.WithDefaults(), true
}

func splitKey(key string) (path, method string) {
	k, err := route.ParseKey(key)
	if err != nil {
		return key, ""
	}
	return k.Path, k.Method
}

// RateLimit returns the policy of a scope, if one is set: the global or a
// service's policy, or a route's effective policy (set at runtime, else
// declared in code).
func (e *Engine) RateLimit(s Scope) (ratelimit.Policy, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	switch {
	case s.IsGlobal():
		if e.globalRL == nil {
			return ratelimit.Policy{}, false
		}
		return *e.globalRL, true
	case s.Service() != "":
		p, ok := e.serviceRLs[s.Service()]
		return p, ok
	case s.Route() != "":
		k, err := e.resolveLocked(s.Route())
		if err != nil {
			return ratelimit.Policy{}, false
		}
		return e.effectiveRoutePolicyLocked(k)
	}
	return ratelimit.Policy{}, false
}

// SetRateLimit creates or updates the policy of a scope. Fields left nil
// in patch keep their current value (declared in code or set earlier), so
// an update never drops tiers or exemptions it does not mention, and the
// scope's counters restart.
//
// The global policy applies to every route before service and route
// policies, a service's to its routes before route policies. A new global
// or service policy is enabled unless patch says otherwise; pause one with
// Patch{Enabled: false}. A route's limit applies while it exists: a patch
// with Enabled false is refused for a route (delete the limit instead).
func (e *Engine) SetRateLimit(ctx context.Context, s Scope, patch ratelimit.Patch) (ratelimit.Policy, error) {
	if err := s.check(true); err != nil {
		return ratelimit.Policy{}, err
	}
	if s.Route() == "" {
		return e.setScopePolicy(ctx, s.Service(), patch)
	}
	return e.setRoutePolicy(ctx, s.Route(), patch)
}

// DeleteRateLimit removes the policy of a scope. A route's limit is removed
// even when it was declared in code; the removal is persisted.
func (e *Engine) DeleteRateLimit(ctx context.Context, s Scope) error {
	if err := s.check(true); err != nil {
		return err
	}
	if s.Route() == "" {
		return e.deleteScopePolicy(ctx, s.Service())
	}
	return e.deleteRoutePolicy(ctx, s.Route())
}

// ResetRateLimit clears the counters of a scope; a route scope names
// exactly one route key (a bare path resolves to its one method; several
// are ambiguous).
func (e *Engine) ResetRateLimit(ctx context.Context, s Scope) error {
	if err := s.check(true); err != nil {
		return err
	}
	switch {
	case s.IsGlobal():
		return e.resetScope(ctx, scopeGlobal, audit.PathGlobalRateLimit, audit.ActionGlobalRateLimitReset)
	case s.Service() != "":
		return e.resetScope(ctx, scopeService(s.Service()), audit.ServiceRateLimitPath(s.Service()), audit.ActionServiceRateLimitReset)
	}
	return e.resetRoute(ctx, s.Route())
}

func (e *Engine) setRoutePolicy(ctx context.Context, key string, patch ratelimit.Patch) (ratelimit.Policy, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	k, err := e.resolveLocked(key)
	if err != nil {
		return ratelimit.Policy{}, err
	}
	if patch.Enabled != nil && !*patch.Enabled {
		return ratelimit.Policy{}, invalid("a route's limit applies while it exists (enabled: false pauses only global and service limits): to stop limiting %s, delete its limit", k)
	}
	cur, fn, exists := e.routePolicyLocked(k)
	if !exists {
		cur = ratelimit.Policy{}
		if patch.Limit == nil {
			return ratelimit.Policy{}, invalid("route %s has no rate limit yet: give a limit such as \"100/minute\"", k)
		}
	}
	p := cur.Merge(patch).WithDefaults()
	p.Path, p.Method = splitKey(k)
	p.Enabled = true // a route's limit applies while it exists
	c, err := ratelimit.Compile(p, fn)
	if err != nil {
		return ratelimit.Policy{}, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	p = c.Canonical()
	if err := e.putLocked(ctx, backend.KindRateLimit, k, storedPolicy{Policy: p}); err != nil {
		return ratelimit.Policy{}, err
	}
	e.rlPolicies[k] = storedPolicy{Policy: p}
	action := audit.ActionRateLimitSet
	if exists {
		action = audit.ActionRateLimitUpdated
	}
	e.afterPolicyChangeLocked(ctx, k, k, action, policyReason(p), &p)
	return p, nil
}

func (e *Engine) deleteRoutePolicy(ctx context.Context, key string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	k, err := e.resolveLocked(key)
	if err != nil {
		return err
	}
	if _, _, ok := e.routePolicyLocked(k); !ok {
		return fmt.Errorf("%w: route %s has no rate limit", ErrRouteNotFound, k)
	}
	tomb := storedPolicy{Deleted: true}
	if err := e.putLocked(ctx, backend.KindRateLimit, k, tomb); err != nil {
		return err
	}
	e.rlPolicies[k] = tomb
	e.afterPolicyChangeLocked(ctx, k, k, audit.ActionRateLimitDeleted, "", nil)
	return nil
}

func (e *Engine) resetRoute(ctx context.Context, key string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	k, err := e.resolveLocked(key)
	if err != nil {
		return err
	}
	if err := e.rlStore.Reset(ctx, k); err != nil {
		return fmt.Errorf("%w: %w", ErrBackend, err)
	}
	e.auditLocked(ctx, audit.Entry{Path: k, Action: audit.ActionRateLimitReset})
	return nil
}

func (e *Engine) setScopePolicy(ctx context.Context, service string, patch ratelimit.Patch) (ratelimit.Policy, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	var cur *ratelimit.Policy
	if service == "" {
		cur = e.globalRL
	} else if p, ok := e.serviceRLs[service]; ok {
		cur = &p
	}
	base := ratelimit.Policy{Enabled: true}
	if cur != nil {
		base = *cur
	} else if patch.Limit == nil {
		return ratelimit.Policy{}, invalid("no rate limit is set yet: give a limit such as \"1000/minute\"")
	}
	p := base.Merge(patch).WithDefaults()
	p.Path, p.Method = "", ""
	c, err := ratelimit.Compile(p, nil)
	if err != nil {
		return ratelimit.Policy{}, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	p = c.Canonical()
	kind, key, scope, path := backend.KindGlobalRateLimit, globalPolicyKey, scopeGlobal, audit.PathGlobalRateLimit
	action := audit.ActionGlobalRateLimitSet
	if cur != nil {
		action = audit.ActionGlobalRateLimitUpdate
	}
	if service != "" {
		kind, key, scope, path = backend.KindServiceRateLimit, service, scopeService(service), audit.ServiceRateLimitPath(service)
		action = audit.ActionServiceRateLimitSet
		if cur != nil {
			action = audit.ActionServiceRateLimitUpd
		}
	}
	if err := e.putLocked(ctx, kind, key, p); err != nil {
		return ratelimit.Policy{}, err
	}
	if service == "" {
		e.globalRL = &p
	} else {
		e.serviceRLs[service] = p
	}
	e.afterPolicyChangeLocked(ctx, scope, path, action, policyReason(p), &p)
	return p, nil
}

func (e *Engine) deleteScopePolicy(ctx context.Context, service string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	kind, key, scope, path, action := backend.KindGlobalRateLimit, globalPolicyKey, scopeGlobal, audit.PathGlobalRateLimit, audit.ActionGlobalRateLimitDelete
	exists := e.globalRL != nil
	if service != "" {
		_, exists = e.serviceRLs[service]
		kind, key, scope, path, action = backend.KindServiceRateLimit, service, scopeService(service), audit.ServiceRateLimitPath(service), audit.ActionServiceRateLimitDel
	}
	if !exists {
		return fmt.Errorf("%w: no rate limit is set", ErrRouteNotFound)
	}
	if err := e.deleteLocked(ctx, kind, key); err != nil {
		return err
	}
	if service == "" {
		e.globalRL = nil
	} else {
		delete(e.serviceRLs, service)
	}
	e.afterPolicyChangeLocked(ctx, scope, path, action, "", nil)
	return nil
}

func (e *Engine) resetScope(ctx context.Context, scope, path string, action audit.Action) error {
	if err := e.rlStore.Reset(ctx, scope); err != nil {
		return fmt.Errorf("%w: %w", ErrBackend, err)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.auditLocked(ctx, audit.Entry{Path: path, Action: action})
	return nil
}

// putLocked persists one document.
func (e *Engine) putLocked(ctx context.Context, kind backend.Kind, key string, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if err := e.write(ctx, backend.Record{Kind: kind, Key: key, Value: raw}); err != nil {
		e.failOpen("backend write", err)
		return fmt.Errorf("%w: %w", ErrBackend, err)
	}
	return nil
}

// deleteLocked removes one document from the backend.
func (e *Engine) deleteLocked(ctx context.Context, kind backend.Kind, key string) error {
	if err := e.write(ctx, backend.Record{Kind: kind, Key: key}); err != nil {
		e.failOpen("backend write", err)
		return fmt.Errorf("%w: %w", ErrBackend, err)
	}
	return nil
}

// afterPolicyChangeLocked restarts the scope's counters, audits, broadcasts
// and republishes the snapshot.
func (e *Engine) afterPolicyChangeLocked(ctx context.Context, scope, path string, action audit.Action, reason string, p *ratelimit.Policy) {
	if err := e.rlStore.Reset(ctx, scope); err != nil {
		e.failOpen("rate limit store reset", err)
	}
	e.auditLocked(ctx, audit.Entry{Path: path, Action: action, Reason: reason})
	var pc *ratelimit.Policy
	if p != nil {
		c := *p
		pc = &c
	}
	e.changes.emit(Change{Kind: KindRateLimit, Key: scope, Action: action, Policy: pc, Actor: actorOf(ctx).Actor, Time: e.now()})
	e.commitLocked()
}

func policyReason(p ratelimit.Policy) string {
	return fmt.Sprintf("%s · %s · %s", p.Limit, p.Algorithm, p.KeyStrategy)
}

// recordHit queues a 429 for the hits log without blocking the request; a
// full queue drops it (counted in Stats.DroppedHits).
func (e *Engine) recordHit(h ratelimit.Hit) {
	select {
	case e.hits <- h:
	default:
		e.stats.droppedHits.Add(1)
	}
}

// writeHits stores queued hits in the backend.
func (e *Engine) writeHits() {
	defer e.wg.Done()
	for {
		select {
		case <-e.ctx.Done():
			return
		case h := <-e.hits:
			h.ID = newUUID()
			raw, err := json.Marshal(h)
			if err != nil {
				continue
			}
			if err := e.cfg.backend.Append(e.ctx, backend.LogHits, raw, e.cfg.hitRetention); err != nil {
				e.failOpen("backend hit write", err)
			}
		}
	}
}

// Hits returns recorded 429s, newest first, for one route key (or all when
// route is ""), at most limit (default 100).
func (e *Engine) Hits(ctx context.Context, route string, limit int) ([]ratelimit.Hit, error) {
	if limit <= 0 {
		limit = 100
	}
	raws, err := e.cfg.backend.Tail(ctx, backend.LogHits, 0)
	if err != nil {
		e.failOpen("backend hits read", err)
		return nil, fmt.Errorf("%w: %w", ErrBackend, err)
	}
	out := make([]ratelimit.Hit, 0, min(limit, len(raws)))
	for _, raw := range raws {
		var h ratelimit.Hit
		if json.Unmarshal(raw, &h) != nil || (route != "" && h.Path != route) {
			continue
		}
		out = append(out, h)
		if len(out) == limit {
			break
		}
	}
	return out, nil
}
