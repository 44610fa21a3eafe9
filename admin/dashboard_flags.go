package admin

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/waygate-go/waygate/core/flag"
)

// flagTabs are the tabs of a flag's page, in order.
var flagTabs = []struct{ ID, Label string }{
	{"overview", "Overview"}, {"targeting", "Targeting"}, {"variations", "Variations"}, {"targets", "Individual targets"},
	{"prerequisites", "Prerequisites"}, {"schedule", "Scheduled changes"}, {"settings", "Settings"}, {"debugger", "Evaluate"},
}

// flagsData is the Flags page.
type flagsData struct {
	Q, Type, State string
	Types          []flag.Type
	Flags          []flag.Flag
}

// flagData is one flag's page.
type flagData struct {
	Flag      flag.Flag
	Tab       string
	Tabs      []tabLink
	Error     string
	Counts    []variationCount
	Total     uint64
	NoVar     uint64
	Recent    []flag.Event
	Operators []flag.Operator
	Flags     []string
	Segments  []string
	Rule      *ruleForm
	Eval      *evalForm
	Statuses  []flag.Status
	Actions   []flag.ChangeAction
	Rollout   map[string]string // fallthrough weights in percent, by variation
}

type tabLink struct {
	ID, Label, Href string
	Current         bool
}

type variationCount struct {
	Name  string
	Value string
	N     uint64
	Share float64 // of all evaluations, 0..1
}

// ruleForm is the rule editor: an existing rule or a new one.
type ruleForm struct {
	Rule    flag.Rule
	New     bool
	Mode    string // variation or rollout
	Weights map[string]string
	Clauses []clauseRow
}

type clauseRow struct {
	Attribute string
	Operator  string
	Values    string
	Negate    bool
}

// evalForm is the debugger's input and result.
type evalForm struct {
	Key, Kind, Attributes string
	Result                *flag.Result
	Value                 string
}

func (h *Handler) registerFlagPages() {
	h.page("GET /flags", false, h.flagsPage)
	h.formPage("/flags/new", formSpec{build: h.newFlagForm, do: h.createFlagDo})
	h.page("GET /flags/{key}", false, h.flagPage)
	h.formPage("/flags/{key}/enable", formSpec{build: h.flagConfirm("Turn on", "The flag serves its targeting again.", false), do: h.flagSwitch(true)})
	h.formPage("/flags/{key}/disable", formSpec{build: h.flagConfirm("Turn off", "Kill switch: every evaluation gets the off variation.", true), do: h.flagSwitch(false)})
	h.formPage("/flags/{key}/delete", formSpec{build: h.flagConfirm("Delete", "The flag is removed; applications get their default value.", true), do: h.deleteFlagDo})
	h.flagEdit("settings", h.editSettings)
	h.flagEdit("variations", h.editVariations)
	h.flagEdit("targeting", h.editTargeting)
	h.flagEdit("rule", h.editRule)
	h.flagEdit("targets", h.editTargets)
	h.flagEdit("prerequisites", h.editPrerequisites)
	h.flagEdit("schedule", h.editSchedule)
	h.page("POST /flags/{key}/evaluate", false, h.evaluateDo)
}

// flagsPage lists the flags with search and filters.
func (h *Handler) flagsPage(w http.ResponseWriter, r *http.Request, v *view) error {
	v.Page, v.Title, v.Live = "flags", "Feature flags", []string{"flag", "segment", "resync"}
	q := r.URL.Query()
	d := flagsData{Q: strings.TrimSpace(q.Get("q")), Type: q.Get("type"), State: q.Get("state"), Types: flag.Types}
	if d.Type != "" && !slices.Contains(flag.Types, flag.Type(d.Type)) {
		return badRequest("type %q: filter by boolean, string, integer, float or json", d.Type)
	}
	if d.State != "" && d.State != "on" && d.State != "off" {
		return badRequest("state %q: filter by on or off", d.State)
	}
	search := strings.ToLower(d.Q)
	for _, f := range h.eng.Flags().Snapshot().Flags() {
		if !matches(search, f.Key, f.Name, f.Tags) || (d.Type != "" && string(f.Type) != d.Type) ||
			(d.State == "on" && !f.Enabled) || (d.State == "off" && f.Enabled) {
			continue
		}
		d.Flags = append(d.Flags, f)
	}
	h.render(w, r, v, http.StatusOK, "flags", d)
	return nil
}

