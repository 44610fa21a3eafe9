package flag

import (
	"encoding/json"
	"fmt"
	"slices"
	"time"
)

// ChangeAction is what a scheduled change does to its flag.
type ChangeAction string

// The scheduled change actions.
const (
	// ActionEnable sets enabled = true.
	ActionEnable ChangeAction = "enable"
	// ActionDisable sets enabled = false.
	ActionDisable ChangeAction = "disable"
	// ActionUpdateRollout replaces the fallthrough with payload "variation"
	// (a name) or payload "rollout" (a list of {variation, weight}).
	ActionUpdateRollout ChangeAction = "update_rollout"
	// ActionAddRule appends the rule the payload holds.
	ActionAddRule ChangeAction = "add_rule"
	// ActionDeleteRule removes the rule with payload "rule_id".
	ActionDeleteRule ChangeAction = "delete_rule"
)

// ChangeActions lists every scheduled change action.
var ChangeActions = []ChangeAction{ActionEnable, ActionDisable, ActionUpdateRollout, ActionAddRule, ActionDeleteRule}

// ScheduledChange is a change applied to its flag at ExecuteAt.
type ScheduledChange struct {
	ID        string         `json:"id"`
	ExecuteAt time.Time      `json:"execute_at"`
	Action    ChangeAction   `json:"action"`
	Payload   map[string]any `json:"payload"`
	CreatedBy string         `json:"created_by"`
	CreatedAt time.Time      `json:"created_at"`
}

// ScheduleEnable returns a change that enables the flag at the given time.
func ScheduleEnable(at time.Time) ScheduledChange { return newChange(at, ActionEnable, nil) }

// ScheduleDisable returns a change that disables the flag at the given time.
func ScheduleDisable(at time.Time) ScheduledChange { return newChange(at, ActionDisable, nil) }

// ScheduleFallthrough returns an update_rollout change that replaces the
// fallthrough (a variation or a rollout) at the given time.
func ScheduleFallthrough(at time.Time, ft Fallthrough) ScheduledChange {
	if ft.Variation == "" && ft.Rollout != nil {
		return newChange(at, ActionUpdateRollout, map[string]any{"rollout": ft.Rollout})
	}
	return newChange(at, ActionUpdateRollout, map[string]any{"variation": ft.Variation})
}

// ScheduleAddRule returns a change that appends r at the given time; r gets
// an id now when it has none, so a later delete_rule can name it.
func ScheduleAddRule(at time.Time, r Rule) ScheduledChange {
	if r.ID == "" {
		r.ID = NewID()
	}
	var payload map[string]any
	remarshal(r, &payload)
	return newChange(at, ActionAddRule, payload)
}

// ScheduleDeleteRule returns a change that removes the rule ruleID at the
// given time.
func ScheduleDeleteRule(at time.Time, ruleID string) ScheduledChange {
	return newChange(at, ActionDeleteRule, map[string]any{"rule_id": ruleID})
}

func newChange(at time.Time, action ChangeAction, payload map[string]any) ScheduledChange {
	// Payloads hold JSON-shaped values, as if decoded from JSON.
	var p map[string]any
	if payload != nil {
		remarshal(payload, &p)
	}
	if p == nil {
		p = map[string]any{}
	}
	return ScheduledChange{ID: NewID(), ExecuteAt: at.UTC(), Action: action, Payload: p, CreatedBy: DefaultActor}
}

// DueChanges returns the flag's changes with ExecuteAt at or before now,
// oldest first (ties keep their order in the flag). The engine applies them
// with ApplyChange (or ApplyDue) and saves the result; changes overdue
// after a restart are due as well.
func DueChanges(f Flag, now time.Time) []ScheduledChange {
	var due []ScheduledChange
	for _, c := range f.ScheduledChanges {
		if !c.ExecuteAt.After(now) {
			due = append(due, c)
		}
	}
	slices.SortStableFunc(due, func(a, b ScheduledChange) int { return a.ExecuteAt.Compare(b.ExecuteAt) })
	return due
}

// NextChange returns the flag's earliest pending change, to arm a timer.
func NextChange(f Flag) (ScheduledChange, bool) {
	var next ScheduledChange
	found := false
	for _, c := range f.ScheduledChanges {
		if !found || c.ExecuteAt.Before(next.ExecuteAt) {
			next, found = c, true
		}
	}
	return next, found
}

