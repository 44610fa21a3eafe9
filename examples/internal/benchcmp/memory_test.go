package benchcmp_test

import (
	"context"
	"net/netip"
	"testing"
	"time"

	"github.com/ulule/limiter/v3"
	"github.com/ulule/limiter/v3/drivers/store/memory"
	"golang.org/x/time/rate"

	"github.com/waygate-go/waygate/core/ratelimit"
	"github.com/waygate-go/waygate/core/ratelimit/memlimit"
)

// BenchmarkMemoryCheck counts one request for one client against a limit
// so high it never blocks, so every iteration takes the allowed path. The
// sub-benchmarks are named lib=… so benchstat can put them side by side
// (benchstat -col /lib); x/time/rate comes first and is the base.
//
//   - x-time-rate: golang.org/x/time/rate Allow — one token bucket, no key
//     lookup (an application keeps its own map of limiters).
//   - waygate: Waygate's in-memory store, keyed fixed window (the default
//     algorithm), as a request to a rate-limited route does.
//   - waygate-gcra: the same with token_bucket (GCRA), the algorithm
//     closest to x/time/rate's.
//   - ulule: github.com/ulule/limiter/v3 with its memory store, Get.
func BenchmarkMemoryCheck(b *testing.B) {
	ctx := context.Background()
	b.Run("lib=x-time-rate", func(b *testing.B) {
		l := rate.NewLimiter(rate.Limit(1e9), 1e9)
		b.ReportAllocs()
		for b.Loop() {
			if !l.Allow() {
				b.Fatal("blocked")
			}
		}
	})
	waygate := func(alg ratelimit.Algorithm) func(b *testing.B) {
		return func(b *testing.B) {
			s := memlimit.New()
			k := ratelimit.Key{Scope: "GET:/posts", IP: netip.MustParseAddr("192.0.2.1")}
			rates := []ratelimit.Rate{{Amount: 1 << 40, Period: time.Hour}}
			b.ReportAllocs()
			for b.Loop() {
				if r, _ := s.Take(ctx, k, alg, rates, 0); !r.Allowed {
					b.Fatal("blocked")
				}
			}
		}
	}
	b.Run("lib=waygate", waygate(ratelimit.FixedWindow))
	b.Run("lib=waygate-gcra", waygate(ratelimit.TokenBucket))
	b.Run("lib=ulule", func(b *testing.B) {
		l := limiter.New(memory.NewStore(), limiter.Rate{Period: time.Hour, Limit: 1 << 40})
		b.ReportAllocs()
		for b.Loop() {
			c, err := l.Get(ctx, "192.0.2.1")
			if err != nil || c.Reached {
				b.Fatal("blocked", err)
			}
		}
	})
}
