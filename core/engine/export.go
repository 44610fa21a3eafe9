package engine

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/waygate-go/waygate/core/backend"
)

// Documents returns the engine's current state encoded the way backends
// store it: route states, global and service maintenance, rate-limit
// policies, flags and segments, by kind and key. Logs (audit, hits) are not
// included. A Waygate Server serves it to SDKs and diffs successive calls to
// stream changes.
func (e *Engine) Documents() backend.Snapshot {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := backend.Snapshot{}
	put := func(kind backend.Kind, key string, v any) {
		raw, err := json.Marshal(v)
		if err != nil {
			return
		}
		if out[kind] == nil {
			out[kind] = map[string][]byte{}
		}
		out[kind][key] = raw
	}
	for key, st := range e.states {
		put(backend.KindRoute, key, st)
	}
	put(backend.KindGlobal, globalKey, e.global)
	for name, c := range e.services {
		put(backend.KindService, name, c)
	}
	for key, p := range e.rlPolicies {
		put(backend.KindRateLimit, key, p)
	}
	if e.globalRL != nil {
		put(backend.KindGlobalRateLimit, globalPolicyKey, *e.globalRL)
	}
	for name, p := range e.serviceRLs {
		put(backend.KindServiceRateLimit, name, p)
	}
	snap := e.flags.Snapshot()
	for _, f := range snap.Flags() {
		put(backend.KindFlag, f.Key, f)
	}
	for _, s := range snap.Segments() {
		put(backend.KindSegment, s.Key, s)
	}
	return out
}

// Apply persists records on behalf of another writer (a Waygate Server
// storing what one of its SDKs wrote) and applies them as if they came from
// the backend's change stream: the state is updated, the snapshot rebuilt
// and subscribers told. Documents are decoded but not validated: callers
// check that the writer may write them.
func (e *Engine) Apply(ctx context.Context, recs ...backend.Record) error {
	if len(recs) == 0 {
		return nil
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if err := e.write(ctx, recs...); err != nil {
		e.failOpen("backend write", err)
		return fmt.Errorf("%w: %w", ErrBackend, err)
	}
	for _, r := range recs {
		e.applyRecordLocked(r)
	}
	return nil
}

// LogRetention returns how many entries the engine keeps in a log, so
// entries forwarded from SDKs are trimmed the same way.
func (e *Engine) LogRetention(l backend.Log) int {
	if l == backend.LogHits {
		return e.cfg.hitRetention
	}
	return e.cfg.auditRetention
}
