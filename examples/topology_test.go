package examples_test

// Redis Cluster and Sentinel with real processes: two demo processes on
// each topology, a master killed under load. No request may fail with a
// 5xx, state and rate-limit counters stay shared, and both processes
// converge once the topology has failed over.

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/waygate-go/waygate/core/backend"
	"github.com/waygate-go/waygate/core/backend/redisbackend"
	"github.com/waygate-go/waygate/core/waygatetest"
)

// recoveryTimeout bounds how long the demos may take to be in step again
// after a failover: the topology's own failover (2 to 4 s) plus the
// engines' back-off, on a loaded machine.
const recoveryTimeout = 45 * time.Second

func TestRedisClusterFailoverUnderLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("runs demo processes and a Redis Cluster")
	}
	c := waygatetest.StartRedisCluster(t, 3, 1)
	// The master that holds the engines' state and change stream is the
	// one whose loss matters most.
	cc := redis.NewClusterClient(&redis.ClusterOptions{Addrs: c.Masters()})
	t.Cleanup(func() { cc.Close() })
	owner, err := cc.MasterForKey(context.Background(), "waygate:{state}:version")
	if err != nil {
		t.Fatal(err)
	}
	// A single-node URL naming a node of the cluster is refused at start,
	// with the form to write instead.
	p := launch(t, "nethttp", nil, "WAYGATE_BACKEND=redis://"+c.Addrs[0]+"/0")
	select {
	case <-p.done:
	case <-time.After(30 * time.Second):
		t.Fatalf("the demo started on one node of a Redis Cluster\n%s", p.logs.String())
	}
	if out := p.logs.String(); p.cmd.ProcessState.ExitCode() == 0 || !strings.Contains(out, "redis+cluster://"+c.Addrs[0]) || strings.Contains(out, "panic:") {
		t.Fatalf("exit %d, output:\n%s\nwant a non-zero exit naming the redis+cluster:// form", p.cmd.ProcessState.ExitCode(), out)
	}

	failoverUnderLoad(t, c.URL, func() {
		c.KillMaster(owner.Options().Addr)
		c.WaitForFailover(t)
	})
}

// With Redis down a demo serves at once, on the state its code declares,
// says it is not in step, and writes that state to Redis once it is back.
func TestDemoStartsWithoutRedis(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a demo process and redis-server")
	}
	srv := waygatetest.StartRedis(t)
	srv.Stop()
	p := launch(t, "gin", nil, "WAYGATE_BACKEND="+srv.URL, "WAYGATE_ADMIN_PASSWORD=pw")
	launched := time.Now()
	p.healthy(t)
	t.Logf("healthy %v after launch with Redis down", time.Since(launched).Round(time.Millisecond))
	if code := status(p.base + "/payments"); code != http.StatusServiceUnavailable {
		t.Fatalf("GET /payments with Redis down: %d, want 503 (maintenance declared in code)", code)
	}
	api := login(t, p.base, "admin", "pw")
	var h struct {
		Status string
		Synced bool
	}
	if code, body := api.do("GET", "/api/health", nil); code != http.StatusOK || json.Unmarshal(body, &h) != nil || h.Synced || h.Status != "degraded" {
		t.Fatalf("health with Redis down: %d %s, want degraded and not synced", code, body)
	}

	srv.Restart()
	waitUntil(t, "the declared state written to Redis", func() bool {
		b, err := redisbackend.Open(srv.URL)
		if err != nil {
			return false
		}
		defer b.Close()
		snap, err := b.Load(context.Background())
		return err == nil && strings.Contains(string(snap[backend.KindRoute]["GET:/payments"]), `"maintenance"`)
	})
	waitUntil(t, "synced once Redis is back", func() bool {
		code, body := api.do("GET", "/api/health", nil)
		return code == http.StatusOK && json.Unmarshal(body, &h) == nil && h.Synced && h.Status == "ok"
	})
	// One warning per back-off step, and none of go-redis's per-dial lines.
	out := p.logs.String()
	steps := strings.Count(out, "retry_in=")
	if steps == 0 || strings.Contains(out, "failed to dial") {
		t.Fatalf("log with Redis down:\n%s\nwant one line per back-off step and no go-redis dial lines", out)
	}
	t.Logf("%d back-off lines while Redis was down", steps)
}

func TestRedisSentinelFailoverUnderLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("runs demo processes and a Redis Sentinel setup")
	}
	s := waygatetest.StartRedisSentinel(t, 1)
	failoverUnderLoad(t, s.URL, func() {
		s.WaitForFailover(t, s.KillMaster())
	})
}

