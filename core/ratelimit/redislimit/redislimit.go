// Package redislimit keeps rate-limit counters in Redis so every instance
// of a service shares them. Each check is one round trip timed by the
// server's clock: a single fixed window is INCR and PTTL (no script, which
// would cost Redis several microseconds more); any other check is one run
// of one Lua script (EVALSHA), which counts all rates of a limit
// atomically, with short paths of their own for a single token bucket and
// a single sliding window. The keys of one counter share a hash tag, so it
// works on Redis Cluster.
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

// Take counts one request; see ratelimit.Store. A single fixed window is
// two plain commands (takeFixed); a single token bucket or sliding window
// is one short path of the script (takeBucket, takeSliding); anything else
// the script's general path (takeRates).
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
	if len(rates) == 1 {
		switch alg {
		case ratelimit.FixedWindow:
			return s.takeFixed(ctx, k, rates[0], burst)
		case ratelimit.TokenBucket:
			return s.takeBucket(ctx, k, rates[0], burst)
		case ratelimit.SlidingWindow:
			return s.takeSliding(ctx, k, rates[0], burst)
		}
	}
	return s.takeRates(ctx, k, alg, rates, burst)
}

// takeRates runs the script's general path: one key per rate, one
// argument string, a reply of six integers.
func (s *Store) takeRates(ctx context.Context, k ratelimit.Key, alg ratelimit.Algorithm, rates []ratelimit.Rate, burst int64) (ratelimit.Result, error) {
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

// oneRate is the reusable part of a one-rate script run: the command's
// arguments, which reach go-redis as pointers so that it writes them
// without boxing (and allocating) each one.
type oneRate struct {
	key  string
	n    [2]int64
	args [7]any
}

var oneRates = sync.Pool{New: func() any { return new(oneRate) }}

// evalOne runs the script's path mode (see limit.lua) for one counter,
// EVALSHA sha 1 key mode n0 n1, and returns its reply.
func (s *Store) evalOne(ctx context.Context, key string, mode any, n0, n1 int64) (any, error) {
	o := oneRates.Get().(*oneRate)
	o.key, o.n = key, [2]int64{n0, n1}
	o.args = [7]any{"evalsha", scriptSHA, 1, &o.key, mode, &o.n[0], &o.n[1]}
	cmd := redis.NewCmd(ctx, o.args[:]...)
	err := s.client.Process(ctx, cmd)
	if err != nil && redis.HasErrorPrefix(err, "NOSCRIPT") {
		// First use on this server: load the script, then run it.
		if err = script.Load(ctx, s.client).Err(); err == nil {
			cmd = redis.NewCmd(ctx, o.args[:]...)
			err = s.client.Process(ctx, cmd)
		}
	}
	*o = oneRate{}
	oneRates.Put(o)
	if err != nil {
		return nil, fmt.Errorf("redis rate limit: %w", err)
	}
	return cmd.Val(), nil
}

// errReply is what a check returns when the script answers in a shape it
// does not know: a script from another version, or a proxy in between.
var errReply = errors.New("redis rate limit: unexpected script reply")

// maxExact is 2^53: integers up to it are exact in a Lua number.
const maxExact = 1 << 53

// micros is d in whole microseconds, at least 1: the script's unit.
func micros(d time.Duration) int64 { return max(1, d.Microseconds()) }

// takeBucket counts one request in a single token bucket (GCRA) with one
// run of the script's 't' path: it reads the server's clock and the
// bucket's TAT, and writes the TAT back only if the request is allowed.
// The script replies how far the TAT was ahead of now (d), negated when
// blocked; the rest follows from the rate:
//
//	allowed: remaining (tau - d - interval) / interval, reset in d + interval
//	blocked: reset in d, retry in d + interval - tau
func (s *Store) takeBucket(ctx context.Context, k ratelimit.Key, r ratelimit.Rate, burst int64) (ratelimit.Result, error) {
	capacity := r.Amount + burst
	interval := max(1, micros(r.Period)/max(1, r.Amount))
	tau := int64(maxExact)
	if capacity < maxExact/interval {
		tau = capacity * interval
	}
	v, err := s.evalOne(ctx, s.key(k, 0), "t", interval, tau)
	if err != nil {
		return ratelimit.Result{}, err
	}
	d, ok := v.(int64)
	if !ok {
		return ratelimit.Result{}, errReply
	}
	res := ratelimit.Result{Limit: capacity, Period: r.Period}
	now := s.clock.Now()
	if d >= 0 {
		res.Allowed, res.Remaining = true, (tau-d-interval)/interval
		res.Reset = now.Add(time.Duration(d+interval) * time.Microsecond)
		return res, nil
	}
	d = -d - 1
	res.Reset = now.Add(time.Duration(d) * time.Microsecond)
	res.RetryAfter = time.Duration(d+interval-tau) * time.Microsecond
	return res, nil
}

// takeSliding counts one request in a single sliding window with one run
// of the script's 's' path: it reads the server's clock and the window's
// counts, and writes them back only if the request is allowed. When
// allowed, the script replies the weighted count before the request (used)
// and how far into the window now is (elapsed), packed into one integer
// while that is exact; the rest follows from the rate.
func (s *Store) takeSliding(ctx context.Context, k ratelimit.Key, r ratelimit.Rate, burst int64) (ratelimit.Result, error) {
	capacity, period := r.Amount+burst, micros(r.Period)
	v, err := s.evalOne(ctx, s.key(k, 0), "s", period, capacity)
	if err != nil {
		return ratelimit.Result{}, err
	}
	var used, elapsed, retry int64 // retry > 0: blocked
	switch v := v.(type) {
	case int64: // allowed: used * period + elapsed
		used, elapsed = v/period, v%period
	case []any: // {used, elapsed} when allowed, {-retry, elapsed} when blocked
		if len(v) != 2 {
			return ratelimit.Result{}, errReply
		}
		x, ok1 := v[0].(int64)
		e, ok2 := v[1].(int64)
		if !ok1 || !ok2 {
			return ratelimit.Result{}, errReply
		}
		elapsed = e
		if x < 0 {
			retry = -x
		} else {
			used = x
		}
	default:
		return ratelimit.Result{}, errReply
	}
	res := ratelimit.Result{Limit: capacity, Period: r.Period, Reset: s.clock.Now().Add(time.Duration(period-elapsed) * time.Microsecond)}
	if retry > 0 {
		res.RetryAfter = time.Duration(retry) * time.Microsecond
		return res, nil
	}
	res.Allowed, res.Remaining = true, max(0, capacity-used-1)
	return res, nil
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
		return ratelimit.Result{}, errReply
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
