// Package memlimit counts rate-limit requests in process memory: the
// engine's default [ratelimit.Store], sharded by key, bounded in size and
// forgetting counters once they expire. It implements the four algorithms of
// package ratelimit; package redislimit implements the same ones in Redis
// for counters shared by several instances.
package memlimit

import (
	"context"
	"encoding/binary"
	"hash/maphash"
	"math/bits"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/waygate-go/waygate/core/ratelimit"
)

const shardCount = 64

// Store counts requests in process memory: sharded by key, bounded in
// size, forgetting counters once they expire. It is the default store and
// the right one for a single instance.
type Store struct {
	hseed    uint64 // random per store, so hashes differ between processes
	shards   [shardCount]memShard
	perShard int
	now      func() time.Time // WithClock; nil for the wall clock
	clock    *coarseClock     // the wall clock, when now is nil
	evicted  atomic.Uint64
}

type memShard struct {
	mu    sync.Mutex
	m     map[uint64]*entry // by key hash; entries with the same hash are chained
	n     int               // entries, chains included
	ops   int               // counters inserted
	swept int               // ops at the last sweep
	_     [32]byte          // keep shards on separate cache lines
}

type entry struct {
	key     ratelimit.Key
	next    *entry // another key with the same hash
	expires int64
	states  []state
}

// Option configures New.
type Option func(*Store)

// WithMaxKeys bounds how many counters are kept (default 1,000,000). When
// full, expired counters go first, then arbitrary ones (counted by
// Evicted).
func WithMaxKeys(n int) Option {
	return func(m *Store) { m.perShard = max(1, n/shardCount) }
}

// WithClock sets the time source (tests).
func WithClock(now func() time.Time) Option {
	return func(m *Store) { m.now = now }
}

// New returns an empty in-memory store.
func New(opts ...Option) *Store {
	m := &Store{hseed: maphash.Comparable(maphash.MakeSeed(), 0), perShard: 1_000_000 / shardCount}
	for _, o := range opts {
		o(m)
	}
	if m.now == nil {
		m.clock = newCoarseClock()
	}
	for i := range m.shards {
		m.shards[i].m = map[uint64]*entry{}
	}
	return m
}

// Take counts one request; see Store.
func (m *Store) Take(_ context.Context, k ratelimit.Key, alg ratelimit.Algorithm, rates []ratelimit.Rate, burst int64) (ratelimit.Result, error) {
	if len(rates) == 0 {
		return ratelimit.Result{Allowed: true}, nil
	}
	now := m.nanos()
	h := m.hash(&k)
	sh := &m.shards[h%shardCount]
	sh.mu.Lock()
	e := sh.m[h]
	for e != nil && !keyEqual(&e.key, &k) {
		e = e.next
	}
	if e == nil || len(rates) != 1 || len(e.states) != 1 || (alg != ratelimit.FixedWindow && alg != ratelimit.TokenBucket) {
		return m.take(sh, h, e, &k, alg, rates, burst, now)
	}
	// The common cases, written out so little is copied or called: a known
	// client under one fixed-window rate (the default algorithm) or one
	// token bucket.
	s, r := &e.states[0], rates[0]
	amount, period := r.Amount+burst, nanos(r.Period)
	if alg == ratelimit.TokenBucket {
		if e.expires <= now {
			*s = state{}
		}
		v := gcra(s, r.Amount, burst, period, now, true)
		if v.ok {
			e.expires = s.tat + period
		}
		sh.mu.Unlock()
		if !v.ok {
			return ratelimit.Result{Limit: amount, Period: r.Period, Reset: time.Unix(0, v.reset), RetryAfter: time.Duration(v.retry)}, nil
		}
		return ratelimit.Result{Allowed: true, Limit: amount, Period: r.Period, Remaining: v.remaining, Reset: time.Unix(0, v.reset)}, nil
	}
	if s.count == 0 || now >= s.start+period || e.expires <= now {
		s.start, s.count = now, 0
	}
	reset := s.start + period
	s.count++ // blocked ones too: see take1
	e.expires = reset
	count := s.count
	sh.mu.Unlock()
	if count > amount {
		return ratelimit.Result{Limit: amount, Period: r.Period, Reset: time.Unix(0, reset), RetryAfter: time.Duration(reset - now)}, nil
	}
	return ratelimit.Result{Allowed: true, Limit: amount, Period: r.Period, Remaining: amount - count, Reset: time.Unix(0, reset)}, nil
}

