// Package redislimit keeps rate-limit counters in Redis so every instance
// of a service shares them. Each check is one round trip timed by the
// server's clock: a single fixed window is INCR and PTTL (no script, which
// would cost Redis several microseconds more); several rates or another
// algorithm are one Lua script run (EVALSHA) that counts all rates of a
// limit atomically. The keys of one counter share a hash tag, so it works
// on Redis Cluster.
//
// Key layout: "<prefix>{<client>|<scope>|<tier>}:<rate index>", plus
// "…:<rate index>:seq" for moving windows. Keys expire with their window.
package redislimit

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/waygate-go/waygate/core/clock"
	"github.com/waygate-go/waygate/core/ratelimit"
)

//go:embed limit.lua
var limitLua string

var script = redis.NewScript(limitLua)

// DefaultPrefix starts every key the store writes.
const DefaultPrefix = "waygate:rl:"

// Store is a ratelimit.Store on Redis (6 or newer, single node or Cluster).
type Store struct {
	client  redis.UniversalClient
	prefix  string
	clock   clock.Clock
	pipes   sync.Pool // of *fixedPipe
	breaker *breaker
}

// Option configures New.
type Option func(*Store)

// WithPrefix sets the key prefix (default "waygate:rl:").
func WithPrefix(p string) Option { return func(s *Store) { s.prefix = p } }

// WithClock sets the clock a result's Reset is placed on. Redis times the
// windows; the store turns the time left into a moment on this clock, so
// give it the engine's clock (engine.WithClock) when that is a fake.
// Optional. Default: clock.Real{}.
func WithClock(c clock.Clock) Option {
	return func(s *Store) {
		if c != nil {
			s.clock = c
		}
	}
}

// WithCooldown sets how long, after Redis fails a check, checks fail at
// once without asking it (ErrUnavailable: the engine allows them) before
// one check probes Redis again.
// Optional. Default: DefaultCooldown.
func WithCooldown(d time.Duration) Option {
	return func(s *Store) {
		if d > 0 {
			s.breaker.cooldown = d
		}
	}
}

// New returns a store on client.
func New(client redis.UniversalClient, opts ...Option) *Store {
	s := &Store{client: client, prefix: DefaultPrefix, clock: clock.Real{}, breaker: newBreaker(DefaultCooldown)}
	for _, o := range opts {
		o(s)
	}
	return s
}

// key builds the counter key of rate i, in one allocation.
func (s *Store) key(k ratelimit.Key, i int) string {
	var ipb [48]byte
	var ip []byte
	if k.IP.IsValid() {
		ip = k.IP.AppendTo(ipb[:0])
	}
	var ib [20]byte
	idx := strconv.AppendInt(ib[:0], int64(i), 10)
	var b strings.Builder
	b.Grow(len(s.prefix) + len(ip) + len(k.Client) + len(k.Scope) + len(k.Tier) + len(idx) + 5)
	b.WriteString(s.prefix)
	b.WriteByte('{')
	if ip != nil {
		b.Write(ip)
	} else {
		b.WriteString(k.Client)
	}
	b.WriteByte('|')
	b.WriteString(k.Scope)
	b.WriteByte('|')
	b.WriteString(k.Tier)
	b.WriteString("}:")
	b.Write(idx)
	return b.String()
}

// argsPool recycles the command argument slices between checks.
var argsPool = sync.Pool{New: func() any { s := make([]any, 0, 8); return &s }}

// scriptSHA is boxed once so each call does not allocate for it.
var scriptSHA any = script.Hash()

// Take counts one request; see ratelimit.Store. It builds the EVALSHA
// command itself (one key per rate, one argument string, a reply of six integers)
// to keep allocations per check low.
//
// While Redis is failing, the breaker answers ErrUnavailable at once, and
// after each cool-down (WithCooldown) probes Redis in the background.
func (s *Store) Take(ctx context.Context, k ratelimit.Key, alg ratelimit.Algorithm, rates []ratelimit.Rate, burst int64) (ratelimit.Result, error) {
	if len(rates) == 0 {
		return ratelimit.Result{Allowed: true}, nil
	}
	ok, probe := s.breaker.allow()
	if !ok {
		if probe {
			go s.probe(context.WithoutCancel(ctx)) // outlives the request that started it
		}
		return ratelimit.Result{}, ErrUnavailable
	}
	res, err := s.take(ctx, k, alg, rates, burst)
	s.breaker.done(err, false)
	return res, err
}

