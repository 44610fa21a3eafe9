package engine_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/waygate-go/waygate/core/audit"
	"github.com/waygate-go/waygate/core/backend"
	"github.com/waygate-go/waygate/core/clock"
	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/ratelimit"
	"github.com/waygate-go/waygate/core/route"
)

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// newEngine starts an engine on b (a fresh memory backend when nil) and a
// fake clock, with the routes registered.
func newEngine(t *testing.T, b backend.Backend, clk *clock.Fake, regs ...engine.Registration) *engine.Engine {
	t.Helper()
	if b == nil {
		b = backend.NewMemory()
	}
	if clk == nil {
		clk = clock.NewFake(t0)
	}
	e, err := engine.New(context.Background(), engine.WithBackend(b), engine.WithClock(clk))
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
	var d route.Declaration
	d.Apply(opts...)
	return engine.Registration{Method: method, Template: tmpl, Declaration: d}
}

func status(t *testing.T, e *engine.Engine, key string) route.Status {
	t.Helper()
	st, err := e.Route(key)
	if err != nil {
		t.Fatalf("Route(%q): %v", key, err)
	}
	return st.Status
}

func check(e *engine.Engine, method, tmpl, path string) engine.Decision {
	return e.Check(context.Background(), &engine.Request{Method: method, Route: tmpl, Path: path})
}

func TestBarePathMutationResolution(t *testing.T) {
	ctx := context.Background()
	e := newEngine(t, nil, nil, reg("GET", "/orders"), reg("POST", "/orders"), reg("GET", "/payments"), reg("", "/any"))

	_, err := e.Disable(ctx, "/orders", "x")
	var amb *engine.AmbiguousRouteError
	if !errors.As(err, &amb) {
		t.Fatalf("Disable(/orders) error = %v, want AmbiguousRouteError", err)
	}
	if want := []string{"GET:/orders", "POST:/orders"}; !slices.Equal(amb.Matches, want) {
		t.Fatalf("matches = %v, want %v", amb.Matches, want)
	}
	if status(t, e, "GET:/orders") != route.StatusActive || status(t, e, "POST:/orders") != route.StatusActive {
		t.Fatal("an ambiguous mutation changed state")
	}

	st, err := e.Disable(ctx, "/payments", "x")
	if err != nil || st.Path != "GET:/payments" || st.Status != route.StatusDisabled {
		t.Fatalf("Disable(/payments) = %+v, %v; want GET:/payments disabled", st, err)
	}
	if st, err := e.SetMaintenance(ctx, "/any", "m"); err != nil || st.Path != "/any" {
		t.Fatalf("all-methods key: %+v, %v", st, err)
	}
	for _, key := range []string{"/nope", "DELETE:/orders", "GET:/orders/{id}"} {
		if _, err := e.Enable(ctx, key); !errors.Is(err, engine.ErrRouteNotFound) {
			t.Errorf("Enable(%q) error = %v, want ErrRouteNotFound", key, err)
		}
	}
	if _, err := e.Enable(ctx, "orders"); !errors.Is(err, engine.ErrInvalid) {
		t.Errorf("Enable(orders) error = %v, want ErrInvalid", err)
	}
	if got := len(e.Routes()); got != 4 {
		t.Errorf("mutations created routes: %d routes, want 4", got)
	}
}

func TestForceActiveRoutesRefuseMutations(t *testing.T) {
	ctx := context.Background()
	e := newEngine(t, nil, nil, reg("GET", "/health", route.ForceActive()))
	mutations := map[string]func() (route.State, error){
		"enable":      func() (route.State, error) { return e.Enable(ctx, "GET:/health") },
		"disable":     func() (route.State, error) { return e.Disable(ctx, "GET:/health", "") },
		"maintenance": func() (route.State, error) { return e.SetMaintenance(ctx, "GET:/health", "") },
		"env":         func() (route.State, error) { return e.SetEnvOnly(ctx, "GET:/health", []string{"dev"}) },
		"deprecate":   func() (route.State, error) { return e.Deprecate(ctx, "GET:/health", "", "") },
		"schedule": func() (route.State, error) {
			return e.Schedule(ctx, "GET:/health", route.Window{Start: t0, End: t0.Add(time.Hour)})
		},
	}
	for name, m := range mutations {
		if _, err := m(); !errors.Is(err, engine.ErrRouteProtected) {
			t.Errorf("%s: error = %v, want ErrRouteProtected", name, err)
		}
	}
}

