package engine_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/waygate-go/waygate/core/audit"
	"github.com/waygate-go/waygate/core/backend"
	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/ratelimit"
	"github.com/waygate-go/waygate/core/route"
)

// recorder is an Observer that keeps what it is told.
type recorder struct {
	engine.BaseObserver
	mu        sync.Mutex
	routes    map[string]*routeRec
	failed    []string
	mutations []audit.Action
}

type routeRec struct {
	key       string
	decisions map[string]int // method + " " + outcome
	limits    map[engine.RateLimitResult]int
	mu        *sync.Mutex
}

func newRecorder() *recorder { return &recorder{routes: map[string]*routeRec{}} }

func (r *recorder) Route(key string) engine.RouteObserver {
	r.mu.Lock()
	defer r.mu.Unlock()
	if rr, ok := r.routes[key]; ok {
		return rr
	}
	rr := &routeRec{key: key, decisions: map[string]int{}, limits: map[engine.RateLimitResult]int{}, mu: &r.mu}
	r.routes[key] = rr
	return rr
}

func (r *recorder) FailedOpen(component string, _ error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.failed = append(r.failed, component)
}

func (r *recorder) Mutated(_ context.Context, e audit.Entry) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.mutations = append(r.mutations, e.Action)
}

func (rr *routeRec) Decided(_ context.Context, method string, o engine.Outcome, _ string) {
	rr.mu.Lock()
	defer rr.mu.Unlock()
	rr.decisions[method+" "+o.String()]++
}

func (rr *routeRec) RateLimitChecked(_ context.Context, res engine.RateLimitResult) {
	rr.mu.Lock()
	defer rr.mu.Unlock()
	rr.limits[res]++
}

func (r *recorder) decisions(key string) map[string]int {
	r.mu.Lock()
	defer r.mu.Unlock()
	if rr := r.routes[key]; rr != nil {
		out := map[string]int{}
		for k, v := range rr.decisions {
			out[k] = v
		}
		return out
	}
	return nil
}

// failingStore is a rate-limit store that is down.
type failingStore struct{ ratelimit.Store }

func (failingStore) Take(context.Context, ratelimit.Key, ratelimit.Algorithm, []ratelimit.Rate, int64) (ratelimit.Result, error) {
	return ratelimit.Result{}, errors.New("connection refused")
}

// Observers see every decision by route template and outcome, every
// rate-limit check, absorbed failures and audited changes.
func TestObserverSeesDecisionsLimitsFailuresAndMutations(t *testing.T) {
	rec := newRecorder()
	ctx := context.Background()
	e, err := engine.New(ctx, engine.WithBackend(backend.NewMemory()), engine.WithObserver(rec))
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	must0(t, e.Register(ctx, reg("GET", "/orders/:id"), reg("GET", "/payments", route.Maintenance("m")),
		reg("GET", "/posts", route.RateLimit("2/minute"))))
	check := func(tmpl, path string) {
		e.Check(ctx, &engine.Request{Method: "GET", Route: tmpl, Path: path, RemoteAddr: "192.0.2.1:1"})
	}
	check("/orders/:id", "/orders/1")
	check("/orders/:id", "/orders/2") // one series per template, never per path
	check("/payments", "/payments")
	for range 3 {
		check("/posts", "/posts")
	}
	check("", "/nowhere")

	for key, want := range map[string]map[string]int{
		"GET:/orders/{id}": {"GET allow": 2},
		"GET:/payments":    {"GET maintenance": 1},
		"GET:/posts":       {"GET allow": 2, "GET rate_limited": 1},
		"":                 {"GET allow": 1},
	} {
		if got := rec.decisions(key); !equalCounts(got, want) {
			t.Errorf("decisions of %q = %v, want %v", key, got, want)
		}
	}
	rec.mu.Lock()
	limits := rec.routes["GET:/posts"].limits
	if limits[engine.RateLimitAllowed] != 2 || limits[engine.RateLimitLimited] != 1 {
		t.Errorf("rate-limit checks of GET:/posts = %v, want 2 allowed and 1 limited", limits)
	}
	rec.mu.Unlock()

	if _, err := e.Disable(ctx, "GET:/orders/{id}", "broken"); err != nil {
		t.Fatal(err)
	}
	rec.mu.Lock()
	if len(rec.mutations) != 1 || rec.mutations[0] != audit.ActionDisable {
		t.Errorf("mutations %v, want one disable", rec.mutations)
	}
	rec.mu.Unlock()
	if got := rec.decisions("GET:/orders/{id}"); got["GET allow"] != 2 {
		t.Errorf("the snapshot rebuilt by a change lost the route's observer: %v", got)
	}
	check("/orders/:id", "/orders/3")
	if got := rec.decisions("GET:/orders/{id}"); got["GET disabled"] != 1 {
		t.Errorf("after disable: %v, want a disabled decision", got)
	}
}

func equalCounts(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range b {
		if a[k] != v {
			return false
		}
	}
	return true
}

// A failing rate-limit store is a failed-open check and a "ratelimit"
// failure; an observer added to a running engine sees requests from then
// on.
func TestObserverAddedAtRuntimeAndFailOpen(t *testing.T) {
	ctx := context.Background()
	e, err := engine.New(ctx, engine.WithBackend(backend.NewMemory()), engine.WithRateLimitStore(failingStore{}))
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	must0(t, e.Register(ctx, reg("GET", "/posts", route.RateLimit("2/minute"))))
	req := &engine.Request{Method: "GET", Route: "/posts", Path: "/posts", RemoteAddr: "192.0.2.1:1"}
	e.Check(ctx, req) // before any observer
	rec := newRecorder()
	engine.InternalsOf(e).AddObserver(rec)
	if d := e.Check(ctx, req); d.Outcome != engine.Allow {
		t.Fatalf("with the store down: %v, want allowed (fail-open)", d.Outcome)
	}
	if got := rec.decisions("GET:/posts"); !equalCounts(got, map[string]int{"GET allow": 1}) {
		t.Errorf("decisions seen by the added observer: %v, want only the one after it was added", got)
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if rec.routes["GET:/posts"].limits[engine.RateLimitFailed] != 1 || len(rec.failed) != 1 || rec.failed[0] != "ratelimit" {
		t.Errorf("limits %v, failures %v; want one failed-open check and one ratelimit failure", rec.routes["GET:/posts"].limits, rec.failed)
	}
}

// countingObserver is the cheapest useful observer: one atomic add per
// decision, as a metrics implementation makes.
type countingObserver struct {
	engine.BaseObserver
	n atomic.Int64
}

func (c *countingObserver) Route(string) engine.RouteObserver { return c }

func (c *countingObserver) Decided(context.Context, string, engine.Outcome, string) { c.n.Add(1) }

// BenchmarkCheck_ActiveObserved is BenchmarkCheck_Active with an observer
// that counts: the hook's own cost is the difference.
func BenchmarkCheck_ActiveObserved(b *testing.B) {
	e := benchEngine(b)
	c := &countingObserver{}
	engine.InternalsOf(e).AddObserver(c)
	benchCheck(b, e, &engine.Request{Method: "GET", Route: "/orders/:id", Path: "/orders/42"}, engine.Allow)
	if c.n.Load() == 0 {
		b.Fatal("the observer saw no decision")
	}
}
