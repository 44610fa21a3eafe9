package engine_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/waygate-go/waygate/core/audit"
	"github.com/waygate-go/waygate/core/backend"
	"github.com/waygate-go/waygate/core/clock"
	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/flag"
)

func checkoutFlag() flag.Flag {
	f := flag.NewBoolean("new-checkout")
	f.Fallthrough = flag.Fallthrough{Rollout: []flag.WeightedVariation{{Variation: "on", Weight: 20000}, {Variation: "off", Weight: 80000}}}
	f.Targets = map[string][]string{"on": {"beta_tester_1"}}
	return f
}

func TestFlagsPersistAcrossRestart(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "state.json")
	// Opened from WAYGATE_BACKEND, the engine owns the file and releases it
	// when closed, as a restarted process would find it.
	t.Setenv(engine.EnvBackend, "file:"+path)
	open := func() *engine.Engine {
		e, err := engine.New(ctx)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { e.Close() })
		return e
	}
	e1 := open()
	if _, err := e1.CreateFlag(engine.WithActor(ctx, "alice", "api"), checkoutFlag()); err != nil {
		t.Fatal(err)
	}
	users := []string{"user-1", "user-2", "beta_tester_1", "user-42", "user-77"}
	before := map[string]bool{}
	for _, u := range users {
		before[u] = e1.Flags().Bool("new-checkout", flag.EvaluationContext{Key: u}, false)
	}
	if !before["beta_tester_1"] {
		t.Fatal("targeted user not served on")
	}
	e1.Close()

	e2 := open()
	f, ok := e2.Flags().Flag("new-checkout")
	if !ok || f.CreatedBy != "alice" {
		t.Fatalf("after restart: %+v, found %v", f, ok)
	}
	for _, u := range users {
		if got := e2.Flags().Bool("new-checkout", flag.EvaluationContext{Key: u}, false); got != before[u] {
			t.Errorf("%s evaluates %v after restart, %v before", u, got, before[u])
		}
	}
}

func TestFlagWritesAreValidated(t *testing.T) {
	ctx := context.Background()
	e := newEngine(t, nil, nil)
	if _, err := e.CreateFlag(ctx, checkoutFlag()); err != nil {
		t.Fatal(err)
	}
	if _, err := e.CreateFlag(ctx, checkoutFlag()); !errors.Is(err, engine.ErrExists) {
		t.Fatalf("second create: %v, want ErrExists", err)
	}
	bad := checkoutFlag()
	bad.Fallthrough.Rollout[0].Weight = 10
	if _, err := e.SaveFlag(ctx, bad); !errors.Is(err, engine.ErrInvalid) {
		t.Fatalf("bad weights: %v, want ErrInvalid", err)
	}
	a, b := flag.NewBoolean("a"), flag.NewBoolean("b")
	a.Prerequisites = []flag.Prerequisite{{FlagKey: "b", Variation: "on"}}
	b.Prerequisites = []flag.Prerequisite{{FlagKey: "a", Variation: "on"}}
	if _, err := e.SaveFlag(ctx, flag.NewBoolean("b")); err != nil {
		t.Fatal(err)
	}
	if _, err := e.SaveFlag(ctx, a); err != nil {
		t.Fatal(err)
	}
	if _, err := e.SaveFlag(ctx, b); !errors.Is(err, engine.ErrInvalid) {
		t.Fatalf("prerequisite cycle: %v, want ErrInvalid", err)
	}
	if err := e.DeleteFlag(ctx, "b"); !errors.Is(err, engine.ErrInvalid) {
		t.Fatalf("deleting a prerequisite: %v, want ErrInvalid", err)
	}
	if _, err := e.SetFlagEnabled(ctx, "new-checkout", false); err != nil {
		t.Fatal(err)
	}
	if r, _ := e.Flags().Snapshot().Evaluate("new-checkout", flag.EvaluationContext{Key: "beta_tester_1"}); r.Reason != flag.ReasonOff {
		t.Fatalf("disabled flag reason = %s, want OFF", r.Reason)
	}
	entries, _ := e.Audit(ctx, audit.Query{Route: "flag:new-checkout"})
	if len(entries) != 2 || entries[0].Action != audit.ActionFlagDisabled || entries[1].Action != audit.ActionFlagCreated {
		t.Fatalf("audit = %+v", entries)
	}
}

func TestScheduledFlagChanges(t *testing.T) {
	ctx := context.Background()
	b := backend.NewMemory()
	clk := clock.NewFake(t0)
	e := newEngine(t, b, clk)
	f := flag.NewBoolean("launch")
	f.Enabled = false
	f.ScheduledChanges = []flag.ScheduledChange{flag.ScheduleEnable(t0.Add(time.Hour))}
	if _, err := e.SaveFlag(ctx, f); err != nil {
		t.Fatal(err)
	}
	on := func(e *engine.Engine) bool {
		got, _ := e.Flags().Flag("launch")
		return got.Enabled
	}
	clk.Advance(59 * time.Minute)
	if on(e) {
		t.Fatal("enabled before its time")
	}
	clk.Advance(time.Minute)
	if !on(e) {
		t.Fatal("not enabled at its time")
	}
	if got, _ := e.Flags().Flag("launch"); len(got.ScheduledChanges) != 0 {
		t.Fatalf("applied change still pending: %+v", got.ScheduledChanges)
	}

	// Overdue at startup: applied when the engine starts.
	g := flag.NewBoolean("late")
	g.ScheduledChanges = []flag.ScheduledChange{flag.ScheduleDisable(t0.Add(2 * time.Hour))}
	if _, err := e.SaveFlag(ctx, g); err != nil {
		t.Fatal(err)
	}
	e.Close()
	later := newEngine(t, b, clock.NewFake(t0.Add(5*time.Hour)))
	if got, _ := later.Flags().Flag("late"); got.Enabled {
		t.Fatal("overdue change not applied at startup")
	}
}

func TestPatchFlagKeepsOtherFields(t *testing.T) {
	ctx := context.Background()
	e := newEngine(t, nil, nil)
	if _, err := e.CreateFlag(ctx, checkoutFlag()); err != nil {
		t.Fatal(err)
	}
	f, err := e.PatchFlag(ctx, "new-checkout", []byte(`{"description": "the new flow", "enabled": false}`))
	if err != nil {
		t.Fatal(err)
	}
	if f.Description != "the new flow" || f.Enabled || len(f.Targets["on"]) != 1 || len(f.Fallthrough.Rollout) != 2 {
		t.Fatalf("patched flag = %+v", f)
	}
	for _, bad := range []string{`[1]`, `{"key": "other"}`, `{"fallthrough": 3}`, `not json`} {
		if _, err := e.PatchFlag(ctx, "new-checkout", []byte(bad)); !errors.Is(err, engine.ErrInvalid) {
			t.Errorf("patch %s: %v, want ErrInvalid", bad, err)
		}
	}
}
