package waygatetest_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/waygate-go/waygate/core/backend/redisbackend"
	"github.com/waygate-go/waygate/core/waygatetest"
)

// recoverTimeout bounds how long a client may take to find the new master
// once the servers agree on it.
const recoverTimeout = 30 * time.Second

func TestRedisClusterFailover(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := waygatetest.StartRedisCluster(t, 3, 1)

	masters := c.Masters()
	if len(c.Addrs) != 6 || len(masters) != 3 {
		t.Fatalf("%d nodes and masters %v, want 6 nodes and 3 masters", len(c.Addrs), masters)
	}
	if want := "redis+cluster://" + strings.Join(masters, ","); c.URL != want {
		t.Fatalf("URL = %q, want %q", c.URL, want)
	}
	pingURL(t, c.URL)

	// go-redis reloads the slot map every 60 s by default, and not when a
	// node is gone: Waygate's URLs default to 2 s, and so does this client.
	cc := redis.NewClusterClient(&redis.ClusterOptions{Addrs: masters, ClusterStateReloadInterval: redisbackend.DefaultClusterReloadInterval})
	t.Cleanup(func() { cc.Close() })
	const key = "waygate:failover"
	owner, err := cc.MasterForKey(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	addr := owner.Options().Addr
	writeAcked(t, owner, key, "before")

	start := time.Now()
	c.KillMaster(addr)
	c.WaitForFailover(t)
	t.Logf("cluster: %s failed over in %v", addr, time.Since(start).Round(time.Millisecond))
	if after := c.Masters(); len(after) != 3 || slices.Contains(after, addr) {
		t.Fatalf("masters after the failover = %v, want 3 without %s", after, addr)
	}
	readEventually(t, "cluster client", cc, key, "before")
	if err := cc.Set(ctx, key, "after", 0).Err(); err != nil {
		t.Fatalf("write after the failover: %v", err)
	}
	if got, err := cc.Get(ctx, key).Result(); err != nil || got != "after" {
		t.Fatalf("read after the failover = %q, %v; want %q", got, err, "after")
	}

	start = time.Now()
	c.RestartNode(addr)
	t.Logf("cluster: %s rejoined in %v", addr, time.Since(start).Round(time.Millisecond))
	if after := c.Masters(); len(after) != 3 || slices.Contains(after, addr) {
		t.Fatalf("masters after the restart = %v, want 3 without %s (it rejoins as a replica)", after, addr)
	}
}

func TestRedisSentinelFailover(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := waygatetest.StartRedisSentinel(t, 1)

	if s.MasterName != "waygate" || len(s.SentinelAddrs) != 3 {
		t.Fatalf("master name %q and Sentinels %v, want \"waygate\" and 3", s.MasterName, s.SentinelAddrs)
	}
	if want := "redis+sentinel://waygate@" + strings.Join(s.SentinelAddrs, ",") + "/0"; s.URL != want {
		t.Fatalf("URL = %q, want %q", s.URL, want)
	}
	pingURL(t, s.URL)

	fc := redis.NewFailoverClient(&redis.FailoverOptions{MasterName: s.MasterName, SentinelAddrs: s.SentinelAddrs})
	t.Cleanup(func() { fc.Close() })
	const key = "waygate:failover"
	writeAcked(t, fc, key, "before")

	old := s.Master()
	start := time.Now()
	if killed := s.KillMaster(); killed != old {
		t.Fatalf("KillMaster killed %s, want the master %s", killed, old)
	}
	master := s.WaitForFailover(t, old)
	t.Logf("sentinel: %s failed over to %s in %v", old, master, time.Since(start).Round(time.Millisecond))
	if master == old || s.Master() != master {
		t.Fatalf("after the failover the master is %s (Master() = %s), want a new one, not %s", master, s.Master(), old)
	}
	readEventually(t, "failover client", fc, key, "before")
	if err := fc.Set(ctx, key, "after", 0).Err(); err != nil {
		t.Fatalf("write after the failover: %v", err)
	}
	if got, err := fc.Get(ctx, key).Result(); err != nil || got != "after" {
		t.Fatalf("read after the failover = %q, %v; want %q", got, err, "after")
	}
}

// pingURL checks that Waygate's own backend takes the helper's URL and
// reaches Redis through it.
func pingURL(t *testing.T, url string) {
	t.Helper()
	b, err := redisbackend.Open(url)
	if err != nil {
		t.Fatalf("redisbackend.Open(%q): %v", url, err)
	}
	defer b.Close()
	if err := b.Client().Ping(context.Background()).Err(); err != nil {
		t.Fatalf("PING through %q: %v", url, err)
	}
}

// writeAcked writes key and waits until a replica has it too: replication
// is asynchronous, and a failover loses what the replica had not received.
// SET and WAIT go in one pipeline, over one connection, as WAIT requires.
func writeAcked(t *testing.T, c redis.Cmdable, key, value string) {
	t.Helper()
	ctx := context.Background()
	pipe := c.Pipeline()
	pipe.Set(ctx, key, value, 0)
	wait := pipe.Do(ctx, "WAIT", 1, 5000) // one replica, 5 s
	if _, err := pipe.Exec(ctx); err != nil {
		t.Fatalf("SET %s + WAIT: %v", key, err)
	}
	if acked, err := wait.Int64(); err != nil || acked != 1 {
		t.Fatalf("WAIT: %d replicas acknowledged the write (%v), want 1", acked, err)
	}
}

// readEventually reads key through c until the client has found the new
// master. A missing key fails at once: the replica had acknowledged it.
func readEventually(t *testing.T, name string, c redis.Cmdable, key, want string) {
	t.Helper()
	start := time.Now()
	deadline := start.Add(recoverTimeout)
	for {
		got, err := c.Get(context.Background(), key).Result()
		switch {
		case err == nil && got == want:
			t.Logf("%s: read %s back %v after the failover", name, key, time.Since(start).Round(time.Millisecond))
			return
		case err == nil:
			t.Fatalf("%s: GET %s = %q after the failover, want %q", name, key, got, want)
		case errors.Is(err, redis.Nil):
			t.Fatalf("%s: %s is gone after the failover, though a replica had acknowledged it", name, key)
		case time.Now().After(deadline):
			t.Fatalf("%s: GET %s still fails %v after the failover: %v", name, key, recoverTimeout, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