// newFlagDefaults are the variations a flag created in the dashboard
// starts with, by type, as in the reference.
func newFlagDefaults(key, name string, t flag.Type) flag.Flag {
	f := flag.NewBoolean(key)
	f.Name, f.Type = name, t
	switch t {
	case flag.TypeString:
		f.Variations = []flag.Variation{{Name: "control", Value: "control"}, {Name: "treatment", Value: "treatment"}}
		f.OffVariation, f.Fallthrough = "control", flag.Fallthrough{Variation: "control"}
	case flag.TypeInteger:
		f.Variations = []flag.Variation{{Name: "off", Value: 0}, {Name: "on", Value: 1}}
	case flag.TypeFloat:
		f.Variations = []flag.Variation{{Name: "off", Value: 0.0}, {Name: "on", Value: 1.0}}
	case flag.TypeJSON:
		f.Variations = []flag.Variation{{Name: "off", Value: map[string]any{}}, {Name: "on", Value: map[string]any{}}}
	}
	return f
}

func typeOptions() []option {
	out := make([]option, len(flag.Types))
	for i, t := range flag.Types {
		out[i] = option{string(t), string(t)}
	}
	return out
}

func (h *Handler) newFlagForm(r *http.Request, v *view) (*formView, error) {
	return &formView{Title: "Create a flag", Intro: "It starts enabled with two variations for its type, serving the first (off) one until you add targeting.",
		Action: v.Prefix + "/flags/new", Submit: "Create flag", Back: v.Prefix + "/flags", Fields: []field{
			{Name: "key", Label: "Key", Type: "text", Required: true, Placeholder: "new-checkout", Help: "Letters, digits, '-', '_' and '.'; the key code asks for."},
			{Name: "name", Label: "Name", Type: "text", Placeholder: "New checkout"},
			{Name: "type", Label: "Type", Type: "select", Value: "boolean", Options: typeOptions()},
			{Name: "description", Label: "Description", Type: "textarea"},
		}}, nil
}

func (h *Handler) createFlagDo(r *http.Request, v *view) (string, error) {
	key, name := strings.TrimSpace(r.PostFormValue("key")), strings.TrimSpace(r.PostFormValue("name"))
	if key == "" {
		return "", badRequest("key is required, like new-checkout")
	}
	if name == "" {
		name = key
	}
	t := flag.Type(r.PostFormValue("type"))
	if !slices.Contains(flag.Types, t) {
		return "", badRequest("type %q: pick boolean, string, integer, float or json", t)
	}
	f := newFlagDefaults(key, name, t)
	f.Description = r.PostFormValue("description")
	f.CreatedBy = principalOf(r.Context()).user
	if _, err := h.eng.CreateFlag(r.Context(), f); err != nil {
		return "", flagError(key, err)
	}
	r.PostForm.Set("back", v.Prefix+"/flags/"+key)
	return "Created flag " + key, nil
}

// flagConfirm confirms the kill switch or a delete.
func (h *Handler) flagConfirm(title, intro string, danger bool) func(*http.Request, *view) (*formView, error) {
	return func(r *http.Request, v *view) (*formView, error) {
		key := r.PathValue("key")
		if _, err := h.eng.Flag(key); err != nil {
			return nil, flagError(key, err)
		}
		return &formView{Title: title + " flag " + key, Intro: intro, Action: v.Prefix + "/flags/" + key + "/" + actionOf(r),
			Submit: title, Danger: danger, Back: v.Prefix + "/flags/" + key}, nil
	}
}

func (h *Handler) flagSwitch(on bool) func(*http.Request, *view) (string, error) {
	return func(r *http.Request, v *view) (string, error) {
		key := r.PathValue("key")
		if _, err := h.eng.SetFlagEnabled(r.Context(), key, on); err != nil {
			return "", flagError(key, err)
		}
		if on {
			return "Flag " + key + " is on", nil
		}
		return "Flag " + key + " is off: it serves its off variation", nil
	}
}

func (h *Handler) deleteFlagDo(r *http.Request, v *view) (string, error) {
	key := r.PathValue("key")
	if err := h.eng.DeleteFlag(r.Context(), key); err != nil {
		return "", flagError(key, err)
	}
	r.PostForm.Set("back", v.Prefix+"/flags")
	return "Deleted flag " + key, nil
}

