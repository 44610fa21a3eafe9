package engine_test

import (
	"context"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/waygate-go/waygate/core/audit"
	"github.com/waygate-go/waygate/core/clock"
	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/route"
)

// Wall-clock jumps (an NTP step, a VM resumed from a snapshot) around a
// scheduled maintenance window. Windows are wall-clock times: whatever the
// clock does, a route is in maintenance only inside its window, each
// transition happens once, and nothing is left pending.

// windowActions lists the audited window transitions of key, oldest first.
func windowActions(t *testing.T, e *engine.Engine, key string) []audit.Action {
	t.Helper()
	entries, err := e.Audit(context.Background(), audit.Query{Route: key, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	var out []audit.Action
	for _, en := range slices.Backward(entries) {
		if en.Action == audit.ActionWindowStarted || en.Action == audit.ActionWindowEnded {
			out = append(out, en.Action)
		}
	}
	return out
}

var bothTransitions = []audit.Action{audit.ActionWindowStarted, audit.ActionWindowEnded}

// scheduled returns an engine on a fake clock at t0 with GET /x holding a
// window from t0+1h to t0+2h.
func scheduled(t *testing.T) (*engine.Engine, *clock.Fake) {
	t.Helper()
	clk := clock.NewFake(t0)
	e := newEngine(t, nil, clk, reg("GET", "/x"))
	must(e.Schedule(context.Background(), "GET:/x", route.Window{Start: t0.Add(time.Hour), End: t0.Add(2 * time.Hour), Reason: "upgrade"}))(t)
	return e, clk
}

func TestClockJumpForwardOverAWholeWindow(t *testing.T) {
	e, clk := scheduled(t)
	clk.Advance(3 * time.Hour) // one jump, past start and end
	if st, _ := e.Route("GET:/x"); st.Status != route.StatusActive || st.Window != nil {
		t.Fatalf("after jumping past the window: %+v, want active without a window", st)
	}
	if d := check(e, "GET", "/x", "/x"); d.Outcome != engine.Allow {
		t.Fatalf("outcome %v after the window, want allow", d.Outcome)
	}
	if got := windowActions(t, e, "GET:/x"); !slices.Equal(got, bothTransitions) {
		t.Fatalf("transitions %v, want %v", got, bothTransitions)
	}
	if clk.Pending() != 0 {
		t.Fatalf("%d timers left after the window", clk.Pending())
	}
}

func TestClockJumpForwardIntoAWindow(t *testing.T) {
	e, clk := scheduled(t)
	clk.Advance(90 * time.Minute)
	d := check(e, "GET", "/x", "/x")
	if d.Outcome != engine.BlockMaintenance || d.Status != 503 {
		t.Fatalf("inside the window: %v %d, want maintenance", d.Outcome, d.Status)
	}
	if got := header(d, "Retry-After"); got != "1800" {
		t.Fatalf("Retry-After %q inside the window, want 1800 (the 30 minutes left)", got)
	}
}

func TestClockJumpBackwardInsideAWindow(t *testing.T) {
	e, clk := scheduled(t)
	clk.Advance(90 * time.Minute) // the window runs
	clk.Advance(-time.Hour)       // the clock steps back to before its start
	if st, _ := e.Route("GET:/x"); st.Status != route.StatusMaintenance {
		t.Fatalf("after stepping back: %s, want the started window kept (no flapping)", st.Status)
	}
	d := check(e, "GET", "/x", "/x")
	if d.Status != 503 {
		t.Fatalf("after stepping back: %d, want 503", d.Status)
	}
	if got := header(d, "Retry-After"); got != "5400" {
		t.Fatalf("Retry-After %q after stepping back to 0h30, want 5400 (the window still ends at 2h)", got)
	}
	clk.Advance(time.Hour) // back at 1h30: still inside
	if st, _ := e.Route("GET:/x"); st.Status != route.StatusMaintenance {
		t.Fatalf("at 1h30 again: %s, want maintenance", st.Status)
	}
	clk.Advance(30 * time.Minute) // the window's end, on the wall clock
	if st, _ := e.Route("GET:/x"); st.Status != route.StatusActive || st.Window != nil {
		t.Fatalf("at the window's end: %+v, want active", st)
	}
	if got := windowActions(t, e, "GET:/x"); !slices.Equal(got, bothTransitions) {
		t.Fatalf("transitions %v, want each once: %v", got, bothTransitions)
	}
}

func TestClockJumpBackwardAfterAWindow(t *testing.T) {
	e, clk := scheduled(t)
	clk.Advance(3 * time.Hour)
	clk.Advance(-90 * time.Minute) // back inside the window's old span
	if d := check(e, "GET", "/x", "/x"); d.Outcome != engine.Allow {
		t.Fatalf("outcome %v after stepping back into an ended window, want allow (it ran once)", d.Outcome)
	}
	clk.Advance(2 * time.Hour)
	if got := windowActions(t, e, "GET:/x"); !slices.Equal(got, bothTransitions) {
		t.Fatalf("transitions %v, want each once: %v", got, bothTransitions)
	}
	if clk.Pending() != 0 {
		t.Fatalf("%d timers left", clk.Pending())
	}
}

func TestClockJumpBackwardBeforeAPendingWindow(t *testing.T) {
	e, clk := scheduled(t)
	clk.Advance(30 * time.Minute)
	clk.Advance(-24 * time.Hour)
	if st, _ := e.Route("GET:/x"); st.Status != route.StatusActive || st.Window == nil {
		t.Fatalf("after stepping back a day: %+v, want the window still pending", st)
	}
	clk.Set(t0.Add(time.Hour))
	if st, _ := e.Route("GET:/x"); st.Status != route.StatusMaintenance {
		t.Fatalf("at the window's start: %s, want maintenance", st.Status)
	}
}

// A route in maintenance by hand answers without Retry-After, before and
// during a window: the route returns to the manual maintenance at the
// window's end, so that end is not when to retry.
func TestManualMaintenanceBeforeAWindowHasNoRetryAfter(t *testing.T) {
	clk := clock.NewFake(t0)
	e := newEngine(t, nil, clk, reg("GET", "/x"))
	ctx := context.Background()
	must(e.SetMaintenance(ctx, "GET:/x", "by hand"))(t)
	must(e.Schedule(ctx, "GET:/x", route.Window{Start: t0.Add(time.Hour), End: t0.Add(2 * time.Hour), Reason: "upgrade"}))(t)
	d := check(e, "GET", "/x", "/x")
	if d.Status != 503 || d.Reason != "by hand" {
		t.Fatalf("before the window: %d %q, want 503 by hand", d.Status, d.Reason)
	}
	if got := header(d, "Retry-After"); got != "" {
		t.Fatalf("Retry-After %q before the window, want none", got)
	}
	clk.Advance(90 * time.Minute)
	if d := check(e, "GET", "/x", "/x"); d.Status != 503 || header(d, "Retry-After") != "" {
		t.Fatalf("inside the window: %d, Retry-After %q; want 503 without it", d.Status, header(d, "Retry-After"))
	}
	clk.Advance(time.Hour)
	if st, _ := e.Route("GET:/x"); st.Status != route.StatusMaintenance || st.Reason != "by hand" {
		t.Fatalf("after the window: %s %q, want the manual maintenance back", st.Status, st.Reason)
	}
}

func header(d engine.Decision, name string) string {
	for _, h := range d.Header {
		if h.Name == name {
			return h.Value
		}
	}
	return ""
}

// steppedClock is a wall clock that can step while timers keep counting
// elapsed time, as on a real machine: Go's timers run on the monotonic
// clock, so a step of the wall clock neither fires nor delays them.
type steppedClock struct {
	mono   *clock.Fake  // elapsed time; fires the timers
	offset atomic.Int64 // the wall clock's step, read by the engine's goroutines too
}

func (c *steppedClock) Now() time.Time { return c.mono.Now().Add(time.Duration(c.offset.Load())) }

func (c *steppedClock) AfterFunc(d time.Duration, f func()) clock.Timer {
	return c.mono.AfterFunc(d, f)
}

// TestWallClockStepIntoAWindowIsNoticed: timers run on the monotonic clock,
// so when the wall clock steps forward into a window only a timer that
// fires re-reads it. The scheduler never sleeps longer than a minute, so the
// window applies within a minute of the step instead of being skipped.
func TestWallClockStepIntoAWindowIsNoticed(t *testing.T) {
	clk := &steppedClock{mono: clock.NewFake(t0)}
	e, err := engine.New(context.Background(), engine.WithClock(clk))
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	must0(t, e.Register(context.Background(), reg("GET", "/x")))
	must(e.Schedule(context.Background(), "GET:/x", route.Window{Start: t0.Add(time.Hour), End: t0.Add(2 * time.Hour), Reason: "upgrade"}))(t)
	clk.offset.Store(int64(90 * time.Minute)) // the wall clock steps into the window
	clk.mono.Advance(time.Minute)
	if st, _ := e.Route("GET:/x"); st.Status != route.StatusMaintenance {
		t.Fatalf("a minute after the wall clock stepped into the window: %s, want maintenance", st.Status)
	}
}
