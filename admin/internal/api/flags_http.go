package api

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"

	"github.com/waygate-go/waygate/admin/internal/wire"
	"github.com/waygate-go/waygate/core/flag"
)

// Flag and segment keys travel in URL segments as they are: their
// characters (letters, digits, '-', '_', '.') need no encoding.

// listFlags lists the flags sorted by key; ?search= keeps those whose key,
// name or a tag contains it (ignoring case).
func (h *API) listFlags(w http.ResponseWriter, r *http.Request) error {
	search := strings.ToLower(strings.TrimSpace(r.URL.Query().Get("search")))
	out := []flag.Flag{}
	for _, f := range h.eng.Flags().Snapshot().Flags() {
		if wire.Matches(search, f.Key, f.Name, f.Tags) {
			out = append(out, f)
		}
	}
	wire.WriteJSON(w, http.StatusOK, out)
	return nil
}

// createFlag stores a new flag: 201, or 409 when the key is taken (it never
// overwrites, reference quirk 46).
func (h *API) createFlag(w http.ResponseWriter, r *http.Request) error {
	var f flag.Flag
	if err := wire.DecodeStrict(w, r, &f, true); err != nil {
		return err
	}
	saved, err := h.eng.CreateFlag(r.Context(), f)
	if err != nil {
		return wire.FlagError(f.Key, err)
	}
	wire.WriteJSON(w, http.StatusCreated, saved)
	return nil
}

func (h *API) getFlag(w http.ResponseWriter, r *http.Request) error {
	key := r.PathValue("key")
	f, err := wire.Flag(h.eng, key)
	if err != nil {
		return wire.FlagError(key, err)
	}
	wire.WriteJSON(w, http.StatusOK, f)
	return nil
}

// replaceFlag replaces an existing flag with the body. The body's key must
// be the URL's or left out. A missing flag is 404: PUT never creates
// (reference quirk 64); create with POST /api/flags. Fields left out take
// the model's defaults, as on create; created_at and created_by are kept.
func (h *API) replaceFlag(w http.ResponseWriter, r *http.Request) error {
	key := r.PathValue("key")
	var f flag.Flag
	if err := wire.DecodeStrict(w, r, &f, true); err != nil {
		return err
	}
	switch f.Key {
	case "":
		f.Key = key
	case key:
	default:
		return wire.BadRequest("the body's key %q is not the URL's %q: leave it out, or create a flag under the new key with POST /api/flags", f.Key, key)
	}
	if _, err := wire.Flag(h.eng, key); err != nil {
		return wire.FlagError(key, err)
	}
	saved, err := h.eng.SaveFlag(r.Context(), f)
	if err != nil {
		return wire.FlagError(key, err)
	}
	wire.WriteJSON(w, http.StatusOK, saved)
	return nil
}

// patchFlag changes the fields named in the body and keeps the others
// (engine.PatchFlag). The fields are checked here first, so a typo is a 400
// naming it rather than a field silently ignored.
func (h *API) patchFlag(w http.ResponseWriter, r *http.Request) error {
	key := r.PathValue("key")
	raw, err := wire.ReadBody(w, r, true)
	if err != nil {
		return err
	}
	if err := wire.DecodeStrictRaw(raw, &flag.Flag{}); err != nil {
		return err
	}
	saved, err := h.eng.PatchFlag(r.Context(), key, json.RawMessage(raw))
	if err != nil {
		return wire.FlagError(key, err)
	}
	wire.WriteJSON(w, http.StatusOK, saved)
	return nil
}

// deletedBody answers deletes, as the reference does.
type deletedBody struct {
	OK      bool   `json:"ok"`
	Deleted string `json:"deleted"`
}

// deleteFlag removes a flag; 400 while other flags use it as a
// prerequisite.
func (h *API) deleteFlag(w http.ResponseWriter, r *http.Request) error {
	key := r.PathValue("key")
	if err := wire.DecodeBody(w, r, &struct{}{}, false); err != nil {
		return err
	}
	if err := h.eng.DeleteFlag(r.Context(), key); err != nil {
		return wire.FlagError(key, err)
	}
	wire.WriteJSON(w, http.StatusOK, deletedBody{OK: true, Deleted: key})
	return nil
}

func (h *API) enableFlag(w http.ResponseWriter, r *http.Request) error {
	return h.switchFlag(w, r, true)
}

func (h *API) disableFlag(w http.ResponseWriter, r *http.Request) error {
	return h.switchFlag(w, r, false)
}

// switchFlag is the kill switch; it answers with the flag.
func (h *API) switchFlag(w http.ResponseWriter, r *http.Request, on bool) error {
	key := r.PathValue("key")
	if err := wire.DecodeBody(w, r, &struct{}{}, false); err != nil {
		return err
	}
	f, err := h.eng.SetFlagEnabled(r.Context(), key, on)
	if err != nil {
		return wire.FlagError(key, err)
	}
	wire.WriteJSON(w, http.StatusOK, f)
	return nil
}

