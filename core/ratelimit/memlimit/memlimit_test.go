package memlimit_test

import (
	"context"
	"fmt"
	"net/netip"
	"testing"
	"time"

	"github.com/waygate-go/waygate/core/ratelimit"
	"github.com/waygate-go/waygate/core/ratelimit/memlimit"
)

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// fakeNow is a settable clock for the store.
type fakeNow struct{ t time.Time }

func (f *fakeNow) now() time.Time      { return f.t }
func (f *fakeNow) add(d time.Duration) { f.t = f.t.Add(d) }
func newStore() (*memlimit.Store, *fakeNow) {
	c := &fakeNow{t: t0}
	return memlimit.New(memlimit.WithClock(c.now)), c
}

var key = ratelimit.Key{Scope: "GET:/posts", IP: netip.MustParseAddr("192.0.2.1")}

func take(t *testing.T, s ratelimit.Store, alg ratelimit.Algorithm, limit string, burst int64) ratelimit.Result {
	t.Helper()
	l, err := ratelimit.ParseLimit(limit)
	if err != nil {
		t.Fatal(err)
	}
	r, err := s.Take(context.Background(), key, alg, l.Rates, burst)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// allowedIn counts how many of n immediate requests are allowed.
func allowedIn(t *testing.T, s ratelimit.Store, alg ratelimit.Algorithm, limit string, burst int64, n int) int {
	t.Helper()
	c := 0
	for range n {
		if take(t, s, alg, limit, burst).Allowed {
			c++
		}
	}
	return c
}

func TestEveryAlgorithmAllowsAmountPlusBurst(t *testing.T) {
	for _, alg := range []ratelimit.Algorithm{ratelimit.FixedWindow, ratelimit.SlidingWindow, ratelimit.MovingWindow, ratelimit.TokenBucket} {
		for _, burst := range []int64{0, 3} {
			t.Run(fmt.Sprintf("%s/burst=%d", alg, burst), func(t *testing.T) {
				s, _ := newStore()
				if got, want := allowedIn(t, s, alg, "5/minute", burst, 20), 5+int(burst); got != want {
					t.Fatalf("allowed %d of 20 immediate requests, want %d", got, want)
				}
			})
		}
	}
}

func TestFixedWindowEdges(t *testing.T) {
	s, clk := newStore()
	clk.add(10 * time.Second) // the window opens at the first request, not on the minute
	first := take(t, s, ratelimit.FixedWindow, "2/minute", 0)
	if !first.Allowed || first.Remaining != 1 || first.Limit != 2 || !first.Reset.Equal(t0.Add(70*time.Second)) {
		t.Fatalf("first = %+v", first)
	}
	take(t, s, ratelimit.FixedWindow, "2/minute", 0)
	clk.add(59 * time.Second)
	blocked := take(t, s, ratelimit.FixedWindow, "2/minute", 0)
	if blocked.Allowed || blocked.Remaining != 0 || blocked.RetryAfter != time.Second {
		t.Fatalf("just before the edge = %+v, want blocked, retry 1s", blocked)
	}
	clk.add(time.Second)
	if r := take(t, s, ratelimit.FixedWindow, "2/minute", 0); !r.Allowed || r.Remaining != 1 {
		t.Fatalf("at the edge = %+v, want a fresh window", r)
	}
}

func TestSlidingWindowApproximation(t *testing.T) {
	s, clk := newStore()
	// 10 requests in window [0,60s).
	for range 10 {
		if !take(t, s, ratelimit.SlidingWindow, "10/minute", 0).Allowed {
			t.Fatal("blocked inside the first window")
		}
	}
	if take(t, s, ratelimit.SlidingWindow, "10/minute", 0).Allowed {
		t.Fatal("11th request allowed")
	}
	// 15s into the next window, the previous one weighs 10 × 0.75 = 7.5,
	// so 2 more fit (floor(7.5)+1=8 ≤ 10, floor(8.5)+1=9, floor(9.5)+1=10).
	clk.add(75 * time.Second)
	got := allowedIn(t, s, ratelimit.SlidingWindow, "10/minute", 0, 10)
	if got != 3 {
		t.Fatalf("allowed %d at 25%% into the next window, want 3", got)
	}
	r := take(t, s, ratelimit.SlidingWindow, "10/minute", 0)
	if r.Allowed || r.RetryAfter <= 0 || r.RetryAfter > 45*time.Second {
		t.Fatalf("blocked result = %+v, want a retry within the window", r)
	}
	// Two windows later nothing remains.
	clk.add(2 * time.Minute)
	if got := allowedIn(t, s, ratelimit.SlidingWindow, "10/minute", 0, 12); got != 10 {
		t.Fatalf("allowed %d after two idle windows, want 10", got)
	}
}

func TestMovingWindowIsExact(t *testing.T) {
	s, clk := newStore()
	for range 3 { // at 0s, 20s, 40s
		if !take(t, s, ratelimit.MovingWindow, "3/minute", 0).Allowed {
			t.Fatal("blocked under the limit")
		}
		clk.add(20 * time.Second)
	}
	// At 60s the request from 0s has just left the window (0, 60].
	if r := take(t, s, ratelimit.MovingWindow, "3/minute", 0); !r.Allowed || r.Remaining != 0 {
		t.Fatalf("at 60s = %+v, want allowed with 0 remaining", r)
	}
	clk.add(time.Second)
	r := take(t, s, ratelimit.MovingWindow, "3/minute", 0)
	if r.Allowed || r.RetryAfter != 19*time.Second || !r.Reset.Equal(t0.Add(80*time.Second)) {
		t.Fatalf("at 61s = %+v, want blocked until the 20s request leaves (retry 19s)", r)
	}
}

func TestTokenBucketBurstAndRefill(t *testing.T) {
	s, clk := newStore()
	// 60/minute refills one per second and holds 60+10.
	if got := allowedIn(t, s, ratelimit.TokenBucket, "60/minute", 10, 100); got != 70 {
		t.Fatalf("burst allowed %d, want 70", got)
	}
	r := take(t, s, ratelimit.TokenBucket, "60/minute", 10)
	if r.Allowed || r.RetryAfter != time.Second {
		t.Fatalf("empty bucket = %+v, want retry 1s", r)
	}
	clk.add(5 * time.Second)
	if got := allowedIn(t, s, ratelimit.TokenBucket, "60/minute", 10, 10); got != 5 {
		t.Fatalf("after 5s allowed %d, want 5", got)
	}
	clk.add(time.Hour)
	first := take(t, s, ratelimit.TokenBucket, "60/minute", 10)
	if !first.Allowed || first.Remaining != 69 {
		t.Fatalf("full bucket = %+v, want 69 remaining", first)
	}
}

func TestSeveralRatesAreAtomic(t *testing.T) {
	s, clk := newStore()
	// 2/second and 3/minute: the third request in the first second is
	// blocked by the per-second rate, and must not use per-minute quota.
	limit := "2/second;3/minute"
	if got := allowedIn(t, s, ratelimit.FixedWindow, limit, 0, 3); got != 2 {
		t.Fatalf("allowed %d in the first second, want 2", got)
	}
	clk.add(time.Second)
	r := take(t, s, ratelimit.FixedWindow, limit, 0)
	if !r.Allowed || r.Remaining != 0 || r.Limit != 3 {
		t.Fatalf("third allowed request = %+v, want the per-minute rate binding with 0 left", r)
	}
	clk.add(time.Second)
	r = take(t, s, ratelimit.FixedWindow, limit, 0)
	if r.Allowed || r.Limit != 3 || r.RetryAfter != 58*time.Second {
		t.Fatalf("fourth = %+v, want blocked by 3/minute for 58s", r)
	}
}

func TestClientsAndScopesAreSeparate(t *testing.T) {
	s, _ := newStore()
	ctx := context.Background()
	rates := []ratelimit.Rate{{Amount: 1, Period: time.Minute}}
	keys := []ratelimit.Key{
		{Scope: "GET:/a", IP: netip.MustParseAddr("192.0.2.1")},
		{Scope: "GET:/a", IP: netip.MustParseAddr("192.0.2.2")},
		{Scope: "GET:/a/{id}", IP: netip.MustParseAddr("192.0.2.1")},
		{Scope: "GET:/a", Client: "alice"},
		{Scope: "GET:/a", Tier: "pro", Client: "alice"},
	}
	for _, k := range keys {
		if r, _ := s.Take(ctx, k, ratelimit.FixedWindow, rates, 0); !r.Allowed {
			t.Fatalf("%v shares a counter with another key", k)
		}
	}
	if err := s.Reset(ctx, "GET:/a"); err != nil {
		t.Fatal(err)
	}
	if r, _ := s.Take(ctx, keys[0], ratelimit.FixedWindow, rates, 0); !r.Allowed {
		t.Fatal("reset of GET:/a did not clear its counters")
	}
	if r, _ := s.Take(ctx, keys[2], ratelimit.FixedWindow, rates, 0); r.Allowed {
		t.Fatal("reset of GET:/a also cleared GET:/a/{id}")
	}
}

func TestMemoryIsBoundedAndForgets(t *testing.T) {
	c := &fakeNow{t: t0}
	s := memlimit.New(memlimit.WithClock(c.now), memlimit.WithMaxKeys(6400))
	ctx := context.Background()
	rates := []ratelimit.Rate{{Amount: 5, Period: time.Minute}}
	for i := range 20000 {
		k := ratelimit.Key{Scope: "s", Client: fmt.Sprint(i)}
		if _, err := s.Take(ctx, k, ratelimit.FixedWindow, rates, 0); err != nil {
			t.Fatal(err)
		}
	}
	if n := s.Len(); n > 6400 {
		t.Fatalf("%d counters kept, bound is 6400", n)
	}
	if s.Evicted() == 0 {
		t.Fatal("no evictions counted")
	}
	c.add(2 * time.Minute)
	evicted := s.Evicted()
	for i := range 3000 { // full shards sweep their expired counters first
		s.Take(ctx, ratelimit.Key{Scope: "t", Client: fmt.Sprint(i)}, ratelimit.FixedWindow, rates, 0)
	}
	if n := s.Len(); n > 3000 {
		t.Fatalf("%d counters kept after the old ones expired, want only the 3000 new", n)
	}
	// Until a shard's next sweep, a full shard drops the first expired
	// counter among the few it looks at. That is a strong preference, not
	// a promise: without it 6 to 31 live counters went in 200 runs of this
	// test; with it, none in thousands.
	if live := s.Evicted() - evicted; live > 2 {
		t.Fatalf("%d live counters were evicted although expired ones could go", live)
	}
}