func TestValidationErrors(t *testing.T) {
	ctx := context.Background()
	e := newEngine(t, nil, nil, reg("GET", "/x"))
	cases := map[string]func() (route.State, error){
		"env only without envs": func() (route.State, error) { return e.SetEnvOnly(ctx, "GET:/x", []string{" "}) },
		"bad sunset":            func() (route.State, error) { return e.Deprecate(ctx, "GET:/x", "soon", "") },
		"bad successor":         func() (route.State, error) { return e.Deprecate(ctx, "GET:/x", "", "v2") },
		"window backwards": func() (route.State, error) {
			return e.Schedule(ctx, "GET:/x", route.Window{Start: t0.Add(time.Hour), End: t0})
		},
		"window in the past": func() (route.State, error) {
			return e.Schedule(ctx, "GET:/x", route.Window{Start: t0.Add(-2 * time.Hour), End: t0.Add(-time.Hour)})
		},
		"disable until the past": func() (route.State, error) { return e.Disable(ctx, "GET:/x", "", engine.Until(t0.Add(-time.Minute))) },
	}
	for name, c := range cases {
		if _, err := c(); !errors.Is(err, engine.ErrInvalid) {
			t.Errorf("%s: error = %v, want ErrInvalid", name, err)
		}
	}
	if _, err := e.EnableMaintenance(ctx, engine.GlobalScope(), "x", engine.WithExemptPaths("health")); !errors.Is(err, engine.ErrInvalid) {
		t.Errorf("bad exempt path: error = %v, want ErrInvalid", err)
	}
	if e.Maintenance(engine.GlobalScope()).Enabled {
		t.Error("a rejected global maintenance was applied")
	}
	if status(t, e, "GET:/x") != route.StatusActive {
		t.Error("a rejected mutation changed the route")
	}
}

func TestWindowLifecycle(t *testing.T) {
	ctx := context.Background()
	clk := clock.NewFake(t0)
	e := newEngine(t, nil, clk, reg("GET", "/x", route.Deprecated("2027-01-01", "/y")))
	w := route.Window{Start: t0.Add(time.Hour), End: t0.Add(2 * time.Hour), Reason: "upgrade"}
	st, err := e.Schedule(ctx, "GET:/x", w)
	if err != nil {
		t.Fatal(err)
	}
	if st.Status != route.StatusDeprecated || st.Window == nil || st.Window.PreviousStatus != route.StatusDeprecated {
		t.Fatalf("after Schedule: %+v, want pending window on a deprecated route", st)
	}
	steps := []struct {
		advance time.Duration
		want    route.Status
		outcome engine.Outcome
	}{
		{59 * time.Minute, route.StatusDeprecated, engine.Allow},
		{time.Minute, route.StatusMaintenance, engine.BlockMaintenance},
		{59 * time.Minute, route.StatusMaintenance, engine.BlockMaintenance},
		{time.Minute, route.StatusDeprecated, engine.Allow},
	}
	for i, s := range steps {
		clk.Advance(s.advance)
		if got := status(t, e, "GET:/x"); got != s.want {
			t.Fatalf("step %d (%s): status %s, want %s", i, clk.Now().Sub(t0), got, s.want)
		}
		if d := check(e, "GET", "/x", "/x"); d.Outcome != s.outcome {
			t.Fatalf("step %d: outcome %v, want %v", i, d.Outcome, s.outcome)
		}
	}
	st, _ = e.Route("GET:/x")
	if st.Window != nil || st.SunsetDate == "" {
		t.Fatalf("after the window: %+v, want no window and the deprecation kept", st)
	}
	entries, err := e.Audit(ctx, audit.Query{Route: "GET:/x"})
	if err != nil {
		t.Fatal(err)
	}
	var actions []audit.Action
	for _, en := range entries {
		actions = append(actions, en.Action)
	}
	want := []audit.Action{audit.ActionWindowEnded, audit.ActionWindowStarted, audit.ActionScheduleSet}
	if !slices.Equal(actions, want) {
		t.Fatalf("audit actions = %v, want %v", actions, want)
	}
	if entries[0].Actor != "scheduler" {
		t.Errorf("window end actor = %q, want scheduler", entries[0].Actor)
	}
}

