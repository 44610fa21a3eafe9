package dashboard

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/waygate-go/waygate/admin/internal/auth"
	"github.com/waygate-go/waygate/admin/internal/wire"
	"github.com/waygate-go/waygate/core/flag"
)

// The editors of a flag's tabs. Each changes a copy of the stored flag
// from its form; the engine's SaveFlag validates and stores the result,
// as PUT /api/flags/{key} does.

// flagEdit registers POST /flags/{key}/{tab}: edit changes a copy of the
// flag from the form, SaveFlag validates and stores it. On an error the
// tab is shown again with the unsaved edit and the message.
func (h *UI) flagEdit(tab string, edit func(r *http.Request, f *flag.Flag) (string, error)) {
	h.page("POST /flags/{key}/"+tab, true, func(w http.ResponseWriter, r *http.Request, v *view) error {
		key := r.PathValue("key")
		stored, err := wire.Flag(h.eng, key)
		if err != nil {
			return wire.FlagError(key, err)
		}
		f := stored.Clone()
		msg, err := edit(r, &f)
		if err == nil {
			if _, err = h.eng.SaveFlag(r.Context(), f); err == nil {
				back := tab
				if tab == "rule" {
					back = "targeting"
				}
				r.PostForm.Set("back", v.Prefix+"/flags/"+key+query("tab", back))
				return h.done(w, r, v, msg)
			}
			err = wire.FlagError(key, err)
		} else {
			f = stored
		}
		status, body, _ := wire.StatusOf(err)
		if status == http.StatusInternalServerError {
			return err
		}
		d, verr := h.flagView(r, v, f, tab)
		if verr != nil {
			return err
		}
		d.Error, _ = body["error"].(string)
		if tab == "rule" {
			d.Rule = ruleFromForm(r, d.Rule)
		}
		h.render(w, r, v, status, "flag", d)
		return nil
	})
}

func (h *UI) editSettings(r *http.Request, f *flag.Flag) (string, error) {
	f.Name = strings.TrimSpace(r.PostFormValue("name"))
	f.Description = r.PostFormValue("description")
	f.Tags = formList(r.PostFormValue("tags"))
	f.Status = flag.Status(r.PostFormValue("status"))
	f.Temporary = r.PostFormValue("temporary") != ""
	f.Maintainer = strings.TrimSpace(r.PostFormValue("maintainer"))
	return "Saved the settings of " + f.Key, nil
}

// parseValue reads a variation value for the flag's type.
func parseValue(t flag.Type, s string) (any, error) {
	s = strings.TrimSpace(s)
	switch t {
	case flag.TypeBoolean:
		switch strings.ToLower(s) {
		case "true", "1", "yes", "on":
			return true, nil
		case "false", "0", "no", "off":
			return false, nil
		}
		return nil, wire.BadRequest("value %q is not a boolean: write true or false", s)
	case flag.TypeInteger:
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return nil, wire.BadRequest("value %q is not a whole number", s)
		}
		return n, nil
	case flag.TypeFloat:
		n, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return nil, wire.BadRequest("value %q is not a number", s)
		}
		return n, nil
	case flag.TypeJSON:
		if s == "" {
			return map[string]any{}, nil
		}
		var v any
		if err := json.Unmarshal([]byte(s), &v); err != nil {
			return nil, wire.BadRequest("value %q is not JSON: %v", s, err)
		}
		return v, nil
	}
	return s, nil
}

func (h *UI) editVariations(r *http.Request, f *flag.Flag) (string, error) {
	var vars []flag.Variation
	for i := 0; i < 100; i++ {
		p := "var." + strconv.Itoa(i) + "."
		if _, sent := r.PostForm[p+"name"]; !sent {
			break
		}
		name, raw := strings.TrimSpace(r.PostFormValue(p+"name")), r.PostFormValue(p+"value")
		if name == "" && strings.TrimSpace(raw) == "" || r.PostFormValue(p+"delete") != "" {
			continue
		}
		if name == "" {
			return "", wire.BadRequest("variation %d has a value but no name: name it", i+1)
		}
		val, err := parseValue(f.Type, raw)
		if err != nil {
			return "", wire.BadRequest("variation %s: %v", name, err)
		}
		vars = append(vars, flag.Variation{Name: name, Value: val, Description: r.PostFormValue(p + "description")})
	}
	if len(vars) < 2 {
		return "", wire.BadRequest("a flag needs at least two variations")
	}
	f.Variations = vars
	if _, found := f.Variation(f.OffVariation); !found {
		f.OffVariation = vars[0].Name
	}
	if f.Fallthrough.Rollout == nil {
		if _, found := f.Variation(f.Fallthrough.Variation); !found {
			f.Fallthrough.Variation = vars[0].Name
		}
	}
	return "Saved the variations of " + f.Key, nil
}

