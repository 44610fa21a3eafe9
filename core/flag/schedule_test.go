package flag

import (
	"errors"
	"reflect"
	"testing"
	"time"
)

func TestDueChanges(t *testing.T) {
	t0 := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	f := NewBoolean("f")
	late := ScheduleDisable(t0.Add(3 * time.Hour))
	first := ScheduleEnable(t0.Add(time.Hour))
	tie := ScheduleDisable(t0.Add(time.Hour))
	f.ScheduledChanges = []ScheduledChange{late, first, tie}

	if got := DueChanges(f, t0); len(got) != 0 {
		t.Errorf("nothing due yet: %v", got)
	}
	got := DueChanges(f, t0.Add(2*time.Hour))
	if len(got) != 2 || got[0].ID != first.ID || got[1].ID != tie.ID {
		t.Errorf("due = %+v", got)
	}
	if got := DueChanges(f, t0.Add(time.Hour)); len(got) != 2 {
		t.Errorf("execute_at == now is due: %v", got)
	}
	next, ok := NextChange(f)
	if !ok || next.ID != first.ID {
		t.Errorf("next = %+v", next)
	}
	if _, ok := NextChange(NewBoolean("g")); ok {
		t.Error("no changes, no next")
	}
}

func TestApplyChange(t *testing.T) {
	at := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	base := NewBoolean("f")
	base.Rules = []Rule{rule("r1", "on", is("plan", "pro"))}
	added := Rule{ID: "r2", Clauses: []Clause{is("country", "FR")}, Variation: "on"}
	tests := []struct {
		name   string
		change ScheduledChange
		check  func(Flag) bool
	}{
		{"enable", ScheduleEnable(at), func(f Flag) bool { return f.Enabled }},
		{"disable", ScheduleDisable(at), func(f Flag) bool { return !f.Enabled }},
		{"update rollout to a variation", ScheduleFallthrough(at, Fallthrough{Variation: "on"}), func(f Flag) bool {
			return f.Fallthrough.Variation == "on" && f.Fallthrough.Rollout == nil
		}},
		{"update rollout to a rollout", ScheduleFallthrough(at, Fallthrough{Rollout: []WeightedVariation{{"on", 50000}, {"off", 50000}}}), func(f Flag) bool {
			return reflect.DeepEqual(f.Fallthrough.Rollout, []WeightedVariation{{"on", 50000}, {"off", 50000}})
		}},
		{"add rule", ScheduleAddRule(at, added), func(f Flag) bool {
			return len(f.Rules) == 2 && reflect.DeepEqual(f.Rules[1].Clauses[0].Values, []any{"FR"}) && f.Rules[1].ID == "r2"
		}},
		{"delete rule", ScheduleDeleteRule(at, "r1"), func(f Flag) bool { return len(f.Rules) == 0 }},
		{"delete missing rule consumes the change", ScheduleDeleteRule(at, "nope"), func(f Flag) bool { return len(f.Rules) == 1 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := base.Clone()
			f.Enabled = tt.change.Action != ActionEnable
			f.ScheduledChanges = []ScheduledChange{tt.change}
			if err := f.Validate(); err != nil {
				t.Fatal(err)
			}
			before := f.Clone()
			got, err := ApplyChange(f, tt.change)
			if err != nil {
				t.Fatal(err)
			}
			if !tt.check(got) || len(got.ScheduledChanges) != 0 {
				t.Errorf("result %+v", got)
			}
			if !reflect.DeepEqual(f, before) {
				t.Error("ApplyChange modified its input")
			}
		})
	}
}

func TestApplyChangeFailures(t *testing.T) {
	at := time.Now()
	f := NewBoolean("f")
	bad := ScheduleAddRule(at, Rule{Variation: "nope"})
	unknown := ScheduleEnable(at)
	unknown.Action = "explode"
	noPayload := ScheduleEnable(at)
	noPayload.Action = ActionUpdateRollout
	for _, c := range []ScheduledChange{bad, unknown, noPayload, ScheduleDeleteRule(at, "")} {
		f.ScheduledChanges = []ScheduledChange{c}
		got, err := ApplyChange(f, c)
		if !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: %v", c.Action, err)
		}
		if len(got.ScheduledChanges) != 1 {
			t.Errorf("%s: a failed change must stay pending", c.Action)
		}
	}
}

func TestApplyDue(t *testing.T) {
	t0 := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	f := NewBoolean("f")
	f.Enabled = false
	enable := ScheduleEnable(t0)
	bad := ScheduleAddRule(t0.Add(time.Minute), Rule{Variation: "on"})
	bad.Payload["variation"] = "nope"
	rollout := ScheduleFallthrough(t0.Add(2*time.Minute), Fallthrough{Variation: "on"})
	future := ScheduleDisable(t0.Add(time.Hour))
	f.ScheduledChanges = []ScheduledChange{future, rollout, bad, enable}

	got, applied, err := ApplyDue(f, t0.Add(10*time.Minute))
	if !errors.Is(err, ErrInvalid) {
		t.Errorf("want the failed change's error, got %v", err)
	}
	if len(applied) != 2 || applied[0].ID != enable.ID || applied[1].ID != rollout.ID {
		t.Errorf("applied %+v", applied)
	}
	if !got.Enabled || got.Fallthrough.Variation != "on" || len(got.ScheduledChanges) != 2 {
		t.Errorf("result %+v", got)
	}
	got.ScheduledChanges = []ScheduledChange{future}
	if r, _ := NewSnapshot([]Flag{got}, nil).Evaluate("f", EvaluationContext{}); r.Variation != "on" {
		t.Errorf("evaluates %+v", r)
	}
}