// failoverUnderLoad runs two demos on the Redis that url names, checks
// that they share state and counters, kills a master (kill returns once
// the topology has failed over) while both serve load, and checks again.
func failoverUnderLoad(t *testing.T, url string, kill func()) {
	t.Helper()
	a := start(t, "nethttp", "WAYGATE_BACKEND="+url, "WAYGATE_ADMIN_PASSWORD=pw")
	b := start(t, "gin", "WAYGATE_BACKEND="+url, "WAYGATE_ADMIN_PASSWORD=pw")
	apiA, apiB := login(t, a, "admin", "pw"), login(t, b, "admin", "pw")
	item := "/api/routes/" + routeSeg("GET:/orders/{id}")

	// Before: a change through A reaches B; the counters are one.
	adminCall(t, apiA, "POST", item+"/disable", map[string]string{"reason": "before the failover"})
	waitAnswer(t, b+"/orders/7", http.StatusServiceUnavailable)
	adminCall(t, apiA, "POST", item+"/enable", nil)
	waitAnswer(t, b+"/orders/7", http.StatusOK)
	sharedCounters(t, apiA, a, b)

	loads := []*load{startLoad(a, steady...), startLoad(b, steady...)}
	servedMore(t, loads, 30)
	start := time.Now()
	kill()
	t.Logf("failed over in %v", time.Since(start).Round(time.Millisecond))
	servedMore(t, loads, 30)

	// After: a change through B reaches A, the counters are one again and
	// both say they are in step.
	adminCall(t, apiB, "POST", item+"/disable", map[string]string{"reason": "after the failover"})
	for _, base := range []string{a, b} {
		waitAnswer(t, base+"/orders/7", http.StatusServiceUnavailable)
	}
	t.Logf("in step again %v after the kill", time.Since(start).Round(time.Millisecond))
	sharedCounters(t, apiB, b, a)
	for _, api := range []*apiClient{apiA, apiB} {
		waitUntil(t, "synced in "+api.base+"/api/health", func() bool {
			var h struct{ Synced bool }
			code, body := api.do("GET", "/api/health", nil)
			return code == http.StatusOK && json.Unmarshal(body, &h) == nil && h.Synced
		})
	}
	for _, l := range loads {
		l.stop(t) // every request of the load answered 200
	}
}

// servedMore waits until every load has served n more requests.
func servedMore(t *testing.T, loads []*load, n int64) {
	t.Helper()
	from := make([]int64, len(loads))
	for i, l := range loads {
		from[i] = l.served.Load()
	}
	waitUntil(t, "load on every process", func() bool {
		for i, l := range loads {
			if l.served.Load() < from[i]+n {
				return false
			}
		}
		return true
	})
}

// sharedCounters resets /posts' counters (5 a minute per client) and
// spends them alternately on two processes: five requests in all are
// allowed, then both refuse.
func sharedCounters(t *testing.T, api *apiClient, first, second string) {
	t.Helper()
	adminCall(t, api, "DELETE", "/api/rate-limits/"+routeSeg("GET:/posts")+"/reset", nil)
	for i := range 5 {
		base := []string{first, second}[i%2]
		if code := status(base + "/posts"); code != http.StatusOK {
			t.Fatalf("GET %s/posts #%d after a reset: %d, want 200", base, i+1, code)
		}
	}
	for _, base := range []string{first, second} {
		if code := status(base + "/posts"); code != http.StatusTooManyRequests {
			t.Fatalf("GET %s/posts after five requests on two processes: %d, want 429 (counters not shared)", base, code)
		}
	}
}

// adminCall makes an admin API call, retrying while the backend is
// unavailable (503 during a failover), and fails the test on any other
// answer than 200.
func adminCall(t *testing.T, api *apiClient, method, path string, body any) {
	t.Helper()
	var code int
	var out []byte
	waitUntil(t, method+" "+path, func() bool {
		code, out = api.do(method, path, body)
		return code != http.StatusServiceUnavailable
	})
	if code != http.StatusOK {
		t.Fatalf("%s %s: %d %s", method, path, code, out)
	}
}

// waitAnswer polls url until it answers want.
func waitAnswer(t *testing.T, url string, want int) {
	t.Helper()
	waitUntil(t, url+" to answer "+http.StatusText(want), func() bool { return status(url) == want })
}

// waitUntil polls cond until it holds, for up to recoveryTimeout.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(recoveryTimeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", recoveryTimeout, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