// evaluateRequest is the debugger's input.
type evaluateRequest struct {
	// Context is the subject; absent means the anonymous user.
	Context *flag.EvaluationContext `json:"context"`
	// Default is what the application would get when the flag serves no
	// value; it fills the result's value then.
	Default json.RawMessage `json:"default"`
}

// evaluateFlag is the debugger: the flag's value, variation, reason,
// matched rule and failing prerequisite for a context, evaluated against
// the current flags and segments and not counted in the metrics or the
// evaluation stream.
//
// A missing flag is 404 whatever the default: the debugger exists to show
// what a flag does, and a typo answered with the default would hide it. The
// default is used as the value when the flag serves none (reason ERROR for
// a flag that cannot be evaluated), which is what the typed evaluators
// return to the application; the reference ignores it (quirk 64).
func (h *API) evaluateFlag(w http.ResponseWriter, r *http.Request) error {
	key := r.PathValue("key")
	var req evaluateRequest
	if err := wire.DecodeStrict(w, r, &req, false); err != nil {
		return err
	}
	var ctx flag.EvaluationContext
	if req.Context != nil {
		ctx = *req.Context
	}
	res, err := wire.Evaluate(h.eng, key, ctx)
	if err != nil {
		return wire.FlagError(key, err)
	}
	if res.Value == nil && res.Variation == "" && len(req.Default) > 0 && string(req.Default) != "null" {
		res.Value = req.Default
	}
	of := h.eng.Flags().Snapshot().Resolve(key, ctx)
	wire.WriteJSON(w, http.StatusOK, evaluateResponse{Result: res, OpenFeature: openFeatureDetails{
		Reason: string(of.Reason), Variant: of.Variant, ErrorCode: string(of.ErrorCode), ErrorMessage: of.ErrorMessage, Metadata: of.Metadata}})
	return nil
}

// evaluateResponse is the reference's evaluation result with the same
// evaluation in OpenFeature's terms (what the Go provider and OFREP
// answer).
type evaluateResponse struct {
	flag.Result
	OpenFeature openFeatureDetails
}

// openFeatureDetails are an evaluation's OpenFeature resolution details.
type openFeatureDetails struct {
	Reason       string         `json:"reason"`
	Variant      string         `json:"variant,omitempty"`
	ErrorCode    string         `json:"error_code,omitempty"`
	ErrorMessage string         `json:"error_message,omitempty"`
	Metadata     map[string]any `json:"metadata,omitempty"`
}

// MarshalJSON writes the reference's fields and "openfeature".
func (r evaluateResponse) MarshalJSON() ([]byte, error) {
	base, err := json.Marshal(r.Result)
	if err != nil {
		return nil, err
	}
	of, err := json.Marshal(r.OpenFeature)
	if err != nil {
		return nil, err
	}
	return append(append(append(base[:len(base)-1], `,"openfeature":`...), of...), '}'), nil
}

// flagMetrics are one flag's evaluation counts on this instance since it
// started.
type flagMetrics struct {
	FlagKey string `json:"flag_key"`
	// Total counts every evaluation.
	Total uint64 `json:"total"`
	// Counts holds every current variation (0 when never served) and
	// variations served before they were renamed or removed.
	Counts map[string]uint64 `json:"counts"`
	// NoVariation counts evaluations that served no variation (the flag
	// could not be evaluated).
	NoVariation uint64 `json:"no_variation"`
}

// flagMetrics answers the evaluation counts by variation from the engine's
// recorder: evaluations through e.Flags() (the typed evaluators and the
// OpenFeature provider) on this instance.
func (h *API) flagMetrics(w http.ResponseWriter, r *http.Request) error {
	key := r.PathValue("key")
	f, err := wire.Flag(h.eng, key)
	if err != nil {
		return wire.FlagError(key, err)
	}
	m := flagMetrics{FlagKey: key, Counts: map[string]uint64{}}
	for _, v := range f.Variations {
		m.Counts[v.Name] = 0
	}
	if rec := h.eng.Flags().Recorder(); rec != nil {
		for name, n := range rec.Counts(key) {
			if name == "" {
				m.NoVariation = n
			} else {
				m.Counts[name] = n
			}
			m.Total += n
		}
	}
	wire.WriteJSON(w, http.StatusOK, m)
	return nil
}

// flagStreamBuffer is how many evaluation events a slow stream client may
// fall behind before it misses some.
const flagStreamBuffer = 256

// flagStream streams evaluation events as Server-Sent Events until the
// client goes away or the handler closes:
//
//	event: evaluation
//	data: {"flag_key":"new-checkout","variation":"on","reason":"RULE_MATCH",...}
//
// ?flag= keeps one flag's events. A client that falls more than
// flagStreamBuffer events behind misses events rather than slowing
// evaluations down.
func (h *API) flagStream(w http.ResponseWriter, r *http.Request) error {
	rec := h.eng.Flags().Recorder()
	if rec == nil {
		return wire.Errorf(http.StatusNotImplemented, "this engine records no flag evaluations")
	}
	only := r.URL.Query().Get("flag")
	events, cancel := rec.Subscribe(flagStreamBuffer) // before the client hears back: nothing is missed
	defer cancel()
	return wire.Serve(h.stream, w, r, events, func(w io.Writer, ev flag.Event) error {
		if only != "" && ev.FlagKey != only {
			return nil
		}
		data, err := json.Marshal(ev)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(w, "event: evaluation\ndata: %s\n\n", data)
		return err
	})
}

