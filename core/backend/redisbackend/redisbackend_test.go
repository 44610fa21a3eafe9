package redisbackend_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/waygate-go/waygate/core/audit"
	"github.com/waygate-go/waygate/core/backend"
	"github.com/waygate-go/waygate/core/backend/backendtest"
	"github.com/waygate-go/waygate/core/backend/redisbackend"
	"github.com/waygate-go/waygate/core/clock"
	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/flag"
	"github.com/waygate-go/waygate/core/ratelimit"
	"github.com/waygate-go/waygate/core/route"
	"github.com/waygate-go/waygate/core/waygatetest"
)

func client(t testing.TB, url string) *redis.Client {
	t.Helper()
	opt, err := redis.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	opt.MaxRetries = -1
	opt.DialTimeout, opt.ReadTimeout, opt.WriteTimeout = 300*time.Millisecond, 300*time.Millisecond, 300*time.Millisecond
	c := redis.NewClient(opt)
	t.Cleanup(func() { c.Close() })
	return c
}

var prefixes atomic.Int64

func fresh(t *testing.T, srv *waygatetest.RedisServer) *redisbackend.Backend {
	return redisbackend.New(client(t, srv.URL), redisbackend.WithPrefix(fmt.Sprintf("t%d:", prefixes.Add(1))))
}

func TestRedisContract(t *testing.T) {
	srv := waygatetest.StartRedis(t)
	backendtest.Run(t, func(t *testing.T) backend.Backend { return fresh(t, srv) })
}

