package dashboard

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/waygate-go/waygate/admin/internal/wire"
	"github.com/waygate-go/waygate/core/flag"
)

type segmentsData struct {
	Q        string
	Segments []flag.Segment
}

type segmentData struct {
	Segment   flag.Segment
	Error     string
	Operators []flag.Operator
	Clauses   []clauseRow
	UsedBy    []string
}

func (h *UI) registerSegmentPages() {
	h.page("GET /segments", false, h.segmentsPage)
	h.formPage("/segments/new", formSpec{build: h.newSegmentForm, do: h.createSegmentDo})
	h.page("GET /segments/{key}", false, h.segmentPage)
	h.formPage("/segments/{key}/delete", formSpec{build: h.segmentConfirm, do: h.deleteSegmentDo})
	h.segmentEdit("members", h.editMembers)
	h.segmentEdit("rules", h.editSegmentRules)
}

func (h *UI) segmentsPage(w http.ResponseWriter, r *http.Request, v *view) error {
	v.Page, v.Title, v.Live = "segments", "Segments", []string{"segment", "resync"}
	d := segmentsData{Q: strings.TrimSpace(r.URL.Query().Get("q"))}
	search := strings.ToLower(d.Q)
	for _, s := range h.eng.Flags().Snapshot().Segments() {
		if wire.Matches(search, s.Key, s.Name, s.Tags) {
			d.Segments = append(d.Segments, s)
		}
	}
	h.render(w, r, v, http.StatusOK, "segments", d)
	return nil
}

func (h *UI) newSegmentForm(r *http.Request, v *view) (*formView, error) {
	return &formView{Title: "Create a segment", Intro: "A reusable set of contexts for the in_segment and not_in_segment operators.",
		Action: v.Prefix + "/segments/new", Submit: "Create segment", Back: v.Prefix + "/segments", Fields: []field{
			{Name: "key", Label: "Key", Type: "text", Required: true, Placeholder: "beta-testers"},
			{Name: "name", Label: "Name", Type: "text", Placeholder: "Beta testers"},
			{Name: "description", Label: "Description", Type: "textarea"},
			{Name: "included", Label: "Included context keys", Type: "textarea", Help: "One per line."},
		}}, nil
}

func (h *UI) createSegmentDo(r *http.Request, v *view) (string, error) {
	key := strings.TrimSpace(r.PostFormValue("key"))
	if key == "" {
		return "", wire.BadRequest("key is required, like beta-testers")
	}
	s := flag.Segment{Key: key, Name: strings.TrimSpace(r.PostFormValue("name")), Description: r.PostFormValue("description"),
		Included: formList(r.PostFormValue("included")), Excluded: []string{}}
	if s.Name == "" {
		s.Name = key
	}
	if _, err := h.eng.CreateSegment(r.Context(), s); err != nil {
		return "", wire.SegmentError(key, err)
	}
	r.PostForm.Set("back", v.Prefix+"/segments/"+key)
	return "Created segment " + key, nil
}

func (h *UI) segmentConfirm(r *http.Request, v *view) (*formView, error) {
	key := r.PathValue("key")
	if _, err := wire.Segment(h.eng, key); err != nil {
		return nil, wire.SegmentError(key, err)
	}
	return &formView{Title: "Delete segment " + key, Intro: "Flags cannot refer to it any more; a segment in use cannot be deleted.",
		Action: v.Prefix + "/segments/" + key + "/delete", Submit: "Delete", Danger: true, Back: v.Prefix + "/segments/" + key}, nil
}

func (h *UI) deleteSegmentDo(r *http.Request, v *view) (string, error) {
	key := r.PathValue("key")
	if err := h.eng.DeleteSegment(r.Context(), key); err != nil {
		return "", wire.SegmentError(key, err)
	}
	r.PostForm.Set("back", v.Prefix+"/segments")
	return "Deleted segment " + key, nil
}

func (h *UI) segmentPage(w http.ResponseWriter, r *http.Request, v *view) error {
	key := r.PathValue("key")
	s, err := wire.Segment(h.eng, key)
	if err != nil {
		return wire.SegmentError(key, err)
	}
	h.render(w, r, v, http.StatusOK, "segment", h.segmentView(v, s))
	return nil
}