// listSegments lists the segments sorted by key; ?search= as for flags.
func (h *API) listSegments(w http.ResponseWriter, r *http.Request) error {
	search := strings.ToLower(strings.TrimSpace(r.URL.Query().Get("search")))
	out := []flag.Segment{}
	for _, s := range h.eng.Flags().Snapshot().Segments() {
		if wire.Matches(search, s.Key, s.Name, s.Tags) {
			out = append(out, s)
		}
	}
	wire.WriteJSON(w, http.StatusOK, out)
	return nil
}

// createSegment stores a new segment: 201, or 409 when the key is taken.
func (h *API) createSegment(w http.ResponseWriter, r *http.Request) error {
	var s flag.Segment
	if err := wire.DecodeStrict(w, r, &s, true); err != nil {
		return err
	}
	saved, err := h.eng.CreateSegment(r.Context(), s)
	if err != nil {
		return wire.SegmentError(s.Key, err)
	}
	wire.WriteJSON(w, http.StatusCreated, saved)
	return nil
}

func (h *API) getSegment(w http.ResponseWriter, r *http.Request) error {
	key := r.PathValue("key")
	s, err := wire.Segment(h.eng, key)
	if err != nil {
		return wire.SegmentError(key, err)
	}
	wire.WriteJSON(w, http.StatusOK, s)
	return nil
}

// replaceSegment replaces an existing segment; like flags, the body's key
// must match and a missing segment is 404.
func (h *API) replaceSegment(w http.ResponseWriter, r *http.Request) error {
	key := r.PathValue("key")
	var s flag.Segment
	if err := wire.DecodeStrict(w, r, &s, true); err != nil {
		return err
	}
	switch s.Key {
	case "":
		s.Key = key
	case key:
	default:
		return wire.BadRequest("the body's key %q is not the URL's %q: leave it out, or create a segment under the new key with POST /api/segments", s.Key, key)
	}
	if _, err := wire.Segment(h.eng, key); err != nil {
		return wire.SegmentError(key, err)
	}
	saved, err := h.eng.SaveSegment(r.Context(), s)
	if err != nil {
		return wire.SegmentError(key, err)
	}
	wire.WriteJSON(w, http.StatusOK, saved)
	return nil
}

// deleteSegment removes a segment; 400 while a flag or segment refers to
// it.
func (h *API) deleteSegment(w http.ResponseWriter, r *http.Request) error {
	key := r.PathValue("key")
	if err := wire.DecodeBody(w, r, &struct{}{}, false); err != nil {
		return err
	}
	if err := h.eng.DeleteSegment(r.Context(), key); err != nil {
		return wire.SegmentError(key, err)
	}
	wire.WriteJSON(w, http.StatusOK, deletedBody{OK: true, Deleted: key})
	return nil
}

// keysRequest lists context keys to include or exclude.
type keysRequest struct {
	Keys []string `json:"keys"`
}

func (h *API) includeSegment(w http.ResponseWriter, r *http.Request) error {
	return h.moveKeys(w, r, true)
}

func (h *API) excludeSegment(w http.ResponseWriter, r *http.Request) error {
	return h.moveKeys(w, r, false)
}

// moveKeys adds the context keys to the segment's included (or excluded)
// list, once each, and removes them from the other list; it answers with
// the segment.
func (h *API) moveKeys(w http.ResponseWriter, r *http.Request, include bool) error {
	key := r.PathValue("key")
	var req keysRequest
	if err := wire.DecodeBody(w, r, &req, true); err != nil {
		return err
	}
	if len(req.Keys) == 0 {
		return wire.BadRequest("keys is required: a list of context keys, like [\"user-1\", \"user-2\"]")
	}
	for i, k := range req.Keys {
		if strings.TrimSpace(k) == "" {
			return wire.BadRequest("keys[%d] is empty: give context keys", i)
		}
	}
	s, err := wire.Segment(h.eng, key)
	if err != nil {
		return wire.SegmentError(key, err)
	}
	add, remove := &s.Included, &s.Excluded
	if !include {
		add, remove = remove, add
	}
	for _, k := range req.Keys {
		if !slices.Contains(*add, k) {
			*add = append(*add, k)
		}
	}
	*remove = slices.DeleteFunc(*remove, func(k string) bool { return slices.Contains(req.Keys, k) })
	saved, err := h.eng.SaveSegment(r.Context(), s)
	if err != nil {
		return wire.SegmentError(key, err)
	}
	wire.WriteJSON(w, http.StatusOK, saved)
	return nil
}
