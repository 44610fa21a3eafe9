package engine_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/waygate-go/waygate/core/backend"
	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/route"
	"github.com/waygate-go/waygate/core/waygatetest"
)

func TestDocumentsAndApply(t *testing.T) {
	e, _ := waygatetest.NewEngine(t)
	ctx := context.Background()
	if _, err := e.EnableServiceMaintenance(ctx, "billing", "down"); err != nil {
		t.Fatal(err)
	}
	changes := e.Subscribe(t.Context())

	st := route.State{Path: "payments:GET:/pay", Service: "payments", Status: route.StatusDisabled, Reason: "sdk"}
	raw, _ := json.Marshal(st)
	if err := e.Apply(ctx, backend.Record{Kind: backend.KindRoute, Key: st.Path, Value: raw}); err != nil {
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
	snap, _ := e.Backend().Load(ctx)
	if _, ok := snap[backend.KindRoute]["payments:GET:/pay"]; !ok {
		t.Error("Apply did not persist the record")
	}

	docs := e.Documents()
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
	if err := e.Apply(ctx, backend.Record{Kind: backend.KindRoute, Key: st.Path}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Route("payments:GET:/pay"); !errors.Is(err, engine.ErrRouteNotFound) {
		t.Errorf("after delete: %v", err)
	}
	if e.LogRetention(backend.LogAudit) <= 0 || e.LogRetention(backend.LogHits) <= 0 {
		t.Error("log retention not positive")
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
	e, err := engine.New(context.Background(), engine.WithBackend(b))
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	// Let the backoff grow well past what the test waits for below.
	time.Sleep(1500 * time.Millisecond)
	close(b.ready)
	start := time.Now()
	b.resync <- backend.Change{Resync: true}
	select {
	case <-e.Synced():
	case <-time.After(time.Second):
		t.Fatal("the engine did not load when the backend asked for a resync")
	}
	t.Logf("loaded %v after the resync", time.Since(start))
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