// take is Take for everything but Take's common case: a new client,
// several rates, or another algorithm. It is called with sh locked and
// unlocks it; e is the client's counter, nil when it has none.
func (m *Store) take(sh *memShard, h uint64, e *entry, k *ratelimit.Key, alg ratelimit.Algorithm, rates []ratelimit.Rate, burst, now int64) (ratelimit.Result, error) {
	defer sh.mu.Unlock()
	known := e != nil
	switch {
	case !known:
		e = &entry{states: make([]state, len(rates))}
	case e.expires <= now || len(e.states) != len(rates):
		// Expired (or the limit changed): start over in place.
		if len(e.states) != len(rates) {
			e.states = make([]state, len(rates))
		} else {
			clear(e.states)
		}
	}
	if len(rates) == 1 {
		v := take1(&e.states[0], alg, rates[0], burst, now)
		if v.ok || alg == ratelimit.FixedWindow { // take1 counted it
			e.expires = expiry(&e.states[0], alg, nanos(rates[0].Period))
			if !known {
				m.insertCopy(sh, h, k, e, now)
			}
		}
		return result1(v, rates[0], burst), nil
	}
	var vs [4]verdict
	verdicts := vs[:0]
	allowed := true
	for i, r := range rates {
		v := judge(&e.states[i], alg, r, burst, now, false)
		verdicts = append(verdicts, v)
		allowed = allowed && v.ok
	}
	if !allowed {
		return result(false, rates, verdicts, burst), nil
	}
	var expires int64
	for i, r := range rates {
		judge(&e.states[i], alg, r, burst, now, true)
		expires = max(expires, expiry(&e.states[i], alg, nanos(r.Period)))
	}
	e.expires = expires
	if !known {
		m.insertCopy(sh, h, k, e, now)
	}
	return result(true, rates, verdicts, burst), nil
}

// nanos is the time in Unix nanoseconds, to a millisecond (see coarseClock).
func (m *Store) nanos() int64 {
	if m.now != nil {
		return m.now().UnixNano()
	}
	return m.clock.read()
}

// insertCopy stores a new counter. The key may alias a request buffer
// (fasthttp), so the entry keeps copies of its strings.
//
// A shard sweeps its expired counters once per eighth of its size in new
// ones (at least 1024 while it has room), so sweeping costs about eight
// entries per insert however fast new clients arrive.
// Between sweeps, or when a sweep frees nothing, one counter makes room:
// an expired one if a short look finds one, else an arbitrary live one
// (counted by Evicted).
func (m *Store) insertCopy(sh *memShard, h uint64, k *ratelimit.Key, e *entry, now int64) {
	e.key = *k
	e.key.Client, e.key.Tier = strings.Clone(k.Client), strings.Clone(k.Tier)
	sh.ops++
	every := max(1, sh.n/8)
	if sh.n < m.perShard {
		every = max(1024, every)
	}
	if sh.ops-sh.swept >= every {
		sh.sweep(func(x *entry) bool { return x.expires <= now })
		sh.swept = sh.ops
	}
	for sh.n >= m.perShard {
		if sh.evictOne(now) {
			m.evicted.Add(1)
		}
	}
	e.next = sh.m[h]
	sh.m[h] = e
	sh.n++
}

