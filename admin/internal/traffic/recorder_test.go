package traffic

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/waygate-go/waygate/core/clock"
	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/flag"
	"github.com/waygate-go/waygate/core/route"
	"github.com/waygate-go/waygate/core/waygatetest"
)

// t0 is 30 seconds into a minute: the first sample is 30 seconds away.
var t0 = time.Date(2026, 3, 1, 14, 0, 30, 0, time.UTC)

func newStarted(t *testing.T, flags *flag.Recorder) (*Recorder, *clock.Fake) {
	t.Helper()
	clk := clock.NewFake(t0)
	r := New(clk, flags)
	r.Start()
	t.Cleanup(r.Stop)
	return r, clk
}

func decide(o engine.RouteObserver, outcome engine.Outcome, n int) {
	for range n {
		o.Decided(context.Background(), "GET", outcome, "")
	}
}

// routeOf returns the window's series of key, failing when absent.
func routeOf(t *testing.T, w Window, key string) RouteTraffic {
	t.Helper()
	for _, rt := range w.Routes {
		if rt.Key == key {
			return rt
		}
	}
	t.Fatalf("route %s is not in the window: %+v", key, w.Routes)
	return RouteTraffic{}
}

// nonZero lists the minutes of a series that are not empty, by index.
func nonZero(rt RouteTraffic) map[int]Counts {
	out := map[int]Counts{}
	for i, c := range rt.Minutes {
		if c.Total() > 0 {
			out[i] = c
		}
	}
	return out
}

func counts(allow, maintenance, disabled, notFound, limited uint64) Counts {
	return Counts{allow, maintenance, disabled, notFound, limited}
}

func TestPerMinuteBuckets(t *testing.T) {
	r, clk := newStarted(t, nil)
	orders := r.Route("GET:/orders")
	if again := r.Route("GET:/orders"); again != orders {
		t.Fatal("Route returned another observer for the same key")
	}
	decide(orders, engine.Allow, 3)
	decide(orders, engine.BlockMaintenance, 1)

	// Before any sample the requests are in the current minute.
	w := r.Window()
	if want := time.Date(2026, 3, 1, 13, 1, 0, 0, time.UTC); !w.Start.Equal(want) {
		t.Fatalf("window starts %s, want %s", w.Start, want)
	}
	rt := routeOf(t, w, "GET:/orders")
	if got := nonZero(rt); len(got) != 1 || got[Minutes-1] != counts(3, 1, 0, 0, 0) {
		t.Fatalf("before the first sample: %v, want 3 allowed and 1 maintenance in the current minute", got)
	}

	// At 14:01 the minute 14:00 is sampled: one minute back.
	clk.Advance(30 * time.Second)
	decide(orders, engine.Allow, 2)
	decide(orders, engine.BlockRateLimited, 4)
	rt = routeOf(t, r.Window(), "GET:/orders")
	if got := nonZero(rt); len(got) != 2 || got[Minutes-2] != counts(3, 1, 0, 0, 0) || got[Minutes-1] != counts(2, 0, 0, 0, 4) {
		t.Fatalf("after the 14:01 sample: %v", got)
	}
	if rt.Total != counts(5, 1, 0, 0, 4) || rt.Total.Allowed() != 5 || rt.Total.Blocked() != 5 {
		t.Fatalf("total %v", rt.Total)
	}

	// A minute without requests stays empty; later minutes shift left.
	clk.Advance(2 * time.Minute) // samples 14:01 and 14:02
	decide(orders, engine.BlockDisabled, 1)
	clk.Advance(time.Minute) // samples 14:03
	rt = routeOf(t, r.Window(), "GET:/orders")
	want := map[int]Counts{Minutes - 5: counts(3, 1, 0, 0, 0), Minutes - 4: counts(2, 0, 0, 0, 4), Minutes - 2: counts(0, 0, 1, 0, 0)}
	if got := nonZero(rt); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("at 14:04: %v, want %v", got, want)
	}
}

