package engine_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/waygate-go/waygate/core/backend"
	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/route"
)

// TestFileBackendFromEnvSurvivesRestart is the restart acceptance check:
// WAYGATE_BACKEND=file:<path>, a runtime change, a new engine on the same file.
func TestFileBackendFromEnvSurvivesRestart(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "state.json")
	t.Setenv(engine.EnvBackend, "file:"+path)
	regs := []engine.Registration{reg("GET", "/payments", route.Maintenance("migration")), reg("GET", "/orders")}

	e1, err := engine.New(ctx)
	if err != nil {
		t.Fatal(err)
	}
	must0(t, e1.Register(ctx, regs...))
	must(e1.Enable(ctx, "GET:/payments"))(t)
	must(e1.Disable(ctx, "GET:/orders", "audit"))(t)
	must(e1.EnableMaintenance(ctx, engine.GlobalScope(), "deploy", engine.WithExemptPaths("/health")))(t)
	if err := e1.Close(); err != nil { // releases the file lock
		t.Fatal(err)
	}

	e2, err := engine.New(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer e2.Close()
	must0(t, e2.Register(ctx, regs...))
	if got := status(t, e2, "GET:/payments"); got != route.StatusActive {
		t.Errorf("GET:/payments after restart = %s, want active (runtime change wins)", got)
	}
	if st, _ := e2.Route("GET:/orders"); st.Status != route.StatusDisabled || st.Reason != "audit" {
		t.Errorf("GET:/orders after restart = %+v", st)
	}
	if g := e2.Maintenance(engine.GlobalScope()); !g.Enabled || g.ExemptPaths[0] != "/health" {
		t.Errorf("global maintenance after restart = %+v", g)
	}
}

func TestCorruptStateFileStopsStartup(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	corrupt := []byte(`{"format":1,"documents":{"route":`)
	if err := os.WriteFile(path, corrupt, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv(engine.EnvBackend, "file:"+path)
	_, err := engine.New(context.Background())
	if err == nil || !strings.Contains(err.Error(), path) {
		t.Fatalf("New error = %v, want one naming %s", err, path)
	}
	after, _ := os.ReadFile(path)
	if !bytes.Equal(after, corrupt) {
		t.Fatal("the corrupt file was modified")
	}
}

// flaky is a backend that can be switched off.
type flaky struct {
	*backend.Memory
	down atomic.Bool
}

var errDown = errors.New("connection refused")

func (f *flaky) Load(ctx context.Context) (backend.Snapshot, error) {
	if f.down.Load() {
		return nil, errDown
	}
	return f.Memory.Load(ctx)
}

func (f *flaky) Write(ctx context.Context, recs ...backend.Record) error {
	if f.down.Load() {
		return errDown
	}
	return f.Memory.Write(ctx, recs...)
}

func (f *flaky) Append(ctx context.Context, l backend.Log, e []byte, keep int) error {
	if f.down.Load() {
		return errDown
	}
	return f.Memory.Append(ctx, l, e, keep)
}

func TestBackendDownAtStartupFailsOpen(t *testing.T) {
	ctx := context.Background()
	b := &flaky{Memory: backend.NewMemory()}
	b.down.Store(true)
	e, err := engine.New(ctx, engine.WithBackend(b))
	if err != nil {
		t.Fatalf("New with the backend down: %v", err)
	}
	defer e.Close()
	must0(t, e.Register(ctx, reg("GET", "/pay", route.Maintenance("declared")), reg("GET", "/orders")))

	// Declared state is enforced from memory while the backend is away.
	if d := check(e, "GET", "/pay", "/pay"); d.Outcome != engine.BlockMaintenance {
		t.Fatalf("declared maintenance not enforced with the backend down: %v", d.Outcome)
	}
	if d := check(e, "GET", "/orders", "/orders"); d.Outcome != engine.Allow {
		t.Fatalf("plain route blocked with the backend down: %v", d.Outcome)
	}
	if _, err := e.Disable(ctx, "GET:/orders", "x"); !errors.Is(err, engine.ErrBackend) {
		t.Fatalf("mutation with the backend down: %v, want ErrBackend", err)
	}
	if got := status(t, e, "GET:/orders"); got != route.StatusActive {
		t.Fatalf("a failed mutation changed state: %s", got)
	}
	if e.Stats().FailOpen == 0 {
		t.Fatal("fail-open events not counted")
	}

	// The backend returns: the engine reloads and stores the declarations.
	b.down.Store(false)
	select {
	case <-e.Synced():
	case <-time.After(10 * time.Second):
		t.Fatal("engine did not resync after the backend came back")
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		snap, _ := b.Memory.Load(ctx)
		if _, ok := snap[backend.KindRoute]["GET:/pay"]; ok {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("declared routes never written after recovery")
		}
		time.Sleep(10 * time.Millisecond)
	}
	must(e.Disable(ctx, "GET:/orders", "x"))(t)
}
