package redisbackend

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// The production defaults Open applies unless the URL's query sets them: a
// request must never wait on Redis for long, and the engine, not the
// client, retries a Redis that is down (with a logged back-off).
const (
	DefaultDialTimeout  = time.Second
	DefaultReadTimeout  = 500 * time.Millisecond
	DefaultWriteTimeout = 500 * time.Millisecond
	// DefaultMaxRetries is how often a command that failed on the network
	// is retried, on another connection (or, on a Cluster, after a
	// redirect); a down Redis is the rate-limit breaker's to shortcut.
	DefaultMaxRetries = 1
	// DefaultClusterReloadInterval is how often a Cluster client asks for
	// the slot map while it is in use. go-redis asks every 60 s and not on
	// a connection error: after a master died, every command of its slots
	// would fail for up to a minute although a replica took over in
	// seconds. One CLUSTER SLOTS every 2 s is cheap.
	DefaultClusterReloadInterval = 2 * time.Second
)

// topology is what a URL's scheme names.
type topology int

const (
	single topology = iota
	cluster
	sentinel
)

// parsed is a URL taken apart.
type parsed struct {
	topology   topology
	tls        bool
	user, pass string
	master     string   // sentinel: the monitored master's name
	hosts      []string // host:port
	db         string
	query      url.Values
}

// The query options Waygate reads itself; go-redis reads the others.
var ownOptions = map[topology][]string{
	cluster:  {"max_redirects", "cluster_reload_interval"},
	sentinel: {"sentinel_username", "sentinel_password"},
}

// urlForms is the help every parse error ends with.
const urlForms = "write redis://[user:pass@]host:6379[/db], redis+cluster://[user:pass@]host1:6379,host2:6379 " +
	"or redis+sentinel://[user:pass@]master-name@host1:26379,host2:26379[/db] (rediss for TLS; options in the query, " +
	"like ?dial_timeout=1s&read_timeout=500ms&pool_size=20)"

// parseURL takes a Waygate Redis URL apart. unix:// and plain redis:// or
// rediss:// URLs are left to go-redis whole.
func parseURL(raw string) (parsed, error) {
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok {
		return parsed{}, fmt.Errorf("%q is not a URL: %s", redact(raw), urlForms)
	}
	var p parsed
	switch strings.ToLower(scheme) {
	case "redis", "rediss", "unix":
		return parsed{topology: single}, nil
	case "redis+cluster":
		p.topology = cluster
	case "rediss+cluster":
		p.topology, p.tls = cluster, true
	case "redis+sentinel":
		p.topology = sentinel
	case "rediss+sentinel":
		p.topology, p.tls = sentinel, true
	default:
		return parsed{}, fmt.Errorf("unknown scheme %q: %s", scheme, urlForms)
	}
	authority, tail := rest, ""
	if i := strings.IndexAny(rest, "/?"); i >= 0 {
		authority, tail = rest[:i], rest[i:]
	}
	if i := strings.LastIndexByte(authority, '@'); i >= 0 {
		creds, hosts := authority[:i], authority[i+1:]
		if p.topology == sentinel {
			j := strings.LastIndexByte(creds, '@')
			p.master, creds = creds[j+1:], creds[:max(j, 0)]
			if j < 0 {
				creds = ""
			}
		}
		authority = hosts
		if creds != "" {
			user, pass, _ := strings.Cut(creds, ":")
			var err1, err2 error
			p.user, err1 = url.PathUnescape(user)
			p.pass, err2 = url.PathUnescape(pass)
			if err := errors.Join(err1, err2); err != nil {
				return parsed{}, fmt.Errorf("the credentials of %q: %w", redact(raw), err)
			}
		}
	}
	if p.topology == sentinel && p.master == "" {
		return parsed{}, fmt.Errorf("%q names no master: %s", redact(raw), urlForms)
	}
	for _, h := range strings.Split(authority, ",") {
		h = strings.TrimSpace(h)
		if h == "" {
			continue
		}
		if !strings.Contains(h, ":") {
			h += map[topology]string{cluster: ":6379", sentinel: ":26379"}[p.topology]
		}
		p.hosts = append(p.hosts, h)
	}
	if len(p.hosts) == 0 {
		return parsed{}, fmt.Errorf("%q names no host: %s", redact(raw), urlForms)
	}
	path, query, _ := strings.Cut(tail, "?")
	p.db = strings.Trim(path, "/")
	if p.topology == cluster && p.db != "" && p.db != "0" {
		return parsed{}, fmt.Errorf("%q: a Redis Cluster has database 0 only", redact(raw))
	}
	q, err := url.ParseQuery(query)
	if err != nil {
		return parsed{}, fmt.Errorf("the options of %q: %w", redact(raw), err)
	}
	p.query = q
	return p, nil
}

// options builds go-redis's options for p: go-redis parses the query
// (and refuses unknown options), Waygate's defaults fill what it leaves.
func (p parsed) options() (*redis.Options, error) {
	q := url.Values{}
	for k, v := range p.query {
		q[k] = v
	}
	for _, own := range ownOptions[p.topology] {
		q.Del(own)
	}
	u := url.URL{Scheme: "redis", Host: p.hosts[0], Path: "/" + p.db, RawQuery: q.Encode()}
	if p.tls {
		u.Scheme = "rediss"
	}
	if p.user != "" || p.pass != "" {
		u.User = url.UserPassword(p.user, p.pass)
	}
	o, err := redis.ParseURL(u.String())
	if err != nil {
		return nil, err
	}
	if o.TLSConfig != nil {
		o.TLSConfig.ServerName = "" // each node's own name, taken from the address dialled
	}
	return o, nil
}