// flagPage shows one flag on the tab ?tab= names.
func (h *Handler) flagPage(w http.ResponseWriter, r *http.Request, v *view) error {
	key := r.PathValue("key")
	f, err := h.eng.Flag(key)
	if err != nil {
		return flagError(key, err)
	}
	tab := r.URL.Query().Get("tab")
	if tab == "" {
		tab = "overview"
	}
	d, err := h.flagView(r, v, f, tab)
	if err != nil {
		return err
	}
	h.render(w, r, v, http.StatusOK, "flag", d)
	return nil
}

// flagView builds the flag page for tab, showing f (which may be an
// unsaved edit that failed validation).
func (h *Handler) flagView(r *http.Request, v *view, f flag.Flag, tab string) (*flagData, error) {
	known := tab == "rule" || slices.ContainsFunc(flagTabs, func(t struct{ ID, Label string }) bool { return t.ID == tab })
	if !known {
		return nil, badRequest("tab %q does not exist: use overview, targeting, variations, targets, prerequisites, schedule, settings or debugger", tab)
	}
	v.Page, v.Title = "flags", "Flag "+f.Key
	d := &flagData{Flag: f, Tab: tab, Operators: flag.Operators, Statuses: flag.Statuses, Actions: []flag.ChangeAction{
		flag.ActionEnable, flag.ActionDisable, flag.ActionUpdateRollout, flag.ActionDeleteRule}}
	base := v.Prefix + "/flags/" + f.Key
	for _, t := range flagTabs {
		d.Tabs = append(d.Tabs, tabLink{ID: t.ID, Label: t.Label, Href: base + query("tab", t.ID), Current: t.ID == tab || (tab == "rule" && t.ID == "targeting")})
	}
	snap := h.eng.Flags().Snapshot()
	for _, o := range snap.Flags() {
		if o.Key != f.Key {
			d.Flags = append(d.Flags, o.Key)
		}
	}
	for _, s := range snap.Segments() {
		d.Segments = append(d.Segments, s.Key)
	}
	d.Rollout = weightsOf(f.Variations, f.Fallthrough.Rollout)
	switch tab {
	case "overview":
		v.Live, v.Events = []string{"flag", "segment", "resync", "evaluation"}, v.Prefix+"/events"+query("flag", f.Key)
		h.flagCounts(d)
	case "rule":
		id := r.URL.Query().Get("rule")
		if r.Method == http.MethodPost {
			id = r.PostFormValue("rule_id")
		}
		rf := &ruleForm{New: true, Mode: "variation"}
		if id != "" {
			i := slices.IndexFunc(f.Rules, func(x flag.Rule) bool { return x.ID == id })
			if i < 0 {
				return nil, errorf(http.StatusNotFound, "flag %s has no rule %q: it may have been deleted meanwhile", f.Key, id)
			}
			rf.Rule, rf.New = f.Rules[i], false
		}
		if len(rf.Rule.Rollout) > 0 {
			rf.Mode = "rollout"
		}
		rf.Weights = weightsOf(f.Variations, rf.Rule.Rollout)
		for _, c := range rf.Rule.Clauses {
			rf.Clauses = append(rf.Clauses, clauseRow{Attribute: c.Attribute, Operator: string(c.Operator), Values: valuesText(c.Values), Negate: c.Negate})
		}
		for len(rf.Clauses) < 3 || len(rf.Clauses) < len(rf.Rule.Clauses)+1 {
			rf.Clauses = append(rf.Clauses, clauseRow{Operator: string(flag.OpIs)})
		}
		d.Rule = rf
	case "debugger":
		d.Eval = &evalForm{Kind: flag.DefaultKind}
	}
	return d, nil
}

// weightsOf turns a rollout into percentages by variation name.
func weightsOf(vars []flag.Variation, rollout []flag.WeightedVariation) map[string]string {
	m := map[string]string{}
	for _, v := range vars {
		m[v.Name] = "0"
	}
	for _, w := range rollout {
		m[w.Variation] = strconv.FormatFloat(float64(w.Weight)/1000, 'f', -1, 64)
	}
	return m
}

// valuesText writes clause values as the editor's comma list.
func valuesText(vals []any) string {
	parts := make([]string, len(vals))
	for i, v := range vals {
		if s, isString := v.(string); isString {
			parts[i] = s
		} else {
			b, _ := json.Marshal(v)
			parts[i] = string(b)
		}
	}
	return strings.Join(parts, ", ")
}