// rolloutFromForm reads percentages (weight.<variation>) into a rollout
// in 1/1000 % units.
func rolloutFromForm(r *http.Request, f *flag.Flag, prefix string) ([]flag.WeightedVariation, error) {
	var out []flag.WeightedVariation
	for _, v := range f.Variations {
		s := strings.TrimSpace(r.PostFormValue(prefix + v.Name))
		if s == "" {
			s = "0"
		}
		pct, err := strconv.ParseFloat(s, 64)
		if err != nil || pct < 0 || pct > 100 {
			return nil, wire.BadRequest("rollout share of %s %q: write a percentage from 0 to 100", v.Name, s)
		}
		out = append(out, flag.WeightedVariation{Variation: v.Name, Weight: int(pct*1000 + 0.5)})
	}
	return out, nil
}

func (h *UI) editTargeting(r *http.Request, f *flag.Flag) (string, error) {
	if s := r.PostFormValue("off_variation"); s != "" {
		f.OffVariation = s
	}
	switch r.PostFormValue("fallthrough_mode") {
	case "rollout":
		ro, err := rolloutFromForm(r, f, "weight.")
		if err != nil {
			return "", err
		}
		f.Fallthrough = flag.Fallthrough{Rollout: ro}
	case "variation", "":
		f.Fallthrough = flag.Fallthrough{Variation: r.PostFormValue("fallthrough")}
	default:
		return "", wire.BadRequest("fallthrough_mode %q: use variation or rollout", r.PostFormValue("fallthrough_mode"))
	}
	if id := r.PostFormValue("delete_rule"); id != "" {
		i := slices.IndexFunc(f.Rules, func(x flag.Rule) bool { return x.ID == id })
		if i < 0 {
			return "", wire.Errorf(http.StatusNotFound, "flag %s has no rule %q", f.Key, id)
		}
		f.Rules = slices.Delete(f.Rules, i, i+1)
		return "Deleted a rule of " + f.Key, nil
	}
	if id := r.PostFormValue("move_up"); id != "" {
		if i := slices.IndexFunc(f.Rules, func(x flag.Rule) bool { return x.ID == id }); i > 0 {
			f.Rules[i-1], f.Rules[i] = f.Rules[i], f.Rules[i-1]
		}
		return "Moved a rule of " + f.Key + " up", nil
	}
	return "Saved the targeting of " + f.Key, nil
}

// ruleFromForm is the rule editor as submitted, to show it again after
// an error.
func ruleFromForm(r *http.Request, rf *ruleForm) *ruleForm {
	if rf == nil {
		rf = &ruleForm{New: true}
	}
	rf.Rule.Description = r.PostFormValue("description")
	rf.Rule.Variation = r.PostFormValue("variation")
	rf.Mode = r.PostFormValue("serve_mode")
	for k := range rf.Weights {
		rf.Weights[k] = r.PostFormValue("rweight." + k)
	}
	rf.Clauses = nil
	for i := 0; i < 50; i++ {
		p := "clause." + strconv.Itoa(i) + "."
		if _, sent := r.PostForm[p+"operator"]; !sent {
			break
		}
		rf.Clauses = append(rf.Clauses, clauseRow{Attribute: r.PostFormValue(p + "attribute"), Operator: r.PostFormValue(p + "operator"),
			Values: r.PostFormValue(p + "values"), Negate: r.PostFormValue(p+"negate") != ""})
	}
	return rf
}

// stringOperators compare text, so their values stay strings.
var stringOperators = []flag.Operator{flag.OpContains, flag.OpNotContains, flag.OpStartsWith, flag.OpEndsWith, flag.OpMatches,
	flag.OpNotMatches, flag.OpSemverEq, flag.OpSemverLt, flag.OpSemverGt, flag.OpInSegment, flag.OpNotInSegment, flag.OpBefore, flag.OpAfter}

// clauseValues splits a comma list; numbers and booleans become JSON
// values unless the operator compares text.
func clauseValues(op flag.Operator, s string) []any {
	var out []any
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		if !slices.Contains(stringOperators, op) {
			var v any
			if err := json.Unmarshal([]byte(part), &v); err == nil {
				switch v.(type) {
				case float64, bool:
					out = append(out, v)
					continue
				}
			}
		}
		out = append(out, part)
	}
	return out
}