// probeTimeout bounds the breaker's probe of a Redis that does not answer.
const probeTimeout = 5 * time.Second

// probe asks Redis whether it is back, off the request path.
func (s *Store) probe(ctx context.Context) {
	ctx, cancel := context.WithTimeout(ctx, probeTimeout)
	defer cancel()
	s.breaker.done(s.client.Ping(ctx).Err(), true)
}

// take asks Redis.
func (s *Store) take(ctx context.Context, k ratelimit.Key, alg ratelimit.Algorithm, rates []ratelimit.Rate, burst int64) (ratelimit.Result, error) {
	if len(rates) == 1 && alg == ratelimit.FixedWindow {
		return s.takeFixed(ctx, k, rates[0], burst)
	}
	var buf [96]byte
	p := append(buf[:0], alg...)
	p = append(p, ' ')
	p = strconv.AppendInt(p, burst, 10)
	for _, r := range rates {
		p = append(p, ' ')
		p = strconv.AppendInt(p, r.Amount, 10)
		p = append(p, ' ')
		p = strconv.AppendInt(p, r.Period.Microseconds(), 10)
	}
	ap := argsPool.Get().(*[]any)
	defer func() { clear(*ap); argsPool.Put(ap) }() // the command is done with them once Take returns
	args := append((*ap)[:0], "evalsha", scriptSHA, len(rates))
	for i := range rates {
		args = append(args, s.key(k, i))
	}
	args = append(args, string(p))
	*ap = args
	cmd := redis.NewIntSliceCmd(ctx, args...)
	err := s.client.Process(ctx, cmd)
	if err != nil && redis.HasErrorPrefix(err, "NOSCRIPT") {
		// First use on this server: load the script, then run it.
		if err = script.Load(ctx, s.client).Err(); err == nil {
			cmd = redis.NewIntSliceCmd(ctx, args...)
			err = s.client.Process(ctx, cmd)
		}
	}
	if err != nil {
		return ratelimit.Result{}, fmt.Errorf("redis rate limit: %w", err)
	}
	return parseReply(cmd.Val(), s.clock.Now())
}

// fixedPipe is the reusable part of a fixed-window check.
type fixedPipe struct {
	pipe redis.Pipeliner
	key  string // passed as *string, which go-redis writes without boxing
	cmds [2]redis.Cmder
	args [2][2]any
}

// takeFixed counts one request in a single fixed window without a script:
// one round trip of two plain commands, each a fraction of a microsecond
// of server time where a script run costs several.
//
//	INCR key   counts the request (and makes the counter if there is none)
//	PTTL key   is when the window ends: -1 for a counter INCR just made
//
// A new counter gets its expiry in a second round trip, once per window.
// A blocked request is counted too, past the cap, where it changes
// nothing: every later request of the window is blocked either way, the
// window ends when it would have, and a policy change restarts its
// counters. Only undoing it would need the script.
func (s *Store) takeFixed(ctx context.Context, k ratelimit.Key, r ratelimit.Rate, burst int64) (ratelimit.Result, error) {
	capacity := r.Amount + burst
	window := max(time.Millisecond, (r.Period+time.Millisecond-1)/time.Millisecond*time.Millisecond)
	key := s.key(k, 0)
	fp, _ := s.pipes.Get().(*fixedPipe)
	if fp == nil {
		fp = &fixedPipe{pipe: s.client.Pipeline()}
	}
	fp.key = key
	fp.args = [2][2]any{{"incr", &fp.key}, {"pttl", &fp.key}}
	incr := redis.NewIntCmd(ctx, fp.args[0][:]...)
	pttl := redis.NewIntCmd(ctx, fp.args[1][:]...)
	fp.cmds = [2]redis.Cmder{incr, pttl}
	_ = fp.pipe.BatchProcess(ctx, fp.cmds[:]...)
	_, err := fp.pipe.Exec(ctx)
	fp.key, fp.cmds, fp.args = "", [2]redis.Cmder{}, [2][2]any{}
	s.pipes.Put(fp)
	if err != nil {
		return ratelimit.Result{}, fmt.Errorf("redis rate limit: %w", err)
	}
	count, ttl := incr.Val(), time.Duration(pttl.Val())*time.Millisecond
	if ttl < 0 {
		// -1: a new window, or one whose expiry a crash left unset: give
		// it one. -2: the counter expired between the commands, and the
		// next request opens a new one.
		if ttl == -time.Millisecond {
			if err := s.client.PExpire(ctx, key, window).Err(); err != nil {
				return ratelimit.Result{}, fmt.Errorf("redis rate limit: %w", err)
			}
		}
		ttl = window
	}
	res := ratelimit.Result{Allowed: count <= capacity, Limit: capacity, Period: r.Period, Reset: s.clock.Now().Add(ttl)}
	if res.Allowed {
		res.Remaining = capacity - count
	} else {
		res.RetryAfter = ttl
	}
	return res, nil
}

