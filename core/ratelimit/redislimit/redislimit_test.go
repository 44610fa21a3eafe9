package redislimit_test

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/waygate-go/waygate/core/backend"
	"github.com/waygate-go/waygate/core/clock"
	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/ratelimit"
	"github.com/waygate-go/waygate/core/ratelimit/memlimit"
	"github.com/waygate-go/waygate/core/ratelimit/redislimit"
	"github.com/waygate-go/waygate/core/route"
	"github.com/waygate-go/waygate/core/waygatetest"
)

func client(t testing.TB, url string) *redis.Client {
	t.Helper()
	opt, err := redis.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	opt.MaxRetries = -1 // fail fast when the server is gone
	opt.DialTimeout, opt.ReadTimeout, opt.WriteTimeout = 200*time.Millisecond, 200*time.Millisecond, 200*time.Millisecond
	c := redis.NewClient(opt)
	t.Cleanup(func() { c.Close() })
	return c
}

var ip = ratelimit.Key{Scope: "GET:/posts", IP: netip.MustParseAddr("192.0.2.1")}

func takeN(t *testing.T, s ratelimit.Store, k ratelimit.Key, alg ratelimit.Algorithm, limit string, burst int64, n int) (allowed int, last ratelimit.Result) {
	t.Helper()
	l, err := ratelimit.ParseLimit(limit)
	if err != nil {
		t.Fatal(err)
	}
	for range n {
		r, err := s.Take(context.Background(), k, alg, l.Rates, burst)
		if err != nil {
			t.Fatal(err)
		}
		if r.Allowed {
			allowed++
		}
		last = r
	}
	return allowed, last
}

func TestEveryAlgorithmOnRedis(t *testing.T) {
	srv := waygatetest.StartRedis(t)
	s := redislimit.New(client(t, srv.URL))
	for i, alg := range []ratelimit.Algorithm{ratelimit.FixedWindow, ratelimit.SlidingWindow, ratelimit.MovingWindow, ratelimit.TokenBucket} {
		k := ratelimit.Key{Scope: fmt.Sprintf("GET:/a%d", i), Client: "alice"}
		got, last := takeN(t, s, k, alg, "5/minute", 2, 12)
		if got != 7 {
			t.Errorf("%s: allowed %d of 12, want 5+2", alg, got)
		}
		if last.Allowed || last.Remaining != 0 || last.RetryAfter <= 0 || last.RetryAfter > time.Minute || last.Limit != 7 {
			t.Errorf("%s: blocked result = %+v", alg, last)
		}
	}
}

func TestFirstResultOnRedis(t *testing.T) {
	srv := waygatetest.StartRedis(t)
	s := redislimit.New(client(t, srv.URL))
	_, r := takeN(t, s, ip, ratelimit.FixedWindow, "10/minute", 0, 1)
	if !r.Allowed || r.Remaining != 9 || r.Limit != 10 || r.Period != time.Minute {
		t.Fatalf("first = %+v", r)
	}
	if until := time.Until(r.Reset); until < 55*time.Second || until > 61*time.Second {
		t.Fatalf("reset in %v, want about a minute", until)
	}
	c := client(t, srv.URL)
	keys, _ := c.Keys(context.Background(), "waygate:rl:*").Result()
	if len(keys) != 1 || !strings.HasPrefix(keys[0], "waygate:rl:{192.0.2.1|GET:/posts|}") {
		t.Fatalf("keys = %v", keys)
	}
	if ttl, _ := c.PTTL(context.Background(), keys[0]).Result(); ttl <= 0 || ttl > time.Minute {
		t.Fatalf("counter TTL = %v, want it to expire with the window", ttl)
	}
}

