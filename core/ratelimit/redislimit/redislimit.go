// Package redislimit keeps rate-limit counters in Redis so every instance
// of a service shares them. Each check is one Lua script run (EVALSHA)
// that counts all rates of a limit atomically with the server's clock; the
// keys of one counter share a hash tag, so it works on Redis Cluster.
//
// Key layout: "<prefix>{<client>|<scope>|<tier>}:<rate index>", plus
// "…:<rate index>:seq" for moving windows. Keys expire with their window.
package redislimit

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/waygate-go/waygate/core/ratelimit"
)

//go:embed limit.lua
var limitLua string

var script = redis.NewScript(limitLua)

// DefaultPrefix starts every key the store writes.
const DefaultPrefix = "waygate:rl:"

// Store is a ratelimit.Store on Redis (6 or newer, single node or Cluster).
type Store struct {
	client redis.UniversalClient
	prefix string
}

// Option configures New.
type Option func(*Store)

// WithPrefix sets the key prefix (default "waygate:rl:").
func WithPrefix(p string) Option { return func(s *Store) { s.prefix = p } }

// New returns a store on client.
func New(client redis.UniversalClient, opts ...Option) *Store {
	s := &Store{client: client, prefix: DefaultPrefix}
	for _, o := range opts {
		o(s)
	}
	return s
}

// key builds the counter key of rate i.
func (s *Store) key(k ratelimit.Key, i int) string {
	client := k.Client
	if k.IP.IsValid() {
		client = k.IP.String()
	}
	var b strings.Builder
	b.Grow(len(s.prefix) + len(client) + len(k.Scope) + len(k.Tier) + 8)
	b.WriteString(s.prefix)
	b.WriteByte('{')
	b.WriteString(client)
	b.WriteByte('|')
	b.WriteString(k.Scope)
	b.WriteByte('|')
	b.WriteString(k.Tier)
	b.WriteString("}:")
	b.WriteString(strconv.Itoa(i))
	return b.String()
}

// Take counts one request; see ratelimit.Store.
func (s *Store) Take(ctx context.Context, k ratelimit.Key, alg ratelimit.Algorithm, rates []ratelimit.Rate, burst int64) (ratelimit.Result, error) {
	if len(rates) == 0 {
		return ratelimit.Result{Allowed: true}, nil
	}
	keys := make([]string, len(rates))
	args := make([]any, 0, 2+2*len(rates))
	args = append(args, string(alg), burst)
	for i, r := range rates {
		keys[i] = s.key(k, i)
		args = append(args, r.Amount, r.Period.Microseconds())
	}
	vals, err := script.Run(ctx, s.client, keys, args...).Int64Slice()
	if err != nil {
		return ratelimit.Result{}, fmt.Errorf("redis rate limit: %w", err)
	}
	if len(vals) != 6 {
		return ratelimit.Result{}, errors.New("redis rate limit: unexpected script reply")
	}
	return ratelimit.Result{
		Allowed:    vals[0] == 1,
		Limit:      vals[1],
		Period:     time.Duration(vals[2]) * time.Microsecond,
		Remaining:  vals[3],
		Reset:      time.UnixMicro(vals[4]),
		RetryAfter: time.Duration(vals[5]) * time.Microsecond,
	}, nil
}

// Reset deletes every counter of scope, exactly: counters of other routes
// whose keys merely contain the scope are kept.
func (s *Store) Reset(ctx context.Context, scope string) error {
	pattern := s.prefix + "{*|" + globEscape(scope) + "|*"
	del := func(ctx context.Context, c redis.UniversalClient) error {
		iter := c.Scan(ctx, 0, pattern, 500).Iterator()
		var batch []string
		for iter.Next(ctx) {
			key := iter.Val()
			if !s.inScope(key, scope) {
				continue
			}
			batch = append(batch, key, key+":seq")
			if len(batch) >= 500 {
				if err := unlink(ctx, c, batch); err != nil {
					return err
				}
				batch = batch[:0]
			}
		}
		if err := iter.Err(); err != nil {
			return err
		}
		return unlink(ctx, c, batch)
	}
	if cc, ok := s.client.(*redis.ClusterClient); ok {
		return cc.ForEachMaster(ctx, func(ctx context.Context, c *redis.Client) error { return del(ctx, c) })
	}
	return del(ctx, s.client)
}

// inScope checks a scanned key's scope field exactly (the client part may
// itself contain "|").
func (s *Store) inScope(key, scope string) bool {
	body := strings.TrimPrefix(key, s.prefix+"{")
	end := strings.LastIndex(body, "}:")
	if end < 0 {
		return false
	}
	body = body[:end] // client|scope|tier
	last := strings.LastIndexByte(body, '|')
	if last < 0 {
		return false
	}
	rest := body[:last] // client|scope
	return strings.HasSuffix(rest, "|"+scope)
}

func unlink(ctx context.Context, c redis.UniversalClient, keys []string) error {
	if len(keys) == 0 {
		return nil
	}
	// Keys of one counter share a slot; delete one by one so Cluster never
	// sees a cross-slot command.
	pipe := c.Pipeline()
	for _, k := range keys {
		pipe.Unlink(ctx, k)
	}
	_, err := pipe.Exec(ctx)
	return err
}

func globEscape(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `*`, `\*`, `?`, `\?`, `[`, `\[`, `]`, `\]`)
	return r.Replace(s)
}