// variationText is a variation's value as the variations editor shows it.
func variationText(t flag.Type, v any) string {
	if s, isString := v.(string); isString && t == flag.TypeString {
		return s
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// flagCounts fills the evaluation counts and the latest evaluations.
func (h *Handler) flagCounts(d *flagData) {
	rec := h.eng.Flags().Recorder()
	counts := map[string]uint64{}
	if rec != nil {
		counts = rec.Counts(d.Flag.Key)
		for _, e := range rec.Recent(500) {
			if e.FlagKey == d.Flag.Key && len(d.Recent) < 50 {
				d.Recent = append(d.Recent, e)
			}
		}
	}
	for _, n := range counts {
		d.Total += n
	}
	d.NoVar = counts[""]
	for _, v := range d.Flag.Variations {
		c := variationCount{Name: v.Name, Value: variationText(d.Flag.Type, v.Value), N: counts[v.Name]}
		if d.Total > 0 {
			c.Share = float64(c.N) / float64(d.Total)
		}
		d.Counts = append(d.Counts, c)
	}
}

// flagEdit registers POST /flags/{key}/{tab}: edit changes a copy of the
// flag from the form, SaveFlag validates and stores it. On an error the
// tab is shown again with the unsaved edit and the message.
func (h *Handler) flagEdit(tab string, edit func(r *http.Request, f *flag.Flag) (string, error)) {
	h.page("POST /flags/{key}/"+tab, true, func(w http.ResponseWriter, r *http.Request, v *view) error {
		key := r.PathValue("key")
		stored, err := h.eng.Flag(key)
		if err != nil {
			return flagError(key, err)
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
			err = flagError(key, err)
		} else {
			f = stored
		}
		status, body, _ := statusOf(err)
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

func (h *Handler) editSettings(r *http.Request, f *flag.Flag) (string, error) {
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
		return nil, badRequest("value %q is not a boolean: write true or false", s)
	case flag.TypeInteger:
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return nil, badRequest("value %q is not a whole number", s)
		}
		return n, nil
	case flag.TypeFloat:
		n, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return nil, badRequest("value %q is not a number", s)
		}
		return n, nil
	case flag.TypeJSON:
		if s == "" {
			return map[string]any{}, nil
		}
		var v any
		if err := json.Unmarshal([]byte(s), &v); err != nil {
			return nil, badRequest("value %q is not JSON: %v", s, err)
		}
		return v, nil
	}
	return s, nil
}

func (h *Handler) editVariations(r *http.Request, f *flag.Flag) (string, error) {
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
			return "", badRequest("variation %d has a value but no name: name it", i+1)
		}
		val, err := parseValue(f.Type, raw)
		if err != nil {
			return "", badRequest("variation %s: %v", name, err)
		}
		vars = append(vars, flag.Variation{Name: name, Value: val, Description: r.PostFormValue(p + "description")})
	}
	if len(vars) < 2 {
		return "", badRequest("a flag needs at least two variations")
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
			return nil, badRequest("rollout share of %s %q: write a percentage from 0 to 100", v.Name, s)
		}
		out = append(out, flag.WeightedVariation{Variation: v.Name, Weight: int(pct*1000 + 0.5)})
	}
	return out, nil
}

func (h *Handler) editTargeting(r *http.Request, f *flag.Flag) (string, error) {
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
		return "", badRequest("fallthrough_mode %q: use variation or rollout", r.PostFormValue("fallthrough_mode"))
	}
	if id := r.PostFormValue("delete_rule"); id != "" {
		i := slices.IndexFunc(f.Rules, func(x flag.Rule) bool { return x.ID == id })
		if i < 0 {
			return "", errorf(http.StatusNotFound, "flag %s has no rule %q", f.Key, id)
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

func (h *Handler) editRule(r *http.Request, f *flag.Flag) (string, error) {
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
			return "", badRequest("clause %d: operator %q is not one of the 21 operators", i+1, op)
		}
		if attr == "" && !op.IsSegment() {
			return "", badRequest("clause %d: name the context attribute to test, like country or email", i+1)
		}
		if op.IsSegment() && attr == "" {
			attr = "key"
		}
		rule.Clauses = append(rule.Clauses, flag.Clause{Attribute: attr, Operator: op, Values: clauseValues(op, vals), Negate: r.PostFormValue(p+"negate") != ""})
	}
	if len(rule.Clauses) == 0 {
		return "", badRequest("a rule needs at least one clause: fill in an attribute, an operator and values")
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
		return "", errorf(http.StatusNotFound, "flag %s has no rule %q: it may have been deleted meanwhile", f.Key, rule.ID)
	}
	rule.TrackEvents = f.Rules[i].TrackEvents
	f.Rules[i] = rule
	return "Saved a rule of " + f.Key, nil
}

