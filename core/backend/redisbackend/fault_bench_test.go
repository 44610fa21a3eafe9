package redisbackend_test

import (
	"context"
	"log/slog"
	"net"
	"slices"
	"testing"
	"time"

	"github.com/waygate-go/waygate/core/backend/redisbackend"
	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/route"
	"github.com/waygate-go/waygate/core/waygatetest"
)

// BenchmarkRateLimitPathRedisDown measures a rate-limited request's
// decision while the counters' Redis is up (the baseline), refuses
// connections (stopped), or accepts them and never answers (hung), with
// the production defaults of a redis:// URL. Besides ns/op it reports the
// 99th percentile of single decisions (p99-ns). The checks in flight when
// Redis fails wait for its error (at most read_timeout, 500 ms by default,
// times the retries): that first failure opens the breaker, and is taken
// before the measurement.
func BenchmarkRateLimitPathRedisDown(b *testing.B) {
	// go-redis prints a line per failed dial into the benchmark's output.
	redisbackend.SetClientLogger(slog.New(slog.DiscardHandler))
	for _, state := range []string{"up", "stopped", "hung"} {
		b.Run("redis="+state, func(b *testing.B) {
			url := waygatetest.StartRedis(b)
			addr := url.URL
			if state == "hung" {
				addr = "redis://" + hungServer(b) + "/0"
			}
			be, err := redisbackend.Open(addr)
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { be.Close() })
			e, err := engine.New(context.Background(), engine.WithBackend(be), engine.WithLogger(slog.New(slog.DiscardHandler)))
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { e.Close() })
			if err := e.Register(context.Background(), reg("GET", "/posts", route.RateLimit("1000000000/minute"))); err != nil {
				b.Fatal(err)
			}
			if state == "stopped" {
				url.Stop()
			}
			ctx := context.Background()
			req := &engine.Request{Method: "GET", Route: "/posts", Path: "/posts", RemoteAddr: "192.0.2.1:5000"}
			want := engine.Allow
			if d := e.Check(ctx, req); d.Outcome != want { // with Redis down: the failure that opens the breaker
				b.Fatalf("outcome %v, want %v", d.Outcome, want)
			}
			lat := make([]time.Duration, 1<<16)
			i := 0
			b.ReportAllocs()
			for b.Loop() {
				t0 := time.Now()
				d := e.Check(ctx, req)
				lat[i&(len(lat)-1)] = time.Since(t0)
				i++
				if d.Outcome != want {
					b.Fatalf("outcome %v, want %v: the path must fail open", d.Outcome, want)
				}
			}
			n := min(i, len(lat))
			sorted := slices.Clone(lat[:n])
			slices.Sort(sorted)
			b.ReportMetric(float64(sorted[n*99/100]), "p99-ns")
		})
	}
}

// hungServer accepts connections and never answers, as a Redis that is
// stuck (or a network that drops replies) does.
func hungServer(b *testing.B) string {
	b.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			b.Cleanup(func() { c.Close() })
			go func() { _, _ = c.Read(make([]byte, 1<<16)) }()
		}
	}()
	return ln.Addr().String()
}
