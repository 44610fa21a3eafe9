package memlimit_test

import (
	"context"
	"net/netip"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/waygate-go/waygate/core/ratelimit"
	"github.com/waygate-go/waygate/core/ratelimit/memlimit"
)

// BenchmarkXTimeRate_Allow is the baseline: golang.org/x/time/rate, one
// limiter, no key lookup.
func BenchmarkXTimeRate_Allow(b *testing.B) {
	l := rate.NewLimiter(rate.Limit(1e9), 1e9)
	b.ReportAllocs()
	for b.Loop() {
		l.Allow()
	}
}

func benchTake(b *testing.B, alg ratelimit.Algorithm) {
	s := memlimit.New()
	k := ratelimit.Key{Scope: "GET:/posts", IP: netip.MustParseAddr("192.0.2.1")}
	rates := []ratelimit.Rate{{Amount: 1 << 40, Period: time.Hour}}
	if alg == ratelimit.MovingWindow {
		rates[0].Amount = 100_000
	}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		s.Take(ctx, k, alg, rates, 0)
	}
}

func BenchmarkMemory_FixedWindow(b *testing.B)   { benchTake(b, ratelimit.FixedWindow) }
func BenchmarkMemory_SlidingWindow(b *testing.B) { benchTake(b, ratelimit.SlidingWindow) }
func BenchmarkMemory_TokenBucket(b *testing.B)   { benchTake(b, ratelimit.TokenBucket) }

// BenchmarkMemory_ManyClients spreads requests over 10,000 client keys.
func BenchmarkMemory_ManyClients(b *testing.B) {
	s := memlimit.New()
	keys := make([]ratelimit.Key, 10000)
	for i := range keys {
		keys[i] = ratelimit.Key{Scope: "GET:/posts", IP: netip.AddrFrom4([4]byte{10, 0, byte(i >> 8), byte(i)})}
	}
	rates := []ratelimit.Rate{{Amount: 1 << 40, Period: time.Hour}}
	ctx := context.Background()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		s.Take(ctx, keys[i%len(keys)], ratelimit.FixedWindow, rates, 0)
		i++
	}
}
