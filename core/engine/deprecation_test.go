package engine_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/waygate-go/waygate/core/backend"
	"github.com/waygate-go/waygate/core/clock"
	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/route"
)

// deprecationOf returns the Deprecation header an allowed request to the
// route gets.
func deprecationOf(t *testing.T, e *engine.Engine, path string) string {
	t.Helper()
	d := e.Check(context.Background(), &engine.Request{Method: "GET", Route: path, Path: path})
	if d.Outcome != engine.Allow {
		t.Fatalf("GET %s: %v, want allowed", path, d.Outcome)
	}
	for _, h := range d.Header {
		if h.Name == "Deprecation" {
			return h.Value
		}
	}
	return ""
}

// A route deprecated in code without a date is dated when its deprecation
// was first registered: the date is stored with its state, so a restart
// (or another instance) later sends the same one (RFC 9745 allows only a
// date).
func TestDeprecationDateIsTheFirstRegistration(t *testing.T) {
	b := backend.NewMemory()
	first := time.Date(2026, 3, 1, 12, 30, 45, 500, time.UTC)
	want := fmt.Sprintf("@%d", first.Unix())
	start := func(at time.Time) *engine.Engine {
		e, err := engine.New(context.Background(), engine.WithBackend(b), engine.WithClock(clock.NewFake(at)))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { e.Close() })
		must0(t, e.Register(context.Background(), reg("GET", "/legacy", route.Deprecated("2027-01-01", "/v2")),
			reg("GET", "/dated", route.Deprecated("", "", "2025-12-24"))))
		return e
	}
	a := start(first)
	if got := deprecationOf(t, a, "/legacy"); got != want {
		t.Fatalf("Deprecation = %q, want %q (the registration)", got, want)
	}
	if got := deprecationOf(t, a, "/dated"); got != fmt.Sprintf("@%d", time.Date(2025, 12, 24, 0, 0, 0, 0, time.UTC).Unix()) {
		t.Fatalf("Deprecation of a route declared with a date = %q", got)
	}
	a.Close()
	later := start(first.Add(30 * 24 * time.Hour))
	if got := deprecationOf(t, later, "/legacy"); got != want {
		t.Fatalf("after a restart a month later Deprecation = %q, want the first registration's %q", got, want)
	}
	if st, _ := later.Route("GET:/legacy"); st.DeprecatedAt != first.Truncate(time.Second).Format(time.RFC3339) {
		t.Fatalf("stored deprecated_at = %q", st.DeprecatedAt)
	}
}

// A deprecated state stored by an older version (no deprecated_at; it
// sent Deprecation: ?1) gets a date at the next registration.
func TestOldDeprecatedStateGetsADate(t *testing.T) {
	b := backend.NewMemory()
	old, _ := json.Marshal(route.State{Path: "GET:/legacy", Status: route.StatusDeprecated, SunsetDate: "2027-01-01T00:00:00Z"})
	must0(t, b.Write(context.Background(), backend.Record{Kind: backend.KindRoute, Key: "GET:/legacy", Value: old}))
	now := time.Date(2026, 5, 5, 5, 5, 5, 0, time.UTC)
	e, err := engine.New(context.Background(), engine.WithBackend(b), engine.WithClock(clock.NewFake(now)))
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	must0(t, e.Register(context.Background(), reg("GET", "/legacy", route.Deprecated("2027-01-01", ""))))
	if got, want := deprecationOf(t, e, "/legacy"), fmt.Sprintf("@%d", now.Unix()); got != want {
		t.Fatalf("Deprecation = %q, want %q", got, want)
	}
	snap, err := b.Load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var st route.State
	if err := json.Unmarshal(snap[backend.KindRoute]["GET:/legacy"], &st); err != nil || st.DeprecatedAt != now.Format(time.RFC3339) {
		t.Fatalf("stored state %s: the date was not kept", snap[backend.KindRoute]["GET:/legacy"])
	}
}

// Enable after Deprecate leaves no deprecation behind: no sunset, no date,
// no successor, no headers; deprecating again dates it anew.
func TestEnableClearsTheDeprecation(t *testing.T) {
	clk := clock.NewFake(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	e, err := engine.New(context.Background(), engine.WithBackend(backend.NewMemory()), engine.WithClock(clk))
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	ctx := context.Background()
	must0(t, e.Register(ctx, reg("GET", "/orders")))
	must(e.Deprecate(ctx, "GET:/orders", "2027-01-01", "/v2/orders"))(t)
	st, err := e.Enable(ctx, "GET:/orders")
	if err != nil {
		t.Fatal(err)
	}
	if st.Status != route.StatusActive || st.SunsetDate != "" || st.DeprecatedAt != "" || st.SuccessorPath != "" {
		t.Fatalf("state after enable: %+v, want active with no deprecation left", st)
	}
	d := e.Check(ctx, &engine.Request{Method: "GET", Route: "/orders", Path: "/orders"})
	if len(d.Header) != 0 {
		t.Fatalf("headers after enable: %v", d.Header)
	}
	clk.Advance(time.Hour)
	must(e.Deprecate(ctx, "GET:/orders", "", ""))(t)
	if got, want := deprecationOf(t, e, "/orders"), fmt.Sprintf("@%d", clk.Now().Unix()); got != want {
		t.Fatalf("deprecated again: Deprecation = %q, want %q", got, want)
	}
}
