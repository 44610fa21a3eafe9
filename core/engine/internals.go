package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"maps"
	"net/netip"
	"time"

	"github.com/waygate-go/waygate/core/backend"
	"github.com/waygate-go/waygate/core/clock"
	"github.com/waygate-go/waygate/core/ratelimit"
)

// Internals is the engine's plumbing for the components built on it: the
// admin handler and the webhook dispatcher keep records of their own beside
// the engine's state, and a Waygate Server's hub serves the state to SDKs,
// applies their writes and stores the logs they forward. Application code
// does not need it; the Engine's own methods are the API.
//
// Get it with InternalsOf. Its methods are safe for concurrent use.
type Internals struct{ e *Engine }

// InternalsOf returns e's plumbing.
func InternalsOf(e *Engine) Internals { return Internals{e: e} }

// Logger returns the engine's logger, for components to log through.
func (in Internals) Logger() *slog.Logger { return in.e.cfg.logger }

// Clock returns the engine's clock.
func (in Internals) Clock() clock.Clock { return in.e.cfg.clock }

// Documents returns the engine's current state encoded the way backends
// store it: route states, global and service maintenance, rate-limit
// policies, flags and segments, by kind and key. Logs (audit, hits) and
// records are not included. A Waygate Server serves it to SDKs and diffs
// successive calls to stream changes.
func (in Internals) Documents() backend.Snapshot {
	e := in.e
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.documentsLocked()
}

