package dashboard

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/waygate-go/waygate/admin/internal/wire"
	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/route"
)

// routesData is the Routes page.
type routesData struct {
	Global     route.MaintenanceConfig
	ServiceCfg *route.MaintenanceConfig
	Q          string
	Status     string
	Statuses   []statusCount
	Rows       []route.State
	Total      int
}

type statusCount struct {
	Status route.Status
	Label  string
	N      int
}

// routeStatuses are the statuses in the order the page counts them.
var routeStatuses = []route.Status{route.StatusActive, route.StatusMaintenance, route.StatusDisabled, route.StatusEnvGated, route.StatusDeprecated}

func (h *UI) registerRoutePages() {
	h.page("GET /{$}", false, h.routesPage)
	h.formPage("/routes/{key}/enable", formSpec{
		build: h.routeForm("Enable", "Serve the route normally again. Any scheduled window is cancelled.", false),
		do: h.routeDo(func(r *http.Request, key string) (route.State, error) {
			return h.eng.Enable(r.Context(), key)
		}, "is active"),
	})
	h.formPage("/routes/{key}/maintenance", formSpec{
		build: h.routeForm("Put in maintenance", "Requests get 503 MAINTENANCE_MODE with the reason below until the route is enabled, "+
			"or until the end you set: then the route returns to its current status by itself, and clients are told when (Retry-After).", false,
			field{Name: "reason", Label: "Reason", Type: "text", Placeholder: "DB migration — back at 04:00 UTC", Help: "Shown to clients in the error body."},
			field{Name: "end", Label: "Ends at (optional)", Type: "datetime", Help: "Leave the end and the duration empty for maintenance until someone enables the route."},
			field{Name: "duration", Label: "Or ends after (optional)", Type: "text", Placeholder: "2h", Help: "A duration from now: 30m, 2h, 1d."}),
		do: h.maintenanceRouteDo,
	})
	h.formPage("/routes/{key}/disable", formSpec{
		build: h.routeForm("Disable", "Requests get 503 ROUTE_DISABLED.", true,
			field{Name: "reason", Label: "Reason", Type: "text", Placeholder: "Replaced by /v2/orders"},
			field{Name: "until", Label: "Until (optional)", Type: "text", Placeholder: "2h", Help: "A duration (90m, 2h, 1d) or an RFC 3339 time; the route comes back by itself then."}),
		do: h.routeDo(func(r *http.Request, key string) (route.State, error) {
			reason, until := r.PostFormValue("reason"), strings.TrimSpace(r.PostFormValue("until"))
			if until == "" {
				return h.eng.Disable(r.Context(), key, reason)
			}
			t, err := wire.ParseUntil(until, h.clock.Now())
			if err != nil {
				return route.State{}, err
			}
			return h.eng.Disable(r.Context(), key, reason, engine.Until(t))
		}, "is disabled"),
	})
	h.formPage("/routes/{key}/env", formSpec{
		build: h.routeForm("Gate to environments", "Serve the route only in these environments; everywhere else it answers 404.", false,
			field{Name: "envs", Label: "Environments", Type: "text", Placeholder: "dev, staging", Required: true, Help: "Comma or space separated. To serve it everywhere again, enable the route."}),
		do: h.routeDo(func(r *http.Request, key string) (route.State, error) {
			envs := strings.Fields(strings.ReplaceAll(r.PostFormValue("envs"), ",", " "))
			if len(envs) == 0 {
				return route.State{}, wire.BadRequest("name at least one environment, like dev or staging; to serve the route everywhere, enable it")
			}
			return h.eng.SetEnvOnly(r.Context(), key, envs)
		}, "is gated"),
	})
	h.formPage("/routes/{key}/deprecate", formSpec{
		build: h.routeForm("Deprecate", "Keep serving the route with Deprecation, Sunset and Link headers.", false,
			field{Name: "sunset", Label: "Sunset date", Type: "text", Placeholder: "2027-01-01", Help: "A date or RFC 3339 time; optional."},
			field{Name: "successor", Label: "Successor path", Type: "text", Placeholder: "/v2/orders"}),
		do: h.routeDo(func(r *http.Request, key string) (route.State, error) {
			return h.eng.Deprecate(r.Context(), key, strings.TrimSpace(r.PostFormValue("sunset")), strings.TrimSpace(r.PostFormValue("successor")))
		}, "is deprecated"),
	})
	h.formPage("/routes/{key}/schedule", formSpec{
		build: h.routeForm("Schedule a window", "The route keeps its status until the start, changes at the start and returns to its status at the end. Times are in your browser's time zone.", false,
			field{Name: "start", Label: "Start", Type: "datetime", Required: true},
			field{Name: "end", Label: "End", Type: "datetime", Required: true},
			field{Name: "reason", Label: "Reason", Type: "text", Placeholder: "Planned upgrade"},
			field{Name: "status", Label: "During the window", Type: "select", Value: "maintenance",
				Options: []option{{"maintenance", "Maintenance"}, {"disabled", "Disabled"}}}),
		do: h.routeDo(func(r *http.Request, key string) (route.State, error) {
			win, err := wire.ParseWindow(formTime(r, "start"), formTime(r, "end"), r.PostFormValue("reason"), r.PostFormValue("status"))
			if err != nil {
				return route.State{}, err
			}
			return h.eng.Schedule(r.Context(), key, win)
		}, "has a scheduled window"),
	})
	h.formPage("/routes/{key}/cancel", formSpec{
		build: h.routeForm("Cancel the window", "Remove the scheduled window; a running window ends now and the route returns to its previous status.", true),
		do: h.routeDo(func(r *http.Request, key string) (route.State, error) {
			return h.eng.CancelSchedule(r.Context(), key)
		}, "has no window"),
	})
	h.formPage("/maintenance/global/enable", formSpec{build: h.maintenanceForm(true, ""), do: h.maintenanceDo(true)})
	h.formPage("/maintenance/global/disable", formSpec{build: h.maintenanceForm(false, ""), do: h.maintenanceDo(false)})
	h.formPage("/maintenance/services/{service}/enable", formSpec{build: h.maintenanceForm(true, "service"), do: h.maintenanceDo(true)})
	h.formPage("/maintenance/services/{service}/disable", formSpec{build: h.maintenanceForm(false, "service"), do: h.maintenanceDo(false)})
}