// applyDefaults sets Waygate's production defaults where the query did
// not set the option.
func applyDefaults(o *redis.Options, q url.Values) {
	if !q.Has("dial_timeout") {
		o.DialTimeout = DefaultDialTimeout
	}
	if !q.Has("read_timeout") {
		o.ReadTimeout = DefaultReadTimeout
	}
	if !q.Has("write_timeout") {
		o.WriteTimeout = DefaultWriteTimeout
	}
	if !q.Has("max_retries") {
		o.MaxRetries = DefaultMaxRetries
	}
	// go-redis retries a failed dial five times, 100 ms apart, by default:
	// with Redis down, every command would wait half a second or more.
	o.DialerRetries = 1
}

// newClient opens the client a Waygate Redis URL names.
func newClient(raw string) (redis.UniversalClient, topology, error) {
	p, err := parseURL(raw)
	if err != nil {
		return nil, 0, err
	}
	if p.topology == single {
		o, err := redis.ParseURL(raw)
		if err != nil {
			return nil, 0, fmt.Errorf("%w: %s", err, urlForms)
		}
		q := url.Values{}
		if u, err := url.Parse(raw); err == nil {
			q = u.Query()
		}
		applyDefaults(o, q)
		return redis.NewClient(o), single, nil
	}
	o, err := p.options()
	if err != nil {
		return nil, 0, fmt.Errorf("%w: %s", err, urlForms)
	}
	applyDefaults(o, p.query)
	switch p.topology {
	case cluster:
		co := &redis.ClusterOptions{Addrs: p.hosts, ClientName: o.ClientName, Protocol: o.Protocol,
			Username: o.Username, Password: o.Password, TLSConfig: o.TLSConfig,
			MaxRetries: o.MaxRetries, MinRetryBackoff: o.MinRetryBackoff, MaxRetryBackoff: o.MaxRetryBackoff,
			DialTimeout: o.DialTimeout, DialerRetries: o.DialerRetries, ReadTimeout: o.ReadTimeout, WriteTimeout: o.WriteTimeout,
			PoolFIFO: o.PoolFIFO, PoolSize: o.PoolSize, PoolTimeout: o.PoolTimeout, MinIdleConns: o.MinIdleConns,
			MaxIdleConns: o.MaxIdleConns, MaxActiveConns: o.MaxActiveConns, ConnMaxIdleTime: o.ConnMaxIdleTime,
			ConnMaxLifetime: o.ConnMaxLifetime}
		if v := p.query.Get("max_redirects"); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil {
				return nil, 0, fmt.Errorf("max_redirects=%q: want a number: %s", v, urlForms)
			}
			co.MaxRedirects = n
		}
		co.ClusterStateReloadInterval = DefaultClusterReloadInterval
		if v := p.query.Get("cluster_reload_interval"); v != "" {
			d, err := time.ParseDuration(v)
			if err != nil || d <= 0 {
				return nil, 0, fmt.Errorf("cluster_reload_interval=%q: want a duration like 2s: %s", v, urlForms)
			}
			co.ClusterStateReloadInterval = d
		}
		return redis.NewClusterClient(co), cluster, nil
	default:
		db, _ := strconv.Atoi(p.db)
		fo := &redis.FailoverOptions{MasterName: p.master, SentinelAddrs: p.hosts,
			SentinelUsername: p.query.Get("sentinel_username"), SentinelPassword: p.query.Get("sentinel_password"),
			ClientName: o.ClientName, Protocol: o.Protocol, Username: o.Username, Password: o.Password, DB: db, TLSConfig: o.TLSConfig,
			MaxRetries: o.MaxRetries, MinRetryBackoff: o.MinRetryBackoff, MaxRetryBackoff: o.MaxRetryBackoff,
			DialTimeout: o.DialTimeout, DialerRetries: o.DialerRetries, ReadTimeout: o.ReadTimeout, WriteTimeout: o.WriteTimeout,
			PoolFIFO: o.PoolFIFO, PoolSize: o.PoolSize, PoolTimeout: o.PoolTimeout, MinIdleConns: o.MinIdleConns,
			MaxIdleConns: o.MaxIdleConns, MaxActiveConns: o.MaxActiveConns, ConnMaxIdleTime: o.ConnMaxIdleTime,
			ConnMaxLifetime: o.ConnMaxLifetime}
		return redis.NewFailoverClient(fo), sentinel, nil
	}
}

// ErrClusterNode is returned by Open, and by Load while Redis was not yet
// reachable at Open, when a single-node URL names a node of a Redis
// Cluster: every key of another slot would answer MOVED, and rate limits
// would silently stop.
var ErrClusterNode = errors.New("the URL names one node of a Redis Cluster")

// checkSingle asks a single-node client's server whether it is a Cluster
// node. It reports whether it could tell (Redis answered).
func checkSingle(ctx context.Context, c redis.UniversalClient, raw string) (known bool, err error) {
	info, err := c.Info(ctx, "cluster").Result()
	if err != nil {
		return false, nil //nolint:nilerr // unreachable is not an answer: asked again at the next load
	}
	if strings.Contains(info, "cluster_enabled:1") {
		host := raw
		if u, err := url.Parse(raw); err == nil {
			host = u.Host
		}
		return true, fmt.Errorf("redis backend: %w: write redis+cluster://%s (and more nodes, comma-separated)", ErrClusterNode, host)
	}
	return true, nil
}

// redact hides a URL's password in messages.
func redact(raw string) string {
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok {
		return raw
	}
	at := strings.LastIndexByte(strings.SplitN(rest, "/", 2)[0], '@')
	if at < 0 {
		return raw
	}
	creds := rest[:at]
	if user, _, hasPass := strings.Cut(creds, ":"); hasPass {
		return scheme + "://" + user + ":xxxxx" + rest[at:]
	}
	return raw
}
