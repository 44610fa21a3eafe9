package waygatetest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"
)

// sentinelQuorum is how many of the three Sentinels must agree that the
// master is down before one of them fails it over.
const sentinelQuorum = 2

// sentinelConf is a Sentinel's configuration; Sentinel rewrites the file
// as it learns, so each has its own, writable. A master silent for 1 s is
// down; a failover attempt that stalls is retried after 2 × 3 s, the
// longest a failover can take when the first election splits the votes.
const sentinelConf = `port %d
bind 127.0.0.1
dir %s
sentinel monitor %s 127.0.0.1 %d %d
sentinel down-after-milliseconds %[3]s 1000
sentinel failover-timeout %[3]s 3000
sentinel parallel-syncs %[3]s 1
`

// RedisSentinel is a master, its replicas and three Sentinels monitoring
// them, all real redis-server processes on 127.0.0.1, started for a test
// and stopped when it ends.
type RedisSentinel struct {
	// URL names the master and the Sentinels in Waygate's form:
	// "redis+sentinel://waygate@127.0.0.1:s1,127.0.0.1:s2,127.0.0.1:s3/0".
	URL string
	// MasterName is the name the Sentinels monitor the master by: "waygate".
	MasterName string
	// SentinelAddrs are the Sentinels' addresses.
	SentinelAddrs []string

	t         testing.TB
	dir       string
	servers   []*redisProcess // the first master, then its replicas; failovers move the roles
	sentinels []*redisProcess
	clients   []*redis.SentinelClient // one per Sentinel
}

// StartRedisSentinel starts a master with replicas replicas and three
// Sentinels monitoring it as "waygate" (quorum 2), and returns once every
// Sentinel knows the master, every replica in sync and the other
// Sentinels, so that a failover can happen. It stops them all and removes
// their files when the test ends. Without redis-server the test is skipped
// with a loud message — or fails when WAYGATE_REQUIRE_REDIS=1, as in CI.
func StartRedisSentinel(t testing.TB, replicas int) *RedisSentinel {
	t.Helper()
	if replicas < 0 {
		t.Fatalf("StartRedisSentinel(%d): want 0 replicas or more (1 or more for a failover)", replicas)
	}
	// redis-server runs a Sentinel too (--sentinel): one binary to install.
	bin := needRedisBinary(t, "redis-server", "this test needs Redis Sentinel: install redis-server (apt-get install redis-server)")
	dir, err := os.MkdirTemp("", "wgsentinel")
	if err != nil {
		t.Fatal(err)
	}
	s := &RedisSentinel{MasterName: "waygate", t: t, dir: dir}
	t.Cleanup(func() {
		s.Stop()
		os.RemoveAll(dir)
	})

	master := startOnFreePort(t, bin, false, s.newServer(0))
	s.servers = append(s.servers, master)
	for range replicas {
		s.servers = append(s.servers, startOnFreePort(t, bin, false, s.newServer(master.port)))
	}
	// A Sentinel learns the replicas from the master's INFO, at once and
	// then every 10 s: start the Sentinels once the replicas are linked.
	pollUntil(t, "replicas syncing with the master", func(ctx context.Context) error {
		return s.replicationUp(ctx, replicas)
	})

	for range 3 {
		p := startOnFreePort(t, bin, false, s.newSentinel(master.port))
		s.sentinels = append(s.sentinels, p)
		s.SentinelAddrs = append(s.SentinelAddrs, p.addr)
		s.clients = append(s.clients, redis.NewSentinelClient(adminOptions(p.addr)))
	}
	// The Sentinels find each other through the master, every 2 s.
	pollUntil(t, "Sentinels discovering the setup", func(ctx context.Context) error {
		return s.sentinelsReady(ctx, master.addr, replicas)
	})
	s.URL = "redis+sentinel://" + s.MasterName + "@" + strings.Join(s.SentinelAddrs, ",") + "/0"
	return s
}