// evictOne drops the head of a chain: the first expired one among eight
// from a random place (Go's map iteration starts at one), else the first
// seen. It reports whether the dropped counter was live. Map iteration
// visits neighbouring slots, not independent ones, so the look is eight
// long: four let live counters go noticeably often right after most
// others expired. The look is a preference, not a promise; the sweep
// (once per eighth of the shard) is what clears every expired counter.
func (sh *memShard) evictOne(now int64) (live bool) {
	var victim uint64
	found, looked := false, 0
	for h, head := range sh.m {
		if !found || head.expires <= now {
			victim, found = h, true
			if head.expires <= now {
				break
			}
		}
		if looked++; looked == 8 {
			break
		}
	}
	if !found {
		return false
	}
	head := sh.m[victim]
	if head.next == nil {
		delete(sh.m, victim)
	} else {
		sh.m[victim] = head.next
	}
	sh.n--
	return head.expires > now
}

// sweep removes the entries drop says to, keeping chains intact (in
// reverse order). The map is written only where a chain's head changed,
// which for the usual one-entry chain means only when it is dropped.
func (sh *memShard) sweep(drop func(*entry) bool) {
	for h, head := range sh.m {
		var keep *entry
		for e := head; e != nil; {
			next := e.next
			if drop(e) {
				sh.n--
			} else {
				e.next, keep = keep, e
			}
			e = next
		}
		switch {
		case keep == nil:
			delete(sh.m, h)
		case keep != head:
			sh.m[h] = keep
		}
	}
}

// hash mixes the parts of a key; it picks the shard and the map slot. The
// strings go through a seeded multiply-mix hash: client ids and API keys
// come from requests, so the seed keeps collisions (and long chains) out of
// an attacker's reach, and short strings cost a few multiplications instead
// of a call into maphash.
func (m *Store) hash(k *ratelimit.Key) uint64 {
	h := strHash(m.hseed, k.Scope)
	switch {
	case k.IP.Is4():
		b := k.IP.As4()
		h = mix(h^uint64(binary.LittleEndian.Uint32(b[:])), m.hseed^prime2)
	case k.IP.IsValid():
		b := k.IP.As16()
		h = mix(h^binary.LittleEndian.Uint64(b[:8]), binary.LittleEndian.Uint64(b[8:])^m.hseed^prime2)
	}
	if k.Client != "" {
		h ^= strHash(m.hseed^prime3, k.Client)
	}
	if k.Tier != "" {
		h ^= strHash(m.hseed^prime4, k.Tier)
	}
	// A final mix, so the low bits (the shard) depend on every bit: the
	// multiplications above are by a constant of the store, which leaves
	// some seeds spreading sequential IPs over a few shards.
	h ^= h >> 32
	h *= 0x9fb21c651e98df25
	return h ^ h>>29
}

const (
	prime1 = 0xa0761d6478bd642f
	prime2 = 0xe7037ed1a0b428db
	prime3 = 0x8ebc6af09c88c6e3
	prime4 = 0x589965cc75374cc3
)

// mix multiplies into 128 bits and folds the halves (wyhash's mum).
func mix(a, b uint64) uint64 {
	hi, lo := bits.Mul64(a, b)
	return hi ^ lo
}

// strHash hashes s: up to sixteen bytes (a route key, a short id) in one
// multiplication of two overlapping words, longer strings eight bytes at a
// time. The length is mixed with the seed, so strings of different lengths
// whose overlapping words agree collide only by chance, not by design.
func strHash(seed uint64, s string) uint64 {
	h := mix(seed^prime1, uint64(len(s))^prime2)
	for len(s) > 16 {
		h = mix(h^le64(s), prime3)
		s = s[8:]
	}
	var a, b uint64
	switch n := len(s); {
	case n >= 8:
		a, b = le64(s), le64(s[n-8:])
	case n >= 4:
		a, b = uint64(le32(s)), uint64(le32(s[n-4:]))
	case n > 0:
		a = uint64(s[0])<<16 | uint64(s[n/2])<<8 | uint64(s[n-1])
	}
	return mix(a^h, b^prime4^seed)
}