func TestCancelSchedule(t *testing.T) {
	ctx := context.Background()
	clk := clock.NewFake(t0)
	e := newEngine(t, nil, clk, reg("GET", "/x", route.Disabled("off")))

	if _, err := e.CancelSchedule(ctx, "GET:/x"); !errors.Is(err, engine.ErrNoWindow) {
		t.Fatalf("cancel without a window: %v, want ErrNoWindow", err)
	}
	must(e.Schedule(ctx, "GET:/x", route.Window{Start: t0.Add(time.Hour), End: t0.Add(2 * time.Hour)}))(t)
	must(e.CancelSchedule(ctx, "GET:/x"))(t)
	clk.Advance(90 * time.Minute)
	if got := status(t, e, "GET:/x"); got != route.StatusDisabled {
		t.Fatalf("cancelled pending window still fired: %s", got)
	}
	if clk.Pending() != 0 {
		t.Fatalf("%d timers left after cancel", clk.Pending())
	}

	must(e.Schedule(ctx, "GET:/x", route.Window{Start: clk.Now(), End: clk.Now().Add(time.Hour), Reason: "now"}))(t)
	if got := status(t, e, "GET:/x"); got != route.StatusMaintenance {
		t.Fatalf("started window: %s, want maintenance", got)
	}
	st, err := e.CancelSchedule(ctx, "GET:/x")
	if err != nil || st.Status != route.StatusDisabled || st.Reason != "off" || st.Window != nil {
		t.Fatalf("cancel of a running window = %+v, %v; want disabled %q restored", st, err, "off")
	}
}

func TestOtherMutationsCancelPendingWindow(t *testing.T) {
	ctx := context.Background()
	clk := clock.NewFake(t0)
	e := newEngine(t, nil, clk, reg("GET", "/x"))
	must(e.Schedule(ctx, "GET:/x", route.Window{Start: t0.Add(time.Hour), End: t0.Add(2 * time.Hour)}))(t)
	must(e.Disable(ctx, "GET:/x", "manual"))(t)
	clk.Advance(3 * time.Hour)
	if got := status(t, e, "GET:/x"); got != route.StatusDisabled {
		t.Fatalf("window fired after another mutation: %s", got)
	}
}

func TestExpiredWindowAppliedAtStartup(t *testing.T) {
	ctx := context.Background()
	b := backend.NewMemory()
	clk := clock.NewFake(t0)
	e1 := newEngine(t, b, clk, reg("GET", "/x"))
	must(e1.Schedule(ctx, "GET:/x", route.Window{Start: t0, End: t0.Add(time.Hour), Reason: "r"}))(t)
	e1.Close()

	// The process was down past the window's end.
	later := clock.NewFake(t0.Add(3 * time.Hour))
	e2 := newEngine(t, b, later, reg("GET", "/x"))
	st, err := e2.Route("GET:/x")
	if err != nil || st.Status != route.StatusActive || st.Window != nil {
		t.Fatalf("after restart: %+v, %v; want active without window", st, err)
	}
	if d := check(e2, "GET", "/x", "/x"); d.Outcome != engine.Allow {
		t.Fatalf("outcome %v after restart, want allow", d.Outcome)
	}
}

