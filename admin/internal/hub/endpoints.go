package hub

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/waygate-go/waygate/admin/internal/wire"
	"github.com/waygate-go/waygate/core/audit"
	"github.com/waygate-go/waygate/core/backend"
	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/ratelimit"
	"github.com/waygate-go/waygate/core/route"
	"github.com/waygate-go/waygate/core/sdk"
)

// sdkSnapshot answers GET /api/sdk/snapshot: the service's view at the
// current version.
func (h *Hub) sdkSnapshot(w http.ResponseWriter, r *http.Request) error {
	svc, err := h.serviceOf(r)
	if err != nil {
		return err
	}
	wire.WriteJSON(w, http.StatusOK, h.snapshot(svc))
	return nil
}

// sdkEvents answers GET /api/sdk/events: a snapshot event, then delta
// events and keepalive comments until the client or the handler goes away.
func (h *Hub) sdkEvents(w http.ResponseWriter, r *http.Request) error {
	svc, err := h.serviceOf(r)
	if err != nil {
		return err
	}
	c := h.connect(svc)
	defer h.disconnect(c)
	return wire.Serve(h.stream(), w, r, c.out, func(w io.Writer, ev []byte) error {
		_, err := w.Write(ev)
		return err
	})
}

// sdkRecords answers POST /api/sdk/records: the service's engine stores
// documents. Keys are local to the service; the service comes from the
// token, so a "service" anywhere in the body is ignored, and a key naming
// another service is refused with 403.
func (h *Hub) sdkRecords(w http.ResponseWriter, r *http.Request) error {
	tok, err := h.tokenOf(r)
	if err != nil {
		return err
	}
	svc := tok.service
	var req sdk.WriteRequest
	if err := decodeLenient(r, &req); err != nil {
		return err
	}
	if len(req.Records) == 0 {
		return wire.BadRequest("no records: send {\"records\":[{\"kind\":\"route\",\"key\":\"GET:/path\",\"value\":{...}}]}")
	}
	recs := make([]backend.Record, 0, len(req.Records))
	for i, in := range req.Records {
		if in.Key == "" {
			return wire.BadRequest("record %d has no key", i)
		}
		rec := backend.Record{Kind: in.Kind, Key: in.Key}
		if len(in.Value) > 0 && string(in.Value) != "null" {
			rec.Value = []byte(in.Value)
		}
		out, err := sdk.ToServer(svc, rec, tok.shared)
		if errors.Is(err, sdk.ErrForeign) {
			return wire.Errorf(http.StatusForbidden, "record %d: %v", i, err)
		}
		if err != nil {
			return wire.BadRequest("record %d: %v", i, err)
		}
		recs = append(recs, out)
	}
	version, err := h.write(r.Context(), r.Header.Get(sdk.OriginHeader), recs)
	if err != nil {
		return err
	}
	wire.WriteJSON(w, http.StatusOK, sdk.WriteResponse{Version: version, Server: h.id})
	return nil
}

