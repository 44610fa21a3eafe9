// Package redisbackend stores Waygate's state in Redis (6 or newer, single
// node or Cluster) and tells every engine about every change within
// milliseconds, so load-balanced replicas of a service agree.
//
// # Key layout
//
// All keys start with the prefix (default "waygate:") and the hash tag
// "{state}", so a batch of writes is one atomic script on one Cluster slot:
//
//	waygate:{state}:doc:<kind>   hash of documents (route, global, service, rate_limit, ...)
//	waygate:{state}:version      state version, incremented by every write
//	waygate:{state}:kinds        set of the kinds written, so Load returns them all
//	waygate:{state}:log:<name>   list of log entries, newest first (audit, hits)
//	waygate:claim:<token>        one-shot claims (SET NX PX)
//	waygate:changes              pub/sub channel: "<version>\n<origin>\n<records JSON>"
//
// # Change stream
//
// Watch subscribes to the channel. Each message carries the state version;
// a version that skips one, a reconnection, or a message that cannot be
// read makes the engine reload everything (a Resync), so nothing written
// while it was disconnected is missed.
package redisbackend

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/waygate-go/waygate/core/backend"
	"github.com/waygate-go/waygate/core/clock"
	"github.com/waygate-go/waygate/core/ratelimit"
	"github.com/waygate-go/waygate/core/ratelimit/redislimit"
)

//go:embed write.lua
var writeLua string

var writeScript = redis.NewScript(writeLua)

// DefaultPrefix starts every key.
const DefaultPrefix = "waygate:"

// Backend is a backend.Backend and backend.Watcher on Redis.
type Backend struct {
	client redis.UniversalClient
	prefix string
	clock  clock.Clock
	owned  bool
	closed atomic.Bool
	// single is the URL of a single-node client Open made, until its
	// server has said it is not a Cluster node (checked at Open, or at
	// the first load Redis answers).
	single  string
	checked atomic.Bool
}

// Option configures New.
type Option func(*Backend)

// WithPrefix sets the key prefix (default "waygate:"), to share one Redis
// between several independent deployments.
func WithPrefix(p string) Option { return func(b *Backend) { b.prefix = p } }

// WithClock sets the clock of the rate-limit store (RateLimitStore), which
// places each result's reset on it; give it the engine's clock when that is
// a fake. The backend has no timers of its own: reconnecting after a lost
// change stream is the engine's back-off, on the engine's clock, and the
// keepalive ping of the stream is a network read deadline, on the wall
// clock.
// Optional. Default: clock.Real{}.
func WithClock(c clock.Clock) Option {
	return func(b *Backend) {
		if c != nil {
			b.clock = c
		}
	}
}

// New returns a backend on client. Close does not close a client passed in.
func New(client redis.UniversalClient, opts ...Option) *Backend {
	b := &Backend{client: client, prefix: DefaultPrefix, clock: clock.Real{}}
	for _, o := range opts {
		o(b)
	}
	return b
}

// Open connects to the Redis a URL names, in any topology:
//
//	redis://[user:pass@]host:6379[/db][?options]           one server
//	unix:///path/redis.sock[?db=0]                         one server, on a socket
//	redis+cluster://[user:pass@]host1:6379,host2:6379[?options]
//	                                                       a Redis Cluster, from any of its nodes
//	redis+sentinel://[user:pass@]master-name@host1:26379,host2:26379[/db][?options]
//	                                                       the master Sentinel names
//
// rediss, rediss+cluster and rediss+sentinel are the same over TLS. The
// options are go-redis's, in snake case (dial_timeout, read_timeout,
// write_timeout, pool_size, min_idle_conns, max_retries, ...), plus
// max_redirects and cluster_reload_interval (DefaultClusterReloadInterval)
// for a Cluster, sentinel_username and sentinel_password for Sentinel;
// unknown options are refused. Unless the query says
// otherwise, a request never waits on Redis for long:
// DefaultDialTimeout, DefaultReadTimeout, DefaultWriteTimeout,
// DefaultMaxRetries, and a failed dial is not retried by the client (the
// engine retries, with a back-off it logs).
//
// A single-server URL that names a node of a Redis Cluster is refused
// (ErrClusterNode), when Redis answers at Open, or else at the first load
// it answers.
func Open(url string, opts ...Option) (*Backend, error) {
	client, topo, err := newClient(url)
	if err != nil {
		return nil, fmt.Errorf("redis backend: %w", err)
	}
	b := New(client, opts...)
	b.owned = true
	if topo == single {
		b.single = url
		ctx, cancel := context.WithTimeout(context.Background(), DefaultDialTimeout)
		defer cancel()
		if err := b.checkTopology(ctx); err != nil {
			_ = client.Close()
			return nil, err
		}
	}
	return b, nil
}