func TestRestartRule(t *testing.T) {
	ctx := context.Background()
	b := backend.NewMemory()
	e1 := newEngine(t, b, nil,
		reg("GET", "/pay", route.Maintenance("code says so")),
		reg("GET", "/health", route.ForceActive()),
		reg("GET", "/old"))
	must(e1.Enable(ctx, "GET:/pay"))(t)
	e1.Close()

	// The new code no longer has /old, and /health lost ForceActive.
	e2 := newEngine(t, b, nil,
		reg("GET", "/pay", route.Maintenance("code says so")),
		reg("GET", "/health"))
	if got := status(t, e2, "GET:/pay"); got != route.StatusActive {
		t.Errorf("persisted state lost to the declaration: %s", got)
	}
	h, _ := e2.Route("GET:/health")
	if h.ForceActive {
		t.Error("force_active not refreshed from code")
	}
	old, err := e2.Route("GET:/old")
	if err != nil || !old.Stale {
		t.Fatalf("GET:/old = %+v, %v; want stale", old, err)
	}
	pruned, err := e2.PruneStale(ctx)
	if err != nil || !slices.Equal(pruned, []string{"GET:/old"}) {
		t.Fatalf("PruneStale = %v, %v", pruned, err)
	}
	if _, err := e2.Route("GET:/old"); !errors.Is(err, engine.ErrRouteNotFound) {
		t.Fatalf("pruned route still there: %v", err)
	}
	snap, _ := b.Load(ctx)
	if _, ok := snap[backend.KindRoute]["GET:/old"]; ok {
		t.Fatal("pruned route still in the backend")
	}
}

