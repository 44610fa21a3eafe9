package benchcmp_test

import (
	"context"
	"net/netip"
	"testing"
	"time"

	"github.com/go-redis/redis_rate/v10"
	"github.com/redis/go-redis/v9"

	"github.com/waygate-go/waygate/core/ratelimit"
	"github.com/waygate-go/waygate/core/ratelimit/redislimit"
	"github.com/waygate-go/waygate/core/waygatetest"
)

// BenchmarkRedisCheck runs every Redis operation against one redis-server
// (a private one on a unix socket, started by waygatetest.StartRedis)
// through one go-redis client. op=ping is the base (benchstat -col /op).
// Compare ratios of runs made side by side: -count N runs each operation
// N times back to back, so for rounds that alternate in time (drift on a
// shared machine then hits every operation alike) run the test binary
// once per round, as scripts/bench.sh does.
//
//   - ping: one go-redis PING round trip, the floor for any Redis check.
//   - empty-script: EVALSHA of "return 1", the floor for any check made
//     of one Lua script.
//   - waygate: Waygate's Redis store, fixed window (the default algorithm).
//   - waygate-gcra: the same with token_bucket (GCRA), the algorithm
//     redis_rate implements.
//   - waygate-sliding: the same with sliding_window.
//   - redis_rate: github.com/go-redis/redis_rate/v10 Allow.
func BenchmarkRedisCheck(b *testing.B) {
	opt, err := redis.ParseURL(waygatetest.StartRedis(b).URL)
	if err != nil {
		b.Fatal(err)
	}
	c := redis.NewClient(opt)
	defer c.Close()
	ctx := context.Background()
	// Warm up the fresh server and the connection first, so the first
	// sub-benchmark (PING, the base of every ratio) does not pay for them.
	for range 5000 {
		if err := c.Ping(ctx).Err(); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("op=ping", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := c.Ping(ctx).Err(); err != nil {
				b.Fatal(err)
			}
		}
	})
	// The floor for any check made of one Lua script: an empty one.
	b.Run("op=empty-script", func(b *testing.B) {
		s := redis.NewScript("return 1")
		if err := s.Load(ctx, c).Err(); err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			if err := s.EvalSha(ctx, c, []string{"k"}).Err(); err != nil {
				b.Fatal(err)
			}
		}
	})
	waygate := func(alg ratelimit.Algorithm) func(b *testing.B) {
		return func(b *testing.B) {
			s := redislimit.New(c)
			// A counter of its own: each algorithm keeps another format.
			k := ratelimit.Key{Scope: "GET:/posts", Tier: string(alg), IP: netip.MustParseAddr("192.0.2.1")}
			rates := []ratelimit.Rate{{Amount: 1 << 40, Period: time.Hour}}
			b.ReportAllocs()
			for b.Loop() {
				r, err := s.Take(ctx, k, alg, rates, 0)
				if err != nil || !r.Allowed {
					b.Fatal("blocked", err)
				}
			}
		}
	}
	b.Run("op=waygate", waygate(ratelimit.FixedWindow))
	b.Run("op=waygate-gcra", waygate(ratelimit.TokenBucket))
	b.Run("op=waygate-sliding", waygate(ratelimit.SlidingWindow))
	b.Run("op=redis_rate", func(b *testing.B) {
		l := redis_rate.NewLimiter(c)
		lim := redis_rate.Limit{Rate: 1 << 40, Burst: 1 << 40, Period: time.Hour}
		b.ReportAllocs()
		for b.Loop() {
			r, err := l.Allow(ctx, "192.0.2.1", lim)
			if err != nil || r.Allowed == 0 {
				b.Fatal("blocked", err)
			}
		}
	})
}
