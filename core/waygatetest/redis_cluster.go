package waygatetest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// clusterSlots is how many hash slots a Redis Cluster has.
const clusterSlots = 16384

// clusterNodeTimeout is the nodes' cluster-node-timeout in milliseconds.
// A node silent this long is suspected (PFAIL), and once most masters
// suspect it, failed (FAIL); its replica then waits 0.5 to 1 s and is
// elected within about 2 s. 1 s puts a failover at 2 to 4 s; shorter
// would let a stall of a loaded CI machine pass for an outage.
//
// The other failover settings keep their defaults, on purpose:
// cluster-replica-validity-factor 10 still lets a replica take over when
// its link dropped less than ~20 s ago, as it does when the master is
// killed (and the helpers wait for every replica's link to be up); 0
// would also promote a replica that never synced, and lose data a real
// cluster keeps. cluster-require-full-coverage yes makes the whole
// cluster refuse commands while a slot has no master, as production
// clusters do by default, and does not slow the failover.
const clusterNodeTimeout = "1000"

// RedisCluster is a Redis Cluster of real redis-server processes on
// 127.0.0.1, started for a test and stopped when it ends.
type RedisCluster struct {
	// URL names the masters the cluster started with, in Waygate's form:
	// "redis+cluster://127.0.0.1:p1,127.0.0.1:p2,127.0.0.1:p3".
	URL string
	// Addrs are the addresses of all nodes, masters and replicas, in the
	// order they were started.
	Addrs []string

	t       testing.TB
	bin     string
	dir     string
	masters int
	nodes   []*redisProcess
}

// StartRedisCluster starts a Redis Cluster of masters masters (at least
// 3) with replicasPerMaster replicas each, and returns once every node
// says the cluster is ok, every slot is served and every replica is in
// sync. It stops the nodes and removes their files when the test ends.
// Without redis-server and redis-cli the test is skipped with a loud
// message — or fails when WAYGATE_REQUIRE_REDIS=1, as in CI.
func StartRedisCluster(t testing.TB, masters, replicasPerMaster int) *RedisCluster {
	t.Helper()
	if masters < 3 || replicasPerMaster < 0 {
		t.Fatalf("StartRedisCluster(%d, %d): a Redis Cluster needs 3 masters or more, and 0 replicas or more", masters, replicasPerMaster)
	}
	const need = "this test needs a Redis Cluster: install redis-server and redis-cli (apt-get install redis-server)"
	bin := needRedisBinary(t, "redis-server", need)
	cli := needRedisBinary(t, "redis-cli", need)
	dir, err := os.MkdirTemp("", "wgcluster")
	if err != nil {
		t.Fatal(err)
	}
	c := &RedisCluster{t: t, bin: bin, dir: dir, masters: masters}
	t.Cleanup(func() {
		c.Stop()
		os.RemoveAll(dir)
	})
	for range masters * (1 + replicasPerMaster) {
		n := startOnFreePort(t, bin, true, c.newNode)
		c.nodes = append(c.nodes, n)
		c.Addrs = append(c.Addrs, n.addr)
	}

	// redis-cli makes the first nodes the masters, gives each its
	// replicas, and returns once the nodes agree on the configuration.
	ctx, cancel := context.WithTimeout(context.Background(), topologyTimeout)
	defer cancel()
	args := append([]string{"--cluster", "create"}, c.Addrs...)
	args = append(args, "--cluster-replicas", strconv.Itoa(replicasPerMaster), "--cluster-yes")
	if out, err := exec.CommandContext(ctx, cli, args...).CombinedOutput(); err != nil { //nolint:gosec // G204: redis-cli found on PATH, with the helper's own arguments
		t.Fatalf("redis-cli --cluster create: %v\n%s", err, out)
	}
	pollUntil(t, "forming the Redis Cluster", c.healthy)
	c.URL = "redis+cluster://" + strings.Join(c.Masters(), ",")
	return c
}

// newNode describes a cluster node on port.
func (c *RedisCluster) newNode(port int) *redisProcess {
	c.t.Helper()
	p := strconv.Itoa(port)
	dir := filepath.Join(c.dir, p)
	return newRedisProcess(c.t, c.dir, port, true,
		"--port", p, "--bind", "127.0.0.1",
		"--cluster-enabled", "yes",
		"--cluster-config-file", filepath.Join(dir, "nodes-"+p+".conf"),
		"--cluster-node-timeout", clusterNodeTimeout,
		"--save", "", "--appendonly", "no", "--dir", dir,
		// A replica's first sync would otherwise wait 5 s for more
		// replicas to share the transfer.
		"--repl-diskless-sync-delay", "0")
}

