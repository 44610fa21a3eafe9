package engine

import (
	"context"
	"encoding/json"
	"math"
	"net/netip"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/waygate-go/waygate/core/route"
)

// Request is the framework-neutral view of an HTTP request that Check judges.
// Check keeps nothing of it after returning: adapters may pass strings that
// alias reusable buffers (fasthttp). Whatever the engine stores (counter
// keys, hits) is copied first.
type Request struct {
	// Method is the upper-case HTTP method.
	Method string
	// Route is the matched route template as the framework reports it
	// ("/items/:id" or "/items/{id}"); "" when no route matched.
	Route string
	// Path is the concrete request path, echoed in error bodies.
	Path string
	// RemoteAddr is the socket peer ("ip:port"); the client IP comes from it
	// unless the peer is a trusted proxy.
	RemoteAddr string
	// Peer is the socket peer for adapters that have it parsed already
	// (fasthttp); used when RemoteAddr is empty.
	Peer netip.AddrPort
	// Header reads request headers (X-Forwarded-For, X-API-Key); may be nil.
	Header HeaderGetter
	// Attrs reads the user id, roles and tier the app set; may be nil.
	Attrs Attributes
}

// Outcome says what Check decided.
type Outcome uint8

// The outcomes of Check.
const (
	// Allow: serve the request (adding Decision.Header).
	Allow Outcome = iota
	// BlockMaintenance: 503 MAINTENANCE_MODE (route, service or global).
	BlockMaintenance
	// BlockDisabled: 503 ROUTE_DISABLED.
	BlockDisabled
	// BlockNotFound: 404 NOT_FOUND for an env-gated route in another env.
	BlockNotFound
	// BlockRateLimited: 429 RATE_LIMIT_EXCEEDED.
	BlockRateLimited
)

var outcomeNames = [...]string{"allow", "maintenance", "disabled", "not_found", "rate_limited"}

// String returns the outcome's name, as used for app-wide responders.
func (o Outcome) String() string {
	if int(o) < len(outcomeNames) {
		return outcomeNames[o]
	}
	return "unknown"
}

// Decision is the outcome of Check: allow (with headers to add) or block
// (with status, JSON body and headers).
type Decision struct {
	Outcome Outcome
	// Status is the HTTP status of a block; 0 when allowed.
	Status int
	// Key is the matched route key, "" when the request matched no route.
	Key string
	// Reason explains a block (maintenance or disabled reason).
	Reason string
	// RetryAfter is when a blocked client may retry: the end of the
	// maintenance window or of the rate limit; zero when unknown.
	RetryAfter time.Time
	// Header lists headers to set on the response, blocked or allowed.
	// Requests share this slice: do not modify it.
	Header []Header
	// Body is the default JSON body of a block; nil when allowed. Blocks
	// of the same path share it: do not modify it.
	Body []byte
	// Responder is the route's custom responder declared in code, if any.
	Responder any
	// vals are Header's values laid out for SetHeaders when they were
	// prepared with the snapshot; nil when rendered for this request.
	vals []string
}

// Allowed reports whether the request may proceed.
func (d Decision) Allowed() bool { return d.Outcome == Allow }

// Check decides the outcome of a request. It reads only the in-process
// snapshot: no backend access, no locks, and no allocations for an allowed
// request on a route without rate limits. Order: force-active → global
// maintenance (exempt paths) → service maintenance → route status → global,
// service and route rate limits.
func (e *Engine) Check(ctx context.Context, r *Request) Decision {
	s := e.snap.Load()
	// Unguarded (a mount of the admin or the docs) is decided by the route
	// the router matched, never by the path: a router may match a gated
	// route on a path whose decoded form starts with a mount prefix
	// (/docs%2Fx/payments matching /{tenant}/payments).
	if len(s.unguarded) > 0 && r.Route != "" && s.isUnguarded(r.Route) {
		return Decision{}
	}
	en := s.lookup(r.Route, r.Method)
	var d Decision
	obs := s.unmatched
	if en != nil {
		d.Key, d.Responder, obs = en.key, en.responder, en.obs
	}
	// Every return below tells the route's observers: a wrapper around
	// Check would copy the Decision twice per request.
	if e.bypassLifecycle.Load() {
		if en != nil {
			en.allow.on(&d)
		}
		e.limit(ctx, s, en, r, &d)
		if obs != nil {
			obs.Decided(ctx, r.Method, d.Outcome, d.Reason)
		}
		return d
	}
	var sm *maintenanceView
	if len(s.services) > 0 {
		svc := e.cfg.service
		if en != nil && en.service != "" {
			svc = en.service
		}
		sm = s.services[svc]
	}
	if en != nil && en.forceActive &&
		!(s.global.enabled && s.global.includeForceActive) &&
		!(sm != nil && sm.enabled && sm.includeForceActive) {
		en.allow.on(&d)
		if obs != nil {
			obs.Decided(ctx, r.Method, d.Outcome, d.Reason)
		}
		return d
	}
	template := r.Path
	if en != nil {
		template = en.template
	}
	switch {
	case s.global.enabled && !s.global.exempts(r.Method, template):
		e.block(&d, s.global.blocks, BlockMaintenance, s.global.reason, time.Time{}, r.Path)
	case sm != nil && sm.enabled && !sm.exempts(r.Method, template):
		e.block(&d, sm.blocks, BlockMaintenance, sm.reason, time.Time{}, r.Path)
	case en == nil:
	case en.status == route.StatusMaintenance:
		e.block(&d, en.blocks, BlockMaintenance, en.reason, en.maintEnd, r.Path)
	case en.status == route.StatusDisabled:
		e.block(&d, en.blocks, BlockDisabled, en.reason, time.Time{}, r.Path)
	case en.status == route.StatusEnvGated && !en.envAllowed:
		e.block(&d, en.blocks, BlockNotFound, "", time.Time{}, r.Path)
	default:
		en.allow.on(&d)
		if s.globalRL != nil || len(s.serviceRL) > 0 || en.rl != nil {
			e.limit(ctx, s, en, r, &d)
		}
	}
	if obs != nil {
		obs.Decided(ctx, r.Method, d.Outcome, d.Reason)
	}
	return d
}

