package engine_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/waygate-go/waygate/core/backend"
	"github.com/waygate-go/waygate/core/clock"
	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/route"
	"github.com/waygate-go/waygate/core/waygatetest"
)

func TestDocumentsAndApply(t *testing.T) {
	b := backend.NewMemory()
	e, _ := waygatetest.NewEngine(t, engine.WithBackend(b))
	in := engine.InternalsOf(e)
	ctx := context.Background()
	if _, err := e.EnableMaintenance(ctx, engine.ServiceScope("billing"), "down"); err != nil {
		t.Fatal(err)
	}
	changes := e.Subscribe(t.Context())

	st := route.State{Path: "payments:GET:/pay", Service: "payments", Status: route.StatusDisabled, Reason: "sdk"}
	raw, _ := json.Marshal(st)
	if err := in.Apply(ctx, backend.Record{Kind: backend.KindRoute, Key: st.Path, Value: raw}); err != nil {
		t.Fatal(err)
	}
	got, err := e.Route("payments:GET:/pay")
	if err != nil || got.Status != route.StatusDisabled || got.Service != "payments" {
		t.Fatalf("applied route %+v, %v", got, err)
	}
	select {
	case c := <-changes:
		if c.Kind != engine.KindRoute || c.Key != "payments:GET:/pay" {
			t.Errorf("change %+v", c)
		}
	case <-time.After(time.Second):
		t.Fatal("Apply told no subscriber")
	}
	snap, _ := b.Load(ctx)
	if _, ok := snap[backend.KindRoute]["payments:GET:/pay"]; !ok {
		t.Error("Apply did not persist the record")
	}

	docs := in.Documents()
	if string(docs[backend.KindRoute]["payments:GET:/pay"]) != string(raw) {
		t.Errorf("document %s, want what was applied %s", docs[backend.KindRoute]["payments:GET:/pay"], raw)
	}
	var m route.MaintenanceConfig
	if json.Unmarshal(docs[backend.KindService]["billing"], &m) != nil || !m.Enabled {
		t.Errorf("service document %s", docs[backend.KindService]["billing"])
	}
	if _, ok := docs[backend.KindGlobal]["maintenance"]; !ok {
		t.Error("no global maintenance document")
	}

	// Deleting through Apply removes the route.
	if err := in.Apply(ctx, backend.Record{Kind: backend.KindRoute, Key: st.Path}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Route("payments:GET:/pay"); !errors.Is(err, engine.ErrRouteNotFound) {
		t.Errorf("after delete: %v", err)
	}
}

func TestAppendKeepsTheEnginesRetention(t *testing.T) {
	b := backend.NewMemory()
	e, _ := waygatetest.NewEngine(t, engine.WithBackend(b), engine.WithAuditRetention(3), engine.WithHitRetention(2))
	in := engine.InternalsOf(e)
	ctx := context.Background()
	for _, l := range []backend.Log{backend.LogAudit, backend.LogHits} {
		if err := in.Append(ctx, l, []byte(`{"n":1}`), []byte(`{"n":2}`), []byte(`{"n":3}`), []byte(`{"n":4}`)); err != nil {
			t.Fatal(err)
		}
	}
	audit, _ := in.Tail(ctx, backend.LogAudit, 0)
	hits, _ := in.Tail(ctx, backend.LogHits, 0)
	if len(audit) != 3 || len(hits) != 2 || string(audit[0]) != `{"n":4}` || string(hits[1]) != `{"n":3}` {
		t.Fatalf("audit %q, hits %q: want the newest 3 and 2", audit, hits)
	}
	if ok, _ := in.Claim(ctx, "t", time.Minute); !ok {
		t.Fatal("first claim refused")
	}
	if ok, _ := in.Claim(ctx, "t", time.Minute); ok {
		t.Fatal("second claim granted")
	}
}

// recorded collects what a RecordFunc is told.
type recorded struct {
	mu    sync.Mutex
	calls []string
}

func (r *recorded) f(docs map[string][]byte, full bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	keys := slices.Sorted(maps.Keys(docs))
	var parts []string
	for _, k := range keys {
		parts = append(parts, k+"="+string(docs[k]))
	}
	r.calls = append(r.calls, fmt.Sprintf("%v %s", full, strings.Join(parts, ",")))
}

func (r *recorded) last() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.calls) == 0 {
		return ""
	}
	return r.calls[len(r.calls)-1]
}

func TestRecordsPersistAndReachOtherInstances(t *testing.T) {
	b := backend.NewMemory()
	ctx := context.Background()
	const kind backend.Kind = "test_record"
	first, _ := waygatetest.NewEngine(t, engine.WithBackend(b))
	second, _ := waygatetest.NewEngine(t, engine.WithBackend(b))
	var seen recorded
	stop := engine.InternalsOf(second).Follow(kind, seen.f)
	defer stop()
	if got := seen.last(); got != "true " {
		t.Fatalf("first call %q, want every record (none)", got)
	}

	if err := engine.InternalsOf(first).PutRecord(ctx, kind, "a", []byte(`1`)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return seen.last() == "false a=1" }, func() string { return seen.last() })
	if err := engine.InternalsOf(first).PutRecord(ctx, kind, "a", nil); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return seen.last() == "false a=" }, func() string { return seen.last() })

	if err := engine.InternalsOf(first).PutRecord(ctx, kind, "b", []byte(`2`)); err != nil {
		t.Fatal(err)
	}
	// A third instance, started later, loads the record with the state.
	third, _ := waygatetest.NewEngine(t, engine.WithBackend(b))
	var late recorded
	engine.InternalsOf(third).Follow(kind, late.f)
	if got := late.last(); got != "true b=2" {
		t.Fatalf("late follower told %q, want the stored record", got)
	}
	if err := engine.InternalsOf(first).PutRecord(ctx, backend.KindRoute, "GET:/x", []byte(`{}`)); !errors.Is(err, engine.ErrInvalid) {
		t.Fatalf("PutRecord of an engine kind: %v, want ErrInvalid", err)
	}
}

