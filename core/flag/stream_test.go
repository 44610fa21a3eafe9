package flag

import (
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/waygate-go/waygate/core/clock"
)

func recordingStore(capacity int) (*Store, *Recorder, *clock.Fake) {
	clk := clock.NewFake(time.Date(2025, 6, 1, 2, 0, 0, 0, time.UTC))
	rec := NewRecorder(capacity, WithClock(clk))
	store := NewStore(WithRecorder(rec))
	f := NewBoolean("f")
	f.Rules = []Rule{rule("pro", "on", is("plan", "pro"))}
	broken := NewBoolean("broken")
	broken.OffVariation = "x"
	store.Replace([]Flag{f, broken}, nil)
	return store, rec, clk
}

func TestRecorderCounts(t *testing.T) {
	store, rec, _ := recordingStore(0)
	for i := range 10 {
		plan := "free"
		if i < 3 {
			plan = "pro"
		}
		store.Bool("f", attrs("plan", plan), false)
	}
	store.Bool("broken", attrs(), false)
	store.Bool("missing", attrs(), false)
	if got := rec.Counts("f"); !reflect.DeepEqual(got, map[string]uint64{"on": 3, "off": 7}) {
		t.Errorf("counts f = %v", got)
	}
	if got := rec.AllCounts(); !reflect.DeepEqual(got, map[string]map[string]uint64{"f": {"on": 3, "off": 7}, "broken": {"": 1}}) {
		t.Errorf("all counts = %v", got)
	}
	// Counts survive recompiling the flag.
	f, _ := store.Snapshot().Flag("f")
	store.SetFlag(f)
	store.Bool("f", attrs(), false)
	if got := rec.Counts("f")["off"]; got != 8 {
		t.Errorf("off after SetFlag = %d", got)
	}
	if rec.Recent(0) != nil && len(rec.Recent(0)) != 0 {
		t.Error("no ring, no events")
	}
	rec.ResetCounts("f")
	if got := rec.Counts("f"); len(got) != 0 {
		t.Errorf("after reset %v", got)
	}
	rec.ResetCounts("")
	if got := rec.AllCounts(); len(got) != 0 {
		t.Errorf("after reset all %v", got)
	}
}

func TestRecorderRing(t *testing.T) {
	store, rec, clk := recordingStore(3)
	for i := range 5 {
		clk.Advance(time.Second)
		store.Bool("f", EvaluationContext{Key: fmt.Sprint("u", i), Attributes: map[string]any{"plan": "pro"}}, false)
	}
	got := rec.Recent(10)
	if len(got) != 3 {
		t.Fatalf("ring holds %d events", len(got))
	}
	want := Event{FlagKey: "f", Variation: "on", Reason: ReasonRuleMatch, ContextKey: "u4", RuleID: "pro",
		Time: time.Date(2025, 6, 1, 2, 0, 5, 0, time.UTC)}
	if got[0] != want || got[1].ContextKey != "u3" || got[2].ContextKey != "u2" {
		t.Errorf("newest first: %+v", got)
	}
	if got := rec.Recent(1); len(got) != 1 || got[0].ContextKey != "u4" {
		t.Errorf("Recent(1) = %+v", got)
	}
	store.Evaluate("broken", attrs())
	if e := rec.Recent(1)[0]; e.Variation != "" || e.Reason != ReasonError {
		t.Errorf("invalid flag event %+v", e)
	}
}

func TestRecorderSubscribe(t *testing.T) {
	store, rec, _ := recordingStore(0)
	events, cancel := rec.Subscribe(2)
	for range 4 {
		store.Bool("f", attrs(), false)
	}
	if got := len(events); got != 2 {
		t.Errorf("buffered %d", got)
	}
	if rec.Dropped() != 2 {
		t.Errorf("dropped %d", rec.Dropped())
	}
	e := <-events
	if e.FlagKey != "f" || e.Variation != "off" || e.Reason != ReasonFallthrough || e.ContextKey != "user-1" {
		t.Errorf("%+v", e)
	}
	cancel()
	cancel()
	<-events
	if _, ok := <-events; ok {
		t.Error("channel not closed")
	}
	store.Bool("f", attrs(), false) // no subscriber: must not panic
	rec.Record(Event{FlagKey: "external", Variation: "v"})
	if got := rec.Counts("external"); got["v"] != 1 {
		t.Errorf("Record counts %v", got)
	}
}

func TestRecorderConcurrent(t *testing.T) {
	store, rec, _ := recordingStore(100)
	events, cancel := rec.Subscribe(10)
	defer cancel()
	go func() {
		for range events { //nolint:revive // drain
		}
	}()
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 500 {
				store.Bool("f", EvaluationContext{Key: fmt.Sprint(g, "-", i)}, false)
			}
		})
	}
	wg.Go(func() {
		for range 50 {
			f, _ := store.Snapshot().Flag("f")
			store.SetFlag(f)
			_ = rec.Recent(10)
			_ = rec.AllCounts()
		}
	})
	wg.Wait()
	if got := rec.Counts("f")["off"]; got != 2000 {
		t.Errorf("counted %d of 2000", got)
	}
}
