package engine_test

import (
	"context"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/waygate-go/waygate/core/backend"
	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/ratelimit"
	"github.com/waygate-go/waygate/core/ratelimit/memlimit"
)

func TestOpenBackendSpecs(t *testing.T) {
	for _, spec := range []string{"", "memory", "MEMORY"} {
		b, err := engine.OpenBackend(spec)
		if err != nil {
			t.Fatalf("OpenBackend(%q): %v", spec, err)
		}
		if _, ok := b.(*backend.Memory); !ok {
			t.Fatalf("OpenBackend(%q) = %T, want memory", spec, b)
		}
	}
	path := filepath.Join(t.TempDir(), "s.json")
	b, err := engine.OpenBackend("file:" + path)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := b.(*backend.File); !ok {
		t.Fatalf("OpenBackend(file:) = %T, want a file backend", b)
	}
	b.Close()
	for _, bad := range []string{"mysql://x", "file:", "redis://[::1"} {
		_, err := engine.OpenBackend(bad)
		if err == nil {
			t.Errorf("OpenBackend(%q) succeeded", bad)
			continue
		}
		if bad == "mysql://x" && !strings.Contains(err.Error(), "use memory, file:") {
			t.Errorf("OpenBackend(%q) = %v, want the specs it takes", bad, err)
		}
	}
}

// scopedBackend is a backend of a kind the engine has never heard of that
// offers both optional capabilities.
type scopedBackend struct {
	*backend.Memory
	store ratelimit.Store
}

func (scopedBackend) Service() string                   { return "billing" }
func (b scopedBackend) RateLimitStore() ratelimit.Store { return b.store }

func TestCapabilitiesAreFoundByInterface(t *testing.T) {
	counted := &countingStore{}
	e, err := engine.New(context.Background(), engine.WithBackend(scopedBackend{Memory: backend.NewMemory(), store: counted}))
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if err := e.Register(context.Background(), engine.Registration{Method: "GET", Template: "/x"}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.SetRateLimit(context.Background(), engine.RouteScope("GET:/x"), ratelimit.Patch{Limit: ptr("5/minute")}); err != nil {
		t.Fatal(err)
	}
	d := e.Check(context.Background(), &engine.Request{Method: "GET", Route: "/x", Path: "/x", RemoteAddr: "10.0.0.1:1"})
	if !d.Allowed() || counted.takes.Load() != 1 {
		t.Fatalf("decision %v, %d takes: want the backend's store to count the request", d.Outcome, counted.takes.Load())
	}
	if _, err := engine.New(context.Background(), engine.WithBackend(scopedBackend{Memory: backend.NewMemory()}), engine.WithService("orders")); err == nil {
		t.Fatal("WithService(orders) on a backend scoped to billing was accepted")
	}
}

// countingStore counts requests in memory and how often it was asked.
type countingStore struct {
	mem   *memlimit.Store
	once  sync.Once
	takes atomic.Int64
}

func (s *countingStore) Take(ctx context.Context, k ratelimit.Key, alg ratelimit.Algorithm, rates []ratelimit.Rate, burst int64) (ratelimit.Result, error) {
	s.once.Do(func() { s.mem = memlimit.New() })
	s.takes.Add(1)
	return s.mem.Take(ctx, k, alg, rates, burst)
}

func (s *countingStore) Reset(ctx context.Context, scope string) error {
	s.once.Do(func() { s.mem = memlimit.New() })
	return s.mem.Reset(ctx, scope)
}

func ptr[T any](v T) *T { return &v }