// Masters returns the addresses of the masters serving slots, sorted, as
// a live node sees them: a master killed a moment ago is listed until the
// cluster has noticed.
func (c *RedisCluster) Masters() []string {
	c.t.Helper()
	errs := []error{errors.New("no node is up")}
	for _, n := range c.nodes {
		if !n.up() {
			continue
		}
		view, err := c.view(context.Background(), n)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		var masters []string
		for _, l := range view {
			if l.master() && !l.failing() && len(l.slots) > 0 {
				masters = append(masters, l.addr)
			}
		}
		slices.Sort(masters)
		return masters
	}
	c.t.Fatalf("no cluster node answered CLUSTER NODES: %v", errors.Join(errs[1:]...))
	return nil
}

// KillMaster SIGKILLs the master at addr, as an outage would. Its
// replica takes over; WaitForFailover waits for that.
func (c *RedisCluster) KillMaster(addr string) {
	c.t.Helper()
	n := c.node(addr)
	if !n.up() {
		c.t.Fatalf("KillMaster(%s): the node is down already", addr)
	}
	if masters := c.Masters(); !slices.Contains(masters, addr) {
		c.t.Fatalf("KillMaster(%s): not a master; the masters are %v", addr, masters)
	}
	n.kill()
}

// WaitForFailover waits until every live node says the cluster is ok
// again, every slot is served by a live master and every replica is in
// sync; it fails the test after 30 s. Call it after KillMaster.
func (c *RedisCluster) WaitForFailover(t testing.TB) {
	t.Helper()
	pollUntil(t, "Redis Cluster failover", c.healthy)
}

// RestartNode starts the killed node at addr again, on its port and with
// its nodes.conf, and waits until it has rejoined. A master that was
// failed over comes back as a replica of the master that replaced it.
func (c *RedisCluster) RestartNode(addr string) {
	c.t.Helper()
	n := c.node(addr)
	if n.up() {
		c.t.Fatalf("RestartNode(%s): the node is up; kill it first", addr)
	}
	if err := n.launch(c.bin); err != nil {
		c.t.Fatalf("RestartNode(%s): %v", addr, err)
	}
	pollUntil(c.t, "Redis Cluster node "+addr+" rejoining", c.healthy)
}

// Stop kills every node. The test's end does it too.
func (c *RedisCluster) Stop() {
	for _, n := range c.nodes {
		n.kill()
		releasePort(n.port, n.bus)
	}
	c.nodes = nil
}

// node returns the node at addr.
func (c *RedisCluster) node(addr string) *redisProcess {
	c.t.Helper()
	for _, n := range c.nodes {
		if n.addr == addr {
			return n
		}
	}
	c.t.Fatalf("%s is not a node of this cluster; its nodes are %v", addr, c.Addrs)
	return nil
}

// healthy says what is not yet right, asking every live node: the
// cluster must be ok; every live node known to it and not suspected;
// every slot served by a master that is alive (not merely not yet
// noticed dead); the configured number of masters; and every replica
// linked to its master, so that the next failover can happen.
func (c *RedisCluster) healthy(ctx context.Context) error {
	live := map[string]bool{}
	for _, n := range c.nodes {
		if n.up() {
			live[n.addr] = true
		}
	}
	for _, n := range c.nodes {
		if !n.up() {
			continue
		}
		info, err := n.client.ClusterInfo(ctx).Result()
		if err != nil {
			return fmt.Errorf("%s: CLUSTER INFO: %w", n.addr, err)
		}
		if v := infoField(info, "cluster_state"); v != "ok" {
			return fmt.Errorf("%s: cluster_state:%s", n.addr, v)
		}
		if v := infoField(info, "cluster_slots_assigned"); v != strconv.Itoa(clusterSlots) {
			return fmt.Errorf("%s: cluster_slots_assigned:%s", n.addr, v)
		}
		view, err := c.view(ctx, n)
		if err != nil {
			return err
		}
		if err := c.checkView(n.addr, view, live); err != nil {
			return err
		}
		if me := view.myself(); me == nil || me.addr != n.addr {
			return fmt.Errorf("%s: CLUSTER NODES has no line for itself", n.addr)
		} else if !me.master() {
			repl, err := n.client.Info(ctx, "replication").Result()
			if err != nil {
				return fmt.Errorf("%s: INFO replication: %w", n.addr, err)
			}
			if v := infoField(repl, "master_link_status"); v != "up" {
				return fmt.Errorf("%s: replica's master_link_status:%s", n.addr, v)
			}
		}
	}
	return nil
}