// limit applies the rate limits to an allowed request of a matched route.
func (e *Engine) limit(ctx context.Context, s *snapshot, en *entry, r *Request, d *Decision) {
	if en == nil || e.bypassRateLimits.Load() {
		return
	}
	var srl *rlPolicy
	if len(s.serviceRL) > 0 {
		svc := e.cfg.service
		if en.service != "" {
			svc = en.service
		}
		srl = s.serviceRL[svc]
	}
	if s.globalRL == nil && srl == nil && en.rl == nil {
		return
	}
	e.rateLimit(ctx, s, en, srl, r, d)
}

type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code              string  `json:"code"`
	Message           string  `json:"message"`
	Reason            *string `json:"reason,omitempty"`
	Limit             string  `json:"limit,omitempty"`
	RetryAfterSeconds *int64  `json:"retry_after_seconds,omitempty"`
	ResetAt           string  `json:"reset_at,omitempty"`
	Path              string  `json:"path"`
	RetryAfter        string  `json:"retry_after,omitempty"`
}

func marshalError(det errorDetail) []byte {
	b, _ := json.Marshal(errorBody{Error: det}) // cannot fail: plain fields
	return b
}

// jsonHeader is the headers of a block without Retry-After, shared.
var jsonHeader = prepared([]Header{{Name: "Content-Type", Value: "application/json"}})

// blockCache keeps the last block rendered for a route (or a maintenance
// scope): during an incident or a flood the same path is blocked again
// and again, and is then answered with no rendering and no allocation. A
// snapshot rebuild (a change of state) starts with an empty cache.
type blockCache struct{ last atomic.Pointer[renderedBlock] }

// renderedBlock is one rendered block and what it was rendered for.
type renderedBlock struct {
	outcome    Outcome
	reason     string
	path       string
	retryAfter int64 // Retry-After seconds, 0 when none
	header     headerSet
	body       []byte
}

// block fills d for a blocked request: status, headers and default body,
// from c when the previous block of c was for the same path (and the same
// Retry-After second).
func (e *Engine) block(d *Decision, c *blockCache, o Outcome, reason string, end time.Time, path string) {
	d.Outcome, d.Reason = o, reason
	d.Status = 503
	if o == BlockNotFound {
		d.Status = 404
	}
	var secs int64
	if o == BlockMaintenance && !end.IsZero() {
		if s := math.Ceil(end.Sub(e.now()).Seconds()); s > 0 {
			secs = int64(s)
			d.RetryAfter = end
		}
	}
	if c != nil {
		if rb := c.last.Load(); rb != nil && rb.outcome == o && rb.retryAfter == secs && rb.path == path && rb.reason == reason {
			rb.header.on(d)
			d.Body = rb.body
			return
		}
	}
	det := errorDetail{Path: path}
	why := reason // only a miss takes its address, so only a miss moves it to the heap
	switch o {
	case BlockMaintenance:
		det.Code, det.Message, det.Reason = "MAINTENANCE_MODE", "This endpoint is temporarily unavailable", &why
	case BlockDisabled:
		det.Code, det.Message, det.Reason = "ROUTE_DISABLED", "This endpoint has been disabled", &why
	case BlockNotFound:
		det.Code, det.Message = "NOT_FOUND", "Not Found"
	}
	hs := jsonHeader
	if secs > 0 {
		det.RetryAfter = end.UTC().Format(time.RFC3339)
		hs = prepared([]Header{jsonHeader.list[0], {Name: "Retry-After", Value: strconv.FormatInt(secs, 10)}})
	}
	hs.on(d)
	d.Body = marshalError(det)
	if c != nil {
		// path may alias a buffer the adapter reuses (fasthttp): keep a copy.
		c.last.Store(&renderedBlock{outcome: o, reason: reason, path: strings.Clone(path), retryAfter: secs, header: hs, body: d.Body})
	}
}