// routesPage lists the routes with their status, filters and actions.
func (h *UI) routesPage(w http.ResponseWriter, r *http.Request, v *view) error {
	q := r.URL.Query()
	v.Page, v.Title, v.Live = "routes", "Routes", []string{"route", "global", "service", "resync"}
	v.Services, v.Service = h.eng.Services(), q.Get("service")
	d := routesData{Global: h.eng.Maintenance(engine.GlobalScope()), Q: strings.TrimSpace(q.Get("q")), Status: q.Get("status")}
	if v.Service != "" {
		if !wire.ValidServiceName(v.Service) {
			return wire.BadRequest("service name %q: use letters, digits, '-', '_' and '.'", v.Service)
		}
		c := h.eng.Maintenance(engine.ServiceScope(v.Service))
		d.ServiceCfg = &c
	}
	if d.Status != "" && !slices.Contains(routeStatuses, route.Status(d.Status)) {
		return wire.BadRequest("status %q: filter by active, maintenance, disabled, env_gated or deprecated", d.Status)
	}
	counts := map[route.Status]int{}
	search := strings.ToLower(d.Q)
	for _, st := range h.eng.Routes() {
		if v.Service != "" && st.Service != v.Service {
			continue
		}
		d.Total++
		counts[st.Status]++
		if d.Status != "" && string(st.Status) != d.Status {
			continue
		}
		if search != "" && !strings.Contains(strings.ToLower(st.Path), search) && !strings.Contains(strings.ToLower(st.Reason), search) {
			continue
		}
		d.Rows = append(d.Rows, st)
	}
	for _, s := range routeStatuses {
		d.Statuses = append(d.Statuses, statusCount{Status: s, Label: statusLabels[s], N: counts[s]})
	}
	h.render(w, r, v, http.StatusOK, "routes", d)
	return nil
}