func TestWindowIsOneHour(t *testing.T) {
	r, clk := newStarted(t, nil)
	o := r.Route("GET:/orders")
	decide(o, engine.Allow, 7) // in 14:00
	clk.Advance(30 * time.Second)
	// 14:00 stays in the window while it is among the last 60 minutes:
	// until the current minute is 14:59.
	clk.Advance(58 * time.Minute) // now 14:59:00
	rt := routeOf(t, r.Window(), "GET:/orders")
	if got := nonZero(rt); len(got) != 1 || got[0] != counts(7, 0, 0, 0, 0) {
		t.Fatalf("at 14:59 the 14:00 minute is the window's first: %v", got)
	}
	clk.Advance(time.Minute) // 15:00: 14:00 falls out
	if w := r.Window(); len(w.Routes) != 0 {
		t.Fatalf("at 15:00 the window still has %+v", w.Routes)
	}
	r.mu.Lock()
	ring := r.routes["GET:/orders"].ring
	r.mu.Unlock()
	if ring != nil {
		t.Error("a route quiet for an hour keeps its ring")
	}
	// The route counts again from its first new request.
	decide(o, engine.BlockNotFound, 2)
	clk.Advance(time.Minute)
	rt = routeOf(t, r.Window(), "GET:/orders")
	if got := nonZero(rt); len(got) != 1 || got[Minutes-2] != counts(0, 0, 0, 2, 0) {
		t.Fatalf("after a quiet hour: %v", got)
	}
}

// A sample every minute for two hours keeps exactly the last 60 minutes.
func TestRingWrapsAround(t *testing.T) {
	r, clk := newStarted(t, nil)
	o := r.Route("GET:/orders")
	clk.Advance(30 * time.Second) // 14:01:00
	for i := 1; i <= 120; i++ {
		decide(o, engine.Allow, i) // minute 14:00+i gets i requests
		clk.Advance(time.Minute)
	}
	// Now 16:01:00, the current minute is empty; minute j of the window
	// (15:02 + j) had j+62 requests.
	rt := routeOf(t, r.Window(), "GET:/orders")
	for j := range Minutes - 1 {
		if got, want := rt.Minutes[j].Allowed(), uint64(j+62); got != want {
			t.Fatalf("minute %d of the window: %d, want %d", j, got, want)
		}
	}
	if n := rt.Minutes[Minutes-1].Total(); n != 0 {
		t.Fatalf("current minute: %d", n)
	}
	if n := clk.Pending(); n != 1 {
		t.Fatalf("%d timers pending, want the next sample only", n)
	}
}

// Routes are sorted by traffic; requests that matched no route are not
// counted.
func TestRoutesSortedByTraffic(t *testing.T) {
	r, _ := newStarted(t, nil)
	if r.Route("") != nil {
		t.Error("unmatched requests are observed")
	}
	decide(r.Route("GET:/b"), engine.Allow, 2)
	decide(r.Route("GET:/a"), engine.Allow, 2)
	decide(r.Route("GET:/c"), engine.BlockMaintenance, 5)
	r.Route("GET:/quiet")
	var got []string
	for _, rt := range r.Window().Routes {
		got = append(got, rt.Key)
	}
	if fmt.Sprint(got) != "[GET:/c GET:/a GET:/b]" {
		t.Fatalf("order %v", got)
	}
}

func flagOf(t *testing.T, w Window, key string) map[string]VariationTraffic {
	t.Helper()
	for _, f := range w.Flags {
		if f.Key == key {
			out := map[string]VariationTraffic{}
			var sum uint64
			for _, v := range f.Variations {
				out[v.Name] = v
				sum += v.Total
			}
			if sum != f.Total {
				t.Fatalf("flag %s: total %d, variations sum to %d", key, f.Total, sum)
			}
			return out
		}
	}
	t.Fatalf("flag %s is not in the window", key)
	return nil
}

