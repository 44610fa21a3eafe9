package api

import (
	_ "embed"
	"encoding/json"
	"net/http"
	"time"

	"github.com/waygate-go/waygate/admin/internal/wire"
	"github.com/waygate-go/waygate/core/audit"
	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/webhook"
)

// listAudit pages through the audit log, newest first. Filters: route
// (exact key or pseudo path), service, action, actor; offset (default 0)
// and limit (1-1000, default 50).
func (h *API) listAudit(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	offset, err := wire.QueryInt(r, "offset", 0, 0, 1_000_000)
	if err != nil {
		return err
	}
	limit, err := wire.QueryInt(r, "limit", 50, 1, 1000)
	if err != nil {
		return err
	}
	entries, err := h.eng.Audit(r.Context(), audit.Query{Route: q.Get("route"), Service: q.Get("service"),
		Action: audit.Action(q.Get("action")), Actor: q.Get("actor"), Offset: offset, Limit: limit})
	if err != nil {
		return err
	}
	if entries == nil {
		entries = []audit.Entry{}
	}
	wire.WriteJSON(w, http.StatusOK, entries)
	return nil
}

type healthResponse struct {
	// Status is "ok", or "degraded" while the engine is not in step with
	// its backend (the state is not loaded yet, or the change stream is
	// down) and serves its last known state.
	Status string `json:"status"`
	// Synced, LastSync and LagMillis repeat the engine's: in step now,
	// when it last knew it was, and the delay of the last change another
	// engine wrote.
	Synced    bool           `json:"synced"`
	LastSync  time.Time      `json:"last_sync,omitzero"`
	LagMillis float64        `json:"lag_ms"`
	Env       string         `json:"env"`
	Time      time.Time      `json:"time"`
	Engine    engine.Stats   `json:"engine"`
	Webhooks  webhook.Totals `json:"webhooks"`
	Bypass    bypassView     `json:"bypass"`
	// Streams counts the event streams open, their cap and those refused.
	Streams *wire.StreamCounts `json:"streams,omitempty"`
}

type bypassView struct {
	Lifecycle  bool `json:"lifecycle"`
	RateLimits bool `json:"rate_limits"`
}

// health reports whether the engine is in sync with its backend and its
// fail-open and delivery counters.
func (h *API) health(w http.ResponseWriter, r *http.Request) error {
	st := h.eng.Stats()
	resp := healthResponse{Status: "ok", Synced: st.Synced, LastSync: st.LastSync, LagMillis: st.LagMillis,
		Env: h.eng.Env(), Time: h.clock.Now().UTC(), Engine: st}
	if !st.Synced {
		resp.Status = "degraded"
	}
	resp.Bypass.Lifecycle, resp.Bypass.RateLimits = resp.Engine.BypassLifecycle, resp.Engine.BypassRateLimits
	resp.Webhooks = h.hooks.Totals()
	if h.stream.Limit != nil {
		c := h.stream.Limit.Counts()
		resp.Streams = &c
	}
	wire.WriteJSON(w, http.StatusOK, resp)
	return nil
}

//go:embed openapi.json
var openAPIDoc []byte

// openAPI serves the OpenAPI 3 description of this API, with the server
// URL set to where the handler is mounted.
func (h *API) openAPI(w http.ResponseWriter, r *http.Request) error {
	var doc map[string]any
	if err := json.Unmarshal(openAPIDoc, &doc); err != nil {
		return err
	}
	mount := h.mount(r)
	if mount == "" {
		mount = "/"
	}
	doc["servers"] = []map[string]string{{"url": mount}}
	wire.WriteJSON(w, http.StatusOK, doc)
	return nil
}