// routeForm builds the form of a route action; the route must exist.
func (h *UI) routeForm(title, intro string, danger bool, fields ...field) func(*http.Request, *view) (*formView, error) {
	return func(r *http.Request, v *view) (*formView, error) {
		key, err := wire.RouteKeyParam(r)
		if err != nil {
			return nil, err
		}
		st, err := h.eng.Route(key)
		if err != nil {
			return nil, err
		}
		f := &formView{Title: title + " " + st.Path, Intro: intro, Action: v.Prefix + "/routes/" + r.PathValue("key") + "/" + actionOf(r),
			Submit: title, Danger: danger, Back: v.Prefix + "/", Fields: slices.Clone(fields)}
		for i := range f.Fields {
			switch f.Fields[i].Name {
			case "reason":
				if st.Status != route.StatusActive {
					f.Fields[i].Value = st.Reason
				}
			case "envs":
				f.Fields[i].Value = strings.Join(st.AllowedEnvs, ", ")
			case "sunset":
				f.Fields[i].Value = sunsetValue(st.SunsetDate)
			case "successor":
				f.Fields[i].Value = st.SuccessorPath
			}
		}
		return f, nil
	}
}

// maintenanceRouteDo puts a route in maintenance: with no end, until it is
// enabled (SetMaintenance); with an end time or a duration, as a window
// from now to that end (Schedule), as the REST API and the CLI's --end do.
func (h *UI) maintenanceRouteDo(r *http.Request, _ *view) (string, error) {
	key, err := wire.RouteKeyParam(r)
	if err != nil {
		return "", err
	}
	reason := r.PostFormValue("reason")
	now := h.clock.Now()
	end, err := maintenanceEnd(formTime(r, "end"), strings.TrimSpace(r.PostFormValue("duration")), now)
	if err != nil {
		return "", err
	}
	if end.IsZero() {
		st, err := h.eng.SetMaintenance(r.Context(), key, reason)
		if err != nil {
			return "", err
		}
		return st.Path + " is in maintenance", nil
	}
	st, err := h.eng.Schedule(r.Context(), key, route.Window{Start: now, End: end, Reason: reason})
	if err != nil {
		return "", err
	}
	return st.Path + " is in maintenance until " + when(end), nil
}

// maxMaintenance bounds a maintenance duration: a longer one is a typo.
const maxMaintenance = 3650 * 24 * time.Hour

// maintenanceEnd reads the end of a route's maintenance from the form: an
// end time (RFC 3339, or a date and time read as UTC), or a duration from
// now ("30m", "2h", "1d"), or neither (the zero time: no end).
func maintenanceEnd(at, duration string, now time.Time) (time.Time, error) {
	switch {
	case at != "" && duration != "":
		return time.Time{}, wire.BadRequest("set an end time or a duration, not both")
	case at != "":
		end, err := wire.ParseTime("end", at)
		if err != nil {
			return time.Time{}, err
		}
		if !end.After(now) {
			return time.Time{}, wire.BadRequest("end %s is not in the future: pick a later time, or a duration like 2h", when(end))
		}
		return end, nil
	case duration != "":
		d, err := parseDuration(duration)
		if err != nil {
			return time.Time{}, err
		}
		return now.Add(d).UTC(), nil
	}
	return time.Time{}, nil
}

// parseDuration reads a positive duration: Go's form ("90m", "1h30m") or
// whole days ("1d").
func parseDuration(s string) (time.Duration, error) {
	d, err := time.ParseDuration(s)
	if n, found := strings.CutSuffix(s, "d"); found && err != nil {
		var days int
		days, err = strconv.Atoi(n)
		// Clamped, so a huge number of days cannot overflow past the checks.
		d = time.Duration(min(max(days, -1), 3651)) * 24 * time.Hour
	}
	switch {
	case err != nil:
		return 0, wire.BadRequest("duration %q: write a duration like 30m, 2h or 1d", s)
	case d <= 0:
		return 0, wire.BadRequest("duration %q must be longer than zero: write one like 30m, 2h or 1d", s)
	case d > maxMaintenance:
		return 0, wire.BadRequest("duration %q is longer than ten years: write one like 30m, 2h or 1d", s)
	}
	return d, nil
}

