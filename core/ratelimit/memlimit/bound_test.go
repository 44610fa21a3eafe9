package memlimit_test

import (
	"context"
	"fmt"
	"net/netip"
	"runtime"
	"testing"
	"time"

	"github.com/waygate-go/waygate/core/ratelimit"
	"github.com/waygate-go/waygate/core/ratelimit/memlimit"
)

// bytesPerKeyBound is the documented memory bound of the in-memory store
// (docs/rate-limiting.md, docs/production.md): a fixed-window, token-bucket
// or sliding-window counter keyed by IP costs at most this many bytes of
// heap, map slots included. Measured: about 215 with 1,000,000 clients
// (see the test log); a client id or API key adds its length, rounded up
// to the allocator's size class.
const bytesPerKeyBound = 256

// heapBytes is the live heap after a full collection.
func heapBytes() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// ipKey is the counter of the n-th client of one route, as the default key
// strategy (per IP) makes it.
func ipKey(scope string, n int) ratelimit.Key {
	return ratelimit.Key{Scope: scope, IP: netip.AddrFrom4([4]byte{10, byte(n >> 16), byte(n >> 8), byte(n)})}
}

// checkMemoryBound fills a store with n distinct clients, checks the bytes
// per counter, then lets the window pass and checks that new clients push
// the expired counters out instead of evicting live ones.
//
// The cap is set above n: with the default cap of 1,000,000, a million
// clients fill some of the 64 shards (keys never spread perfectly evenly),
// and an insert into a full shard scans it (see
// BenchmarkMemory_NewClientWhenFull), which would make this test slow
// without telling more about memory. TestMemoryCapIsRespected covers the cap.
func checkMemoryBound(t *testing.T, n int) {
	ctx := context.Background()
	clk := &fakeNow{t: t0}
	rates := []ratelimit.Rate{{Amount: 10, Period: time.Minute}}
	before := heapBytes()
	s := memlimit.New(memlimit.WithClock(clk.now), memlimit.WithMaxKeys(2*n))
	for i := range n {
		if r, err := s.Take(ctx, ipKey("GET:/posts", i), ratelimit.FixedWindow, rates, 0); err != nil || !r.Allowed {
			t.Fatalf("client %d: %+v, %v; want its first request allowed", i, r, err)
		}
	}
	full := heapBytes()
	kept := s.Len()
	perKey := float64(full-before) / float64(kept)
	t.Logf("%d clients: %d counters kept, %d evicted, %.0f bytes per counter (%.1f MiB)",
		n, kept, s.Evicted(), perKey, float64(full-before)/(1<<20))
	if kept != n || s.Evicted() != 0 {
		t.Errorf("kept %d counters and evicted %d for %d distinct clients under a cap of %d", kept, s.Evicted(), n, 2*n)
	}
	if perKey > bytesPerKeyBound {
		t.Errorf("%.0f bytes per counter, the documented bound is %d", perKey, bytesPerKeyBound)
	}

	// The window passes; a new wave of clients arrives. Every shard sweeps
	// its expired counters once per eighth of its size in new clients (at
	// least 1024), so the old wave goes without a live counter evicted.
	clk.add(rates[0].Period + time.Second)
	evicted := s.Evicted()
	wave := max(n/4, 64*1280) // enough new clients for every shard to sweep
	for i := range wave {
		s.Take(ctx, ipKey("GET:/orders", i), ratelimit.FixedWindow, rates, 0)
	}
	if got := s.Len(); got > wave {
		t.Errorf("%d counters kept after the first wave expired and %d new clients came, want at most %d", got, wave, wave)
	}
	if s.Evicted() != evicted {
		t.Errorf("%d live counters evicted although expired ones could go", s.Evicted()-evicted)
	}
	shed := heapBytes()
	t.Logf("after the window: %d counters, heap %.1f MiB above the start (map slots stay allocated)", s.Len(), float64(shed-before)/(1<<20))
	if shed >= full {
		t.Errorf("heap %d bytes after shedding %d expired counters, not below the %d bytes it had full", shed-before, n, full-before)
	}
	// The new wave still counts: each of its clients has one request.
	if r, _ := s.Take(ctx, ipKey("GET:/orders", 7), ratelimit.FixedWindow, rates, 0); !r.Allowed || r.Remaining != 8 {
		t.Errorf("a client of the new wave: %+v, want its second request allowed with 8 left", r)
	}
	runtime.KeepAlive(s)
}

// TestMemoryCapIsRespected fills a small store far past WithMaxKeys: the
// cap holds, each counter dropped is counted in Evicted, and every shard
// keeps its share.
func TestMemoryCapIsRespected(t *testing.T) {
	ctx := context.Background()
	clk := &fakeNow{t: t0}
	const maxKeys, clients = 64 * 100, 50_000
	s := memlimit.New(memlimit.WithClock(clk.now), memlimit.WithMaxKeys(maxKeys))
	rates := []ratelimit.Rate{{Amount: 10, Period: time.Hour}}
	for i := range clients {
		s.Take(ctx, ipKey("GET:/posts", i), ratelimit.TokenBucket, rates, 0)
		if i%5000 == 0 && s.Len() > maxKeys {
			t.Fatalf("after %d clients: %d counters kept, cap %d", i+1, s.Len(), maxKeys)
		}
	}
	if got := s.Len(); got > maxKeys || got < maxKeys/2 {
		t.Errorf("%d counters kept, want at most %d and not emptied", got, maxKeys)
	}
	if uint64(s.Len())+s.Evicted() != clients {
		t.Errorf("kept %d + evicted %d != %d clients", s.Len(), s.Evicted(), clients)
	}
}

// BenchmarkMemory_NewClientWhenFull measures the first request of a new
// client once the store holds WithMaxKeys live counters: a full shard
// sweeps at most once per eighth of its size and otherwise evicts one
// counter, so the cost per new client must not grow with the shard's size
// (compare the sizes, and BenchmarkMemory_ManyClients for known clients).
func BenchmarkMemory_NewClientWhenFull(b *testing.B) {
	for _, perShard := range []int{1000, 15_625} {
		b.Run(fmt.Sprintf("perShard=%d", perShard), func(b *testing.B) { benchNewClientWhenFull(b, 64*perShard) })
	}
}

func benchNewClientWhenFull(b *testing.B, maxKeys int) {
	s := memlimit.New(memlimit.WithMaxKeys(maxKeys))
	rates := []ratelimit.Rate{{Amount: 10, Period: time.Hour}}
	ctx := context.Background()
	for i := range maxKeys + maxKeys/10 {
		s.Take(ctx, ipKey("GET:/posts", i), ratelimit.FixedWindow, rates, 0)
	}
	i := 1 << 20
	b.ReportAllocs()
	for b.Loop() {
		i++
		s.Take(ctx, ipKey("GET:/posts", i), ratelimit.FixedWindow, rates, 0)
	}
}
