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
	now      func() time.Time
	evicted  atomic.Uint64
}

type memShard struct {
	mu  sync.Mutex
	m   map[Key]*entry
	ops int
	_   [40]byte // keep shards on separate cache lines
}

type entry struct {
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
	m := &Memory{seed: maphash.MakeSeed(), perShard: 1_000_000 / shardCount, now: time.Now}
	for _, o := range opts {
		o(m)
	}
	for i := range m.shards {
		m.shards[i].m = map[Key]*entry{}
	}
	return m
}

// Take counts one request; see Store.
func (m *Memory) Take(_ context.Context, k Key, alg Algorithm, rates []Rate, burst int64) (Result, error) {
	if len(rates) == 0 {
		return Result{Allowed: true}, nil
	}
	now := m.now().UnixNano()
	sh := &m.shards[m.shardOf(k)]
	sh.mu.Lock()
	defer sh.mu.Unlock()
	e := sh.m[k]
	if e != nil && e.expires <= now {
		delete(sh.m, k)
		e = nil
	}
	if e == nil {
		e = &entry{states: make([]state, len(rates))}
	} else if len(e.states) != len(rates) {
		e.states = make([]state, len(rates)) // the limit changed
	}
	var vs [4]verdict
	verdicts := vs[:0]
	allowed := true
	for i, r := range rates {
		v := judge(&e.states[i], alg, r, burst, now, false)
		verdicts = append(verdicts, v)
		allowed = allowed && v.ok
	}
	var expires int64
	for i, r := range rates {
		if allowed {
			judge(&e.states[i], alg, r, burst, now, true)
		}
		expires = max(expires, expiry(&e.states[i], alg, nanos(r.Period)))
	}
	res := result(allowed, rates, verdicts, burst)
	if res.Allowed {
		e.expires = expires
		if _, ok := sh.m[k]; !ok {
			// The key may alias a request buffer (fasthttp): keep a copy.
			k.Client, k.Tier = strings.Clone(k.Client), strings.Clone(k.Tier)
			m.insert(sh, k, e, now)
		}
	}
	return res, nil
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

// shardOf spreads keys over the shards by client; the map hashes the whole
// key anyway, so this only needs to be cheap and even.
func (m *Memory) shardOf(k Key) uint64 {
	var h uint64
	if k.IP.IsValid() {
		b := k.IP.As16()
		h = (binary.LittleEndian.Uint64(b[:8]) ^ binary.LittleEndian.Uint64(b[8:])) * 0x9E3779B97F4A7C15
		h ^= h >> 29
	} else {
		h = maphash.String(m.seed, k.Client)
	}
	return (h + uint64(len(k.Scope))) % shardCount
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

// insert adds e, making room first when the shard is full.
func (m *Memory) insert(sh *memShard, k Key, e *entry, now int64) {
	sh.ops++
	if len(sh.m) >= m.perShard || sh.ops%1024 == 0 {
		for key, old := range sh.m {
			if old.expires <= now {
				delete(sh.m, key)
			}
		}
	}
	for key := range sh.m {
		if len(sh.m) < m.perShard {
			break
		}
		delete(sh.m, key)
		m.evicted.Add(1)
	}
	sh.m[k] = e
}

// Reset deletes every counter of scope.
func (m *Memory) Reset(_ context.Context, scope string) error {
	for i := range m.shards {
		sh := &m.shards[i]
		sh.mu.Lock()
		for k := range sh.m {
			if k.Scope == scope {
				delete(sh.m, k)
			}
		}
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
		n += len(sh.m)
		sh.mu.Unlock()
	}
	return n
}

// Evicted returns how many live counters were dropped because the store
// was full.
func (m *Memory) Evicted() uint64 { return m.evicted.Load() }
