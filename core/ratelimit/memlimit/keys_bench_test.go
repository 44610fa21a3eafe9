package memlimit_test

import (
	"context"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/waygate-go/waygate/core/ratelimit"
	"github.com/waygate-go/waygate/core/ratelimit/memlimit"
)

// BenchmarkMemory_Keys is the memory-against-keys curve of
// docs/benchmarks.md: one op fills a fresh store with N distinct clients
// through Take (a first request each, fixed window keyed by IP), and
// reports
//
//   - B/key: the live heap the store holds per counter, map slots included,
//     after a full collection (the ~215 bytes of docs/production.md);
//   - ns/new-key: the first request of a new client, averaged over the fill
//     (map growth included);
//   - ns/Take: a request of a known client once the store holds N, timed
//     over a second pass through every client.
//
// B/op and allocs/op count everything the fill allocated, garbage from
// map growth included. Run it once per size:
//
//	go test -run '^$' -bench Memory_Keys -benchtime 1x
//
// The cap is twice N, as in checkMemoryBound: at the default cap a
// million clients would fill some shards, and the evictions that follow
// measure BenchmarkMemory_NewClientWhenFull, not memory.
func BenchmarkMemory_Keys(b *testing.B) {
	for _, n := range []int{10_000, 100_000, 1_000_000} {
		b.Run(fmt.Sprintf("keys=%d", n), func(b *testing.B) { benchKeys(b, n) })
	}
}

func benchKeys(b *testing.B, n int) {
	ctx := context.Background()
	rates := []ratelimit.Rate{{Amount: 1 << 40, Period: time.Hour}}
	var heap uint64
	var known time.Duration
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		before := heapBytes()
		s := memlimit.New(memlimit.WithMaxKeys(2 * n))
		b.StartTimer()
		for i := range n {
			s.Take(ctx, ipKey("GET:/posts", i), ratelimit.FixedWindow, rates, 0)
		}
		b.StopTimer()
		heap += heapBytes() - before
		start := time.Now()
		for i := range n {
			s.Take(ctx, ipKey("GET:/posts", i), ratelimit.FixedWindow, rates, 0)
		}
		known += time.Since(start)
		if s.Len() != n || s.Evicted() != 0 {
			b.Fatalf("%d counters kept and %d evicted for %d distinct clients under a cap of %d", s.Len(), s.Evicted(), n, 2*n)
		}
		runtime.KeepAlive(s)
		b.StartTimer()
	}
	keys := float64(b.N) * float64(n)
	b.ReportMetric(float64(heap)/keys, "B/key")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/keys, "ns/new-key")
	b.ReportMetric(float64(known.Nanoseconds())/keys, "ns/Take")
}