// ApplyChange returns a copy of f with c applied and removed from
// ScheduledChanges. f itself is not modified. When the payload is unusable
// or the resulting flag (apart from its other pending changes) would not
// validate, it returns f unchanged and an error matching ErrInvalid; the
// change stays pending. Deleting a rule that no
// longer exists only consumes the change. UpdatedAt is left to the caller.
func ApplyChange(f Flag, c ScheduledChange) (Flag, error) {
	out := f.Clone()
	fail := func(msg string, args ...any) (Flag, error) {
		p := &problems{kind: "flag", key: f.Key}
		p.add(fmt.Sprintf("scheduled change %s (%s)", c.ID, c.Action), msg, args...)
		return f, p.err()
	}
	switch c.Action {
	case ActionEnable:
		out.Enabled = true
	case ActionDisable:
		out.Enabled = false
	case ActionUpdateRollout:
		ft, err := c.fallthroughPayload()
		if err != nil {
			return fail("%v", err)
		}
		out.Fallthrough = ft
	case ActionAddRule:
		r, err := c.rulePayload()
		if err != nil {
			return fail("%v", err)
		}
		out.Rules = append(out.Rules, r)
	case ActionDeleteRule:
		id, err := c.ruleIDPayload()
		if err != nil {
			return fail("%v", err)
		}
		out.Rules = slices.DeleteFunc(out.Rules, func(r Rule) bool { return r.ID == id })
	default:
		return fail("unknown action %q", c.Action)
	}
	out.ScheduledChanges = slices.DeleteFunc(out.ScheduledChanges, func(x ScheduledChange) bool { return x.ID == c.ID })
	// The other pending changes were checked when saved and are applied
	// on their own; only the flag itself must stay valid.
	check := out
	check.ScheduledChanges = nil
	if err := check.Validate(); err != nil {
		return f, fmt.Errorf("applying scheduled change %s (%s): %w", c.ID, c.Action, err)
	}
	return out, nil
}

// ApplyDue applies every change due at now, oldest first. A change that
// fails stays pending and its error is joined to the result; the others
// are applied. applied lists the changes consumed.
func ApplyDue(f Flag, now time.Time) (out Flag, applied []ScheduledChange, err error) {
	out = f
	var errs []error
	for _, c := range DueChanges(f, now) {
		next, cerr := ApplyChange(out, c)
		if cerr != nil {
			errs = append(errs, cerr)
			continue
		}
		out = next
		applied = append(applied, c)
	}
	return out, applied, joinErrors(errs)
}

// validateChange checks one scheduled change of a flag with the given
// variation names.
func validateChange(p *problems, field string, c ScheduledChange, names []string) {
	if c.ID == "" {
		p.add(field+".id", "id is required (FillDefaults assigns one)")
	}
	if c.ExecuteAt.IsZero() {
		p.add(field+".execute_at", "execute_at is required: when the change applies")
	}
	switch c.Action {
	case ActionEnable, ActionDisable:
	case ActionUpdateRollout:
		ft, err := c.fallthroughPayload()
		if err != nil {
			p.add(field+".payload", "%v", err)
			return
		}
		validateFallthrough(p, field+".payload", ft, names)
	case ActionAddRule:
		r, err := c.rulePayload()
		if err != nil {
			p.add(field+".payload", "%v", err)
			return
		}
		validateRule(p, field+".payload", r, names, true)
	case ActionDeleteRule:
		if _, err := c.ruleIDPayload(); err != nil {
			p.add(field+".payload", "%v", err)
		}
	default:
		p.add(field+".action", "unknown action %q; use one of enable, disable, update_rollout, add_rule, delete_rule", c.Action)
	}
}

func (c ScheduledChange) fallthroughPayload() (Fallthrough, error) {
	if v := c.Payload["variation"]; v != nil {
		s, ok := v.(string)
		if !ok || s == "" {
			return Fallthrough{}, fmt.Errorf("payload variation must be a variation name; got %s", describe(v))
		}
		return Fallthrough{Variation: s}, nil
	}
	if r := c.Payload["rollout"]; r != nil {
		var ws []WeightedVariation
		if err := remarshalErr(r, &ws); err != nil || ws == nil {
			return Fallthrough{}, fmt.Errorf("payload rollout must be a list of {\"variation\", \"weight\"}")
		}
		return Fallthrough{Rollout: ws}, nil
	}
	return Fallthrough{}, fmt.Errorf("payload needs \"variation\" (a variation name) or \"rollout\" (a list of {\"variation\", \"weight\"})")
}

func (c ScheduledChange) rulePayload() (Rule, error) {
	var r Rule
	if err := remarshalErr(c.Payload, &r); err != nil {
		return Rule{}, fmt.Errorf("payload must be a rule {\"clauses\", \"variation\" or \"rollout\"}: %v", err)
	}
	return r, nil
}

func (c ScheduledChange) ruleIDPayload() (string, error) {
	id, ok := c.Payload["rule_id"].(string)
	if !ok || id == "" {
		return "", fmt.Errorf("payload rule_id is required: the id of the rule to delete")
	}
	return id, nil
}

// remarshal converts between JSON-compatible shapes; it cannot fail for the
// values this package builds.
func remarshal(in, out any) { _ = remarshalErr(in, out) }

func remarshalErr(in, out any) error {
	b, err := json.Marshal(in)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, out)
}
