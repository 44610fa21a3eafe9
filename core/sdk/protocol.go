package sdk

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/waygate-go/waygate/core/backend"
	"github.com/waygate-go/waygate/core/ratelimit"
	"github.com/waygate-go/waygate/core/route"
)

// Paths of the SDK endpoints, relative to the admin handler's mount.
const (
	PathSnapshot = "/api/sdk/snapshot"
	PathEvents   = "/api/sdk/events"
	PathRecords  = "/api/sdk/records"
	PathLogs     = "/api/sdk/logs"
	PathClaim    = "/api/sdk/claim"
)

// OriginHeader carries the writing engine's origin on POST /api/sdk/records,
// so the server can tag the echo of that write and the engine skip it.
const OriginHeader = "X-Waygate-Origin"

// Documents are stored documents by kind and key, as JSON.
type Documents map[backend.Kind]map[string]json.RawMessage

// Snapshot is the first event of every stream and the answer of
// GET /api/sdk/snapshot: everything the service needs, at Version.
type Snapshot struct {
	// Version is the server replica's change counter when the snapshot was
	// taken; the next delta's Base equals it.
	Version uint64 `json:"version"`
	// Server identifies the replica that serves the stream.
	Server string `json:"server"`
	// Service is the service the token belongs to.
	Service string `json:"service"`
	// KeepAliveMillis is how often the stream sends a keepalive comment.
	KeepAliveMillis int64 `json:"keepalive_ms"`
	// Documents are the service's view of the state, route keys without the
	// service prefix.
	Documents Documents `json:"documents"`
}

// Delta is one change event: the records that changed between Base and
// Version. A client whose version is not Base has missed a change and must
// resync.
type Delta struct {
	Version uint64   `json:"version"`
	Base    uint64   `json:"base"`
	Records []Record `json:"records"`
}

// Record is one document write on the wire. A null or absent Value deletes
// the document.
type Record struct {
	Kind  backend.Kind    `json:"kind"`
	Key   string          `json:"key"`
	Value json.RawMessage `json:"value,omitempty"`
	// Origin, in a delta, is the origin of the engine whose write this is.
	Origin string `json:"origin,omitempty"`
}

// WriteRequest is the body of POST /api/sdk/records.
type WriteRequest struct {
	Records []Record `json:"records"`
}

// WriteResponse answers POST /api/sdk/records: the write is part of every
// snapshot and delta that Server sends from Version on. It lets a client
// tell an echo of an older write, or a snapshot taken before the write,
// from news.
type WriteResponse struct {
	Version uint64 `json:"version"`
	Server  string `json:"server"`
}

// LogBatch is the body of POST /api/sdk/logs: forwarded audit entries and
// rate-limit hits, oldest first, and how many the SDK dropped since the last
// batch because its buffer was full.
type LogBatch struct {
	Audit   []json.RawMessage `json:"audit,omitempty"`
	Hits    []json.RawMessage `json:"hits,omitempty"`
	Dropped int               `json:"dropped,omitempty"`
}

// ClaimRequest is the body of POST /api/sdk/claim.
type ClaimRequest struct {
	Token     string `json:"token"`
	TTLMillis int64  `json:"ttl_ms"`
}

// ClaimResponse answers a claim.
type ClaimResponse struct {
	Claimed bool `json:"claimed"`
}

// ErrForeign is returned (wrapped) by ToServer for documents a service may
// not write: other services' routes, global state, flags and segments.
var ErrForeign = fmt.Errorf("not the service's own document")

// ScopeDocument maps one server document to the view of service: ok is
// false when the service must not see it. Route keys and route rate-limit
// keys lose their "service:" prefix.
func ScopeDocument(service string, kind backend.Kind, key string) (local string, ok bool) {
	switch kind {
	case backend.KindRoute, backend.KindRateLimit:
		k, err := route.ParseKey(key)
		if err != nil || k.Service != service {
			return "", false
		}
		k.Service = ""
		return k.String(), true
	case backend.KindService, backend.KindServiceRateLimit:
		return key, key == service
	case backend.KindGlobal, backend.KindGlobalRateLimit, backend.KindFlag, backend.KindSegment:
		return key, true
	}
	return "", false // admin documents, and kinds this version does not know
}