func TestWatchDeliversOtherWritersChanges(t *testing.T) {
	srv := waygatetest.StartRedis(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	a := redisbackend.New(client(t, srv.URL))
	b := redisbackend.New(client(t, srv.URL))
	ch, err := b.Watch(ctx)
	if err != nil {
		t.Fatal(err)
	}
	waitResync(t, ch)
	err = a.Write(backend.WithOrigin(ctx, "engine-a"),
		backend.Record{Kind: backend.KindRoute, Key: "GET:/x", Value: []byte(`{"status":"disabled"}`)},
		backend.Record{Kind: backend.KindRoute, Key: "GET:/y"})
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []string{`GET:/x {"status":"disabled"}`, "GET:/y "} {
		select {
		case c := <-ch:
			if got := c.Key + " " + string(c.Value); got != want || c.Origin != "engine-a" || c.Resync {
				t.Fatalf("change %d = %+v, want %s from engine-a", i, c, want)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("change %d not delivered", i)
		}
	}
}

func TestVersionGapAsksForResync(t *testing.T) {
	srv := waygatetest.StartRedis(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	b := redisbackend.New(client(t, srv.URL))
	ch, err := b.Watch(ctx)
	must(t, err)
	waitResync(t, ch)
	must(t, b.Write(ctx, backend.Record{Kind: backend.KindRoute, Key: "a", Value: []byte("1")}))
	<-ch
	// A change whose message this watcher never saw.
	c := client(t, srv.URL)
	c.Incr(ctx, "waygate:{state}:version")
	must(t, b.Write(ctx, backend.Record{Kind: backend.KindRoute, Key: "b", Value: []byte("2")}))
	select {
	case got := <-ch:
		if !got.Resync {
			t.Fatalf("after a version gap: %+v, want a resync", got)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("nothing delivered")
	}
}

// waitResync waits for a new stream's first change: the resync that says
// it is subscribed, and anything before may have been missed.
func waitResync(t *testing.T, ch <-chan backend.Change) {
	t.Helper()
	select {
	case c := <-ch:
		if !c.Resync {
			t.Fatalf("a new stream's first change = %+v, want a resync", c)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("a new stream delivered no resync within 5s")
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func newEngine(t *testing.T, url string, clk *clock.Fake, regs ...engine.Registration) *engine.Engine {
	t.Helper()
	opts := []engine.Option{engine.WithBackend(redisbackend.New(client(t, url)))}
	if clk != nil {
		opts = append(opts, engine.WithClock(clk))
	}
	e, err := engine.New(context.Background(), opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	if err := e.Register(context.Background(), regs...); err != nil {
		t.Fatal(err)
	}
	return e
}

func reg(method, tmpl string, opts ...route.Option) engine.Registration {
	d, _ := route.Declare(opts...)
	return engine.Registration{Method: method, Template: tmpl, Declaration: d}
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second) // back-off steps and a loaded machine
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestEnginesShareStateThroughRedis(t *testing.T) {
	srv := waygatetest.StartRedis(t)
	ctx := context.Background()
	a := newEngine(t, srv.URL, nil, reg("GET", "/orders"), reg("GET", "/pay", route.Maintenance("declared")))
	b := newEngine(t, srv.URL, nil, reg("GET", "/orders"), reg("GET", "/pay", route.Maintenance("declared")))
	req := &engine.Request{Method: "GET", Route: "/orders", Path: "/orders"}

	if _, err := a.SetMaintenance(ctx, "GET:/orders", "from a"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "B to see A's maintenance", func() bool { return b.Check(ctx, req).Outcome == engine.BlockMaintenance })
	if _, err := b.EnableMaintenance(ctx, engine.GlobalScope(), "deploy"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "A to see B's global maintenance", func() bool { return a.Maintenance(engine.GlobalScope()).Enabled })
	if _, err := a.Enable(ctx, "GET:/pay"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "B to see A's enable", func() bool {
		st, _ := b.Route("GET:/pay")
		return st.Status == route.StatusActive
	})

	// Flags created on one instance evaluate identically on the other.
	f := flag.NewBoolean("new-checkout")
	f.Fallthrough = flag.Fallthrough{Rollout: []flag.WeightedVariation{{Variation: "on", Weight: 50000}, {Variation: "off", Weight: 50000}}}
	if _, err := a.CreateFlag(ctx, f); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "B to see A's flag", func() bool { _, ok := b.Flags().Flag("new-checkout"); return ok })
	for i := range 200 {
		c := flag.EvaluationContext{Key: fmt.Sprint("user-", i)}
		if a.Flags().Bool("new-checkout", c, false) != b.Flags().Bool("new-checkout", c, false) {
			t.Fatalf("user-%d evaluates differently on the two instances", i)
		}
	}
}

func TestWindowTransitionsHappenOnceAcrossEngines(t *testing.T) {
	srv := waygatetest.StartRedis(t)
	ctx := context.Background()
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clkA, clkB := clock.NewFake(t0), clock.NewFake(t0)
	a := newEngine(t, srv.URL, clkA, reg("GET", "/x"))
	b := newEngine(t, srv.URL, clkB, reg("GET", "/x"))
	if _, err := a.Schedule(ctx, "GET:/x", route.Window{Start: t0.Add(time.Hour), End: t0.Add(2 * time.Hour), Reason: "w"}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "B to see the window", func() bool {
		st, _ := b.Route("GET:/x")
		return st.Window != nil
	})
	clkA.Advance(90 * time.Minute)
	clkB.Advance(90 * time.Minute)
	clkA.Advance(time.Hour)
	clkB.Advance(time.Hour)
	waitFor(t, "both engines back to active", func() bool {
		sa, _ := a.Route("GET:/x")
		sb, _ := b.Route("GET:/x")
		return sa.Status == route.StatusActive && sb.Status == route.StatusActive && sa.Window == nil
	})
	entries, _ := a.Audit(ctx, audit.Query{Route: "GET:/x", Limit: 100})
	counts := map[audit.Action]int{}
	for _, e := range entries {
		counts[e.Action]++
	}
	if counts[audit.ActionWindowStarted] != 1 || counts[audit.ActionWindowEnded] != 1 {
		t.Fatalf("window transitions audited %v, want each once", counts)
	}
}

// TestNoRedisCommandsPerRequest: route state is read from the snapshot.
// The engine's client counts every command it sends, so traffic from
// startup or from other clients cannot blur the count.
func TestNoRedisCommandsPerRequest(t *testing.T) {
	srv := waygatetest.StartRedis(t)
	ctx := context.Background()
	c := client(t, srv.URL)
	sent := &commandCounter{}
	c.AddHook(sent)
	e, err := engine.New(ctx, engine.WithBackend(redisbackend.New(c)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	if err := e.Register(ctx, reg("GET", "/orders"), reg("GET", "/pay", route.Maintenance("m"))); err != nil {
		t.Fatal(err)
	}
	if sent.n.Load() == 0 {
		t.Fatal("the hook saw no command of the startup: it does not count the engine's traffic")
	}
	// The stream's first message makes the engine load once more: wait
	// for that, so only the checks are counted.
	waitFor(t, "the subscription's resync", func() bool { return e.Stats().Resyncs >= 1 })
	before := sent.n.Load()
	for range 1000 {
		e.Check(ctx, &engine.Request{Method: "GET", Route: "/orders", Path: "/orders"})
		e.Check(ctx, &engine.Request{Method: "GET", Route: "/pay", Path: "/pay"})
	}
	if n := sent.n.Load() - before; n != 0 {
		t.Fatalf("%d Redis commands for 2000 checks, want 0", n)
	}
}

// commandCounter is a go-redis hook that counts the commands a client
// sends, pipelined ones included.
type commandCounter struct{ n atomic.Int64 }

func (h *commandCounter) DialHook(next redis.DialHook) redis.DialHook { return next }

func (h *commandCounter) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		h.n.Add(1)
		return next(ctx, cmd)
	}
}

func (h *commandCounter) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		h.n.Add(int64(len(cmds)))
		return next(ctx, cmds)
	}
}

func TestRedisDownAtStartupThenBack(t *testing.T) {
	srv := waygatetest.StartRedis(t)
	srv.Stop()
	ctx := context.Background()
	e := newEngine(t, srv.URL, nil, reg("GET", "/pay", route.Maintenance("declared")), reg("GET", "/orders"))
	if d := e.Check(ctx, &engine.Request{Method: "GET", Route: "/pay", Path: "/pay"}); d.Outcome != engine.BlockMaintenance {
		t.Fatalf("declared state not enforced with Redis down: %v", d.Outcome)
	}
	if st := e.Stats(); st.FailOpen == 0 || st.Synced || !st.LastSync.IsZero() {
		t.Fatalf("stats with Redis down since the start: %+v, want the outage counted, not synced, no last sync", st)
	}
	srv.Restart()
	// The engine writes the state declared in code as soon as Redis is back.
	waitFor(t, "the declared state in Redis", func() bool {
		snap, err := redisbackend.New(client(t, srv.URL)).Load(ctx)
		return err == nil && strings.Contains(string(snap[backend.KindRoute]["GET:/pay"]), `"maintenance"`)
	})
	waitFor(t, "synced after Redis came back", func() bool { return e.Stats().Synced })
	// A change made by another engine while this one was disconnected.
	other := newEngine(t, srv.URL, nil, reg("GET", "/orders"))
	if _, err := other.Disable(ctx, "GET:/orders", "outage change"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the engine to resync after Redis came back", func() bool {
		return e.Check(ctx, &engine.Request{Method: "GET", Route: "/orders", Path: "/orders"}).Outcome == engine.BlockDisabled
	})
}

// TestSyncStatusFollowsTheStream: synced is false while the change stream
// is down; a Redis that comes back empty gets the engine's state back,
// runtime changes included; changes from another engine report their lag.
func TestSyncStatusFollowsTheStream(t *testing.T) {
	srv := waygatetest.StartRedis(t)
	ctx := context.Background()
	a := newEngine(t, srv.URL, nil, reg("GET", "/orders"), reg("GET", "/pay"))
	b := newEngine(t, srv.URL, nil, reg("GET", "/orders"), reg("GET", "/pay"))
	waitFor(t, "both engines synced", func() bool { return a.Stats().Synced && b.Stats().Synced })
	first := b.Stats().LastSync
	if first.IsZero() {
		t.Fatal("synced without a last sync time")
	}

	if _, err := a.Disable(ctx, "GET:/orders", "runtime change"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "B to apply A's change", func() bool {
		st, _ := b.Route("GET:/orders")
		return st.Status == route.StatusDisabled
	})
	if st := b.Stats(); !st.Synced || st.LastSync.Before(first) || st.Lag < 0 || st.Lag > time.Minute || st.LagMillis != float64(st.Lag.Microseconds())/1000 {
		t.Fatalf("B's stats after a change from A: %+v, want synced, a later last sync and a lag under a minute", st)
	}

	srv.Stop()
	waitFor(t, "A to notice the stream is down", func() bool { return !a.Stats().Synced })
	if d := a.Check(ctx, &engine.Request{Method: "GET", Route: "/orders", Path: "/orders"}); d.Outcome != engine.BlockDisabled {
		t.Fatalf("with Redis down A serves %v, want the last known state (disabled)", d.Outcome)
	}

	srv.Restart() // empty: no persistence
	waitFor(t, "A synced again", func() bool { return a.Stats().Synced })
	waitFor(t, "the runtime change written back to the emptied Redis", func() bool {
		snap, err := redisbackend.New(client(t, srv.URL)).Load(ctx)
		return err == nil && strings.Contains(string(snap[backend.KindRoute]["GET:/orders"]), `"disabled"`) &&
			len(snap[backend.KindRoute]["GET:/pay"]) > 0
	})
	waitFor(t, "B still sees the change", func() bool {
		st, _ := b.Route("GET:/orders")
		return b.Stats().Synced && st.Status == route.StatusDisabled
	})
}

func TestScheduledFlagChangeHappensOnceAcrossEngines(t *testing.T) {
	srv := waygatetest.StartRedis(t)
	ctx := context.Background()
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clkA, clkB := clock.NewFake(t0), clock.NewFake(t0)
	a := newEngine(t, srv.URL, clkA)
	b := newEngine(t, srv.URL, clkB)
	f := flag.NewBoolean("launch")
	f.Enabled = false
	f.ScheduledChanges = []flag.ScheduledChange{flag.ScheduleEnable(t0.Add(time.Hour))}
	if _, err := a.SaveFlag(ctx, f); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "B to see the flag", func() bool { _, ok := b.Flags().Flag("launch"); return ok })
	clkA.Advance(time.Hour)
	clkB.Advance(time.Hour)
	waitFor(t, "both engines to see the flag enabled", func() bool {
		fa, _ := a.Flags().Flag("launch")
		fb, _ := b.Flags().Flag("launch")
		return fa.Enabled && fb.Enabled
	})
	entries, _ := a.Audit(ctx, audit.Query{Route: "flag:launch", Action: audit.ActionFlagScheduledChange})
	if len(entries) != 1 {
		t.Fatalf("scheduled change applied %d times, want once", len(entries))
	}
}

// The backend's clock reaches its rate-limit store, which places resets on
// it.
func TestRateLimitStoreUsesTheBackendsClock(t *testing.T) {
	srv := waygatetest.StartRedis(t)
	t0 := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	b := redisbackend.New(client(t, srv.URL), redisbackend.WithClock(clock.NewFake(t0)))
	rates := []ratelimit.Rate{{Amount: 5, Period: time.Minute}}
	r, err := b.RateLimitStore().Take(context.Background(), ratelimit.Key{Scope: "GET:/x", Client: "u"}, ratelimit.FixedWindow, rates, 0)
	if err != nil {
		t.Fatal(err)
	}
	if until := r.Reset.Sub(t0); until <= 0 || until > time.Minute {
		t.Fatalf("reset %v, want within a minute of the backend's clock (%v)", r.Reset, t0)
	}
}

// A single-node URL that names a node of a Redis Cluster is refused by
// Open, with the cluster form to write; the cluster form works.
func TestSingleNodeURLOfAClusterIsRefused(t *testing.T) {
	c := waygatetest.StartRedisCluster(t, 3, 0)
	b, err := redisbackend.Open("redis://" + c.Addrs[1] + "/0")
	if err == nil {
		b.Close()
		t.Fatal("Open accepted a single-node URL naming a Cluster node")
	}
	if !errors.Is(err, redisbackend.ErrClusterNode) || !strings.Contains(err.Error(), "redis+cluster://"+c.Addrs[1]) {
		t.Fatalf("error %q, want ErrClusterNode naming redis+cluster://%s", err, c.Addrs[1])
	}
	b, err = redisbackend.Open(c.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	ctx := context.Background()
	must(t, b.Write(ctx, backend.Record{Kind: backend.KindRoute, Key: "GET:/x", Value: []byte(`{"status":"disabled"}`)}))
	snap, err := b.Load(ctx)
	if err != nil || string(snap[backend.KindRoute]["GET:/x"]) != `{"status":"disabled"}` {
		t.Fatalf("load through %s: %v %v", c.URL, snap, err)
	}
}
