package api

import (
	"net/http"

	"github.com/waygate-go/waygate/admin/internal/wire"
	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/route"
)

// listRoutes lists every route; ?service= keeps one service's.
func (h *API) listRoutes(w http.ResponseWriter, r *http.Request) error {
	svc := r.URL.Query().Get("service")
	out := []route.State{}
	for _, st := range h.eng.Routes() {
		if svc == "" || st.Service == svc {
			out = append(out, withLists(st))
		}
	}
	wire.WriteJSON(w, http.StatusOK, out)
	return nil
}

func (h *API) getRoute(w http.ResponseWriter, r *http.Request) error {
	key, err := wire.RouteKeyParam(r)
	if err != nil {
		return err
	}
	st, err := h.eng.Route(key)
	if err != nil {
		return err
	}
	wire.WriteJSON(w, http.StatusOK, withLists(st))
	return nil
}

// mutation decodes the body into req, runs do with the route key and
// answers with the new state.
func mutation[T any](w http.ResponseWriter, r *http.Request, required bool, do func(key string, req *T) (route.State, error)) error {
	key, err := wire.RouteKeyParam(r)
	if err != nil {
		return err
	}
	var req T
	if err := wire.DecodeBody(w, r, &req, required); err != nil {
		return err
	}
	st, err := do(key, &req)
	if err != nil {
		return err
	}
	wire.WriteJSON(w, http.StatusOK, withLists(st))
	return nil
}

// withLists writes empty lists as [] rather than null, as the reference's
// RouteState does.
func withLists(st route.State) route.State {
	if st.AllowedEnvs == nil {
		st.AllowedEnvs = []string{}
	}
	return st
}

type reasonRequest struct {
	Reason string `json:"reason"`
}

// enableRoute makes the route active. A reason is accepted for the
// reference's clients and ignored: the engine records none for enable.
func (h *API) enableRoute(w http.ResponseWriter, r *http.Request) error {
	return mutation(w, r, false, func(key string, _ *reasonRequest) (route.State, error) {
		return h.eng.Enable(r.Context(), key)
	})
}

type disableRequest struct {
	Reason string `json:"reason"`
	// Until is an RFC 3339 time or a duration ("90m", "2h", "1d").
	Until string `json:"until"`
}

func (h *API) disableRoute(w http.ResponseWriter, r *http.Request) error {
	return mutation(w, r, false, func(key string, req *disableRequest) (route.State, error) {
		if req.Until == "" {
			return h.eng.Disable(r.Context(), key, req.Reason)
		}
		until, err := wire.ParseUntil(req.Until, h.clock.Now())
		if err != nil {
			return route.State{}, err
		}
		return h.eng.Disable(r.Context(), key, req.Reason, engine.Until(until))
	})
}

type maintenanceRequest struct {
	Reason string `json:"reason"`
	Start  string `json:"start"`
	End    string `json:"end"`
}

// maintenanceRoute puts the route in maintenance now, or schedules a window
// when start and end are given.
func (h *API) maintenanceRoute(w http.ResponseWriter, r *http.Request) error {
	return mutation(w, r, false, func(key string, req *maintenanceRequest) (route.State, error) {
		if req.Start == "" && req.End == "" {
			return h.eng.SetMaintenance(r.Context(), key, req.Reason)
		}
		win, err := wire.ParseWindow(req.Start, req.End, req.Reason, "")
		if err != nil {
			return route.State{}, err
		}
		return h.eng.Schedule(r.Context(), key, win)
	})
}

type envRequest struct {
	Envs []string `json:"envs"`
}

func (h *API) envRoute(w http.ResponseWriter, r *http.Request) error {
	return mutation(w, r, true, func(key string, req *envRequest) (route.State, error) {
		if req.Envs == nil {
			return route.State{}, wire.BadRequest("envs is required: a list of environment names, like [\"dev\", \"staging\"]")
		}
		return h.eng.SetEnvOnly(r.Context(), key, req.Envs)
	})
}

type deprecateRequest struct {
	Sunset    string `json:"sunset"`
	Successor string `json:"successor"`
}

func (h *API) deprecateRoute(w http.ResponseWriter, r *http.Request) error {
	return mutation(w, r, false, func(key string, req *deprecateRequest) (route.State, error) {
		return h.eng.Deprecate(r.Context(), key, req.Sunset, req.Successor)
	})
}

type scheduleRequest struct {
	Start  string `json:"start"`
	End    string `json:"end"`
	Reason string `json:"reason"`
	// Status applied during the window: maintenance (default) or disabled.
	Status string `json:"status"`
}

// scheduleRoute stores a pending window: the route changes at start and
// returns to its status at end.
func (h *API) scheduleRoute(w http.ResponseWriter, r *http.Request) error {
	return mutation(w, r, true, func(key string, req *scheduleRequest) (route.State, error) {
		if req.Start == "" || req.End == "" {
			return route.State{}, wire.BadRequest("start and end are required (RFC 3339 times, like 2025-03-10T02:00:00Z)")
		}
		win, err := wire.ParseWindow(req.Start, req.End, req.Reason, req.Status)
		if err != nil {
			return route.State{}, err
		}
		return h.eng.Schedule(r.Context(), key, win)
	})
}

func (h *API) cancelSchedule(w http.ResponseWriter, r *http.Request) error {
	return mutation(w, r, false, func(key string, _ *struct{}) (route.State, error) {
		return h.eng.CancelSchedule(r.Context(), key)
	})
}

// pruneRoutes deletes stored routes the code no longer declares.
func (h *API) pruneRoutes(w http.ResponseWriter, r *http.Request) error {
	if err := wire.DecodeBody(w, r, &struct{}{}, false); err != nil {
		return err
	}
	keys, err := h.eng.PruneStale(r.Context())
	if err != nil {
		return err
	}
	if keys == nil {
		keys = []string{}
	}
	wire.WriteJSON(w, http.StatusOK, map[string]any{"pruned": keys})
	return nil
}

// resolveKey returns the route key a mutation given key acts on: key
// itself, normalised, or the one method key of a bare path. It fails as the
// mutation would.
func (h *API) resolveKey(key string) (string, error) {
	st, err := h.eng.Route(key)
	if err != nil {
		return "", err
	}
	return st.Path, nil
}
