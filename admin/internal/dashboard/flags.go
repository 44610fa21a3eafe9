package dashboard

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/waygate-go/waygate/admin/internal/auth"
	"github.com/waygate-go/waygate/admin/internal/wire"
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

func (h *UI) registerFlagPages() {
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
func (h *UI) flagsPage(w http.ResponseWriter, r *http.Request, v *view) error {
	v.Page, v.Title, v.Live = "flags", "Feature flags", []string{"flag", "segment", "resync"}
	q := r.URL.Query()
	d := flagsData{Q: strings.TrimSpace(q.Get("q")), Type: q.Get("type"), State: q.Get("state"), Types: flag.Types}
	if d.Type != "" && !slices.Contains(flag.Types, flag.Type(d.Type)) {
		return wire.BadRequest("type %q: filter by boolean, string, integer, float or json", d.Type)
	}
	if d.State != "" && d.State != "on" && d.State != "off" {
		return wire.BadRequest("state %q: filter by on or off", d.State)
	}
	search := strings.ToLower(d.Q)
	for _, f := range h.eng.Flags().Snapshot().Flags() {
		if !wire.Matches(search, f.Key, f.Name, f.Tags) || (d.Type != "" && string(f.Type) != d.Type) ||
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

func (h *UI) newFlagForm(r *http.Request, v *view) (*formView, error) {
	return &formView{Title: "Create a flag", Intro: "It starts enabled with two variations for its type, serving the first (off) one until you add targeting.",
		Action: v.Prefix + "/flags/new", Submit: "Create flag", Back: v.Prefix + "/flags", Fields: []field{
			{Name: "key", Label: "Key", Type: "text", Required: true, Placeholder: "new-checkout", Help: "Letters, digits, '-', '_' and '.'; the key code asks for."},
			{Name: "name", Label: "Name", Type: "text", Placeholder: "New checkout"},
			{Name: "type", Label: "Type", Type: "select", Value: "boolean", Options: typeOptions()},
			{Name: "description", Label: "Description", Type: "textarea"},
		}}, nil
}

func (h *UI) createFlagDo(r *http.Request, v *view) (string, error) {
	key, name := strings.TrimSpace(r.PostFormValue("key")), strings.TrimSpace(r.PostFormValue("name"))
	if key == "" {
		return "", wire.BadRequest("key is required, like new-checkout")
	}
	if name == "" {
		name = key
	}
	t := flag.Type(r.PostFormValue("type"))
	if !slices.Contains(flag.Types, t) {
		return "", wire.BadRequest("type %q: pick boolean, string, integer, float or json", t)
	}
	f := newFlagDefaults(key, name, t)
	f.Description = r.PostFormValue("description")
	f.CreatedBy = auth.PrincipalOf(r.Context()).User
	if _, err := h.eng.CreateFlag(r.Context(), f); err != nil {
		return "", wire.FlagError(key, err)
	}
	r.PostForm.Set("back", v.Prefix+"/flags/"+key)
	return "Created flag " + key, nil
}

// flagConfirm confirms the kill switch or a delete.
func (h *UI) flagConfirm(title, intro string, danger bool) func(*http.Request, *view) (*formView, error) {
	return func(r *http.Request, v *view) (*formView, error) {
		key := r.PathValue("key")
		if _, err := wire.Flag(h.eng, key); err != nil {
			return nil, wire.FlagError(key, err)
		}
		return &formView{Title: title + " flag " + key, Intro: intro, Action: v.Prefix + "/flags/" + key + "/" + actionOf(r),
			Submit: title, Danger: danger, Back: v.Prefix + "/flags/" + key}, nil
	}
}

func (h *UI) flagSwitch(on bool) func(*http.Request, *view) (string, error) {
	return func(r *http.Request, v *view) (string, error) {
		key := r.PathValue("key")
		if _, err := h.eng.SetFlagEnabled(r.Context(), key, on); err != nil {
			return "", wire.FlagError(key, err)
		}
		if on {
			return "Flag " + key + " is on", nil
		}
		return "Flag " + key + " is off: it serves its off variation", nil
	}
}

func (h *UI) deleteFlagDo(r *http.Request, v *view) (string, error) {
	key := r.PathValue("key")
	if err := h.eng.DeleteFlag(r.Context(), key); err != nil {
		return "", wire.FlagError(key, err)
	}
	r.PostForm.Set("back", v.Prefix+"/flags")
	return "Deleted flag " + key, nil
}

// flagPage shows one flag on the tab ?tab= names.
func (h *UI) flagPage(w http.ResponseWriter, r *http.Request, v *view) error {
	key := r.PathValue("key")
	f, err := wire.Flag(h.eng, key)
	if err != nil {
		return wire.FlagError(key, err)
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
func (h *UI) flagView(r *http.Request, v *view, f flag.Flag, tab string) (*flagData, error) {
	known := tab == "rule" || slices.ContainsFunc(flagTabs, func(t struct{ ID, Label string }) bool { return t.ID == tab })
	if !known {
		return nil, wire.BadRequest("tab %q does not exist: use overview, targeting, variations, targets, prerequisites, schedule, settings or debugger", tab)
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
				return nil, wire.Errorf(http.StatusNotFound, "flag %s has no rule %q: it may have been deleted meanwhile", f.Key, id)
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
func (h *UI) flagCounts(d *flagData) {
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

// evaluateDo runs the debugger (viewers may: it changes nothing) and shows
// the result on the Evaluate tab.
func (h *UI) evaluateDo(w http.ResponseWriter, r *http.Request, v *view) error {
	key := r.PathValue("key")
	f, err := wire.Flag(h.eng, key)
	if err != nil {
		return wire.FlagError(key, err)
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
	res, err := wire.Evaluate(h.eng, key, ctx)
	if err != nil {
		if errors.Is(err, flag.ErrInvalid) {
			d.Error = err.Error()
			h.render(w, r, v, http.StatusBadRequest, "flag", d)
			return nil
		}
		return wire.FlagError(key, err)
	}
	e.Result = &res
	b, _ := json.Marshal(res.Value)
	e.Value = string(b)
	h.render(w, r, v, http.StatusOK, "flag", d)
	return nil
}
