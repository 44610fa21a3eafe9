package engine

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"

	"github.com/waygate-go/waygate/core/audit"
	"github.com/waygate-go/waygate/core/backend"
)

// Actor says who made a change and through what.
type Actor struct {
	Actor    string // user name; "system" for programmatic calls
	Platform string // "cli", "dashboard", "api", "sdk", "system"
}

type actorKey struct{}

// WithActor returns a context that stamps mutations made with it. The admin
// API sets it from the authenticated user; code that does not set it is
// recorded as "system".
func WithActor(ctx context.Context, actor, platform string) context.Context {
	return context.WithValue(ctx, actorKey{}, Actor{Actor: actor, Platform: platform})
}

func actorOf(ctx context.Context) Actor {
	a, _ := ctx.Value(actorKey{}).(Actor)
	if a.Actor == "" {
		a.Actor = "system"
	}
	if a.Platform == "" {
		a.Platform = "system"
	}
	return a
}

// auditLocked stamps and writes an audit entry. A failed write is logged and
// counted; the mutation it records has already happened.
func (e *Engine) auditLocked(ctx context.Context, en audit.Entry) {
	a := actorOf(ctx)
	en.ID, en.Timestamp, en.Actor, en.Platform = newUUID(), e.now(), a.Actor, a.Platform
	e.observeMutation(ctx, en)
	raw, err := json.Marshal(en)
	if err != nil {
		return
	}
	if err := e.cfg.backend.Append(e.writeCtx(ctx), backend.LogAudit, raw, e.cfg.auditRetention); err != nil {
		e.failOpen("backend audit write", err)
	}
}

// Audit returns audit entries, newest first, filtered and paged by q.
func (e *Engine) Audit(ctx context.Context, q audit.Query) ([]audit.Entry, error) {
	raws, err := e.cfg.backend.Tail(ctx, backend.LogAudit, 0)
	if err != nil {
		e.failOpen("backend audit read", err)
		return nil, fmt.Errorf("%w: %w", ErrBackend, err)
	}
	all := make([]audit.Entry, 0, len(raws))
	for _, raw := range raws {
		var en audit.Entry
		if json.Unmarshal(raw, &en) == nil {
			all = append(all, en)
		}
	}
	return q.Page(all), nil
}

// newUUID returns a random RFC 4122 version 4 UUID.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