// A counter left without an expiry (a process died between INCR and
// PEXPIRE) is given one by the next request, which opens a window.
func TestFixedWindowCounterWithoutExpiryIsRepaired(t *testing.T) {
	srv := waygatetest.StartRedis(t)
	c := client(t, srv.URL)
	ctx := context.Background()
	key := "waygate:rl:{192.0.2.1|GET:/posts|}:0"
	if err := c.Set(ctx, key, 4, 0).Err(); err != nil {
		t.Fatal(err)
	}
	_, r := takeN(t, redislimit.New(c), ip, ratelimit.FixedWindow, "10/minute", 0, 1)
	if !r.Allowed || r.Remaining != 5 {
		t.Fatalf("result = %+v, want allowed with 5 remaining (count 5)", r)
	}
	if until := time.Until(r.Reset); until < 55*time.Second || until > 61*time.Second {
		t.Fatalf("reset in %v, want about a minute", until)
	}
	if ttl, _ := c.PTTL(ctx, key).Result(); ttl <= 55*time.Second || ttl > time.Minute {
		t.Fatalf("counter TTL = %v after the repair, want about a minute", ttl)
	}
}

// Redis times the window; the store places the reset on its clock, so an
// engine on a fake clock computes Retry-After and reset headers from the
// same time it runs on.
func TestResetIsPlacedOnTheStoresClock(t *testing.T) {
	srv := waygatetest.StartRedis(t)
	t0 := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	s := redislimit.New(client(t, srv.URL), redislimit.WithClock(clock.NewFake(t0)))
	for _, tc := range []struct {
		alg   ratelimit.Algorithm
		limit string
	}{
		{ratelimit.FixedWindow, "10/minute"},   // INCR and PTTL
		{ratelimit.SlidingWindow, "10/minute"}, // the script
	} {
		k := ratelimit.Key{Scope: "GET:/clock", Client: string(tc.alg)}
		_, r := takeN(t, s, k, tc.alg, tc.limit, 0, 1)
		if until := r.Reset.Sub(t0); until <= 0 || until > time.Minute {
			t.Errorf("%s: reset %v, want within a minute of the store's clock (%v)", tc.alg, r.Reset, t0)
		}
	}
}

func TestSeveralRatesAtomicOnRedis(t *testing.T) {
	srv := waygatetest.StartRedis(t)
	s := redislimit.New(client(t, srv.URL))
	got, last := takeN(t, s, ip, ratelimit.FixedWindow, "2/hour;3/day", 0, 5)
	if got != 2 || last.Allowed || last.Limit != 2 {
		t.Fatalf("allowed %d, last %+v; want 2 and blocked by 2/hour", got, last)
	}
	// The blocked requests did not use the daily quota: 1 left of 3.
	l, _ := ratelimit.ParseLimit("3/day")
	r, _ := s.Take(context.Background(), ip, ratelimit.FixedWindow, l.Rates, 0)
	if !r.Allowed || r.Remaining != 0 {
		t.Fatalf("daily rate alone = %+v, want the 3rd allowed", r)
	}
}

func TestResetIsExactOnRedis(t *testing.T) {
	srv := waygatetest.StartRedis(t)
	s := redislimit.New(client(t, srv.URL))
	a := ratelimit.Key{Scope: "GET:/items", Client: "u"}
	b := ratelimit.Key{Scope: "GET:/items/{id}", Client: "u"}
	c := ratelimit.Key{Scope: "POST:/items", Client: "u|GET:/items"} // a client that looks like a scope
	for _, k := range []ratelimit.Key{a, b, c} {
		takeN(t, s, k, ratelimit.MovingWindow, "1/minute", 0, 1)
	}
	if err := s.Reset(context.Background(), "GET:/items"); err != nil {
		t.Fatal(err)
	}
	if got, _ := takeN(t, s, a, ratelimit.MovingWindow, "1/minute", 0, 1); got != 1 {
		t.Error("reset did not clear GET:/items")
	}
	for _, k := range []ratelimit.Key{b, c} {
		if got, _ := takeN(t, s, k, ratelimit.MovingWindow, "1/minute", 0, 1); got != 0 {
			t.Errorf("reset of GET:/items also cleared %v", k)
		}
	}
}