// parseReply reads {allowed, limit, period, remaining, reset_in,
// retry_in} (microseconds; the reset is relative to the server's clock, so
// it is placed on ours: now).
func parseReply(v []int64, now time.Time) (ratelimit.Result, error) {
	if len(v) != 6 {
		return ratelimit.Result{}, errors.New("redis rate limit: unexpected script reply")
	}
	return ratelimit.Result{
		Allowed:    v[0] == 1,
		Limit:      v[1],
		Period:     time.Duration(v[2]) * time.Microsecond,
		Remaining:  v[3],
		Reset:      now.Add(time.Duration(v[4]) * time.Microsecond),
		RetryAfter: time.Duration(v[5]) * time.Microsecond,
	}, nil
}

// Reset deletes every counter of scope, exactly: counters of other routes
// whose keys merely contain the scope are kept.
func (s *Store) Reset(ctx context.Context, scope string) error {
	pattern := s.prefix + "{*|" + globEscape(scope) + "|*"
	del := func(ctx context.Context, c redis.UniversalClient) error {
		iter := c.Scan(ctx, 0, pattern, 500).Iterator()
		var batch []string
		for iter.Next(ctx) {
			key := iter.Val()
			if !s.inScope(key, scope) {
				continue
			}
			batch = append(batch, key, key+":seq")
			if len(batch) >= 500 {
				if err := unlink(ctx, c, batch); err != nil {
					return err
				}
				batch = batch[:0]
			}
		}
		if err := iter.Err(); err != nil {
			return err
		}
		return unlink(ctx, c, batch)
	}
	if cc, ok := s.client.(*redis.ClusterClient); ok {
		return cc.ForEachMaster(ctx, func(ctx context.Context, c *redis.Client) error { return del(ctx, c) })
	}
	return del(ctx, s.client)
}

// inScope checks a scanned key's scope field exactly (the client part may
// itself contain "|").
func (s *Store) inScope(key, scope string) bool {
	body := strings.TrimPrefix(key, s.prefix+"{")
	end := strings.LastIndex(body, "}:")
	if end < 0 {
		return false
	}
	body = body[:end] // client|scope|tier
	last := strings.LastIndexByte(body, '|')
	if last < 0 {
		return false
	}
	rest := body[:last] // client|scope
	return strings.HasSuffix(rest, "|"+scope)
}

func unlink(ctx context.Context, c redis.UniversalClient, keys []string) error {
	if len(keys) == 0 {
		return nil
	}
	// Keys of one counter share a slot; delete one by one so Cluster never
	// sees a cross-slot command.
	pipe := c.Pipeline()
	for _, k := range keys {
		pipe.Unlink(ctx, k)
	}
	_, err := pipe.Exec(ctx)
	return err
}

func globEscape(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `*`, `\*`, `?`, `\?`, `[`, `\[`, `]`, `\]`)
	return r.Replace(s)
}
