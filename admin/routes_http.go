package admin

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/route"
)

// routeKey decodes the {key} path segment.
func routeKey(r *http.Request) (string, error) {
	k, err := DecodeRouteKey(r.PathValue("key"))
	if err != nil {
		return "", badRequest("%v", err)
	}
	return k, nil
}

// listRoutes lists every route; ?service= keeps one service's.
func (h *Handler) listRoutes(w http.ResponseWriter, r *http.Request) error {
	svc := r.URL.Query().Get("service")
	out := []route.State{}
	for _, st := range h.eng.Routes() {
		if svc == "" || st.Service == svc {
			out = append(out, withLists(st))
		}
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (h *Handler) getRoute(w http.ResponseWriter, r *http.Request) error {
	key, err := routeKey(r)
	if err != nil {
		return err
	}
	st, err := h.eng.Route(key)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, withLists(st))
	return nil
}

// mutation decodes the body into req, runs do with the route key and
// answers with the new state.
func mutation[T any](w http.ResponseWriter, r *http.Request, required bool, do func(key string, req *T) (route.State, error)) error {
	key, err := routeKey(r)
	if err != nil {
		return err
	}
	var req T
	if err := decodeBody(w, r, &req, required); err != nil {
		return err
	}
	st, err := do(key, &req)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, withLists(st))
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
func (h *Handler) enableRoute(w http.ResponseWriter, r *http.Request) error {
	return mutation(w, r, false, func(key string, _ *reasonRequest) (route.State, error) {
		return h.eng.Enable(r.Context(), key)
	})
}

type disableRequest struct {
	Reason string `json:"reason"`
	// Until is an RFC 3339 time or a duration ("90m", "2h", "1d").
	Until string `json:"until"`
}

func (h *Handler) disableRoute(w http.ResponseWriter, r *http.Request) error {
	return mutation(w, r, false, func(key string, req *disableRequest) (route.State, error) {
		if req.Until == "" {
			return h.eng.Disable(r.Context(), key, req.Reason)
		}
		until, err := parseUntil(req.Until, h.cfg.clock.Now())
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
func (h *Handler) maintenanceRoute(w http.ResponseWriter, r *http.Request) error {
	return mutation(w, r, false, func(key string, req *maintenanceRequest) (route.State, error) {
		if req.Start == "" && req.End == "" {
			return h.eng.SetMaintenance(r.Context(), key, req.Reason)
		}
		win, err := parseWindow(req.Start, req.End, req.Reason, "")
		if err != nil {
			return route.State{}, err
		}
		return h.eng.Schedule(r.Context(), key, win)
	})
}

type envRequest struct {
	Envs []string `json:"envs"`
}

func (h *Handler) envRoute(w http.ResponseWriter, r *http.Request) error {
	return mutation(w, r, true, func(key string, req *envRequest) (route.State, error) {
		if req.Envs == nil {
			return route.State{}, badRequest("envs is required: a list of environment names, like [\"dev\", \"staging\"]")
		}
		return h.eng.SetEnvOnly(r.Context(), key, req.Envs)
	})
}

type deprecateRequest struct {
	Sunset    string `json:"sunset"`
	Successor string `json:"successor"`
}

func (h *Handler) deprecateRoute(w http.ResponseWriter, r *http.Request) error {
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
func (h *Handler) scheduleRoute(w http.ResponseWriter, r *http.Request) error {
	return mutation(w, r, true, func(key string, req *scheduleRequest) (route.State, error) {
		if req.Start == "" || req.End == "" {
			return route.State{}, badRequest("start and end are required (RFC 3339 times, like 2025-03-10T02:00:00Z)")
		}
		win, err := parseWindow(req.Start, req.End, req.Reason, req.Status)
		if err != nil {
			return route.State{}, err
		}
		return h.eng.Schedule(r.Context(), key, win)
	})
}

func (h *Handler) cancelSchedule(w http.ResponseWriter, r *http.Request) error {
	return mutation(w, r, false, func(key string, _ *struct{}) (route.State, error) {
		return h.eng.CancelSchedule(r.Context(), key)
	})
}

// pruneRoutes deletes stored routes the code no longer declares.
func (h *Handler) pruneRoutes(w http.ResponseWriter, r *http.Request) error {
	if err := decodeBody(w, r, &struct{}{}, false); err != nil {
		return err
	}
	keys, err := h.eng.PruneStale(r.Context())
	if err != nil {
		return err
	}
	if keys == nil {
		keys = []string{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"pruned": keys})
	return nil
}

// parseWindow checks a window's times and status.
func parseWindow(start, end, reason, status string) (route.Window, error) {
	if start == "" || end == "" {
		return route.Window{}, badRequest("a window needs both start and end")
	}
	s, err := parseTime("start", start)
	if err != nil {
		return route.Window{}, err
	}
	e, err := parseTime("end", end)
	if err != nil {
		return route.Window{}, err
	}
	win := route.Window{Start: s, End: e, Reason: reason}
	switch route.Status(status) {
	case "", route.StatusMaintenance:
	case route.StatusDisabled:
		win.During = route.StatusDisabled
	default:
		return route.Window{}, badRequest("status %q: a window applies maintenance or disabled", status)
	}
	if !e.After(s) {
		return route.Window{}, badRequest("end %s must be after start %s", e.Format(time.RFC3339), s.Format(time.RFC3339))
	}
	return win, nil
}

// timeLayouts are accepted for window times; times without an offset are
// UTC.
var timeLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02 15:04:05", "2006-01-02 15:04"}

func parseTime(field, s string) (time.Time, error) {
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, strings.TrimSpace(s)); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, badRequest("%s %q is not a time: write RFC 3339, like 2025-03-10T02:00:00Z", field, s)
}

// parseUntil reads a time, or a duration from now ("90m", "2h", "1d").
func parseUntil(s string, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	if n, found := strings.CutSuffix(s, "d"); found {
		if days, err := strconv.Atoi(n); err == nil && days > 0 && days <= 3650 {
			return now.Add(time.Duration(days) * 24 * time.Hour), nil
		}
	}
	if d, err := time.ParseDuration(s); err == nil {
		if d <= 0 {
			return time.Time{}, badRequest("until %q must be in the future", s)
		}
		return now.Add(d), nil
	}
	t, err := parseTime("until", s)
	if err != nil {
		return time.Time{}, badRequest("until %q: write an RFC 3339 time (2025-03-10T04:00:00Z) or a duration (90m, 2h, 1d)", s)
	}
	return t, nil
}
