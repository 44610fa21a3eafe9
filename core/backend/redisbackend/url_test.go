package redisbackend

import (
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

func TestParseURLForms(t *testing.T) {
	for raw, want := range map[string]parsed{
		"redis+cluster://10.0.0.1:7000,10.0.0.2:7001":                  {topology: cluster, hosts: []string{"10.0.0.1:7000", "10.0.0.2:7001"}},
		"rediss+cluster://u:p%40ss@a:1,b/?pool_size=5":                 {topology: cluster, tls: true, user: "u", pass: "p@ss", hosts: []string{"a:1", "b:6379"}},
		"redis+sentinel://mymaster@s1:26379,s2:26380/2":                {topology: sentinel, master: "mymaster", hosts: []string{"s1:26379", "s2:26380"}, db: "2"},
		"redis+sentinel://alice:secret@mymaster@s1,s2?dial_timeout=2s": {topology: sentinel, user: "alice", pass: "secret", master: "mymaster", hosts: []string{"s1:26379", "s2:26379"}},
		"rediss+sentinel://:pw@m@s1:1":                                 {topology: sentinel, tls: true, pass: "pw", master: "m", hosts: []string{"s1:1"}},
	} {
		got, err := parseURL(raw)
		if err != nil {
			t.Errorf("%s: %v", raw, err)
			continue
		}
		if got.topology != want.topology || got.tls != want.tls || got.user != want.user || got.pass != want.pass ||
			got.master != want.master || strings.Join(got.hosts, ",") != strings.Join(want.hosts, ",") || got.db != want.db {
			t.Errorf("%s: parsed %+v, want %+v", raw, got, want)
		}
	}
}

// Bad URLs get an error that says what to write, and never shows the
// password.
func TestBadURLsAreRefusedClearly(t *testing.T) {
	for raw, contains := range map[string]string{
		"redis+cluster://":                              "names no host",
		"redis+cluster://a:1/3":                         "database 0 only",
		"redis+sentinel://s1:26379,s2:26379":            "names no master",
		"redis+cluster://u:hunter2@a:1?dial_timeout=x":  "dial_timeout",
		"redis+cluster://a:1?no_such_option=1":          "no_such_option",
		"redis+cluster://a:1?max_redirects=many":        "max_redirects",
		"redis+cluster://a:1?cluster_reload_interval=0": "cluster_reload_interval",
		"redis+sentinel://m@s1?pool_size=big":           "pool_size",
		"redis+bogus://a:1":                             "unknown scheme",
		"localhost:6379":                                "not a URL",
		"redis://a:1?read_timeout=soon":                 "read_timeout",
	} {
		c, _, err := newClient(raw)
		if err == nil {
			c.Close()
			t.Errorf("%s: accepted", raw)
			continue
		}
		if !strings.Contains(err.Error(), contains) || !strings.Contains(err.Error(), "redis+cluster://") {
			t.Errorf("%s: error %q, want it to mention %q and the URL forms", raw, err, contains)
		}
		if strings.Contains(err.Error(), "hunter2") {
			t.Errorf("%s: the error shows the password: %v", raw, err)
		}
	}
}

// Unless the query says otherwise, a request never waits on Redis for
// long; the query wins where it speaks.
func TestProductionDefaults(t *testing.T) {
	c, topo, err := newClient("redis+cluster://a:1,b:2?read_timeout=2s&pool_size=7")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	o := c.(*redis.ClusterClient).Options()
	if topo != cluster || o.ReadTimeout != 2*time.Second || o.PoolSize != 7 || o.DialTimeout != DefaultDialTimeout ||
		o.WriteTimeout != DefaultWriteTimeout || o.MaxRetries != DefaultMaxRetries || o.DialerRetries != 1 ||
		o.ClusterStateReloadInterval != DefaultClusterReloadInterval {
		t.Fatalf("cluster options %+v", o)
	}
	fast, _, err := newClient("redis+cluster://a:1?cluster_reload_interval=500ms")
	if err != nil {
		t.Fatal(err)
	}
	defer fast.Close()
	if got := fast.(*redis.ClusterClient).Options().ClusterStateReloadInterval; got != 500*time.Millisecond {
		t.Fatalf("cluster_reload_interval=500ms gave %v", got)
	}
	s, topo, err := newClient("redis+sentinel://alice:pw@mymaster@s1:26379,s2:26379/3?sentinel_password=sp")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if topo != sentinel {
		t.Fatalf("topology %v", topo)
	}
	one, _, err := newClient("redis://localhost:6379/0")
	if err != nil {
		t.Fatal(err)
	}
	defer one.Close()
	so := one.(*redis.Client).Options()
	if so.DialTimeout != DefaultDialTimeout || so.ReadTimeout != DefaultReadTimeout || so.MaxRetries != DefaultMaxRetries || so.DialerRetries != 1 {
		t.Fatalf("single options %+v", so)
	}
}
