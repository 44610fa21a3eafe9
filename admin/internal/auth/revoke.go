package auth

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

// put writes (or, with a nil value, deletes) a revocation through the
// engine, which stores it beside its state and tells the other instances.
func (a *Authenticator) put(ctx context.Context, jti string, value []byte) error {
	return engine.InternalsOf(a.eng).PutRecord(ctx, kindRevoked, jti, value)
}

type revokedDoc struct {
	Exp int64 `json:"exp"`
}

// Follow keeps revocations in step with the engine's records: all of them
// now and after every reload, then the changes other instances make.
// Revocations are merged: they only go away when their token expires. stop
// ends following and waits for background work.
func (a *Authenticator) Follow() (stop func()) {
	unfollow := engine.InternalsOf(a.eng).Follow(kindRevoked, a.revocations)
	done := make(chan struct{})
	a.done = done
	return func() {
		unfollow()
		close(done)
		a.wg.Wait()
	}
}

// revocations applies revocation records. It runs with the engine locked,
// so revocations of tokens that have expired since are forgotten in the
// background.
func (a *Authenticator) revocations(docs map[string][]byte, full bool) {
	now := a.clock.Now()
	var expired []string
	for jti, raw := range docs {
		if raw == nil {
			a.revoked.remove(jti)
			continue
		}
		var d revokedDoc
		if json.Unmarshal(raw, &d) != nil {
			continue
		}
		if exp := time.Unix(d.Exp, 0); now.Before(exp) {
			a.revoked.add(jti, exp)
		} else if full {
			expired = append(expired, jti)
		}
	}
	if len(expired) == 0 {
		return
	}
	select {
	case <-a.done:
		return
	default:
	}
	a.wg.Add(1)
	go func() {
		defer a.wg.Done()
		for _, jti := range expired {
			_ = a.put(context.Background(), jti, nil)
		}
	}()
}

// revoke stores a logged-out token's id until the token expires, and
// forgets revocations of tokens that have expired since.
func (a *Authenticator) revoke(ctx context.Context, jti string, exp time.Time) error {
	raw, _ := json.Marshal(revokedDoc{Exp: exp.Unix()})
	if err := a.put(ctx, jti, raw); err != nil {
		return err
	}
	a.revoked.add(jti, exp)
	for _, old := range a.revoked.expired(a.clock.Now()) {
		_ = a.put(ctx, old, nil)
	}
	return nil
}