// checkTopology refuses a single-node client on a Cluster node, once
// Redis has answered.
func (b *Backend) checkTopology(ctx context.Context) error {
	if b.single == "" || b.checked.Load() {
		return nil
	}
	known, err := checkSingle(ctx, b.client, b.single)
	if known && err == nil {
		b.checked.Store(true)
	}
	return err
}

// Client returns the Redis client.
func (b *Backend) Client() redis.UniversalClient { return b.client }

// RateLimitStore returns a rate-limit store on the backend's Redis, so every
// instance on it shares counters (backend.SharedCounters).
func (b *Backend) RateLimitStore() ratelimit.Store {
	return redislimit.New(b.client, redislimit.WithClock(b.clock))
}

func (b *Backend) docKey(k backend.Kind) string { return b.prefix + "{state}:doc:" + string(k) }
func (b *Backend) versionKey() string           { return b.prefix + "{state}:version" }
func (b *Backend) kindsKey() string             { return b.prefix + "{state}:kinds" }
func (b *Backend) logKey(l backend.Log) string  { return b.prefix + "{state}:log:" + string(l) }
func (b *Backend) channel() string              { return b.prefix + "changes" }

// Load reads every document, of every kind ever written, in two round trips.
func (b *Backend) Load(ctx context.Context) (backend.Snapshot, error) {
	if b.closed.Load() {
		return nil, backend.ErrClosed
	}
	if err := b.checkTopology(ctx); err != nil {
		return nil, err
	}
	names, err := b.client.SMembers(ctx, b.kindsKey()).Result()
	if err != nil {
		return nil, fmt.Errorf("redis backend: load: %w", err)
	}
	kinds := make([]backend.Kind, len(names))
	for i, n := range names {
		kinds[i] = backend.Kind(n)
	}
	pipe := b.client.Pipeline()
	cmds := make([]*redis.MapStringStringCmd, len(kinds))
	for i, k := range kinds {
		cmds[i] = pipe.HGetAll(ctx, b.docKey(k))
	}
	if _, err := pipe.Exec(ctx); err != nil && len(kinds) > 0 {
		return nil, fmt.Errorf("redis backend: load: %w", err)
	}
	snap := backend.Snapshot{}
	for i, k := range kinds {
		m := cmds[i].Val()
		if len(m) == 0 {
			continue
		}
		docs := make(map[string][]byte, len(m))
		for key, v := range m {
			docs[key] = []byte(v)
		}
		snap[k] = docs
	}
	return snap, nil
}

// wireRecord is a record in a change message.
type wireRecord struct {
	Kind  backend.Kind    `json:"k"`
	Key   string          `json:"id"`
	Value json.RawMessage `json:"v,omitempty"`
	// Written is the writer's clock in unix milliseconds (older writers
	// leave it out; older readers ignore it).
	Written int64 `json:"t,omitempty"`
}

// Write applies records atomically and publishes them.
func (b *Backend) Write(ctx context.Context, records ...backend.Record) error {
	if b.closed.Load() {
		return backend.ErrClosed
	}
	if len(records) == 0 {
		return nil
	}
	keys := make([]string, 0, 2+len(records))
	keys = append(keys, b.versionKey(), b.kindsKey())
	wire := make([]wireRecord, len(records))
	now := b.clock.Now().UnixMilli()
	for i, r := range records {
		keys = append(keys, b.docKey(r.Kind))
		wire[i] = wireRecord{Kind: r.Kind, Key: r.Key, Value: r.Value, Written: now}
	}
	msg, err := json.Marshal(wire)
	if err != nil {
		return fmt.Errorf("redis backend: encode change: %w", err)
	}
	args := make([]any, 0, 3+3*len(records))
	args = append(args, b.channel(), backend.Origin(ctx), msg)
	for _, r := range records {
		args = append(args, r.Key, string(r.Value), string(r.Kind))
	}
	if err := writeScript.Run(ctx, b.client, keys, args...).Err(); err != nil {
		return fmt.Errorf("redis backend: write: %w", err)
	}
	return nil
}

// Append pushes an entry to a log and trims it to keep entries.
func (b *Backend) Append(ctx context.Context, log backend.Log, entry []byte, keep int) error {
	if b.closed.Load() {
		return backend.ErrClosed
	}
	key := b.logKey(log)
	pipe := b.client.TxPipeline()
	pipe.LPush(ctx, key, entry)
	if keep > 0 {
		pipe.LTrim(ctx, key, 0, int64(keep-1))
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("redis backend: append %s: %w", log, err)
	}
	return nil
}