// serviceBackend holds one service's state, as the SDK does.
type serviceBackend struct{ *backend.Memory }

func (serviceBackend) Service() string { return "orders" }

func TestRecordsOfAServiceScopedEngineStayInTheProcess(t *testing.T) {
	b := serviceBackend{backend.NewMemory()}
	e, _ := waygatetest.NewEngine(t, engine.WithBackend(b))
	in := engine.InternalsOf(e)
	var seen recorded
	in.Follow("test_record", seen.f)
	if err := in.PutRecord(context.Background(), "test_record", "a", []byte(`1`)); err != nil {
		t.Fatal(err)
	}
	snap, _ := b.Load(context.Background())
	if len(snap["test_record"]) != 0 {
		t.Fatalf("the record reached the service's backend: %v", snap)
	}
	var again recorded
	in.Follow("test_record", again.f)
	if got := again.last(); got != "true a=1" {
		t.Fatalf("a follower after the write is told %q, want the record kept in the process", got)
	}
}

func waitFor(t *testing.T, ok func() bool, state func() string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out; last state %q", state())
		}
		time.Sleep(time.Millisecond)
	}
}

// failingBackend cannot be read until ready is closed; its watcher then
// asks for a resync, as the SDK does when the server appears.
type failingBackend struct {
	backend.Backend
	ready  chan struct{}
	resync chan backend.Change
}

func (b *failingBackend) Load(ctx context.Context) (backend.Snapshot, error) {
	select {
	case <-b.ready:
		return b.Backend.Load(ctx)
	default:
		return nil, errors.New("server down")
	}
}

func (b *failingBackend) Watch(ctx context.Context) (<-chan backend.Change, error) {
	out := make(chan backend.Change)
	go func() {
		defer close(out)
		for {
			select {
			case <-ctx.Done():
				return
			case c := <-b.resync:
				select {
				case out <- c:
				case <-ctx.Done():
					return
				}
			}
		}
	}()
	return out, nil
}

func TestFailedLoadRetriesAtOnceOnResync(t *testing.T) {
	mem := backend.NewMemory()
	b := &failingBackend{Backend: mem, ready: make(chan struct{}), resync: make(chan backend.Change, 1)}
	clk := clock.NewFake(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	e, err := engine.New(context.Background(), engine.WithBackend(b), engine.WithClock(clk))
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	// The failed load waits for its retry on the engine's clock, which the
	// test never moves: only the resync can wake it.
	waitFor(t, func() bool { return clk.Pending() > 0 }, func() string { return "no retry scheduled" })
	close(b.ready)
	b.resync <- backend.Change{Resync: true}
	select {
	case <-e.Synced():
	case <-time.After(5 * time.Second):
		t.Fatal("the engine did not load when the backend asked for a resync")
	}
}

// TestFailedLoadRetriesOnTheClock: without a resync, the retry comes when
// the back-off has passed on the engine's clock.
func TestFailedLoadRetriesOnTheClock(t *testing.T) {
	b := &failingBackend{Backend: backend.NewMemory(), ready: make(chan struct{}), resync: make(chan backend.Change)}
	clk := clock.NewFake(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	e, err := engine.New(context.Background(), engine.WithBackend(b), engine.WithClock(clk))
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	waitFor(t, func() bool { return clk.Pending() > 0 }, func() string { return "no retry scheduled" })
	close(b.ready)
	select {
	case <-e.Synced():
		t.Fatal("the engine loaded before its back-off passed")
	default:
	}
	clk.Advance(30 * time.Second) // the longest back-off
	select {
	case <-e.Synced():
	case <-time.After(5 * time.Second):
		t.Fatal("the engine did not retry once its back-off passed on the clock")
	}
}

func TestWaygateBackendSpecOpensTheSDK(t *testing.T) {
	t.Setenv(engine.EnvBackend, "waygate+http://127.0.0.1:1/waygate")
	t.Setenv(engine.EnvService, "payments")
	t.Setenv(engine.EnvServiceToken, "payments-token-0123456789")
	b, err := engine.OpenBackend("waygate+http://127.0.0.1:1/waygate")
	if err != nil {
		t.Fatal(err)
	}
	b.Close()
	if _, err := engine.New(context.Background(), engine.WithService("orders")); err == nil {
		t.Error("WithService(orders) on a payments SDK backend was accepted")
	}
	t.Setenv(engine.EnvServiceToken, "")
	if _, err := engine.OpenBackend("waygate+http://127.0.0.1:1/waygate"); err == nil {
		t.Error("an SDK backend without a token was opened")
	}
}
