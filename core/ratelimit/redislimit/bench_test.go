package redislimit_test

import (
	"context"
	"net/netip"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/waygate-go/waygate/core/ratelimit"
	"github.com/waygate-go/waygate/core/ratelimit/redislimit"
	"github.com/waygate-go/waygate/core/waygatetest"
)

// BenchmarkRedis_Ping is the baseline: one go-redis round trip.
func BenchmarkRedis_Ping(b *testing.B) {
	c := client(b, waygatetest.StartRedis(b).URL)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if err := c.Ping(ctx).Err(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRedis_EmptyScript is the floor of any check made of one script
// run: EVALSHA of "return 1" with one key.
func BenchmarkRedis_EmptyScript(b *testing.B) {
	c := client(b, waygatetest.StartRedis(b).URL)
	ctx := context.Background()
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
}

func benchRedis(b *testing.B, alg ratelimit.Algorithm) {
	s := redislimit.New(client(b, waygatetest.StartRedis(b).URL))
	k := ratelimit.Key{Scope: "GET:/posts", IP: netip.MustParseAddr("192.0.2.1")}
	rates := []ratelimit.Rate{{Amount: 1 << 40, Period: time.Hour}}
	if alg == ratelimit.MovingWindow {
		rates[0].Amount = 100_000
	}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Take(ctx, k, alg, rates, 0); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRedis_FixedWindow(b *testing.B)   { benchRedis(b, ratelimit.FixedWindow) }
func BenchmarkRedis_SlidingWindow(b *testing.B) { benchRedis(b, ratelimit.SlidingWindow) }
func BenchmarkRedis_TokenBucket(b *testing.B)   { benchRedis(b, ratelimit.TokenBucket) }
