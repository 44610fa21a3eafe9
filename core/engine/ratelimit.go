package engine

import (
	"context"
	"net/netip"
	"strconv"
	"time"

	"github.com/waygate-go/waygate/core/ratelimit"
)

// Rate-limit scopes of the global and per-service policies.
const scopeGlobal = "__global__"

func scopeService(name string) string { return "__service:" + name + "__" }

// HeaderGetter reads request headers; http.Header satisfies it.
type HeaderGetter interface {
	Get(name string) string
}

// Attributes reads values the app attached to the request (user id, roles,
// tier) through its framework: gin context keys, echo context values, fiber
// locals, net/http request context.
type Attributes interface {
	Attr(name string) any
}

// rlRequest is the ratelimit.Request view of a Request; the client IP is
// resolved once. It copies the fields it needs rather than pointing at the
// Request, so the caller's Request never escapes to the heap (only
// rate-limited requests pay for this view).
type rlRequest struct {
	remote  string
	peer    netip.AddrPort
	header  HeaderGetter
	attrs   Attributes
	trusted []netip.Prefix
	ip      netip.Addr
	got     bool
}

func (q *rlRequest) ClientIP() netip.Addr {
	if !q.got {
		remote := q.remote
		if remote == "" && q.peer.IsValid() {
			remote = q.peer.String()
		}
		q.ip, q.got = ratelimit.ClientIP(remote, q.HeaderValue, q.trusted), true
	}
	return q.ip
}

func (q *rlRequest) HeaderValue(name string) string {
	if q.header == nil {
		return ""
	}
	return q.header.Get(name)
}

func (q *rlRequest) AttrValue(name string) any {
	if q.attrs == nil {
		return nil
	}
	return q.attrs.Attr(name)
}

// rlPolicy is a compiled policy and its counter scope.
type rlPolicy struct {
	c     *ratelimit.Compiled
	scope string
}

// rateLimit runs the global, service and route policies in that order. The
// first that blocks answers 429 and the later ones are not counted. Allowed
// requests get the headers of the most restrictive counted policy. Storage
// errors let the request through (logged and counted).
func (e *Engine) rateLimit(ctx context.Context, s *snapshot, en *entry, sm *rlPolicy, r *Request, d Decision) Decision {
	q := &rlRequest{remote: r.RemoteAddr, peer: r.Peer, header: r.Header, attrs: r.Attrs, trusted: e.cfg.trusted}
	var best ratelimit.Result
	var bestPolicy *rlPolicy
	for _, p := range [3]*rlPolicy{s.globalRL, sm, en.rl} {
		if p == nil || (p != en.rl && p.c.ExemptsRoute(r.Method, en.template)) {
			continue
		}
		k, rates, v := p.c.Resolve(q, p.scope, e.ipKey)
		switch v {
		case ratelimit.Exempt:
			continue
		case ratelimit.Block:
			if en.obs != nil {
				en.obs.RateLimitChecked(ctx, RateLimitLimited)
			}
			res := ratelimit.Result{Limit: rates[0].Amount + p.c.Burst, Period: rates[0].Period, Reset: e.now()}
			return e.block429(d, en, p, k, res, r.Path)
		}
		res, err := e.rlStore.Take(ctx, k, p.c.Algorithm, rates, p.c.Burst)
		if en.obs != nil {
			en.obs.RateLimitChecked(ctx, rateLimitResult(res, err))
		}
		if err != nil {
			e.failOpen("rate limit store", err)
			continue
		}
		if !res.Allowed {
			return e.block429(d, en, p, k, res, r.Path)
		}
		if bestPolicy == nil || res.Remaining < best.Remaining {
			best, bestPolicy = res, p
		}
	}
	if bestPolicy != nil {
		h := make([]Header, 0, len(en.allow)+5)
		h = append(h, en.allow...)
		d.Header = rateHeaders(h, best, e.now())
	}
	return d
}

// rateHeaders appends X-RateLimit-* and the IETF RateLimit-Policy /
// RateLimit fields for res. Names are in Go's canonical form
// (X-Ratelimit-Limit) so adapters can set them without re-canonicalising;
// header names are case-insensitive on the wire.
func rateHeaders(h []Header, res ratelimit.Result, now time.Time) []Header {
	resetIn := int64(ceilSeconds(res.Reset.Sub(now)))
	limit := strconv.FormatInt(res.Limit, 10)
	remaining := strconv.FormatInt(res.Remaining, 10)
	return append(h,
		Header{Name: "X-Ratelimit-Limit", Value: limit},
		Header{Name: "X-Ratelimit-Remaining", Value: remaining},
		Header{Name: "X-Ratelimit-Reset", Value: strconv.FormatInt(now.Unix()+resetIn, 10)},
		Header{Name: "Ratelimit-Policy", Value: `"default";q=` + limit + ";w=" + strconv.FormatInt(int64(res.Period/time.Second), 10)},
		Header{Name: "Ratelimit", Value: `"default";r=` + remaining + ";t=" + strconv.FormatInt(resetIn, 10)},
	)
}

func ceilSeconds(d time.Duration) int64 {
	if d <= 0 {
		return 0
	}
	return int64((d + time.Second - 1) / time.Second)
}

// block429 answers a rate-limited request and records the hit.
func (e *Engine) block429(d Decision, en *entry, p *rlPolicy, k ratelimit.Key, res ratelimit.Result, path string) Decision {
	now := e.now()
	retry := ceilSeconds(res.RetryAfter)
	limit := p.c.LimitString(k.Tier)
	d.Outcome, d.Status = BlockRateLimited, 429
	d.RetryAfter = now.Add(time.Duration(retry) * time.Second)
	d.Header = rateHeaders([]Header{{Name: "Content-Type", Value: "application/json"}, {Name: "Retry-After", Value: strconv.FormatInt(retry, 10)}}, res, now)
	det := errorDetail{Code: "RATE_LIMIT_EXCEEDED", Message: "Too many requests", Limit: limit,
		RetryAfterSeconds: &retry, ResetAt: res.Reset.UTC().Format(time.RFC3339), Path: path}
	d.Body = marshalError(det)
	e.recordHit(ratelimit.Hit{Timestamp: now, Path: en.key, Policy: p.scope, Key: k.String(), Limit: limit, Tier: k.Tier, Reset: res.Reset.UTC()})
	return d
}

// rateLimitResult names a rate-limit check's result for observers.
func rateLimitResult(res ratelimit.Result, err error) RateLimitResult {
	switch {
	case err != nil:
		return RateLimitFailed
	case res.Allowed:
		return RateLimitAllowed
	}
	return RateLimitLimited
}
