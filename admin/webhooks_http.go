package admin

import (
	"cmp"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

// maxRuntimeHooks bounds the webhooks added through the API.
const maxRuntimeHooks = 100

// hookRecord is a runtime webhook as persisted. The secret is stored so
// every instance can sign; it is never returned by the API.
type hookRecord struct {
	ID        string    `json:"id"`
	URL       string    `json:"url"`
	Secret    string    `json:"secret,omitempty"`
	Format    string    `json:"format"`
	CreatedAt time.Time `json:"created_at"`
	CreatedBy string    `json:"created_by"`
}

// applyRuntime applies one persisted webhook (nil raw: deleted).
func (d *dispatcher) applyRuntime(id string, raw []byte) {
	if !strings.HasPrefix(id, "wh_") {
		return
	}
	if raw == nil {
		d.stop(id)
		return
	}
	var rec hookRecord
	if err := json.Unmarshal(raw, &rec); err != nil {
		d.h.log.Warn("waygate admin: skip unreadable webhook", "id", id, "err", err)
		return
	}
	spec := hookSpec{url: rec.URL, secret: rec.Secret, format: rec.Format}
	if err := spec.validate(); err != nil {
		d.h.log.Warn("waygate admin: skip invalid webhook", "id", id, "err", err)
		return
	}
	d.mu.Lock()
	old := d.hooks[id]
	d.mu.Unlock()
	if old != nil && old.url == spec.url && old.secret == spec.secret && old.format == spec.format {
		return
	}
	d.start(&hook{hookSpec: spec, id: id, source: "api", createdAt: rec.CreatedAt, createdBy: rec.CreatedBy})
}

// replaceRuntime makes the runtime webhooks exactly docs.
func (d *dispatcher) replaceRuntime(docs map[string][]byte) {
	for _, hk := range d.list() {
		if _, keep := docs[hk.id]; hk.source == "api" && !keep {
			d.stop(hk.id)
		}
	}
	for id, raw := range docs {
		d.applyRuntime(id, raw)
	}
}

// webhookView is a webhook as listed by the API.
type webhookView struct {
	ID        string    `json:"id"`
	URL       string    `json:"url"`
	Format    string    `json:"format"`
	Source    string    `json:"source"`
	HasSecret bool      `json:"has_secret"`
	CreatedAt time.Time `json:"created_at"`
	CreatedBy string    `json:"created_by"`
	hookStatus
}

func viewOf(hk *hook, full bool) webhookView {
	u := hk.url
	if !full {
		u = redactURL(u)
	}
	return webhookView{ID: hk.id, URL: u, Format: hk.format, Source: hk.source, HasSecret: hk.secret != "",
		CreatedAt: hk.createdAt, CreatedBy: hk.createdBy, hookStatus: hk.status()}
}

// listWebhooks lists every webhook with its delivery status. Viewers see
// URLs reduced to scheme and host, since webhook paths often hold secrets.
func (h *Handler) listWebhooks(w http.ResponseWriter, r *http.Request) error {
	full := principalOf(r.Context()).role == RoleAdmin
	hooks := h.hooks.list()
	slices.SortFunc(hooks, func(a, b *hook) int {
		return cmp.Or(cmp.Compare(b.source, a.source), a.createdAt.Compare(b.createdAt), cmp.Compare(a.id, b.id))
	})
	out := make([]webhookView, len(hooks))
	for i, hk := range hooks {
		out[i] = viewOf(hk, full)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

type addWebhookRequest struct {
	URL    string `json:"url"`
	Secret string `json:"secret"`
	Format string `json:"format"`
}

// addWebhook registers and persists a webhook.
func (h *Handler) addWebhook(w http.ResponseWriter, r *http.Request) error {
	var req addWebhookRequest
	if err := decodeBody(w, r, &req, true); err != nil {
		return err
	}
	if req.URL == "" {
		return badRequest("url is required")
	}
	if req.Format == FormatCustom {
		return badRequest("format custom needs a Go formatter: configure it in code with WithWebhook; use json or slack here")
	}
	spec := hookSpec{url: req.URL, secret: req.Secret, format: req.Format}
	if err := spec.validate(); err != nil {
		return badRequest("%v", err)
	}
	h.syncMu.Lock()
	defer h.syncMu.Unlock()
	runtime := 0
	for _, hk := range h.hooks.list() {
		if hk.url == spec.url {
			return errorf(http.StatusConflict, "a webhook for this URL already exists (id %s): delete it first to change it", hk.id)
		}
		if hk.source == "api" {
			runtime++
		}
	}
	if runtime >= maxRuntimeHooks {
		return errorf(http.StatusConflict, "there are already %d webhooks: delete one first", runtime)
	}
	rec := hookRecord{ID: "wh_" + randomHex(8), URL: spec.url, Secret: spec.secret, Format: spec.format,
		CreatedAt: h.cfg.clock.Now().UTC(), CreatedBy: principalOf(r.Context()).user}
	raw, _ := json.Marshal(rec) //nolint:gosec // G117: persisted to sign deliveries; never returned by the API
	if err := h.put(r.Context(), kindWebhook, rec.ID, raw); err != nil {
		return err
	}
	h.hooks.applyRuntime(rec.ID, raw)
	h.hooks.mu.Lock()
	hk := h.hooks.hooks[rec.ID]
	h.hooks.mu.Unlock()
	if hk == nil {
		return fmt.Errorf("webhook %s was stored but did not start", rec.ID)
	}
	writeJSON(w, http.StatusCreated, viewOf(hk, true))
	return nil
}

// deleteWebhook removes a webhook added through the API.
func (h *Handler) deleteWebhook(w http.ResponseWriter, r *http.Request) error {
	if err := decodeBody(w, r, &struct{}{}, false); err != nil {
		return err
	}
	h.syncMu.Lock()
	defer h.syncMu.Unlock()
	id := r.PathValue("id")
	h.hooks.mu.Lock()
	hk := h.hooks.hooks[id]
	h.hooks.mu.Unlock()
	switch {
	case hk == nil:
		return errorf(http.StatusNotFound, "no webhook %q: list them with GET /api/webhooks", id)
	case hk.source == "code":
		return errorf(http.StatusConflict, "webhook %s is configured in code (WithWebhook): remove it there", id)
	}
	if err := h.put(r.Context(), kindWebhook, id, nil); err != nil {
		return err
	}
	h.hooks.stop(id)
	writeJSON(w, http.StatusOK, map[string]any{"ok": true, "deleted": id})
	return nil
}
