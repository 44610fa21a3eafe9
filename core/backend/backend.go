// Package backend stores Waygate's state: route states, maintenance
// configuration and the audit log, and tells engines about changes made
// elsewhere.
//
// A backend is a small key-value store of JSON documents grouped by Kind,
// plus bounded append-only logs. It knows nothing of the engine or of the
// documents' meaning, so one contract (package backendtest) tests every
// implementation the same way. The engine keeps an in-process snapshot and
// reads the backend only at start, after a resync, and for log queries: a
// backend is never on the request path.
//
// Implementations: [NewMemory] (the default), [OpenFile] (a JSON file with
// atomic writes and a lock file), package redisbackend (Redis) and the
// Waygate Server client in package sdk; engine.OpenBackend picks one from a
// WAYGATE_BACKEND-style spec.
package backend

import (
	"context"
	"errors"
	"time"

	"github.com/waygate-go/waygate/core/ratelimit"
)

// Kind groups the documents a backend stores.
type Kind string

// The kinds of documents.
const (
	// KindRoute holds route.State documents keyed by route key.
	KindRoute Kind = "route"
	// KindGlobal holds the global maintenance configuration under key "maintenance".
	KindGlobal Kind = "global"
	// KindService holds per-service maintenance configurations keyed by service.
	KindService Kind = "service"
	// KindRateLimit holds runtime route rate-limit policies keyed by route key.
	KindRateLimit Kind = "rate_limit"
	// KindGlobalRateLimit holds the global rate-limit policy under key "policy".
	KindGlobalRateLimit Kind = "global_rate_limit"
	// KindServiceRateLimit holds per-service rate-limit policies keyed by service.
	KindServiceRateLimit Kind = "service_rate_limit"
	// KindFlag holds feature flags keyed by flag key.
	KindFlag Kind = "flag"
	// KindSegment holds flag segments keyed by segment key.
	KindSegment Kind = "segment"
)

// Log names an append-only, bounded log.
type Log string

// The logs.
const (
	// LogAudit is the audit log.
	LogAudit Log = "audit"
	// LogHits records requests rejected by rate limits.
	LogHits Log = "hits"
)

// Record is one document write. A nil Value deletes the document.
type Record struct {
	Kind  Kind
	Key   string
	Value []byte
}

// Snapshot is the whole stored state: documents by kind and key.
type Snapshot map[Kind]map[string][]byte

// ErrClosed is returned by operations on a closed backend.
var ErrClosed = errors.New("backend is closed")

// Backend is the storage contract every backend implements. All methods are
// safe for concurrent use.
type Backend interface {
	// Load returns every stored document, of every kind written (components
	// built on the engine store kinds of their own).
	Load(ctx context.Context) (Snapshot, error)
	// Write applies the records atomically and in order.
	Write(ctx context.Context, records ...Record) error
	// Append adds an entry to a log, keeping only the newest keep entries.
	Append(ctx context.Context, log Log, entry []byte, keep int) error
	// Tail returns up to n entries of a log, newest first (all when n <= 0).
	Tail(ctx context.Context, log Log, n int) ([][]byte, error)
	// Claim reports whether this caller is the first to claim token within
	// ttl. Engines sharing a backend use it so a scheduled transition or a
	// webhook happens once.
	Claim(ctx context.Context, token string, ttl time.Duration) (bool, error)
	// Close releases the backend's resources.
	Close() error
}

// A backend may offer more than the Backend contract. The engine finds out
// what through the small interfaces below, by type assertion, as an
// OpenFeature provider's optional capabilities are found: a backend
// implements the ones that fit it, and a backend of a new kind gets the
// same treatment as the built-in ones.

// ServiceScoped is implemented by backends that hold one service's state
// on a Waygate Server (the SDK). An engine on such a backend enforces for
// that service; records of components built on the engine (the admin
// handler's sessions, runtime webhooks) stay in its process, as the server
// keeps its own.
type ServiceScoped interface {
	// Service names the service whose state the backend holds.
	Service() string
}

// SharedCounters is implemented by backends whose instances can also share
// rate-limit counters (Redis): an engine on such a backend counts there
// unless it was given a store of its own.
type SharedCounters interface {
	// RateLimitStore returns a store counting in the backend.
	RateLimitStore() ratelimit.Store
}

// Watcher is implemented by backends that can tell an engine about writes
// made by other engines.
type Watcher interface {
	// Watch streams changes until ctx is done. A Change with Resync set means
	// changes may have been missed: re-Load everything.
	Watch(ctx context.Context) (<-chan Change, error)
}

// Change is a write observed by a watcher.
type Change struct {
	Record
	// Origin identifies the writer (see WithOrigin), so an engine can skip
	// its own writes.
	Origin string
	// Resync asks the receiver to reload the whole state.
	Resync bool
	// Alive carries no record: the stream is up (its keepalive was
	// answered), so the receiver is still in step with the backend.
	Alive bool
	// Lost carries no record: the stream lost its source and reconnects
	// by itself (the SDK's); the receiver is not in step until the
	// Resync that follows the reconnection.
	Lost bool
	// Written is when the writer wrote the record, by its clock, if the
	// backend carries it; the receiver reports the difference as its lag.
	Written time.Time
}

type originKey struct{}

// WithOrigin tags writes made with ctx as coming from origin.
func WithOrigin(ctx context.Context, origin string) context.Context {
	return context.WithValue(ctx, originKey{}, origin)
}

// Origin returns the origin set by WithOrigin, or "".
func Origin(ctx context.Context) string {
	s, _ := ctx.Value(originKey{}).(string)
	return s
}