func (h *UI) editRule(r *http.Request, f *flag.Flag) (string, error) {
	rule := flag.Rule{ID: r.PostFormValue("rule_id"), Description: strings.TrimSpace(r.PostFormValue("description"))}
	for i := 0; i < 50; i++ {
		p := "clause." + strconv.Itoa(i) + "."
		if _, sent := r.PostForm[p+"operator"]; !sent {
			break
		}
		attr, op := strings.TrimSpace(r.PostFormValue(p+"attribute")), flag.Operator(r.PostFormValue(p+"operator"))
		vals := r.PostFormValue(p + "values")
		if attr == "" && strings.TrimSpace(vals) == "" {
			continue
		}
		if !op.Known() {
			return "", wire.BadRequest("clause %d: operator %q is not one of the 21 operators", i+1, op)
		}
		if attr == "" && !op.IsSegment() {
			return "", wire.BadRequest("clause %d: name the context attribute to test, like country or email", i+1)
		}
		if op.IsSegment() && attr == "" {
			attr = "key"
		}
		rule.Clauses = append(rule.Clauses, flag.Clause{Attribute: attr, Operator: op, Values: clauseValues(op, vals), Negate: r.PostFormValue(p+"negate") != ""})
	}
	if len(rule.Clauses) == 0 {
		return "", wire.BadRequest("a rule needs at least one clause: fill in an attribute, an operator and values")
	}
	switch r.PostFormValue("serve_mode") {
	case "rollout":
		ro, err := rolloutFromForm(r, f, "rweight.")
		if err != nil {
			return "", err
		}
		rule.Rollout = ro
	default:
		rule.Variation = r.PostFormValue("variation")
	}
	if rule.ID == "" {
		f.Rules = append(f.Rules, rule)
		return "Added a rule to " + f.Key, nil
	}
	i := slices.IndexFunc(f.Rules, func(x flag.Rule) bool { return x.ID == rule.ID })
	if i < 0 {
		return "", wire.Errorf(http.StatusNotFound, "flag %s has no rule %q: it may have been deleted meanwhile", f.Key, rule.ID)
	}
	rule.TrackEvents = f.Rules[i].TrackEvents
	f.Rules[i] = rule
	return "Saved a rule of " + f.Key, nil
}

func (h *UI) editTargets(r *http.Request, f *flag.Flag) (string, error) {
	targets := map[string][]string{}
	for _, v := range f.Variations {
		if keys := formList(r.PostFormValue("targets." + v.Name)); len(keys) > 0 {
			targets[v.Name] = keys
		}
	}
	f.Targets = targets
	return "Saved the individual targets of " + f.Key, nil
}

func (h *UI) editPrerequisites(r *http.Request, f *flag.Flag) (string, error) {
	var pre []flag.Prerequisite
	for i := 0; i < 50; i++ {
		p := "pre." + strconv.Itoa(i) + "."
		if _, sent := r.PostForm[p+"flag"]; !sent {
			break
		}
		k, variation := strings.TrimSpace(r.PostFormValue(p+"flag")), strings.TrimSpace(r.PostFormValue(p+"variation"))
		if k == "" && variation == "" || r.PostFormValue(p+"delete") != "" {
			continue
		}
		if k == "" || variation == "" {
			return "", wire.BadRequest("prerequisite %d needs both a flag and the variation it must serve", i+1)
		}
		if k == f.Key {
			return "", wire.BadRequest("a flag cannot be its own prerequisite")
		}
		pre = append(pre, flag.Prerequisite{FlagKey: k, Variation: variation})
	}
	f.Prerequisites = pre
	return "Saved the prerequisites of " + f.Key, nil
}

func (h *UI) editSchedule(r *http.Request, f *flag.Flag) (string, error) {
	if id := r.PostFormValue("delete_change"); id != "" {
		i := slices.IndexFunc(f.ScheduledChanges, func(c flag.ScheduledChange) bool { return c.ID == id })
		if i < 0 {
			return "", wire.Errorf(http.StatusNotFound, "flag %s has no scheduled change %q: it may have run meanwhile", f.Key, id)
		}
		f.ScheduledChanges = slices.Delete(f.ScheduledChanges, i, i+1)
		return "Cancelled a scheduled change of " + f.Key, nil
	}
	at, err := wire.ParseTime("execute_at", formTime(r, "execute_at"))
	if err != nil {
		return "", err
	}
	if !at.After(h.clock.Now()) {
		return "", wire.BadRequest("execute_at %s is in the past: pick a future time", at.Format("2006-01-02 15:04 UTC"))
	}
	var c flag.ScheduledChange
	switch flag.ChangeAction(r.PostFormValue("action")) {
	case flag.ActionEnable:
		c = flag.ScheduleEnable(at)
	case flag.ActionDisable:
		c = flag.ScheduleDisable(at)
	case flag.ActionUpdateRollout:
		c = flag.ScheduleFallthrough(at, flag.Fallthrough{Variation: r.PostFormValue("variation")})
	case flag.ActionDeleteRule:
		c = flag.ScheduleDeleteRule(at, r.PostFormValue("rule_id"))
	default:
		return "", wire.BadRequest("action %q: schedule enable, disable, update_rollout or delete_rule", r.PostFormValue("action"))
	}
	c.CreatedBy = auth.PrincipalOf(r.Context()).User
	f.ScheduledChanges = append(f.ScheduledChanges, c)
	return "Scheduled a change of " + f.Key, nil
}