// newServer describes a data server, a replica of the master on
// masterPort unless that is 0.
func (s *RedisSentinel) newServer(masterPort int) func(port int) *redisProcess {
	return func(port int) *redisProcess {
		s.t.Helper()
		dir := filepath.Join(s.dir, strconv.Itoa(port))
		args := []string{"--port", strconv.Itoa(port), "--bind", "127.0.0.1",
			"--save", "", "--appendonly", "no", "--dir", dir,
			// A replica's first sync would otherwise wait 5 s for more
			// replicas to share the transfer.
			"--repl-diskless-sync-delay", "0"}
		if masterPort != 0 {
			args = append(args, "--replicaof", "127.0.0.1", strconv.Itoa(masterPort))
		}
		return newRedisProcess(s.t, s.dir, port, false, args...)
	}
}

// newSentinel describes a Sentinel monitoring the master on masterPort,
// and writes its configuration.
func (s *RedisSentinel) newSentinel(masterPort int) func(port int) *redisProcess {
	return func(port int) *redisProcess {
		s.t.Helper()
		dir := filepath.Join(s.dir, strconv.Itoa(port))
		conf := filepath.Join(dir, "sentinel.conf")
		p := newRedisProcess(s.t, s.dir, port, false, conf, "--sentinel")
		text := fmt.Sprintf(sentinelConf, port, dir, s.MasterName, masterPort, sentinelQuorum)
		if err := os.WriteFile(conf, []byte(text), 0o600); err != nil {
			s.t.Fatal(err)
		}
		return p
	}
}

// Master returns the master's address as the first Sentinel that answers
// reports it: during a failover, possibly the old one.
func (s *RedisSentinel) Master() string {
	s.t.Helper()
	errs := []error{errors.New("no Sentinel is up")}
	for _, c := range s.clients {
		addr, err := s.masterAddr(context.Background(), c)
		if err == nil {
			return addr
		}
		errs = append(errs, err)
	}
	s.t.Fatalf("no Sentinel answered: %v", errors.Join(errs[1:]...))
	return ""
}

// KillMaster SIGKILLs the current master, as an outage would, and returns
// its address, for WaitForFailover.
func (s *RedisSentinel) KillMaster() string {
	s.t.Helper()
	addr := s.Master()
	p := s.server(addr)
	if p == nil || !p.up() {
		s.t.Fatalf("KillMaster: the Sentinels report master %s, which is not a live server of this setup", addr)
	}
	p.kill()
	return addr
}

// WaitForFailover waits until every Sentinel reports the same master, not
// old, and that master answers PING and says it is a master; it returns
// its address. It fails the test after 30 s.
func (s *RedisSentinel) WaitForFailover(t testing.TB, old string) string {
	t.Helper()
	var master string
	pollUntil(t, "Redis Sentinel failover from "+old, func(ctx context.Context) error {
		var err error
		master, err = s.agreedMaster(ctx)
		if err != nil {
			return err
		}
		if master == old {
			return fmt.Errorf("the Sentinels still report %s", old)
		}
		p := s.server(master)
		if p == nil || !p.up() {
			return fmt.Errorf("the Sentinels report %s, which is not a live server of this setup", master)
		}
		if err := p.client.Ping(ctx).Err(); err != nil {
			return fmt.Errorf("new master %s: PING: %w", master, err)
		}
		role, err := p.client.Do(ctx, "ROLE").Slice()
		if err != nil {
			return fmt.Errorf("new master %s: ROLE: %w", master, err)
		}
		if len(role) == 0 || role[0] != "master" {
			return fmt.Errorf("new master %s: ROLE says %v", master, role)
		}
		return nil
	})
	return master
}

// Stop kills the Sentinels and the servers. The test's end does it too.
func (s *RedisSentinel) Stop() {
	for _, c := range s.clients {
		c.Close()
	}
	s.clients = nil
	for _, p := range slices.Concat(s.sentinels, s.servers) {
		p.kill()
		releasePort(p.port, p.bus)
	}
	s.sentinels, s.servers = nil, nil
}