func le64(s string) uint64 {
	_ = s[7]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

func le32(s string) uint32 {
	_ = s[3]
	return uint32(s[0]) | uint32(s[1])<<8 | uint32(s[2])<<16 | uint32(s[3])<<24
}

// result reports the binding rate: when allowed, the one with the least
// remaining; when blocked, the blocking one that frees up last.
func result(allowed bool, rates []ratelimit.Rate, verdicts []verdict, burst int64) ratelimit.Result {
	b := -1
	for i, v := range verdicts {
		switch {
		case allowed && (b < 0 || v.remaining < verdicts[b].remaining):
			b = i
		case !allowed && !v.ok && (b < 0 || v.retry > verdicts[b].retry):
			b = i
		}
	}
	v := verdicts[b]
	res := ratelimit.Result{Allowed: allowed, Limit: rates[b].Amount + burst, Period: rates[b].Period, Remaining: v.remaining, Reset: time.Unix(0, v.reset)}
	if !allowed {
		res.Remaining, res.RetryAfter = 0, time.Duration(v.retry)
	}
	return res
}

// result1 is result for a single rate.
func result1(v verdict, r ratelimit.Rate, burst int64) ratelimit.Result {
	res := ratelimit.Result{Allowed: v.ok, Limit: r.Amount + burst, Period: r.Period, Remaining: v.remaining, Reset: time.Unix(0, v.reset)}
	if !v.ok {
		res.Remaining, res.RetryAfter = 0, time.Duration(v.retry)
	}
	return res
}

// take1 judges one rate and counts the request when it is allowed.
func take1(s *state, alg ratelimit.Algorithm, r ratelimit.Rate, burst, now int64) verdict {
	period := nanos(r.Period)
	switch alg {
	case ratelimit.TokenBucket:
		return gcra(s, r.Amount, burst, period, now, true)
	case ratelimit.FixedWindow:
		// A single window counts blocked requests too, past its cap, where
		// they change no answer: the rest of the window is blocked either
		// way and ends when it would have. It lets the Redis store count
		// with two plain commands instead of a script, and keeps the two
		// stores alike. (With several rates a blocked request is not
		// counted, as it could use up another rate's quota.)
		amount := r.Amount + burst
		if s.count == 0 || now >= s.start+period {
			s.start, s.count = now, 0
		}
		s.count++
		if s.count > amount {
			return verdict{reset: s.start + period, retry: s.start + period - now}
		}
		return verdict{ok: true, remaining: amount - s.count, reset: s.start + period}
	}
	v := peek(s, alg, r.Amount+burst, period, now)
	if v.ok {
		commit(s, alg, r.Amount+burst, period, now)
	}
	return v
}

// keyEqual compares keys, cheapest field first.
func keyEqual(k, o *ratelimit.Key) bool {
	return k.IP == o.IP && len(k.Scope) == len(o.Scope) && k.Client == o.Client && k.Scope == o.Scope && k.Tier == o.Tier
}

// judge peeks (apply false) or counts (apply true) one rate.
func judge(s *state, alg ratelimit.Algorithm, r ratelimit.Rate, burst, now int64, apply bool) verdict {
	period := nanos(r.Period)
	if alg == ratelimit.TokenBucket {
		return gcra(s, r.Amount, burst, period, now, apply)
	}
	if apply {
		commit(s, alg, r.Amount+burst, period, now)
		return verdict{ok: true}
	}
	return peek(s, alg, r.Amount+burst, period, now)
}

// Reset deletes every counter of scope.
func (m *Store) Reset(_ context.Context, scope string) error {
	for i := range m.shards {
		sh := &m.shards[i]
		sh.mu.Lock()
		sh.sweep(func(e *entry) bool { return e.key.Scope == scope })
		sh.mu.Unlock()
	}
	return nil
}

// Len returns how many counters are kept.
func (m *Store) Len() int {
	n := 0
	for i := range m.shards {
		sh := &m.shards[i]
		sh.mu.Lock()
		n += sh.n
		sh.mu.Unlock()
	}
	return n
}

// Evicted returns how many live counters were dropped because the store
// was full.
func (m *Store) Evicted() uint64 { return m.evicted.Load() }