func TestAuditRetentionFiltersAndPaging(t *testing.T) {
	ctx := context.Background()
	b := backend.NewMemory()
	e, err := engine.New(ctx, engine.WithBackend(b), engine.WithClock(clock.NewFake(t0)), engine.WithAuditRetention(5))
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	must0(t, e.Register(ctx, reg("GET", "/a"), reg("GET", "/b")))
	alice := engine.WithActor(ctx, "alice", "cli")
	for i := range 4 {
		must(e.Disable(alice, "GET:/a", fmt.Sprint("a", i)))(t)
	}
	must(e.SetMaintenance(ctx, "GET:/b", "b"))(t)
	must(e.EnableMaintenance(alice, engine.GlobalScope(), "g"))(t)

	all, err := e.Audit(ctx, audit.Query{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 5 {
		t.Fatalf("retention 5 kept %d entries", len(all))
	}
	if all[0].Action != audit.ActionGlobalMaintenanceOn || all[0].Path != audit.PathGlobal || all[4].Reason != "a1" {
		t.Fatalf("order/eviction wrong: first %+v, last %+v", all[0], all[4])
	}
	if all[0].Actor != "alice" || all[0].Platform != "cli" || all[1].Actor != "system" {
		t.Fatalf("actors: %q/%q, %q", all[0].Actor, all[0].Platform, all[1].Actor)
	}
	filters := []struct {
		q    audit.Query
		want int
	}{
		{audit.Query{Route: "GET:/a"}, 3},
		{audit.Query{Actor: "alice"}, 4},
		{audit.Query{Action: audit.ActionMaintenanceOn}, 1},
		{audit.Query{Route: "GET:/a", Limit: 2}, 2},
		{audit.Query{Route: "GET:/a", Offset: 2}, 1},
		{audit.Query{Service: "nope"}, 0},
	}
	for _, f := range filters {
		got, _ := e.Audit(ctx, f.q)
		if len(got) != f.want {
			t.Errorf("Audit(%+v) = %d entries, want %d", f.q, len(got), f.want)
		}
	}
	page2, _ := e.Audit(ctx, audit.Query{Route: "GET:/a", Offset: 2})
	if page2[0].Reason != "a1" || page2[0].PreviousStatus != route.StatusDisabled || page2[0].NewStatus != route.StatusDisabled {
		t.Errorf("page 2 = %+v", page2[0])
	}
}

func TestConcurrentMutationsAndChecks(t *testing.T) {
	ctx := context.Background()
	var regs []engine.Registration
	for i := range 8 {
		regs = append(regs, reg("GET", fmt.Sprintf("/r%d/:id", i)))
	}
	e := newEngine(t, nil, nil, regs...)
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Add(2)
		go func() {
			defer wg.Done()
			key := fmt.Sprintf("GET:/r%d/{id}", w)
			for i := range 50 {
				switch i % 3 {
				case 0:
					must(e.SetMaintenance(ctx, key, "m"))(t)
				case 1:
					must(e.Disable(ctx, key, "d"))(t)
				default:
					must(e.Enable(ctx, key))(t)
				}
				if i%10 == 0 {
					must(e.EnableMaintenance(ctx, engine.GlobalScope(), "g"))(t)
					must(e.DisableMaintenance(ctx, engine.GlobalScope()))(t)
				}
			}
		}()
		go func() {
			defer wg.Done()
			for range 2000 {
				d := check(e, "GET", fmt.Sprintf("/r%d/:id", w), "/r/1")
				if d.Outcome != engine.Allow && d.Status != 503 {
					t.Errorf("unexpected decision %+v", d)
					return
				}
			}
		}()
	}
	wg.Wait()
	for i := range 8 {
		// 50 iterations end on i=49, 49%3 == 1: disabled.
		if got := status(t, e, fmt.Sprintf("GET:/r%d/{id}", i)); got != route.StatusDisabled {
			t.Errorf("route %d ended %s, want disabled", i, got)
		}
	}
}

func TestSubscribeSeesChanges(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	e := newEngine(t, nil, nil, reg("GET", "/x"))
	ch := e.Subscribe(ctx)
	must(e.SetMaintenance(engine.WithActor(ctx, "bob", "api"), "GET:/x", "m"))(t)
	select {
	case c := <-ch:
		if c.Kind != engine.KindRoute || c.Key != "GET:/x" || c.Action != audit.ActionMaintenanceOn || c.Route.Status != route.StatusMaintenance || c.Actor != "bob" {
			t.Fatalf("change = %+v", c)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no change delivered")
	}
}

// Registering new routes tells subscribers to re-read the state once;
// registering known routes again says nothing.
func TestRegisterAnnouncesNewRoutes(t *testing.T) {
	e := newEngine(t, nil, nil, reg("GET", "/x"))
	ch := e.Subscribe(t.Context())
	must0(t, e.Register(t.Context(), reg("GET", "/x")))
	must0(t, e.Register(t.Context(), reg("GET", "/y"), reg("POST", "/y")))
	select {
	case c := <-ch:
		if c.Kind != engine.KindResync {
			t.Fatalf("change = %+v, want one resync", c)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("registering new routes delivered no change")
	}
	select {
	case c := <-ch:
		t.Fatalf("extra change %+v: re-registering /x or the second route should add none", c)
	case <-time.After(50 * time.Millisecond):
	}
	if _, err := e.Route("POST:/y"); err != nil {
		t.Fatal(err)
	}
}

func TestTwoEnginesShareABackend(t *testing.T) {
	ctx := context.Background()
	b := backend.NewMemory()
	a := newEngine(t, b, nil, reg("GET", "/x"))
	other := newEngine(t, b, nil, reg("GET", "/x"))
	sub, cancel := context.WithCancel(ctx)
	defer cancel()
	ch := other.Subscribe(sub)
	must(a.SetMaintenance(ctx, "GET:/x", "from a"))(t)
	deadline := time.After(5 * time.Second)
	for {
		select {
		case <-ch:
		case <-deadline:
			t.Fatal("engine B never saw engine A's change")
		}
		if d := check(other, "GET", "/x", "/x"); d.Outcome == engine.BlockMaintenance && d.Reason == "from a" {
			return
		}
	}
}

func TestEnvVariables(t *testing.T) {
	t.Setenv(engine.EnvBypassLifecycle, "yes please")
	if _, err := engine.New(context.Background()); err == nil {
		t.Fatal("accepted WAYGATE_BYPASS_LIFECYCLE=\"yes please\"")
	}
	t.Setenv(engine.EnvBypassLifecycle, "0")
	t.Setenv(engine.EnvBypassRateLimits, "TRUE")
	t.Setenv(engine.EnvEnvironment, "staging")
	e, err := engine.New(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if s := e.Stats(); s.BypassLifecycle || !s.BypassRateLimits {
		l, r := s.BypassLifecycle, s.BypassRateLimits
		t.Fatalf("bypass = %v, %v; want false (\"0\"), true (\"TRUE\")", l, r)
	}
	if e.Env() != "staging" {
		t.Fatalf("env = %q", e.Env())
	}
	t.Setenv(engine.EnvBackend, "postgres://x")
	if _, err := engine.New(context.Background()); err == nil {
		t.Fatal("accepted an unknown backend")
	}
}

// must checks a mutation's error: must(e.Enable(ctx, k))(t).
func must(_ any, err error) func(testing.TB) {
	return func(t testing.TB) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
}

func must0(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestUnguardedPrefixes(t *testing.T) {
	ctx := context.Background()
	e := newEngine(t, nil, nil, reg("GET", "/orders"))
	e.Unguard("/waygate/")
	must0(t, e.Register(ctx, reg("GET", "/waygate/api/routes"), reg("GET", "/waygatex")))
	for _, st := range e.Routes() {
		if st.Path == "GET:/waygate/api/routes" {
			t.Fatal("a route under the unguarded prefix was registered")
		}
	}
	must(e.EnableMaintenance(ctx, engine.GlobalScope(), "deploy"))(t)
	for path, want := range map[string]engine.Outcome{
		"/waygate":            engine.Allow,
		"/waygate/api/routes": engine.Allow,
		"/waygatex":           engine.BlockMaintenance, // a prefix is a whole segment
		"/orders":             engine.BlockMaintenance,
	} {
		if d := check(e, "GET", path, path); d.Outcome != want {
			t.Errorf("%s: outcome %v, want %v", path, d.Outcome, want)
		}
	}
}

// Whether a request is unguarded follows the route the router matched,
// never the path: a router may match a gated param-first route on a path
// whose decoded form starts with a mount prefix.
func TestUnguardedFollowsTheMatchedRoute(t *testing.T) {
	ctx := context.Background()
	e := newEngine(t, nil, nil, reg("GET", "/{tenant}/payments"))
	e.Unguard("/docs")
	must0(t, e.Register(ctx, reg("GET", "/docs")))
	must(e.EnableMaintenance(ctx, engine.GlobalScope(), "deploy"))(t)
	for _, tc := range []struct {
		route, path string
		want        engine.Outcome
	}{
		{"/{tenant}/payments", "/docs/x/payments", engine.BlockMaintenance}, // /docs%2Fx/payments, decoded
		{"/{tenant}/payments", "/docs/payments", engine.BlockMaintenance},
		{"/docs", "/docs", engine.Allow},
		{"/docs", "/DOCS", engine.Allow}, // a case-insensitive router matched the docs route
		{"", "/docs/x", engine.BlockMaintenance},
	} {
		if d := check(e, "GET", tc.route, tc.path); d.Outcome != tc.want {
			t.Errorf("route %q, path %s: outcome %v, want %v", tc.route, tc.path, d.Outcome, tc.want)
		}
	}
}

func TestServicesLists(t *testing.T) {
	ctx := context.Background()
	e := newEngine(t, nil, nil)
	must(e.EnableMaintenance(ctx, engine.ServiceScope("billing"), "x"))(t)
	lim := "1/minute"
	must(e.SetRateLimit(ctx, engine.ServiceScope("search"), ratelimit.Patch{Limit: &lim}))(t)
	if got := e.Services(); !slices.Equal(got, []string{"billing", "search"}) {
		t.Fatalf("Services() = %v", got)
	}
}
