package admin

import (
	"context"
	"encoding/json"
	"time"

	"github.com/waygate-go/waygate/core/backend"
	"github.com/waygate-go/waygate/core/engine"
)

// The admin's own records, kept by the engine beside its state.
const (
	// kindRevoked holds logged-out token ids until the tokens expire.
	kindRevoked backend.Kind = "admin_revoked_token"
)

// put writes (or, with a nil value, deletes) one of the admin's records
// through the engine, which stores it beside its state and tells the other
// instances.
func (h *Handler) put(ctx context.Context, kind backend.Kind, key string, value []byte) error {
	return engine.InternalsOf(h.eng).PutRecord(ctx, kind, key, value)
}

type revokedDoc struct {
	Exp int64 `json:"exp"`
}

// followRecords keeps revocations in step with the engine's records: all
// of them at start and after every reload, then the changes other
// instances make. Revocations are merged: they only go away when their
// token expires.
func (h *Handler) followRecords() {
	in := engine.InternalsOf(h.eng)
	stopRevoked := in.Follow(kindRevoked, h.revocations)
	h.wg.Add(1)
	go func() {
		defer h.wg.Done()
		<-h.ctx.Done()
		stopRevoked()
	}()
}

// revocations applies revocation records. It runs with the engine locked,
// so revocations of tokens that have expired since are forgotten in the
// background.
func (h *Handler) revocations(docs map[string][]byte, full bool) {
	now := h.cfg.clock.Now()
	var expired []string
	for jti, raw := range docs {
		if raw == nil {
			h.auth.revoked.remove(jti)
			continue
		}
		var d revokedDoc
		if json.Unmarshal(raw, &d) != nil {
			continue
		}
		if exp := time.Unix(d.Exp, 0); now.Before(exp) {
			h.auth.revoked.add(jti, exp)
		} else if full {
			expired = append(expired, jti)
		}
	}
	if len(expired) == 0 || h.ctx.Err() != nil {
		return
	}
	h.wg.Add(1)
	go func() {
		defer h.wg.Done()
		for _, jti := range expired {
			_ = h.put(h.ctx, kindRevoked, jti, nil)
		}
	}()
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
