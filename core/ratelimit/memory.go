package ratelimit

import (
	"context"
	"encoding/binary"
	"hash/maphash"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

const shardCount = 64

// Memory counts requests in process memory: sharded by key, bounded in
// size, forgetting counters once they expire. It is the default store and
// the right one for a single instance.
type Memory struct {
	seed     maphash.Seed
	shards   [shardCount]memShard
	perShard int
	now      func() time.Time // WithClock; nil for the wall clock
	nanos    func() int64     // Unix nanoseconds now
	evicted  atomic.Uint64
}

type memShard struct {
	mu  sync.Mutex
	m   map[uint64]*entry // by key hash; entries with the same hash are chained
	n   int               // entries, chains included
	ops int
	_   [32]byte // keep shards on separate cache lines
}

type entry struct {
	key     Key
	next    *entry // another key with the same hash
	expires int64
	states  []state
}

// MemoryOption configures NewMemory.
type MemoryOption func(*Memory)

// WithMaxKeys bounds how many counters are kept (default 1,000,000). When
// full, expired counters go first, then arbitrary ones (counted by
// Evicted).
func WithMaxKeys(n int) MemoryOption {
	return func(m *Memory) { m.perShard = max(1, n/shardCount) }
}

// WithClock sets the time source (tests).
func WithClock(now func() time.Time) MemoryOption {
	return func(m *Memory) { m.now = now }
}

// NewMemory returns an empty in-memory store.
func NewMemory(opts ...MemoryOption) *Memory {
	m := &Memory{seed: maphash.MakeSeed(), perShard: 1_000_000 / shardCount}
	for _, o := range opts {
		o(m)
	}
	if m.now == nil {
		// The wall clock at start plus the monotonic time since: one clock
		// read per check instead of time.Now's two.
		start := time.Now()
		base := start.UnixNano()
		m.nanos = func() int64 { return base + int64(time.Since(start)) }
	} else {
		now := m.now
		m.nanos = func() int64 { return now().UnixNano() }
	}
	for i := range m.shards {
		m.shards[i].m = map[uint64]*entry{}
	}
	return m
}

// Take counts one request; see Store.
func (m *Memory) Take(_ context.Context, k Key, alg Algorithm, rates []Rate, burst int64) (Result, error) {
	if len(rates) == 0 {
		return Result{Allowed: true}, nil
	}
	now := m.nanos()
	h := m.hash(k)
	sh := &m.shards[h%shardCount]
	sh.mu.Lock()
	defer sh.mu.Unlock()
	e := sh.m[h]
	for e != nil && e.key != k {
		e = e.next
	}
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
	if len(rates) == 1 { // the common case, without the bookkeeping below
		v := judge(&e.states[0], alg, rates[0], burst, now, false)
		if v.ok {
			judge(&e.states[0], alg, rates[0], burst, now, true)
			e.expires = expiry(&e.states[0], alg, nanos(rates[0].Period))
			if !known {
				m.insertCopy(sh, h, k, e, now)
			}
		}
		return result(v.ok, rates, []verdict{v}, burst), nil
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

// insertCopy stores a new counter. The key may alias a request buffer
// (fasthttp), so the entry keeps copies of its strings.
func (m *Memory) insertCopy(sh *memShard, h uint64, k Key, e *entry, now int64) {
	k.Client, k.Tier = strings.Clone(k.Client), strings.Clone(k.Tier)
	e.key = k
	sh.ops++
	if sh.n >= m.perShard || sh.ops%1024 == 0 {
		sh.sweep(func(x *entry) bool { return x.expires <= now })
	}
	if sh.n >= m.perShard {
		evicted := 0
		sh.sweep(func(*entry) bool {
			if sh.n < m.perShard {
				return false
			}
			evicted++
			return true
		})
		m.evicted.Add(uint64(evicted))
	}
	e.next = sh.m[h]
	sh.m[h] = e
	sh.n++
}

// sweep removes the entries drop says to, keeping chains intact.
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
		if keep == nil {
			delete(sh.m, h)
		} else {
			sh.m[h] = keep
		}
	}
}

// hash mixes the parts of a key; it picks the shard and the map slot.
func (m *Memory) hash(k Key) uint64 {
	h := maphash.String(m.seed, k.Scope)
	if k.IP.IsValid() {
		b := k.IP.As16()
		h ^= (binary.LittleEndian.Uint64(b[:8])*0x9E3779B97F4A7C15 ^ binary.LittleEndian.Uint64(b[8:])) * 0xC2B2AE3D27D4EB4F
	}
	if k.Client != "" {
		h ^= maphash.String(m.seed, k.Client) * 0x165667B19E3779F9
	}
	if k.Tier != "" {
		h ^= maphash.String(m.seed, k.Tier) * 0x27D4EB2F165667C5
	}
	return h ^ h>>31
}

// result reports the binding rate: when allowed, the one with the least
// remaining; when blocked, the blocking one that frees up last.
func result(allowed bool, rates []Rate, verdicts []verdict, burst int64) Result {
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
	res := Result{Allowed: allowed, Limit: rates[b].Amount + burst, Period: rates[b].Period, Remaining: v.remaining, Reset: time.Unix(0, v.reset)}
	if !allowed {
		res.Remaining, res.RetryAfter = 0, time.Duration(v.retry)
	}
	return res
}

// judge peeks (apply false) or counts (apply true) one rate.
func judge(s *state, alg Algorithm, r Rate, burst, now int64, apply bool) verdict {
	period := nanos(r.Period)
	if alg == TokenBucket {
		return gcra(s, r.Amount, burst, period, now, apply)
	}
	if apply {
		commit(s, alg, r.Amount+burst, period, now)
		return verdict{ok: true}
	}
	return peek(s, alg, r.Amount+burst, period, now)
}

// Reset deletes every counter of scope.
func (m *Memory) Reset(_ context.Context, scope string) error {
	for i := range m.shards {
		sh := &m.shards[i]
		sh.mu.Lock()
		sh.sweep(func(e *entry) bool { return e.key.Scope == scope })
		sh.mu.Unlock()
	}
	return nil
}

// Len returns how many counters are kept.
func (m *Memory) Len() int {
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
func (m *Memory) Evicted() uint64 { return m.evicted.Load() }
