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

// Tallies count by flag, variation and reason; Counts adds the reasons up.
func TestRecorderTallies(t *testing.T) {
	store, rec, _ := recordingStore(0)
	f, _ := store.Snapshot().Flag("f")
	f.Targets = map[string][]string{"on": {"vip"}}
	store.SetFlag(f)
	off := NewBoolean("off")
	off.Enabled = false
	store.SetFlag(off)
	pre := NewBoolean("pre")
	pre.Prerequisites = []Prerequisite{{FlagKey: "missing", Variation: "on"}}
	store.SetFlag(pre)

	store.Bool("f", attrs("plan", "pro"), false)  // RULE_MATCH on
	store.Bool("f", attrs("plan", "pro"), false)  // RULE_MATCH on
	store.Bool("f", attrs("plan", "free"), false) // FALLTHROUGH off
	store.Bool("f", EvaluationContext{Key: "vip"}, false)
	store.Bool("off", attrs(), false)
	store.Bool("pre", attrs(), false)
	store.Bool("broken", attrs(), false)
	store.Bool("missing", attrs(), false) // no flag, nothing to count
	rec.Record(Event{FlagKey: "external", Variation: "v", Reason: ReasonDefault})
	rec.Record(Event{FlagKey: "external", Variation: "v", Reason: "SPLIT"})

	want := []Tally{
		{"broken", "", ReasonError, 1},
		{"external", "v", ReasonDefault, 1},
		{"external", "v", "", 1},
		{"f", "off", ReasonFallthrough, 1},
		{"f", "on", ReasonTargetMatch, 1},
		{"f", "on", ReasonRuleMatch, 2},
		{"off", "off", ReasonOff, 1},
		{"pre", "off", ReasonPrerequisiteFail, 1},
	}
	if got := rec.Tallies(); !reflect.DeepEqual(got, want) {
		t.Errorf("tallies\n got %v\nwant %v", got, want)
	}
	if got := rec.Counts("f"); !reflect.DeepEqual(got, map[string]uint64{"on": 3, "off": 1}) {
		t.Errorf("counts f = %v, want the reasons added up", got)
	}
	f, _ = store.Snapshot().Flag("f")
	store.SetFlag(f) // recompiled: the tallies go on by name
	store.Bool("f", attrs("plan", "pro"), false)
	if got := rec.Tallies()[5]; got != (Tally{"f", "on", ReasonRuleMatch, 3}) {
		t.Errorf("after SetFlag %v, want 3 rule matches", got)
	}
	rec.ResetCounts("f")
	for _, tl := range rec.Tallies() {
		if tl.Flag == "f" {
			t.Errorf("after ResetCounts(f): %v", tl)
		}
	}
	rec.ResetCounts("")
	if got := rec.Tallies(); len(got) != 0 {
		t.Errorf("after ResetCounts(\"\"): %v", got)
	}
}

// Every reason has its own counter, and an unknown one the last.
func TestReasonIndex(t *testing.T) {
	seen := map[int]Reason{}
	for _, r := range []Reason{ReasonOff, ReasonFallthrough, ReasonTargetMatch, ReasonRuleMatch,
		ReasonPrerequisiteFail, ReasonError, ReasonDefault} {
		i := reasonIndex(r)
		if countedReasons[i] != r {
			t.Errorf("reasonIndex(%s) = %d, which lists %q", r, i, countedReasons[i])
		}
		if prev, dup := seen[i]; dup {
			t.Errorf("%s and %s share counter %d", r, prev, i)
		}
		seen[i] = r
	}
	if i := reasonIndex("SPLIT"); i != len(countedReasons)-1 || countedReasons[i] != "" {
		t.Errorf("an unknown reason counts at %d", i)
	}
}

// Counting through a Store allocates nothing.
func TestRecorderCountsWithoutAllocating(t *testing.T) {
	store := NewStore(WithRecorder(NewRecorder(0)))
	store.SetFlag(benchOneRule())
	ctx := EvaluationContext{Key: "user-42", Attributes: map[string]any{"plan": "enterprise"}}
	if n := testing.AllocsPerRun(100, func() { store.Bool("one-rule", ctx, false) }); n != 0 {
		t.Errorf("%v allocations per evaluation", n)
	}
	if got := store.Recorder().Counts("one-rule")["on"]; got < 100 {
		t.Errorf("counted %d", got)
	}
}
