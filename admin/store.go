package admin

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/waygate-go/waygate/core/backend"
	"github.com/waygate-go/waygate/core/engine"
)

// The admin's own documents in the engine's backend. Engines ignore kinds
// they do not know.
const (
	// kindRevoked holds logged-out token ids until the tokens expire.
	kindRevoked backend.Kind = "admin_revoked_token"
	// kindWebhook holds webhooks added through the API.
	kindWebhook backend.Kind = "admin_webhook"
)

// adminKinds lists the kinds, with how many log records each keeps.
var adminKinds = map[backend.Kind]int{kindRevoked: 10_000, kindWebhook: 1_000}

// docStore persists the admin's documents. Each write goes to the document
// (seen by other instances through the backend's change stream) and to a
// bounded log of the same name that is replayed at start: a backend whose
// Load returns only the engine's own kinds still restores them.
type docStore struct {
	b      backend.Backend
	origin string
}

type logRecord struct {
	Key   string          `json:"key"`
	Value json.RawMessage `json:"value,omitempty"`
}

// put writes (or, with a nil value, deletes) one document.
func (h *Handler) put(ctx context.Context, kind backend.Kind, key string, value []byte) error {
	s := h.store
	ctx = backend.WithOrigin(context.WithoutCancel(ctx), s.origin)
	if err := s.b.Write(ctx, backend.Record{Kind: kind, Key: key, Value: value}); err != nil {
		return fmt.Errorf("%w: %w", engine.ErrBackend, err)
	}
	raw, _ := json.Marshal(logRecord{Key: key, Value: value})
	if err := s.b.Append(ctx, backend.Log(kind), raw, adminKinds[kind]); err != nil {
		h.log.Warn("waygate admin: backend log write failed; the change may not survive a restart", "kind", kind, "err", err)
	}
	return nil
}

// load reads every admin document: the log replayed oldest first, then the
// documents Load returns on top.
func (s docStore) load(ctx context.Context) (map[backend.Kind]map[string][]byte, error) {
	snap, err := s.b.Load(ctx)
	if err != nil {
		return nil, err
	}
	out := map[backend.Kind]map[string][]byte{}
	for kind := range adminKinds {
		docs := map[string][]byte{}
		entries, err := s.b.Tail(ctx, backend.Log(kind), 0)
		if err != nil {
			return nil, err
		}
		for i := len(entries) - 1; i >= 0; i-- {
			var rec logRecord
			if json.Unmarshal(entries[i], &rec) != nil || rec.Key == "" {
				continue
			}
			if len(rec.Value) == 0 || string(rec.Value) == "null" {
				delete(docs, rec.Key)
			} else {
				docs[rec.Key] = rec.Value
			}
		}
		for k, v := range snap[kind] {
			docs[k] = v
		}
		out[kind] = docs
	}
	return out, nil
}

type revokedDoc struct {
	Exp int64 `json:"exp"`
}

// syncRecords reloads revocations and runtime webhooks from the backend.
// Revocations are merged (they only go away when their token expires);
// runtime webhooks are replaced.
func (h *Handler) syncRecords(ctx context.Context) error {
	h.syncMu.Lock()
	defer h.syncMu.Unlock()
	docs, err := h.store.load(ctx)
	if err != nil {
		h.log.Warn("waygate admin: could not load revocations and webhooks from the backend; retrying", "err", err)
		return err
	}
	now := h.cfg.clock.Now()
	var expired []string
	for jti, raw := range docs[kindRevoked] {
		var d revokedDoc
		if json.Unmarshal(raw, &d) != nil {
			continue
		}
		if exp := time.Unix(d.Exp, 0); now.Before(exp) {
			h.auth.revoked.add(jti, exp)
		} else {
			expired = append(expired, jti)
		}
	}
	h.hooks.replaceRuntime(docs[kindWebhook])
	for _, jti := range expired {
		_ = h.put(ctx, kindRevoked, jti, nil)
	}
	return nil
}

// applyRecord applies a change another instance made.
func (h *Handler) applyRecord(rec backend.Record) {
	h.syncMu.Lock()
	defer h.syncMu.Unlock()
	switch rec.Kind {
	case kindRevoked:
		if rec.Value == nil {
			h.auth.revoked.remove(rec.Key)
			return
		}
		var d revokedDoc
		if json.Unmarshal(rec.Value, &d) == nil {
			h.auth.revoked.add(rec.Key, time.Unix(d.Exp, 0))
		}
	case kindWebhook:
		h.hooks.applyRuntime(rec.Key, rec.Value)
	}
}

// followBackend keeps revocations and webhooks in step with other
// instances: it retries the load until it succeeds and follows the
// backend's change stream, reloading after every interruption.
func (h *Handler) followBackend(loaded bool) {
	defer h.wg.Done()
	watcher, isWatcher := h.store.b.(backend.Watcher)
	delay := 100 * time.Millisecond
	pause := func() bool {
		t := time.NewTimer(delay)
		defer t.Stop()
		delay = min(2*delay, 30*time.Second)
		select {
		case <-h.ctx.Done():
			return false
		case <-t.C:
			return true
		}
	}
	for h.ctx.Err() == nil {
		if !isWatcher {
			if loaded {
				return
			}
			loaded = h.syncRecords(h.ctx) == nil
			if !loaded && !pause() {
				return
			}
			continue
		}
		h.followOnce(watcher, &delay)
		if !pause() {
			return
		}
	}
}

// followOnce subscribes to the backend's changes, reloads, and applies
// changes until the stream ends; a successful reload resets delay. Its
// stream ends with it: a retry must not leave one open.
func (h *Handler) followOnce(watcher backend.Watcher, delay *time.Duration) {
	ctx, cancel := context.WithCancel(h.ctx)
	defer cancel()
	ch, err := watcher.Watch(ctx)
	if err != nil {
		return
	}
	// Reload after subscribing, so nothing written in between is missed.
	if h.syncRecords(ctx) != nil {
		return
	}
	*delay = 100 * time.Millisecond
	for c := range ch {
		switch {
		case c.Resync:
			_ = h.syncRecords(ctx)
		case c.Origin != h.id:
			h.applyRecord(c.Record)
		}
	}
}

// revoke persists a logged-out token's id until the token expires, and
// forgets revocations of tokens that have expired since.
func (h *Handler) revoke(ctx context.Context, jti string, exp time.Time) error {
	h.syncMu.Lock()
	defer h.syncMu.Unlock()
	raw, _ := json.Marshal(revokedDoc{Exp: exp.Unix()})
	if err := h.put(ctx, kindRevoked, jti, raw); err != nil {
		return err
	}
	h.auth.revoked.add(jti, exp)
	for _, old := range h.auth.revoked.expired(h.cfg.clock.Now()) {
		_ = h.put(ctx, kindRevoked, old, nil)
	}
	return nil
}