func (h *Handler) editTargets(r *http.Request, f *flag.Flag) (string, error) {
	targets := map[string][]string{}
	for _, v := range f.Variations {
		if keys := formList(r.PostFormValue("targets." + v.Name)); len(keys) > 0 {
			targets[v.Name] = keys
		}
	}
	f.Targets = targets
	return "Saved the individual targets of " + f.Key, nil
}

func (h *Handler) editPrerequisites(r *http.Request, f *flag.Flag) (string, error) {
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
			return "", badRequest("prerequisite %d needs both a flag and the variation it must serve", i+1)
		}
		if k == f.Key {
			return "", badRequest("a flag cannot be its own prerequisite")
		}
		pre = append(pre, flag.Prerequisite{FlagKey: k, Variation: variation})
	}
	f.Prerequisites = pre
	return "Saved the prerequisites of " + f.Key, nil
}

func (h *Handler) editSchedule(r *http.Request, f *flag.Flag) (string, error) {
	if id := r.PostFormValue("delete_change"); id != "" {
		i := slices.IndexFunc(f.ScheduledChanges, func(c flag.ScheduledChange) bool { return c.ID == id })
		if i < 0 {
			return "", errorf(http.StatusNotFound, "flag %s has no scheduled change %q: it may have run meanwhile", f.Key, id)
		}
		f.ScheduledChanges = slices.Delete(f.ScheduledChanges, i, i+1)
		return "Cancelled a scheduled change of " + f.Key, nil
	}
	at, err := parseTime("execute_at", formTime(r, "execute_at"))
	if err != nil {
		return "", err
	}
	if !at.After(h.cfg.clock.Now()) {
		return "", badRequest("execute_at %s is in the past: pick a future time", at.Format("2006-01-02 15:04 UTC"))
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
		return "", badRequest("action %q: schedule enable, disable, update_rollout or delete_rule", r.PostFormValue("action"))
	}
	c.CreatedBy = principalOf(r.Context()).user
	f.ScheduledChanges = append(f.ScheduledChanges, c)
	return "Scheduled a change of " + f.Key, nil
}

// evaluateDo runs the debugger (viewers may: it changes nothing) and shows
// the result on the Evaluate tab.
func (h *Handler) evaluateDo(w http.ResponseWriter, r *http.Request, v *view) error {
	key := r.PathValue("key")
	f, err := h.eng.Flag(key)
	if err != nil {
		return flagError(key, err)
	}
	d, err := h.flagView(r, v, f, "debugger")
	if err != nil {
		return err
	}
	e := &evalForm{Key: strings.TrimSpace(r.PostFormValue("context_key")), Kind: strings.TrimSpace(r.PostFormValue("kind")), Attributes: r.PostFormValue("attributes")}
	d.Eval = e
	ctx := flag.EvaluationContext{Key: e.Key, Kind: e.Kind, Attributes: map[string]any{}}
	for _, line := range formLines(e.Attributes) {
		name, raw, found := strings.Cut(line, "=")
		name, raw = strings.TrimSpace(name), strings.TrimSpace(raw)
		if !found || name == "" {
			d.Error = fmt.Sprintf("attribute line %q: write name = value, like country = DE", line)
			h.render(w, r, v, http.StatusBadRequest, "flag", d)
			return nil
		}
		var val any
		if json.Unmarshal([]byte(raw), &val) != nil {
			val = raw
		}
		ctx.Attributes[name] = val
	}
	res, err := h.eng.EvaluateFlag(key, ctx)
	if err != nil {
		if errors.Is(err, flag.ErrInvalid) {
			d.Error = err.Error()
			h.render(w, r, v, http.StatusBadRequest, "flag", d)
			return nil
		}
		return flagError(key, err)
	}
	e.Result = &res
	b, _ := json.Marshal(res.Value)
	e.Value = string(b)
	h.render(w, r, v, http.StatusOK, "flag", d)
	return nil
}
