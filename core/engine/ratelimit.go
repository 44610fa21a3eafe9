package engine

import (
	"context"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
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
		if q.remote == "" && q.peer.IsValid() {
			q.ip = ratelimit.ClientAddr(q.peer.Addr(), q.HeaderValue, q.trusted)
		} else {
			q.ip = ratelimit.ClientIP(q.remote, q.HeaderValue, q.trusted)
		}
		q.got = true
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

// rlPolicy is a compiled policy, its counter scope and the last 429 it
// rendered.
type rlPolicy struct {
	c     *ratelimit.Compiled
	scope string
	last  atomic.Pointer[rendered429]
}

// rendered429 is one rendered 429 and everything it was rendered from:
// a client blocked again within the same second, with the same counts,
// is answered from it without rendering.
type rendered429 struct {
	route, path    string // the route key and the request path
	key            ratelimit.Key
	sec            int64 // the second it was rendered in
	retry, resetIn int64
	reset          int64 // res.Reset, unix seconds
	limit, left    int64
	period         time.Duration
	header         headerSet
	body           []byte
}

func (rb *rendered429) matches(route, path string, k ratelimit.Key, sec, retry, resetIn int64, res *ratelimit.Result) bool {
	return rb.sec == sec && rb.retry == retry && rb.resetIn == resetIn && rb.reset == res.Reset.Unix() &&
		rb.limit == res.Limit && rb.left == res.Remaining && rb.period == res.Period &&
		rb.path == path && rb.route == route && rb.key == k
}

// rlRequests recycles the ratelimit.Request views: handed to a policy as
// an interface, a view would otherwise be allocated per request.
var rlRequests = sync.Pool{New: func() any { return new(rlRequest) }}

// rateLimit runs the global, service and route policies in that order. The
// first that blocks answers 429 and the later ones are not counted. Allowed
// requests get the headers of the most restrictive counted policy. Storage
// errors let the request through (logged and counted).
func (e *Engine) rateLimit(ctx context.Context, s *snapshot, en *entry, sm *rlPolicy, r *Request, d *Decision) {
	q := rlRequests.Get().(*rlRequest)
	*q = rlRequest{remote: r.RemoteAddr, peer: r.Peer, header: r.Header, attrs: r.Attrs, trusted: e.cfg.trusted}
	e.countPolicies(ctx, q, s, en, sm, r, d)
	*q = rlRequest{} // keep nothing of the request in the pool
	rlRequests.Put(q)
}

func (e *Engine) countPolicies(ctx context.Context, q *rlRequest, s *snapshot, en *entry, sm *rlPolicy, r *Request, d *Decision) {
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
			e.block429(d, en, p, k, &res, r.Path)
			return
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
			e.block429(d, en, p, k, &res, r.Path)
			return
		}
		if bestPolicy == nil || res.Remaining < best.Remaining {
			best, bestPolicy = res, p
		}
	}
	if bestPolicy != nil {
		now := e.now()
		h := make([]Header, 0, len(en.allow.list)+5)
		h = append(h, en.allow.list...)
		d.Header = rateHeaders(h, &best, now.Unix(), ceilSeconds(best.Reset.Sub(now)))
		d.vals = nil
	}
}

// rateHeaders appends X-RateLimit-* and the IETF RateLimit-Policy /
// RateLimit fields for res, their values rendered into one string. Names
// are in Go's canonical form (X-Ratelimit-Limit) so adapters can set them
// without re-canonicalising; header names are case-insensitive on the
// wire.
func rateHeaders(h []Header, res *ratelimit.Result, sec, resetIn int64) []Header {
	var buf [160]byte
	b := buf[:0]
	var end [5]int
	b = strconv.AppendInt(b, res.Limit, 10)
	end[0] = len(b)
	b = strconv.AppendInt(b, res.Remaining, 10)
	end[1] = len(b)
	b = strconv.AppendInt(b, sec+resetIn, 10)
	end[2] = len(b)
	b = append(b, `"default";q=`...)
	b = strconv.AppendInt(b, res.Limit, 10)
	b = append(b, ";w="...)
	b = strconv.AppendInt(b, int64(res.Period/time.Second), 10)
	end[3] = len(b)
	b = append(b, `"default";r=`...)
	b = strconv.AppendInt(b, res.Remaining, 10)
	b = append(b, ";t="...)
	b = strconv.AppendInt(b, resetIn, 10)
	end[4] = len(b)
	v := string(b)
	return append(h,
		Header{Name: "X-Ratelimit-Limit", Value: v[:end[0]]},
		Header{Name: "X-Ratelimit-Remaining", Value: v[end[0]:end[1]]},
		Header{Name: "X-Ratelimit-Reset", Value: v[end[1]:end[2]]},
		Header{Name: "Ratelimit-Policy", Value: v[end[2]:end[3]]},
		Header{Name: "Ratelimit", Value: v[end[3]:end[4]]},
	)
}

func ceilSeconds(d time.Duration) int64 {
	if d <= 0 {
		return 0
	}
	return int64((d + time.Second - 1) / time.Second)
}

// block429 answers a rate-limited request and records the hit. A client
// blocked again by p within the same second, with the same counts, gets
// the 429 rendered for it before, and that repeat is counted
// (Stats.FoldedHits) rather than logged again: a flood from one client
// leaves one hit per second in the log, not thousands that push out
// everyone else's.
func (e *Engine) block429(d *Decision, en *entry, p *rlPolicy, k ratelimit.Key, res *ratelimit.Result, path string) {
	now := e.now()
	sec := now.Unix()
	retry := ceilSeconds(res.RetryAfter)
	resetIn := ceilSeconds(res.Reset.Sub(now))
	d.Outcome, d.Status = BlockRateLimited, 429
	d.RetryAfter = now.Add(time.Duration(retry) * time.Second)
	if rb := p.last.Load(); rb != nil && rb.matches(en.key, path, k, sec, retry, resetIn, res) {
		rb.header.on(d)
		d.Body = rb.body
		e.stats.foldedHits.Add(1)
		return
	}
	limit := p.c.LimitString(k.Tier)
	h := make([]Header, 2, 7)
	h[0], h[1] = jsonHeader.list[0], Header{Name: "Retry-After", Value: strconv.FormatInt(retry, 10)}
	hs := prepared(rateHeaders(h, res, sec, resetIn))
	hs.on(d)
	secs := retry // only a miss takes its address, so only a miss moves it to the heap
	det := errorDetail{Code: "RATE_LIMIT_EXCEEDED", Message: "Too many requests", Limit: limit,
		RetryAfterSeconds: &secs, ResetAt: res.Reset.UTC().Format(time.RFC3339), Path: path}
	d.Body = marshalError(det)
	// The key and path may alias a buffer the adapter reuses (fasthttp):
	// the cache keeps copies.
	k.Client = strings.Clone(k.Client)
	p.last.Store(&rendered429{route: en.key, path: strings.Clone(path), key: k, sec: sec, retry: retry, resetIn: resetIn,
		reset: res.Reset.Unix(), limit: res.Limit, left: res.Remaining, period: res.Period, header: hs, body: d.Body})
	e.recordHit(ratelimit.Hit{Timestamp: now, Path: en.key, Policy: p.scope, Key: k.String(), Limit: limit, Tier: k.Tier, Reset: res.Reset.UTC()})
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