// sdkAppendLogs answers POST /api/sdk/logs: audit entries and rate-limit
// hits forwarded by the service. They are stamped with the service, the
// platform "sdk" and an actor prefixed with the service, and their route
// keys get the service prefix, so a service cannot write rows for another.
func (h *Hub) sdkAppendLogs(w http.ResponseWriter, r *http.Request) error {
	svc, err := h.serviceOf(r)
	if err != nil {
		return err
	}
	var b sdk.LogBatch
	if err := decodeLenient(r, &b); err != nil {
		return err
	}
	if len(b.Audit)+len(b.Hits) > 10_000 {
		return wire.BadRequest("%d entries in one batch: send at most 10000", len(b.Audit)+len(b.Hits))
	}
	now := h.clock.Now().UTC()
	var audits, hits [][]byte
	var entries []audit.Entry
	for i, raw := range b.Audit {
		var e audit.Entry
		if err := json.Unmarshal(raw, &e); err != nil || e.Action == "" {
			return wire.BadRequest("audit entry %d is not an audit entry with an action", i)
		}
		e.Service, e.Platform = svc, "sdk"
		e.Actor = svc + "/" + cmpOr(e.Actor, "system")
		e.Path = serverKey(svc, e.Path)
		if e.ID == "" {
			e.ID = randomHex(16)
		}
		if e.Timestamp.IsZero() {
			e.Timestamp = now
		}
		enc, _ := json.Marshal(e)
		audits = append(audits, enc)
		entries = append(entries, e)
	}
	for i, raw := range b.Hits {
		var hit ratelimit.Hit
		if err := json.Unmarshal(raw, &hit); err != nil || hit.Path == "" {
			return wire.BadRequest("hit %d is not a rate-limit hit with a path", i)
		}
		hit.Path = serverKey(svc, hit.Path)
		if !strings.HasPrefix(hit.Policy, "__") {
			hit.Policy = serverKey(svc, hit.Policy)
		}
		if hit.Timestamp.IsZero() {
			hit.Timestamp = now
		}
		enc, _ := json.Marshal(hit)
		hits = append(hits, enc)
	}
	for _, l := range []struct {
		log     backend.Log
		entries [][]byte
	}{{backend.LogAudit, audits}, {backend.LogHits, hits}} {
		if err := engine.InternalsOf(h.eng).Append(r.Context(), l.log, l.entries...); err != nil {
			h.log.Warn("waygate server: forwarded log entry not stored", "service", svc, "log", l.log, "err", err)
			return wire.Errorf(http.StatusServiceUnavailable, "the server's backend is unavailable: retry later")
		}
	}
	h.hooks.Forward(entries)
	if b.Dropped > 0 {
		h.mu.Lock()
		h.statusLocked(svc).dropped += b.Dropped
		h.mu.Unlock()
		h.log.Warn("waygate server: an SDK dropped log entries (its buffer was full)", "service", svc, "dropped", b.Dropped)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// sdkTailLogs answers GET /api/sdk/logs?log=audit|hits&n=N: the newest
// entries of the service, keys local to it.
func (h *Hub) sdkTailLogs(w http.ResponseWriter, r *http.Request) error {
	svc, err := h.serviceOf(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	log := backend.Log(q.Get("log"))
	if log != backend.LogAudit && log != backend.LogHits {
		return wire.BadRequest("log %q: use log=audit or log=hits", log)
	}
	n := 50
	if s := q.Get("n"); s != "" {
		if n, err = strconv.Atoi(s); err != nil {
			return wire.BadRequest("n %q is not a number", s)
		}
	}
	if n <= 0 || n > 10_000 {
		n = 10_000
	}
	all, err := engine.InternalsOf(h.eng).Tail(r.Context(), log, 0)
	if err != nil {
		return wire.Errorf(http.StatusServiceUnavailable, "the server's backend is unavailable: retry later")
	}
	out := []json.RawMessage{}
	for _, raw := range all {
		if len(out) == n {
			break
		}
		var enc []byte
		if log == backend.LogAudit {
			var e audit.Entry
			if json.Unmarshal(raw, &e) != nil || e.Service != svc {
				continue
			}
			e.Path, _ = localKey(svc, e.Path)
			enc, _ = json.Marshal(e)
		} else {
			var hit ratelimit.Hit
			if json.Unmarshal(raw, &hit) != nil {
				continue
			}
			var mine bool
			if hit.Path, mine = localKey(svc, hit.Path); !mine {
				continue
			}
			hit.Policy, _ = localKey(svc, hit.Policy)
			enc, _ = json.Marshal(hit)
		}
		out = append(out, enc)
	}
	wire.WriteJSON(w, http.StatusOK, out)
	return nil
}

// sdkClaim answers POST /api/sdk/claim. A scheduled window's claim is
// mapped to the token the server's own engine uses for the same route, so
// a transition happens once across the server and every SDK; other claims
// (scheduled flag changes) are the server engine's job and are refused.
func (h *Hub) sdkClaim(w http.ResponseWriter, r *http.Request) error {
	svc, err := h.serviceOf(r)
	if err != nil {
		return err
	}
	var req sdk.ClaimRequest
	if err := decodeLenient(r, &req); err != nil {
		return err
	}
	rest, isWindow := strings.CutPrefix(req.Token, "window:")
	if !isWindow || rest == "" {
		wire.WriteJSON(w, http.StatusOK, sdk.ClaimResponse{Claimed: false})
		return nil
	}
	ttl := min(max(time.Duration(req.TTLMillis)*time.Millisecond, time.Second), time.Hour)
	ok, err := engine.InternalsOf(h.eng).Claim(r.Context(), "window:"+svc+":"+rest, ttl)
	if err != nil {
		return wire.Errorf(http.StatusServiceUnavailable, "the server's backend is unavailable: retry later")
	}
	wire.WriteJSON(w, http.StatusOK, sdk.ClaimResponse{Claimed: ok})
	return nil
}

// ServiceStatus is one row of GET /api/services/status.
type ServiceStatus struct {
	Service string `json:"service"`
	// Connected reports whether an SDK of the service holds an event stream
	// open on this server replica; Connections counts them.
	Connected   bool `json:"connected"`
	Connections int  `json:"connections"`
	// LastSeen is the last time an SDK of the service talked to this
	// replica (now while connected); null if never.
	LastSeen *time.Time `json:"last_seen"`
	// Routes counts the service's registered routes.
	Routes int `json:"routes"`
	// DroppedLogs counts audit entries and hits its SDKs reported dropping.
	DroppedLogs int `json:"dropped_logs,omitempty"`
	// Replica identifies the server replica that answered.
	Replica string `json:"replica"`
}

// servicesStatus answers GET /api/services/status: every known service
// with its SDKs' connection status on this replica.
func (h *Hub) servicesStatus(w http.ResponseWriter, r *http.Request) error {
	routes := map[string]int{}
	names := h.eng.Services()
	for _, st := range h.eng.Routes() {
		if st.Service != "" {
			routes[st.Service]++
		}
	}
	sdks := h.Statuses()
	for name := range sdks {
		if !slices.Contains(names, name) {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	out := make([]ServiceStatus, 0, len(names))
	for _, name := range names {
		row, found := sdks[name]
		if !found {
			row = ServiceStatus{Service: name, Replica: h.id}
		}
		row.Routes = routes[name]
		out = append(out, row)
	}
	wire.WriteJSON(w, http.StatusOK, out)
	return nil
}

// Statuses is what this replica knows of each service's SDKs: open event
// streams, when one last talked to it (now while connected) and the log
// entries they dropped.
func (h *Hub) Statuses() map[string]ServiceStatus {
	out := map[string]ServiceStatus{}
	now := h.clock.Now().UTC()
	h.mu.Lock()
	defer h.mu.Unlock()
	for name, st := range h.services {
		row := ServiceStatus{Service: name, Replica: h.id, Connections: st.connections, Connected: st.connections > 0, DroppedLogs: st.dropped}
		seen := st.lastSeen.UTC()
		if row.Connected {
			seen = now
		}
		if !seen.IsZero() {
			row.LastSeen = &seen
		}
		out[name] = row
	}
	return out
}

// decodeLenient decodes a JSON object body, ignoring unknown fields (SDKs
// of other versions, forged "service" fields).
func decodeLenient(r *http.Request, v any) error {
	body := http.MaxBytesReader(nil, r.Body, 16*wire.MaxBodyBytes)
	dec := json.NewDecoder(body)
	if err := dec.Decode(v); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return err
		}
		return wire.BadRequest("invalid JSON body: %v", err)
	}
	return nil
}

// serverKey prefixes a route key local to svc with the service; pseudo
// paths ("__global__") and keys that already name it are kept.
func serverKey(svc, key string) string {
	k, err := route.ParseKey(key)
	if err != nil {
		return key
	}
	if k.Service == "" {
		k.Service = svc
	}
	return k.String()
}

// localKey strips svc's prefix from a server route key and reports whether
// the key was svc's.
func localKey(svc, key string) (string, bool) {
	k, err := route.ParseKey(key)
	if err != nil || k.Service != svc {
		return key, false
	}
	k.Service = ""
	return k.String(), true
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