// checkView checks one node's CLUSTER NODES against the live nodes.
func (c *RedisCluster) checkView(from string, view clusterView, live map[string]bool) error {
	byAddr := map[string]clusterNodeLine{}
	for _, l := range view {
		byAddr[l.addr] = l
	}
	for addr := range live {
		l, ok := byAddr[addr]
		if !ok {
			return fmt.Errorf("%s does not know node %s yet", from, addr)
		}
		if l.failing() {
			return fmt.Errorf("%s sees node %s as %s", from, addr, strings.Join(l.flags, ","))
		}
	}
	var served [clusterSlots]bool
	masters, slots := 0, 0
	for _, l := range view {
		if !l.master() || len(l.slots) == 0 {
			continue
		}
		if !live[l.addr] || l.failing() {
			return fmt.Errorf("%s sees slots %v served by %s, which is down", from, l.slots, l.addr)
		}
		masters++
		for _, r := range l.slots {
			for s := max(r[0], 0); s <= r[1] && s < clusterSlots; s++ {
				if !served[s] {
					served[s] = true
					slots++
				}
			}
		}
	}
	if slots != clusterSlots {
		return fmt.Errorf("%s sees %d of %d slots served", from, slots, clusterSlots)
	}
	if masters != c.masters {
		return fmt.Errorf("%s sees %d masters serving slots, want %d", from, masters, c.masters)
	}
	return nil
}

// view asks n for CLUSTER NODES.
func (c *RedisCluster) view(ctx context.Context, n *redisProcess) (clusterView, error) {
	text, err := n.client.ClusterNodes(ctx).Result()
	if err != nil {
		return nil, fmt.Errorf("%s: CLUSTER NODES: %w", n.addr, err)
	}
	view, err := parseClusterNodes(text)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", n.addr, err)
	}
	return view, nil
}

// clusterView is one node's CLUSTER NODES reply.
type clusterView []clusterNodeLine

// clusterNodeLine is one line of CLUSTER NODES.
type clusterNodeLine struct {
	addr  string   // "ip:port", without the bus port and hostname
	flags []string // myself, master, slave, fail?, fail, handshake, noaddr, ...
	slots [][2]int // served ranges, inclusive
}

func (l clusterNodeLine) has(flag string) bool { return slices.Contains(l.flags, flag) }
func (l clusterNodeLine) master() bool         { return l.has("master") }

// failing reports whether the node is suspected, failed or not yet a
// full member.
func (l clusterNodeLine) failing() bool {
	return l.has("fail?") || l.has("fail") || l.has("handshake") || l.has("noaddr")
}

// myself returns the line of the node that answered.
func (v clusterView) myself() *clusterNodeLine {
	for i := range v {
		if v[i].has("myself") {
			return &v[i]
		}
	}
	return nil
}

// parseClusterNodes parses CLUSTER NODES: "<id> <ip:port@cport[,hostname]>
// <flags> <master> <ping-sent> <pong-recv> <config-epoch> <link-state>
// <slot>...", a slot being "n", "n-m" or a migration in brackets, which
// is not served yet.
func parseClusterNodes(text string) (clusterView, error) {
	var view clusterView
	for line := range strings.Lines(text) {
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		if len(f) < 8 {
			return nil, fmt.Errorf("CLUSTER NODES line %q has %d fields, want 8 or more", line, len(f))
		}
		addr, _, _ := strings.Cut(f[1], "@")
		l := clusterNodeLine{addr: addr, flags: strings.Split(f[2], ",")}
		for _, s := range f[8:] {
			if strings.HasPrefix(s, "[") {
				continue
			}
			lo, hi, isRange := strings.Cut(s, "-")
			if !isRange {
				hi = lo
			}
			a, err1 := strconv.Atoi(lo)
			b, err2 := strconv.Atoi(hi)
			if err := errors.Join(err1, err2); err != nil {
				return nil, fmt.Errorf("CLUSTER NODES slot %q: %w", s, err)
			}
			l.slots = append(l.slots, [2]int{a, b})
		}
		view = append(view, l)
	}
	return view, nil
}