func TestFlagEvaluationsPerMinute(t *testing.T) {
	fr := flag.NewRecorder(0)
	eval := func(key, variation string, n int) {
		for range n {
			fr.Record(flag.Event{FlagKey: key, Variation: variation})
		}
	}
	eval("checkout", "on", 100) // before Start: not charted
	r, clk := newStarted(t, fr)
	eval("checkout", "on", 2)
	eval("checkout", "off", 8)
	vs := flagOf(t, r.Window(), "checkout")
	if vs["on"].Minutes[Minutes-1] != 2 || vs["off"].Minutes[Minutes-1] != 8 || vs["on"].Total != 2 {
		t.Fatalf("current minute: %+v", vs)
	}
	clk.Advance(30 * time.Second)
	eval("checkout", "on", 1)
	eval("dark-mode", "", 3) // no variation served
	w := r.Window()
	vs = flagOf(t, w, "checkout")
	if vs["on"].Minutes[Minutes-2] != 2 || vs["off"].Minutes[Minutes-2] != 8 || vs["on"].Minutes[Minutes-1] != 1 || vs["on"].Total != 3 {
		t.Fatalf("after the sample: %+v", vs)
	}
	if w.Flags[0].Key != "checkout" || w.Flags[1].Key != "dark-mode" {
		t.Fatalf("flags are not sorted by evaluations: %+v", w.Flags)
	}
	if dm := flagOf(t, w, "dark-mode"); dm[""].Total != 3 {
		t.Fatalf("dark-mode: %+v", dm)
	}
	// Reset counts never make a negative minute.
	fr.ResetCounts("checkout")
	eval("checkout", "on", 1)
	clk.Advance(time.Minute)
	if vs := flagOf(t, r.Window(), "checkout"); vs["on"].Minutes[Minutes-2] != 1 {
		t.Fatalf("after a reset: %+v", vs["on"])
	}
	// An hour later the flags are gone, and so are their rings.
	clk.Advance(Minutes * time.Minute)
	if w := r.Window(); len(w.Flags) != 0 {
		t.Fatalf("an hour later: %+v", w.Flags)
	}
	r.mu.Lock()
	n := len(r.fseries)
	r.mu.Unlock()
	if n != 0 {
		t.Fatalf("%d flag series kept after an hour without evaluations", n)
	}
}

func TestFlagBounds(t *testing.T) {
	fr := flag.NewRecorder(0)
	r, clk := newStarted(t, fr)
	for i := range MaxVariations + 3 {
		fr.Record(flag.Event{FlagKey: "wide", Variation: fmt.Sprintf("v%02d", i)})
	}
	for i := range MaxFlags + 5 {
		fr.Record(flag.Event{FlagKey: fmt.Sprintf("f%03d", i), Variation: "on"})
	}
	clk.Advance(30 * time.Second)
	w := r.Window()
	if len(w.Flags) != MaxFlags {
		t.Fatalf("%d flags charted, want MaxFlags %d", len(w.Flags), MaxFlags)
	}
	r.mu.Lock()
	kept := len(r.fseries)
	r.mu.Unlock()
	if kept != MaxFlags {
		t.Fatalf("%d flag series kept, want %d", kept, MaxFlags)
	}
	vs := flagOf(t, w, "wide")
	if len(vs) != MaxVariations+1 || vs[Other].Total != 3 {
		t.Fatalf("wide flag: %d series, other %d; want %d and 3", len(vs), vs[Other].Total, MaxVariations+1)
	}
}

func TestSubscribeAndStop(t *testing.T) {
	r, clk := newStarted(t, nil)
	ticks, cancel := r.Subscribe()
	clk.Advance(30 * time.Second)
	select {
	case m := <-ticks:
		if want := time.Date(2026, 3, 1, 14, 0, 0, 0, time.UTC); !m.Equal(want) {
			t.Fatalf("sampled minute %s, want %s", m, want)
		}
	default:
		t.Fatal("no notice of the sample")
	}
	clk.Advance(2 * time.Minute) // unread notices do not pile up
	if len(ticks) != 1 {
		t.Fatalf("%d notices buffered, want 1", len(ticks))
	}
	cancel()
	<-ticks
	clk.Advance(time.Minute)
	if len(ticks) != 0 {
		t.Fatal("a cancelled subscription got a notice")
	}
	o := r.Route("GET:/orders")
	r.Stop()
	if clk.Pending() != 0 {
		t.Fatalf("%d timers left after Stop", clk.Pending())
	}
	if r.Route("GET:/orders") != nil || r.Route("GET:/new") != nil {
		t.Error("a stopped Recorder still observes routes")
	}
	decide(o, engine.Allow, 1) // a snapshot built before Stop may still call it
	r.Start()                  // no restart
	if clk.Pending() != 0 {
		t.Fatal("Start after Stop scheduled a sample")
	}
}

func TestRouteBound(t *testing.T) {
	r := New(clock.NewFake(t0), nil)
	for i := range MaxRoutes {
		if r.Route(fmt.Sprintf("GET:/r%d", i)) == nil {
			t.Fatalf("route %d not observed", i)
		}
	}
	if r.Route("GET:/one-too-many") != nil {
		t.Fatal("a route past MaxRoutes is observed")
	}
	if r.Route("GET:/r7") == nil {
		t.Fatal("a known route is no longer observed at the bound")
	}
}