// documentsLocked encodes the engine's state as backends store it (see
// Documents). e.mu must be held.
func (e *Engine) documentsLocked() backend.Snapshot {
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
func (in Internals) Apply(ctx context.Context, recs ...backend.Record) error {
	e := in.e
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

// Append adds entries to one of the engine's logs (audit, hits), trimmed
// to the engine's retention for that log: a Waygate Server stores the
// entries its SDKs forward.
func (in Internals) Append(ctx context.Context, log backend.Log, entries ...[]byte) error {
	keep := in.e.cfg.auditRetention
	if log == backend.LogHits {
		keep = in.e.cfg.hitRetention
	}
	for _, entry := range entries {
		if err := in.e.cfg.backend.Append(ctx, log, entry, keep); err != nil {
			return fmt.Errorf("%w: %w", ErrBackend, err)
		}
	}
	return nil
}

// Tail returns up to n entries of one of the engine's logs, newest first
// (all when n <= 0).
func (in Internals) Tail(ctx context.Context, log backend.Log, n int) ([][]byte, error) {
	return in.e.cfg.backend.Tail(ctx, log, n)
}

// Claim reports whether the caller is the first, among every engine on the
// backend, to claim token within ttl: what happens once per change across
// instances (a webhook delivery) claims it first. On a backend scoped to
// one service of a Waygate Server, claims are made in the process, like
// records.
func (in Internals) Claim(ctx context.Context, token string, ttl time.Duration) (bool, error) {
	if in.e.localClaims != nil {
		return in.e.localClaims.Claim(ctx, token, ttl)
	}
	return in.e.cfg.backend.Claim(ctx, token, ttl)
}

// A record is a document of a kind the engine does not interpret, which a
// component built on it keeps beside the engine's state — the admin
// handler's revoked sessions, the webhooks added at runtime. Records are
// stored through the engine's backend and follow it: they are loaded with
// the state, reloaded with it, and changes other instances make arrive
// through the same change stream. On a backend scoped to one service of a
// Waygate Server (backend.ServiceScoped) records stay in the process, as
// the server keeps its own.

// RecordFunc is told about the records of one kind: every record (full
// true) when it starts following and after every reload, or the records
// just written, by this process or another instance (full false; a nil
// value is a deletion). It is called with the engine locked: it must not
// call the engine.
type RecordFunc func(docs map[string][]byte, full bool)

// Follow calls f with the records of kind now and then as they change,
// until stop is called. kind must not be one of the engine's own kinds.
func (in Internals) Follow(kind backend.Kind, f RecordFunc) (stop func()) {
	e := in.e
	e.mu.Lock()
	defer e.mu.Unlock()
	id := e.nextFollower
	e.nextFollower++
	if e.followers[kind] == nil {
		e.followers[kind] = map[int]RecordFunc{}
	}
	e.followers[kind][id] = f
	f(maps.Clone(e.records[kind]), true)
	return func() {
		e.mu.Lock()
		defer e.mu.Unlock()
		delete(e.followers[kind], id)
	}
}

// PutRecord stores one record (a nil value deletes it) and tells the
// followers of its kind, in this process and in other instances. It fails with ErrInvalid for
// one of the engine's own kinds, and with ErrBackend when the backend
// refused the write.
func (in Internals) PutRecord(ctx context.Context, kind backend.Kind, key string, value []byte) error {
	e := in.e
	if engineKinds[kind] {
		return invalid("%s documents belong to the engine", kind)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if !e.localRecords {
		if err := e.write(context.WithoutCancel(ctx), backend.Record{Kind: kind, Key: key, Value: value}); err != nil {
			e.failOpen("backend write", err)
			return fmt.Errorf("%w: %w", ErrBackend, err)
		}
	}
	e.setRecordLocked(kind, key, value)
	e.tellFollowersLocked(kind, key, value)
	return nil
}

// ClientNetwork is the client a request comes from as per-IP rate limits
// key it: the socket peer, or, when the peer is a trusted proxy
// (WithTrustedProxies), the address the proxies forwarded; an IPv6 client
// by its network (WithIPv6Prefix, /64 by default), since one host usually
// owns a whole /64. The admin's login throttle keys by it.
func (in Internals) ClientNetwork(remoteAddr string, header func(string) string) netip.Addr {
	return in.e.ipKey(ratelimit.ClientIP(remoteAddr, header, in.e.cfg.trusted))
}

// TrustedPeer reports whether remoteAddr, a request's socket peer, is one
// of the trusted proxies (WithTrustedProxies), whose forwarding headers
// are believed.
func (in Internals) TrustedPeer(remoteAddr string) bool {
	return ratelimit.Trusted(remoteAddr, in.e.cfg.trusted)
}

// Service names the service the engine enforces for, if any, and reports
// whether its backend is scoped to that service (the SDK of a Waygate
// Server), so records and claims stay in the process.
func (in Internals) Service() (name string, scoped bool) {
	return in.e.cfg.service, in.e.localRecords
}

// engineKinds are the kinds the engine interprets.
var engineKinds = map[backend.Kind]bool{
	backend.KindRoute: true, backend.KindGlobal: true, backend.KindService: true,
	backend.KindRateLimit: true, backend.KindGlobalRateLimit: true, backend.KindServiceRateLimit: true,
	backend.KindFlag: true, backend.KindSegment: true,
}

// setRecordLocked stores one record in the process. e.mu must be held.
func (e *Engine) setRecordLocked(kind backend.Kind, key string, value []byte) {
	if value == nil {
		delete(e.records[kind], key)
		return
	}
	if e.records[kind] == nil {
		e.records[kind] = map[string][]byte{}
	}
	e.records[kind][key] = value
}

// loadRecordsLocked replaces the records with those of a loaded snapshot
// and tells every follower. e.mu must be held.
func (e *Engine) loadRecordsLocked(snap backend.Snapshot) {
	if e.localRecords {
		return // the backend holds another process's state, not ours
	}
	e.records = map[backend.Kind]map[string][]byte{}
	for kind, docs := range snap {
		if !engineKinds[kind] {
			e.records[kind] = maps.Clone(docs)
		}
	}
	for kind, fs := range e.followers {
		for _, f := range fs {
			f(maps.Clone(e.records[kind]), true)
		}
	}
}

// applyRecordRemoteLocked applies a record another instance wrote. e.mu
// must be held.
func (e *Engine) applyRecordRemoteLocked(r backend.Record) {
	if e.localRecords {
		return
	}
	e.setRecordLocked(r.Kind, r.Key, r.Value)
	e.tellFollowersLocked(r.Kind, r.Key, r.Value)
}

// tellFollowersLocked tells the followers of kind about one record. e.mu
// must be held.
func (e *Engine) tellFollowersLocked(kind backend.Kind, key string, value []byte) {
	for _, f := range e.followers[kind] {
		f(map[string][]byte{key: value}, false)
	}
}