// ToServer maps a record written by service's engine to the server's key
// space and checks that the service may write it: its own routes and their
// rate limits, its own maintenance and rate limit, and, when shared is
// true (a token the operator trusts with shared state), global maintenance,
// global rate limits, flags, segments and other services' maintenance and
// rate limits. Never another service's routes. Route states are rewritten
// to carry the service; a service named in a route key must be the service
// itself.
func ToServer(service string, r backend.Record, shared bool) (backend.Record, error) {
	switch r.Kind {
	case backend.KindRoute, backend.KindRateLimit:
		k, err := route.ParseKey(r.Key)
		if err != nil {
			return r, err
		}
		if k.Service != "" && k.Service != service {
			return r, fmt.Errorf("%w: route %q belongs to service %q, not %q", ErrForeign, r.Key, k.Service, service)
		}
		k.Service = service
		r.Key = k.String()
		if r.Kind == backend.KindRateLimit && r.Value != nil {
			var p struct {
				ratelimit.Policy
				Deleted bool `json:"deleted"`
			}
			if err := json.Unmarshal(r.Value, &p); err != nil {
				return r, fmt.Errorf("rate limit of %q: %w", r.Key, err)
			}
			if _, err := ratelimit.Compile(p.Policy, nil); err != nil && !p.Deleted && p.Policy.KeyStrategy != ratelimit.KeyCustom {
				return r, fmt.Errorf("rate limit of %q: %w", r.Key, err)
			}
		}
		if r.Kind == backend.KindRoute && r.Value != nil {
			var st route.State
			if err := json.Unmarshal(r.Value, &st); err != nil {
				return r, fmt.Errorf("route %q: %w", r.Key, err)
			}
			st.Path, st.Service, st.Stale = r.Key, service, false
			raw, err := json.Marshal(st)
			if err != nil {
				return r, err
			}
			r.Value = raw
		}
		return r, nil
	case backend.KindService, backend.KindServiceRateLimit:
		if r.Key != service && !shared {
			return r, fmt.Errorf("%w: service %q may not change service %q", ErrForeign, service, r.Key)
		}
		if !ValidService(r.Key) {
			return r, fmt.Errorf("service name %q: use letters, digits, '-', '_' and '.'", r.Key)
		}
		if r.Value == nil {
			return r, nil
		}
		var err error
		if r.Kind == backend.KindService {
			var c route.MaintenanceConfig
			err = json.Unmarshal(r.Value, &c)
		} else {
			var p ratelimit.Policy
			if err = json.Unmarshal(r.Value, &p); err == nil {
				_, err = ratelimit.Compile(p, nil)
			}
		}
		if err != nil {
			return r, fmt.Errorf("%s of service %q: %w", r.Kind, service, err)
		}
		return r, nil
	}
	if shared {
		if err := validShared(r); err != nil {
			return r, err
		}
		return r, nil
	}
	return r, fmt.Errorf("%w: a service token cannot change %s documents: use the admin API with an admin login", ErrForeign, r.Kind)
}

// validShared decodes a shared document a trusted service writes.
func validShared(r backend.Record) error {
	var err error
	switch r.Kind {
	case backend.KindGlobal:
		if r.Key != "maintenance" {
			return fmt.Errorf("global document %q: the only one is \"maintenance\"", r.Key)
		}
		if r.Value != nil {
			var c route.MaintenanceConfig
			err = json.Unmarshal(r.Value, &c)
		}
	case backend.KindGlobalRateLimit:
		if r.Key != "policy" {
			return fmt.Errorf("global rate-limit document %q: the only one is \"policy\"", r.Key)
		}
		if r.Value != nil {
			var p ratelimit.Policy
			if err = json.Unmarshal(r.Value, &p); err == nil {
				_, err = ratelimit.Compile(p, nil)
			}
		}
	case backend.KindFlag, backend.KindSegment:
		if r.Value != nil {
			var doc map[string]any
			err = json.Unmarshal(r.Value, &doc)
		}
	default:
		return fmt.Errorf("%w: unknown document kind %q", ErrForeign, r.Kind)
	}
	if err != nil {
		return fmt.Errorf("%s %q: %w", r.Kind, r.Key, err)
	}
	return nil
}

// ValidService reports whether name can own routes ("payments").
func ValidService(name string) bool {
	if name == "" || strings.ContainsAny(name, ":/") {
		return false
	}
	k, err := route.ParseKey(name + ":/")
	return err == nil && k.Service == name
}
