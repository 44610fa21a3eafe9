package api

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/waygate-go/waygate/admin/internal/auth"
	"github.com/waygate-go/waygate/admin/internal/wire"
	"github.com/waygate-go/waygate/core/webhook"
)

// webhookView is a webhook as listed by the API.
type webhookView struct {
	ID        string    `json:"id"`
	URL       string    `json:"url"`
	Format    string    `json:"format"`
	Source    string    `json:"source"`
	HasSecret bool      `json:"has_secret"`
	CreatedAt time.Time `json:"created_at"`
	CreatedBy string    `json:"created_by"`
	webhook.Status
}

// viewOf lists hk; viewers see its URL reduced to scheme and host, since
// webhook paths often hold secrets.
func viewOf(hk webhook.Hook, full bool) webhookView {
	u := hk.URL
	if !full {
		u = webhook.RedactURL(u)
	}
	return webhookView{ID: hk.ID, URL: u, Format: hk.Format, Source: hk.Source, HasSecret: hk.HasSecret,
		CreatedAt: hk.CreatedAt, CreatedBy: hk.CreatedBy, Status: hk.Status}
}

// listWebhooks lists every webhook with its delivery status.
func (h *API) listWebhooks(w http.ResponseWriter, r *http.Request) error {
	full := auth.PrincipalOf(r.Context()).Role == auth.RoleAdmin
	hooks := h.hooks.Hooks()
	out := make([]webhookView, len(hooks))
	for i, hk := range hooks {
		out[i] = viewOf(hk, full)
	}
	wire.WriteJSON(w, http.StatusOK, out)
	return nil
}

type addWebhookRequest struct {
	URL    string `json:"url"`
	Secret string `json:"secret"`
	Format string `json:"format"`
}

// addWebhook registers and stores a webhook.
func (h *API) addWebhook(w http.ResponseWriter, r *http.Request) error {
	var req addWebhookRequest
	if err := wire.DecodeBody(w, r, &req, true); err != nil {
		return err
	}
	hk, err := h.hooks.Add(r.Context(), webhook.Runtime{URL: req.URL, Secret: req.Secret, Format: req.Format,
		CreatedBy: auth.PrincipalOf(r.Context()).User})
	if err != nil {
		return webhookError(err)
	}
	wire.WriteJSON(w, http.StatusCreated, viewOf(hk, true))
	return nil
}

// deleteWebhook removes a webhook added through the API.
func (h *API) deleteWebhook(w http.ResponseWriter, r *http.Request) error {
	if err := wire.DecodeBody(w, r, &struct{}{}, false); err != nil {
		return err
	}
	id := r.PathValue("id")
	if err := h.hooks.Remove(r.Context(), id); err != nil {
		return webhookError(err)
	}
	wire.WriteJSON(w, http.StatusOK, map[string]any{"ok": true, "deleted": id})
	return nil
}

// webhookError answers the dispatcher's refusals.
func webhookError(err error) error {
	switch {
	case errors.Is(err, webhook.ErrInvalid):
		return wire.BadRequest("%s", unwrapMessage(err))
	case errors.Is(err, webhook.ErrExists), errors.Is(err, webhook.ErrTooMany), errors.Is(err, webhook.ErrInCode):
		return wire.Errorf(http.StatusConflict, "%s", unwrapMessage(err))
	case errors.Is(err, webhook.ErrNotFound):
		return wire.Errorf(http.StatusNotFound, "%s: list them with GET /api/webhooks", unwrapMessage(err))
	}
	return err
}

// unwrapMessage is err's message without the sentinel in front.
func unwrapMessage(err error) string {
	msg := err.Error()
	for _, s := range []error{webhook.ErrInvalid, webhook.ErrExists, webhook.ErrTooMany, webhook.ErrNotFound, webhook.ErrInCode} {
		if rest, ok := strings.CutPrefix(msg, s.Error()+": "); ok {
			return rest
		}
	}
	return msg
}