func (h *UI) segmentView(v *view, s flag.Segment) *segmentData {
	v.Page, v.Title = "segments", "Segment "+s.Key
	d := &segmentData{Segment: s, Operators: flag.Operators}
	for range 3 {
		d.Clauses = append(d.Clauses, clauseRow{Operator: string(flag.OpIs)})
	}
	for _, f := range h.eng.Flags().Snapshot().Flags() {
		for _, rule := range f.Rules {
			if slices.ContainsFunc(rule.Clauses, func(c flag.Clause) bool {
				return c.Operator.IsSegment() && slices.Contains(c.Values, any(s.Key))
			}) {
				d.UsedBy = append(d.UsedBy, f.Key)
				break
			}
		}
	}
	return d
}

// segmentEdit registers POST /segments/{key}/{part}; SaveSegment validates.
func (h *UI) segmentEdit(part string, edit func(r *http.Request, s *flag.Segment) (string, error)) {
	h.page("POST /segments/{key}/"+part, true, func(w http.ResponseWriter, r *http.Request, v *view) error {
		key := r.PathValue("key")
		stored, err := wire.Segment(h.eng, key)
		if err != nil {
			return wire.SegmentError(key, err)
		}
		s := stored.Clone()
		msg, err := edit(r, &s)
		if err == nil {
			if _, err = h.eng.SaveSegment(r.Context(), s); err == nil {
				r.PostForm.Set("back", v.Prefix+"/segments/"+key)
				return h.done(w, r, v, msg)
			}
			err = wire.SegmentError(key, err)
		} else {
			s = stored
		}
		status, body, _ := wire.StatusOf(err)
		if status == http.StatusInternalServerError {
			return err
		}
		d := h.segmentView(v, s)
		d.Error, _ = body["error"].(string)
		h.render(w, r, v, status, "segment", d)
		return nil
	})
}

func (h *UI) editMembers(r *http.Request, s *flag.Segment) (string, error) {
	s.Name = strings.TrimSpace(r.PostFormValue("name"))
	s.Description = r.PostFormValue("description")
	s.Included, s.Excluded = formList(r.PostFormValue("included")), formList(r.PostFormValue("excluded"))
	for _, k := range s.Excluded {
		if slices.Contains(s.Included, k) {
			return "", wire.BadRequest("%q is both included and excluded: exclusion wins, so list it once", k)
		}
	}
	return "Saved segment " + s.Key, nil
}

// editSegmentRules adds a rule from the clause rows, or deletes one.
func (h *UI) editSegmentRules(r *http.Request, s *flag.Segment) (string, error) {
	if id := r.PostFormValue("delete_rule"); id != "" {
		i := slices.IndexFunc(s.Rules, func(x flag.SegmentRule) bool { return x.ID == id })
		if i < 0 {
			return "", wire.Errorf(http.StatusNotFound, "segment %s has no rule %q", s.Key, id)
		}
		s.Rules = slices.Delete(s.Rules, i, i+1)
		return "Deleted a rule of segment " + s.Key, nil
	}
	rule := flag.SegmentRule{Description: strings.TrimSpace(r.PostFormValue("description"))}
	for i := 0; i < 50; i++ {
		p := "clause." + strconv.Itoa(i) + "."
		if _, sent := r.PostForm[p+"operator"]; !sent {
			break
		}
		attr, op, vals := strings.TrimSpace(r.PostFormValue(p+"attribute")), flag.Operator(r.PostFormValue(p+"operator")), r.PostFormValue(p+"values")
		if attr == "" && strings.TrimSpace(vals) == "" {
			continue
		}
		if !op.Known() {
			return "", wire.BadRequest("clause %d: operator %q is not one of the 21 operators", i+1, op)
		}
		if op.IsSegment() {
			attr = "key"
		}
		if attr == "" {
			return "", wire.BadRequest("clause %d: name the context attribute to test, like email", i+1)
		}
		rule.Clauses = append(rule.Clauses, flag.Clause{Attribute: attr, Operator: op, Values: clauseValues(op, vals), Negate: r.PostFormValue(p+"negate") != ""})
	}
	if len(rule.Clauses) == 0 {
		return "", wire.BadRequest("a rule needs at least one clause: fill in an attribute, an operator and values")
	}
	s.Rules = append(s.Rules, rule)
	return "Added a rule to segment " + s.Key, nil
}