// actionOf is the last path segment: the action's name.
func actionOf(r *http.Request) string {
	return r.URL.Path[strings.LastIndex(r.URL.Path, "/")+1:]
}

// routeDo runs a route mutation and words its confirmation.
func (h *UI) routeDo(do func(r *http.Request, key string) (route.State, error), what string) func(*http.Request, *view) (string, error) {
	return func(r *http.Request, v *view) (string, error) {
		key, err := wire.RouteKeyParam(r)
		if err != nil {
			return "", err
		}
		st, err := do(r, key)
		if err != nil {
			return "", err
		}
		return st.Path + " " + what, nil
	}
}

// maintenanceForm builds the global (scope "") or per-service maintenance
// switch.
func (h *UI) maintenanceForm(on bool, scope string) func(*http.Request, *view) (*formView, error) {
	return func(r *http.Request, v *view) (*formView, error) {
		name, c := "global maintenance", h.eng.Maintenance(engine.GlobalScope())
		action := v.Prefix + "/maintenance/global/"
		back := v.Prefix + "/"
		if scope != "" {
			svc, err := wire.ServiceParam(r)
			if err != nil {
				return nil, err
			}
			name, c = "maintenance of service "+svc, h.eng.Maintenance(engine.ServiceScope(svc))
			action = v.Prefix + "/maintenance/services/" + svc + "/"
			back += query("service", svc)
		}
		if !on {
			return &formView{Title: "End " + name, Intro: "Routes are served by their own status again.", Action: action + "disable",
				Submit: "End maintenance", Back: back}, nil
		}
		return &formView{Title: "Start " + name, Intro: "Every route in scope answers 503 MAINTENANCE_MODE, except the exempt paths.",
			Action: action + "enable", Submit: "Start maintenance", Danger: true, Back: back, Fields: []field{
				{Name: "reason", Label: "Reason", Type: "text", Value: c.Reason, Placeholder: "Scheduled upgrade"},
				{Name: "exempt_paths", Label: "Exempt paths", Type: "textarea", Value: strings.Join(c.ExemptPaths, "\n"),
					Help: "One per line: a template (/health, every method) or a key (GET:/status)."},
				{Name: "include_force_active", Label: "Also block force-active routes", Type: "checkbox", Checked: c.IncludeForceActive},
			}}, nil
	}
}

// maintenanceDo switches global or service maintenance, with the same
// options the REST endpoints take.
func (h *UI) maintenanceDo(on bool) func(*http.Request, *view) (string, error) {
	return func(r *http.Request, v *view) (string, error) {
		s, err := wire.ScopeParam(r)
		if err != nil {
			return "", err
		}
		svc := s.Service()
		if on {
			paths := formLines(r.PostFormValue("exempt_paths"))
			opts := wire.MaintenanceOptions(&paths, r.PostFormValue("include_force_active") != "")
			_, err = h.eng.EnableMaintenance(r.Context(), s, r.PostFormValue("reason"), opts...)
		} else {
			_, err = h.eng.DisableMaintenance(r.Context(), s)
		}
		if err != nil {
			return "", err
		}
		scope := "Global maintenance"
		if svc != "" {
			scope = "Maintenance of " + svc
		}
		if on {
			return scope + " is on", nil
		}
		return scope + " is off", nil
	}
}

// sunsetValue is a stored sunset (RFC 3339, UTC) as the deprecate form
// takes it back: the date alone when it is midnight UTC, as it is when a
// date was given.
func sunsetValue(s string) string {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return s
	}
	if t = t.UTC(); t.Equal(t.Truncate(24 * time.Hour)) {
		return t.Format(time.DateOnly)
	}
	return t.Format(time.RFC3339)
}