// Tail returns up to n entries of a log, newest first.
func (b *Backend) Tail(ctx context.Context, log backend.Log, n int) ([][]byte, error) {
	if b.closed.Load() {
		return nil, backend.ErrClosed
	}
	stop := int64(-1)
	if n > 0 {
		stop = int64(n - 1)
	}
	vals, err := b.client.LRange(ctx, b.logKey(log), 0, stop).Result()
	if err != nil {
		return nil, fmt.Errorf("redis backend: read %s: %w", log, err)
	}
	out := make([][]byte, len(vals))
	for i, v := range vals {
		out[i] = []byte(v)
	}
	return out, nil
}

// Claim sets a claim key only if absent: the first engine wins.
func (b *Backend) Claim(ctx context.Context, token string, ttl time.Duration) (bool, error) {
	if b.closed.Load() {
		return false, backend.ErrClosed
	}
	ok, err := b.client.SetNX(ctx, b.prefix+"claim:"+token, "1", ttl).Result()
	if err != nil {
		return false, fmt.Errorf("redis backend: claim: %w", err)
	}
	return ok, nil
}

// Close closes the client if Open created it. Further calls return
// backend.ErrClosed.
func (b *Backend) Close() error {
	if b.closed.Swap(true) {
		return nil
	}
	if b.owned {
		return b.client.Close()
	}
	return nil
}

// streamPing is how long the change stream may be silent before it is
// pinged: a connection that died without closing is noticed within it,
// and each answered ping tells the engine it is still in step.
const streamPing = 10 * time.Second

// Watch streams changes written by every engine. The first message after a
// (re)subscription, and any gap in versions, is a Resync; an answered
// keepalive ping is an Alive change. It returns at once: subscribing
// happens on the stream's goroutine, and a subscription that fails closes
// the stream (the engine resubscribes with its back-off), so a Redis that
// is down never holds up a service's start.
func (b *Backend) Watch(ctx context.Context) (<-chan backend.Change, error) {
	if b.closed.Load() {
		return nil, backend.ErrClosed
	}
	out := make(chan backend.Change, 256)
	go func() {
		defer close(out)
		ps := b.client.Subscribe(ctx, b.channel()) // dials: on this goroutine, not the caller's
		defer ps.Close()
		stop := context.AfterFunc(ctx, func() { ps.Close() }) // unblocks ReceiveTimeout
		defer stop()
		var last int64
		send := func(c backend.Change) bool {
			select {
			case out <- c:
				return true
			case <-ctx.Done():
				return false
			}
		}
		for {
			m, err := ps.ReceiveTimeout(ctx, streamPing)
			if ctx.Err() != nil {
				return
			}
			if err != nil {
				var netErr interface{ Timeout() bool }
				if errors.As(err, &netErr) && netErr.Timeout() {
					if perr := ps.Ping(ctx); perr != nil {
						return // the connection is gone: the engine resubscribes and reloads
					}
					continue // the pong arrives as a message: the stream is alive
				}
				return
			}
			switch m := m.(type) {
			case *redis.Pong:
				if !send(backend.Change{Alive: true}) {
					return
				}
			case *redis.Subscription:
				// go-redis resubscribed after a reconnect: anything may have been missed.
				last = 0
				if !send(backend.Change{Resync: true}) {
					return
				}
			case *redis.Message:
				version, origin, recs, err := decode(m.Payload)
				if err != nil || (last != 0 && version != last+1) {
					last = version
					if !send(backend.Change{Resync: true}) {
						return
					}
					continue
				}
				last = version
				for _, r := range recs {
					rec := backend.Record{Kind: r.Kind, Key: r.Key}
					if len(r.Value) > 0 && string(r.Value) != "null" {
						rec.Value = []byte(r.Value)
					}
					c := backend.Change{Record: rec, Origin: origin}
					if r.Written > 0 {
						c.Written = time.UnixMilli(r.Written)
					}
					if !send(c) {
						return
					}
				}
			}
		}
	}()
	return out, nil
}

func decode(payload string) (int64, string, []wireRecord, error) {
	parts := strings.SplitN(payload, "\n", 3)
	if len(parts) != 3 {
		return 0, "", nil, errors.New("malformed change message")
	}
	v, err := strconv.ParseInt(parts[0], 10, 64)
	if err != nil {
		return 0, "", nil, err
	}
	var recs []wireRecord
	if err := json.Unmarshal([]byte(parts[2]), &recs); err != nil {
		return 0, "", nil, err
	}
	return v, parts[1], recs, nil
}