// TestEngineFailsOpenWhenRedisDies: requests pass while Redis is down (the
// failures are counted) and counting resumes when it is back.
func TestEngineFailsOpenWhenRedisDies(t *testing.T) {
	srv := waygatetest.StartRedis(t)
	ctx := context.Background()
	e, err := engine.New(ctx, engine.WithBackend(backend.NewMemory()), engine.WithRateLimitStore(redislimit.New(client(t, srv.URL))))
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	d, _ := route.Declare(route.RateLimit("2/minute"))
	if err := e.Register(ctx, engine.Registration{Method: "GET", Template: "/x", Declaration: d}); err != nil {
		t.Fatal(err)
	}
	req := &engine.Request{Method: "GET", Route: "/x", Path: "/x", RemoteAddr: "192.0.2.1:1"}
	outcomes := func(n int) (allowed, limited int) {
		for range n {
			switch e.Check(ctx, req).Outcome {
			case engine.Allow:
				allowed++
			case engine.BlockRateLimited:
				limited++
			default:
				t.Fatal("unexpected outcome")
			}
		}
		return
	}
	if a, l := outcomes(3); a != 2 || l != 1 {
		t.Fatalf("with Redis up: %d allowed, %d limited; want 2, 1", a, l)
	}
	srv.Stop()
	before := e.Stats().FailOpen
	if a, _ := outcomes(5); a != 5 {
		t.Fatalf("with Redis down: %d of 5 allowed, want all (fail open)", a)
	}
	if e.Stats().FailOpen < before+5 {
		t.Fatalf("fail-open count %d, want at least %d", e.Stats().FailOpen, before+5)
	}
	srv.Restart()
	// Poll until counting resumes. Each attempt counts a client of its
	// own: an attempt that began while the client still failed open has
	// counted only some of its requests, and must not leave the next one
	// a counter already past the limit.
	deadline := time.Now().Add(10 * time.Second)
	for i := 2; ; i++ {
		req.RemoteAddr = fmt.Sprintf("192.0.2.%d:1", i)
		a, l := outcomes(3)
		if a == 2 && l == 1 {
			break // counting resumed on the fresh server
		}
		if time.Now().After(deadline) {
			t.Fatalf("counting did not resume after Redis came back: %d allowed, %d limited", a, l)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestTwoProcessesShareOneCounter runs two engines in two separate
// processes against one Redis: 10/minute across both.
func TestTwoProcessesShareOneCounter(t *testing.T) {
	srv := waygatetest.StartRedis(t)
	run := func(n int) int {
		cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$")
		cmd.Env = append(os.Environ(), "WAYGATE_HELPER=1", "WAYGATE_HELPER_REDIS="+srv.URL, "WAYGATE_HELPER_N="+strconv.Itoa(n))
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("helper process: %v\n%s", err, out)
		}
		var allowed int
		for _, line := range strings.Split(string(out), "\n") {
			if v, ok := strings.CutPrefix(line, "allowed="); ok {
				allowed, _ = strconv.Atoi(v)
			}
		}
		return allowed
	}
	a := run(6)
	b := run(5)
	if a != 6 || b != 4 {
		t.Fatalf("process A allowed %d of 6, process B %d of 5; want 6 and 4 (the 11th request overall is 429)", a, b)
	}
}

// TestHelperProcess is the second process of TestTwoProcessesShareOneCounter.
func TestHelperProcess(t *testing.T) {
	if os.Getenv("WAYGATE_HELPER") != "1" {
		t.Skip("runs only as a helper process")
	}
	ctx := context.Background()
	opt, _ := redis.ParseURL(os.Getenv("WAYGATE_HELPER_REDIS"))
	c := redis.NewClient(opt)
	defer c.Close()
	e, err := engine.New(ctx, engine.WithBackend(backend.NewMemory()), engine.WithRateLimitStore(redislimit.New(c)))
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	d, _ := route.Declare(route.RateLimit("10/minute", ratelimit.By(ratelimit.KeyGlobal)))
	if err := e.Register(ctx, engine.Registration{Method: "GET", Template: "/shared", Declaration: d}); err != nil {
		t.Fatal(err)
	}
	n, _ := strconv.Atoi(os.Getenv("WAYGATE_HELPER_N"))
	allowed := 0
	for range n {
		if e.Check(ctx, &engine.Request{Method: "GET", Route: "/shared", Path: "/shared", RemoteAddr: "192.0.2.1:1"}).Allowed() {
			allowed++
		}
	}
	fmt.Printf("allowed=%d\n", allowed)
}

// The Redis script and the in-memory store implement the same algorithms:
// within one window they must agree on every request's verdict and
// remaining count, for one rate (the script's fast path) and several.
func TestRedisAgreesWithMemory(t *testing.T) {
	srv := waygatetest.StartRedis(t)
	rs := redislimit.New(client(t, srv.URL))
	ms := memlimit.New()
	ctx := context.Background()
	for _, alg := range []ratelimit.Algorithm{ratelimit.FixedWindow, ratelimit.SlidingWindow, ratelimit.MovingWindow, ratelimit.TokenBucket} {
		for _, limit := range []string{"5/hour", "5/hour;8/day", "3/day;6/hour"} {
			for _, burst := range []int64{0, 2} {
				l, err := ratelimit.ParseLimit(limit)
				if err != nil {
					t.Fatal(err)
				}
				k := ratelimit.Key{Scope: fmt.Sprintf("GET:/%s/%s/%d", alg, limit, burst), Client: "c"}
				for i := range 12 {
					want, _ := ms.Take(ctx, k, alg, l.Rates, burst)
					got, err := rs.Take(ctx, k, alg, l.Rates, burst)
					if err != nil {
						t.Fatal(err)
					}
					if got.Allowed != want.Allowed || got.Remaining != want.Remaining || got.Limit != want.Limit || got.Period != want.Period {
						t.Fatalf("%s %q burst %d, request %d: redis %+v, memory %+v", alg, limit, burst, i+1, got, want)
					}
					if !got.Allowed && (got.RetryAfter <= 0 || got.RetryAfter > 24*time.Hour) {
						t.Fatalf("%s %q request %d: blocked with retry %v", alg, limit, i+1, got.RetryAfter)
					}
					if d := got.Reset.Sub(want.Reset); d < -2*time.Second || d > 2*time.Second {
						t.Fatalf("%s %q request %d: redis resets at %v, memory at %v", alg, limit, i+1, got.Reset, want.Reset)
					}
				}
			}
		}
	}
}

// Raising a limit without restarting its counters (the engine restarts
// them; a Store does not) shows what a blocked request counted. Both stores
// agree: a single fixed window counted its blocked requests past the cap,
// so nothing more gets through this window; the other windows, and a fixed
// window under two rates, did not count them and free exactly the
// difference.
func TestWhatABlockedRequestCounts(t *testing.T) {
	srv := waygatetest.StartRedis(t)
	stores := map[string]ratelimit.Store{"redis": redislimit.New(client(t, srv.URL)), "memory": memlimit.New()}
	cases := []struct {
		alg           ratelimit.Algorithm
		before, after string
		more          int
	}{
		{ratelimit.FixedWindow, "3/hour", "5/hour", 0},
		{ratelimit.FixedWindow, "3/hour;100/day", "5/hour;100/day", 2},
		{ratelimit.SlidingWindow, "3/hour", "5/hour", 2},
		{ratelimit.MovingWindow, "3/hour", "5/hour", 2},
	}
	for name, s := range stores {
		for _, c := range cases {
			k := ratelimit.Key{Scope: "GET:/raise-" + string(c.alg) + c.before, Client: "c"}
			if got, last := takeN(t, s, k, c.alg, c.before, 0, 10); got != 3 || last.Allowed || last.Remaining != 0 || last.RetryAfter <= 0 {
				t.Fatalf("%s %s %q: allowed %d of 10, last %+v", name, c.alg, c.before, got, last)
			}
			if got, _ := takeN(t, s, k, c.alg, c.after, 0, 10); got != c.more {
				t.Fatalf("%s %s: after raising %q to %q allowed %d more, want %d", name, c.alg, c.before, c.after, got, c.more)
			}
		}
	}
}

// While Redis is down, checks fail at once (ErrUnavailable, no network
// call) after the first failure; once Redis is back, counting resumes
// within a cool-down.
func TestBreakerKeepsAnOutageOffTheRequestPath(t *testing.T) {
	srv := waygatetest.StartRedis(t)
	held := redislimit.New(client(t, srv.URL), redislimit.WithCooldown(time.Hour))              // stays open
	probing := redislimit.New(client(t, srv.URL), redislimit.WithCooldown(20*time.Millisecond)) // probes soon
	ctx := context.Background()
	rates, _ := ratelimit.ParseLimit("100/minute")
	take := func(s *redislimit.Store) error {
		_, err := s.Take(ctx, ip, ratelimit.FixedWindow, rates.Rates, 0)
		return err
	}
	for _, s := range []*redislimit.Store{held, probing} {
		if err := take(s); err != nil {
			t.Fatal(err)
		}
	}
	srv.Stop()
	for _, s := range []*redislimit.Store{held, probing} {
		if err := take(s); err == nil || errors.Is(err, redislimit.ErrUnavailable) {
			t.Fatalf("the first check after the outage: %v, want Redis's own error", err)
		}
	}
	for i := 0; i < 1000; i++ {
		if err := take(held); !errors.Is(err, redislimit.ErrUnavailable) {
			t.Fatalf("check %d while the breaker is open: %v, want ErrUnavailable without asking Redis", i, err)
		}
	}
	srv.Restart()
	deadline := time.Now().Add(10 * time.Second)
	for take(probing) != nil {
		if time.Now().After(deadline) {
			t.Fatal("counting did not resume after Redis came back")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := take(held); !errors.Is(err, redislimit.ErrUnavailable) {
		t.Fatalf("within its cool-down the breaker still answers: %v", err)
	}
}

// serverNow is the Redis server's clock, in microseconds.
func serverNow(t *testing.T, c *redis.Client) int64 {
	t.Helper()
	now, err := c.Time(context.Background()).Result()
	if err != nil {
		t.Fatal(err)
	}
	return now.UnixMicro()
}

// A token bucket's counter expires when the bucket is full again: its
// TAT, one interval per request counted ahead of now.
func TestTokenBucketCounterExpiresWhenFull(t *testing.T) {
	srv := waygatetest.StartRedis(t)
	c := client(t, srv.URL)
	s := redislimit.New(c)
	key := "waygate:rl:{192.0.2.1|GET:/posts|}:0"
	for _, tc := range []struct {
		requests int
		full     time.Duration // 10/minute: one interval is 6 s
	}{{1, 6 * time.Second}, {3, 18 * time.Second}} {
		if err := c.Del(context.Background(), key).Err(); err != nil {
			t.Fatal(err)
		}
		takeN(t, s, ip, ratelimit.TokenBucket, "10/minute", 0, tc.requests)
		ttl, err := c.PTTL(context.Background(), key).Result()
		if err != nil {
			t.Fatal(err)
		}
		if ttl <= tc.full-time.Second || ttl > tc.full {
			t.Errorf("after %d requests the counter expires in %v, want just under %v", tc.requests, ttl, tc.full)
		}
	}
}

// A sliding window's counter expires at the end of the next window, when
// its count no longer weighs on any: the window's first request sets the
// expiry, the others keep it.
func TestSlidingWindowCounterExpiresAfterTheNextWindow(t *testing.T) {
	srv := waygatetest.StartRedis(t)
	c := client(t, srv.URL)
	s := redislimit.New(c)
	key := "waygate:rl:{192.0.2.1|GET:/posts|}:0"
	period := time.Hour.Microseconds()
	for {
		before := serverNow(t, c)
		takeN(t, s, ip, ratelimit.SlidingWindow, "10/hour", 0, 1)
		first, _ := c.PTTL(context.Background(), key).Result()
		time.Sleep(20 * time.Millisecond)
		takeN(t, s, ip, ratelimit.SlidingWindow, "10/hour", 0, 1)
		second, _ := c.PTTL(context.Background(), key).Result()
		after := serverNow(t, c)
		if before/period != after/period {
			continue // an hour began meanwhile: try again in the new one
		}
		end := (before/period + 2) * period // the end of the next window
		if want := time.Duration(end-before) * time.Microsecond; first > want || first < want-time.Second {
			t.Fatalf("after the window's first request the counter expires in %v, want about %v", first, want)
		}
		if second > first-20*time.Millisecond || second < first-time.Second {
			t.Fatalf("after the second request the counter expires in %v, want the first request's expiry (%v then, 20 ms before)", second, first)
		}
		return
	}
}

// A counter another algorithm left (the policy changed without a reset)
// reads as an empty one, not as an error.
func TestACounterInAnotherFormatReadsAsEmpty(t *testing.T) {
	srv := waygatetest.StartRedis(t)
	c := client(t, srv.URL)
	s := redislimit.New(c)
	key := "waygate:rl:{192.0.2.1|GET:/posts|}:0"
	for _, tc := range []struct {
		alg   ratelimit.Algorithm
		value string
	}{
		{ratelimit.TokenBucket, "480000 3 7"},         // a sliding window's counts
		{ratelimit.SlidingWindow, "1734567890123456"}, // a token bucket's TAT
		{ratelimit.SlidingWindow, "garbage"},
	} {
		if err := c.Set(context.Background(), key, tc.value, time.Minute).Err(); err != nil {
			t.Fatal(err)
		}
		if _, r := takeN(t, s, ip, tc.alg, "10/minute", 0, 1); !r.Allowed || r.Remaining != 9 {
			t.Errorf("%s over %q: %+v, want allowed with 9 remaining", tc.alg, tc.value, r)
		}
	}
}

// The sliding window's counts come back exact however large they are
// (the script packs them into one integer only while that is exact), and
// the previous window weighs by the part of it still inside the window.
func TestSlidingWindowWeighsThePreviousWindow(t *testing.T) {
	srv := waygatetest.StartRedis(t)
	c := client(t, srv.URL)
	t0 := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	s := redislimit.New(c, redislimit.WithClock(clock.NewFake(t0)))
	key := "waygate:rl:{192.0.2.1|GET:/posts|}:0"
	period := 24 * time.Hour.Microseconds()
	for _, tc := range []struct {
		limit string
		// The stored counts: "window count previous_count", the window
		// today's (0) or yesterday's (-1).
		window, count, previous int64
	}{
		{"1000000/day", 0, 0, 0},
		{"1000000/day", 0, 200_000, 0}, // 200,000 days in µs is past 2^53
		{"1000000/day", 0, 3, 500_000},
		{"1000000/day", -1, 500_000, 7}, // yesterday's count weighs, the day before's not
		{"1000000/day", 0, 999_999, 0},  // the last one
		{"10/day", -1, 10, 0},           // blocked, or allowed late in the day
	} {
		idx := serverNow(t, c) / period
		state := fmt.Sprintf("%d %d %d", idx+tc.window, tc.count, tc.previous)
		if err := c.Set(context.Background(), key, state, time.Hour).Err(); err != nil {
			t.Fatal(err)
		}
		l, _ := ratelimit.ParseLimit(tc.limit)
		r, err := s.Take(context.Background(), ip, ratelimit.SlidingWindow, l.Rates, 0)
		if err != nil {
			t.Fatal(err)
		}
		if serverNow(t, c)/period != idx {
			t.Skip("a day began during the test")
		}
		elapsed := period - r.Reset.Sub(t0).Microseconds()
		if elapsed < 0 || elapsed >= period {
			t.Fatalf("%q over %q: reset %v is not within the day", tc.limit, state, r.Reset.Sub(t0))
		}
		curr, prev := tc.count, tc.previous
		if tc.window < 0 {
			curr, prev = 0, tc.count
		}
		capacity := l.Rates[0].Amount
		used := int64(float64(float64(prev)*(1-float64(elapsed)/float64(period))) + float64(curr))
		if used+1 <= capacity {
			if !r.Allowed || r.Remaining != capacity-used-1 {
				t.Errorf("%q over %q, %d µs into the day: %+v, want allowed with %d remaining", tc.limit, state, elapsed, r, capacity-used-1)
			}
			continue
		}
		// One more fits once the previous window weighs capacity-1-curr.
		retry := int64((1-float64(capacity-1-curr)/float64(prev))*float64(period)) - elapsed + 1
		if r.Allowed || r.RetryAfter != time.Duration(max(retry, 1))*time.Microsecond {
			t.Errorf("%q over %q, %d µs into the day: %+v, want blocked for %d µs", tc.limit, state, elapsed, r, max(retry, 1))
		}
	}
}

// A server that lost its scripts (a restart, SCRIPT FLUSH) gets the
// script again on the next check, whichever path it takes.
func TestScriptIsLoadedAgainAfterAFlush(t *testing.T) {
	srv := waygatetest.StartRedis(t)
	c := client(t, srv.URL)
	s := redislimit.New(c)
	for i, alg := range []ratelimit.Algorithm{ratelimit.TokenBucket, ratelimit.SlidingWindow, ratelimit.MovingWindow} {
		for _, limit := range []string{"5/minute", "5/minute;10/hour"} {
			if err := c.ScriptFlush(context.Background()).Err(); err != nil {
				t.Fatal(err)
			}
			k := ratelimit.Key{Scope: fmt.Sprintf("GET:/flush%d", i), Client: limit}
			if got, _ := takeN(t, s, k, alg, limit, 0, 2); got != 2 {
				t.Errorf("%s %q after SCRIPT FLUSH: %d of 2 allowed", alg, limit, got)
			}
		}
	}
}

// On a Redis Cluster every check is one command on the node that owns its
// keys: the keys of a counter share a hash tag.
func TestEveryAlgorithmOnRedisCluster(t *testing.T) {
	cluster := waygatetest.StartRedisCluster(t, 3, 0)
	cc := redis.NewClusterClient(&redis.ClusterOptions{Addrs: cluster.Masters()})
	t.Cleanup(func() { cc.Close() })
	s := redislimit.New(cc)
	for i, alg := range []ratelimit.Algorithm{ratelimit.FixedWindow, ratelimit.SlidingWindow, ratelimit.MovingWindow, ratelimit.TokenBucket} {
		for _, limit := range []string{"5/minute", "5/minute;100/hour"} {
			// Clients spread over the slots, and so over the nodes.
			for _, client := range []string{"alice", "bob", "carol"} {
				k := ratelimit.Key{Scope: fmt.Sprintf("GET:/c%d", i), Client: client + limit}
				got, last := takeN(t, s, k, alg, limit, 2, 10)
				if got != 7 || last.Allowed || last.Limit != 7 || last.RetryAfter <= 0 {
					t.Errorf("%s %q for %s: allowed %d of 10, last %+v; want 5+2 and blocked", alg, limit, client, got, last)
				}
			}
		}
	}
	if err := s.Reset(context.Background(), "GET:/c0"); err != nil {
		t.Fatal(err)
	}
	if got, _ := takeN(t, s, ratelimit.Key{Scope: "GET:/c0", Client: "alice5/minute"}, ratelimit.FixedWindow, "5/minute", 2, 1); got != 1 {
		t.Error("reset on the cluster did not clear GET:/c0")
	}
}