// server returns the data server at addr, or nil.
func (s *RedisSentinel) server(addr string) *redisProcess {
	for _, p := range s.servers {
		if p.addr == addr {
			return p
		}
	}
	return nil
}

// masterAddr asks one Sentinel for the master's address.
func (s *RedisSentinel) masterAddr(ctx context.Context, c *redis.SentinelClient) (string, error) {
	hostPort, err := c.GetMasterAddrByName(ctx, s.MasterName).Result()
	if err != nil {
		return "", fmt.Errorf("SENTINEL get-master-addr-by-name %s: %w", s.MasterName, err)
	}
	if len(hostPort) != 2 {
		return "", fmt.Errorf("SENTINEL get-master-addr-by-name %s answered %q", s.MasterName, hostPort)
	}
	return net.JoinHostPort(hostPort[0], hostPort[1]), nil
}

// agreedMaster returns the master every Sentinel reports.
func (s *RedisSentinel) agreedMaster(ctx context.Context) (string, error) {
	var agreed string
	for i, c := range s.clients {
		addr, err := s.masterAddr(ctx, c)
		if err != nil {
			return "", fmt.Errorf("Sentinel %s: %w", s.SentinelAddrs[i], err)
		}
		if agreed != "" && addr != agreed {
			return "", fmt.Errorf("the Sentinels disagree: %s reports %s, %s reports %s", s.SentinelAddrs[0], agreed, s.SentinelAddrs[i], addr)
		}
		agreed = addr
	}
	return agreed, nil
}

// replicationUp says what is missing before the master has all its
// replicas, each linked.
func (s *RedisSentinel) replicationUp(ctx context.Context, replicas int) error {
	for i, p := range s.servers {
		info, err := p.client.Info(ctx, "replication").Result()
		if err != nil {
			return fmt.Errorf("%s: INFO replication: %w", p.addr, err)
		}
		if i == 0 {
			if v := infoField(info, "connected_slaves"); v != strconv.Itoa(replicas) {
				return fmt.Errorf("master %s: connected_slaves:%s, want %d", p.addr, v, replicas)
			}
		} else if v := infoField(info, "master_link_status"); v != "up" {
			return fmt.Errorf("replica %s: master_link_status:%s", p.addr, v)
		}
	}
	return nil
}

// sentinelsReady says what a Sentinel does not know yet: the master, every
// replica (reachable, in sync) and the two other Sentinels.
func (s *RedisSentinel) sentinelsReady(ctx context.Context, master string, replicas int) error {
	for i, c := range s.clients {
		from := s.SentinelAddrs[i]
		addr, err := s.masterAddr(ctx, c)
		if err != nil {
			return fmt.Errorf("Sentinel %s: %w", from, err)
		}
		if addr != master {
			return fmt.Errorf("Sentinel %s reports master %s, want %s", from, addr, master)
		}
		rs, err := c.Replicas(ctx, s.MasterName).Result()
		if err != nil {
			return fmt.Errorf("Sentinel %s: SENTINEL replicas: %w", from, err)
		}
		if len(rs) != replicas {
			return fmt.Errorf("Sentinel %s knows %d replicas, want %d", from, len(rs), replicas)
		}
		for _, r := range rs {
			if r["flags"] != "slave" || r["master-link-status"] != "ok" {
				return fmt.Errorf("Sentinel %s sees replica %s:%s as %s, master link %s", from, r["ip"], r["port"], r["flags"], r["master-link-status"])
			}
		}
		ss, err := c.Sentinels(ctx, s.MasterName).Result()
		if err != nil {
			return fmt.Errorf("Sentinel %s: SENTINEL sentinels: %w", from, err)
		}
		if len(ss) != len(s.sentinels)-1 {
			return fmt.Errorf("Sentinel %s knows %d other Sentinels, want %d", from, len(ss), len(s.sentinels)-1)
		}
		for _, o := range ss {
			if o["flags"] != "sentinel" {
				return fmt.Errorf("Sentinel %s sees Sentinel %s:%s as %s", from, o["ip"], o["port"], o["flags"])
			}
		}
	}
	return nil
}