// Counting a decision allocates nothing.
func TestDecidedDoesNotAllocate(t *testing.T) {
	o := New(clock.NewFake(t0), nil).Route("GET:/orders")
	ctx := context.Background()
	if n := testing.AllocsPerRun(1000, func() { o.Decided(ctx, "GET", engine.BlockRateLimited, "over the limit") }); n != 0 {
		t.Fatalf("Decided allocates %v times", n)
	}
	o.Decided(ctx, "GET", engine.Outcome(200), "") // an outcome from a newer engine is ignored, not a panic
}

// Added to a running engine, the Recorder sees every decision by outcome.
func TestOnAnEngine(t *testing.T) {
	eng, clk := waygatetest.NewEngine(t)
	ctx := context.Background()
	decl, err := route.Declare(route.Maintenance("DB migration"))
	if err != nil {
		t.Fatal(err)
	}
	limit, err := route.Declare(route.RateLimit("2/minute"))
	if err != nil {
		t.Fatal(err)
	}
	if err := eng.Register(ctx, engine.Registration{Method: "GET", Template: "/payments", Declaration: decl},
		engine.Registration{Method: "GET", Template: "/orders"}, engine.Registration{Method: "GET", Template: "/posts", Declaration: limit}); err != nil {
		t.Fatal(err)
	}
	r := New(clk, eng.Flags().Recorder())
	engine.InternalsOf(eng).AddObserver(r)
	r.Start()
	t.Cleanup(r.Stop)
	check := func(path string, n int) {
		for range n {
			eng.Check(ctx, &engine.Request{Method: "GET", Route: path, Path: path, RemoteAddr: "192.0.2.1:1"})
		}
	}
	check("/payments", 2)
	check("/orders", 3)
	check("/posts", 3)
	check("/nowhere", 4)
	w := r.Window()
	if got := routeOf(t, w, "GET:/payments").Total; got != counts(0, 2, 0, 0, 0) {
		t.Errorf("/payments: %v", got)
	}
	if got := routeOf(t, w, "GET:/orders").Total; got != counts(3, 0, 0, 0, 0) {
		t.Errorf("/orders: %v", got)
	}
	if got := routeOf(t, w, "GET:/posts").Total; got != counts(2, 0, 0, 0, 1) {
		t.Errorf("/posts: %v", got)
	}
	if len(w.Routes) != 3 {
		t.Errorf("routes %+v", w.Routes)
	}
	// After Stop, the engine's next snapshot leaves the Recorder out.
	r.Stop()
	if err := eng.Register(ctx, engine.Registration{Method: "POST", Template: "/orders"}); err != nil {
		t.Fatal(err)
	}
	check("/orders", 5)
	eng.Flags().Bool("any", flag.EvaluationContext{Key: "u"}, false)
	if w := r.Window(); len(w.Routes) != 0 || len(w.Flags) != 0 {
		t.Errorf("a stopped Recorder shows %+v", w)
	}
	r.mu.Lock()
	n := len(r.routes)
	r.mu.Unlock()
	if n != 0 {
		t.Errorf("a stopped Recorder keeps %d routes", n)
	}
}

// Decisions, samples and reads at once (run with -race).
func TestConcurrentUse(t *testing.T) {
	fr := flag.NewRecorder(0)
	r, clk := newStarted(t, fr)
	var wg sync.WaitGroup
	const per = 2000
	for i := range 4 {
		wg.Go(func() {
			o := r.Route(fmt.Sprint("GET:/r", i%2))
			for j := range per {
				o.Decided(context.Background(), "GET", engine.Outcome(j%outcomes), "")
				if j%100 == 0 {
					fr.Record(flag.Event{FlagKey: "f", Variation: "on"})
				}
			}
		})
	}
	wg.Go(func() {
		for range 50 {
			clk.Advance(10 * time.Second)
			r.Window()
		}
	})
	wg.Wait()
	var total uint64
	for _, rt := range r.Window().Routes {
		total += rt.Total.Total()
	}
	if total != 4*per {
		t.Fatalf("%d requests in the window, want %d", total, 4*per)
	}
}
