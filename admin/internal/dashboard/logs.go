package dashboard

import (
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/waygate-go/waygate/admin/internal/wire"
	"github.com/waygate-go/waygate/core/audit"
	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/ratelimit"
	"github.com/waygate-go/waygate/core/route"
)

// pageSize is how many rows the Blocked and Audit pages show at once.
const pageSize = 50

// pager links the neighbours of one page of a list.
type pager struct {
	Page       int
	Prev, Next string // URLs, empty at the ends
}

// pageNumber reads ?page= (from 1).
func pageNumber(r *http.Request) (int, error) {
	return wire.QueryInt(r, "page", 1, 1, 100_000)
}

func (h *UI) registerLogPages() {
	h.page("GET /blocked", false, h.blockedPage)
	h.page("GET /audit", false, h.auditPage)
	h.page("GET /services", false, h.servicesPage)
}

type blockedData struct {
	Route  string
	Routes []string
	Hits   []ratelimit.Hit
	Pager  pager
}

// blockedPage lists the requests rate limits refused, newest first.
func (h *UI) blockedPage(w http.ResponseWriter, r *http.Request, v *view) error {
	v.Page, v.Title = "blocked", "Blocked requests"
	n, err := pageNumber(r)
	if err != nil {
		return err
	}
	d := blockedData{Route: r.URL.Query().Get("route"), Pager: pager{Page: n}}
	for _, st := range h.eng.Routes() {
		d.Routes = append(d.Routes, st.Path)
	}
	hits, err := h.eng.Hits(r.Context(), d.Route, 10_000)
	if err != nil {
		return err
	}
	from := min((n-1)*pageSize, len(hits))
	to := min(from+pageSize, len(hits))
	d.Hits = hits[from:to]
	base := v.Prefix + "/blocked"
	if n > 1 {
		d.Pager.Prev = base + query("route", d.Route, "page", strconv.Itoa(n-1))
	}
	if to < len(hits) {
		d.Pager.Next = base + query("route", d.Route, "page", strconv.Itoa(n+1))
	}
	h.render(w, r, v, http.StatusOK, "blocked", d)
	return nil
}

// auditActions are the audited actions offered by the Audit page's filter.
var auditActions = []audit.Action{
	audit.ActionEnable, audit.ActionDisable, audit.ActionMaintenanceOn, audit.ActionEnvGate, audit.ActionDeprecate,
	audit.ActionScheduleSet, audit.ActionScheduleCancelled, audit.ActionWindowStarted, audit.ActionWindowEnded, audit.ActionRoutePruned,
	audit.ActionGlobalMaintenanceOn, audit.ActionGlobalMaintenanceOff, audit.ActionGlobalExemptPaths,
	audit.ActionServiceMaintenanceOn, audit.ActionServiceMaintenanceOff, audit.ActionServiceExemptPaths,
	audit.ActionRateLimitSet, audit.ActionRateLimitUpdated, audit.ActionRateLimitDeleted, audit.ActionRateLimitReset,
	audit.ActionGlobalRateLimitSet, audit.ActionGlobalRateLimitUpdate, audit.ActionGlobalRateLimitDelete, audit.ActionGlobalRateLimitReset,
	audit.ActionServiceRateLimitSet, audit.ActionServiceRateLimitUpd, audit.ActionServiceRateLimitDel, audit.ActionServiceRateLimitReset,
	audit.ActionFlagCreated, audit.ActionFlagUpdated, audit.ActionFlagEnabled, audit.ActionFlagDisabled, audit.ActionFlagDeleted,
	audit.ActionFlagScheduledChange, audit.ActionSegmentCreated, audit.ActionSegmentUpdated, audit.ActionSegmentDeleted,
}

type auditData struct {
	Query   audit.Query
	Actions []audit.Action
	Entries []audit.Entry
	Pager   pager
}

// auditPage pages through the audit log with the API's filters.
func (h *UI) auditPage(w http.ResponseWriter, r *http.Request, v *view) error {
	v.Page, v.Title, v.Live = "audit", "Audit log", []string{"route", "global", "service", "rate_limit", "flag", "segment", "resync"}
	n, err := pageNumber(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	aq := audit.Query{Route: q.Get("route"), Service: q.Get("service"), Action: audit.Action(q.Get("action")), Actor: q.Get("actor"),
		Offset: (n - 1) * pageSize, Limit: pageSize + 1}
	if aq.Action != "" && !slices.Contains(auditActions, aq.Action) {
		return wire.BadRequest("action %q is not an audited action: pick one from the list", aq.Action)
	}
	entries, err := h.eng.Audit(r.Context(), aq)
	if err != nil {
		return err
	}
	d := auditData{Query: aq, Actions: auditActions, Pager: pager{Page: n}}
	more := len(entries) > pageSize
	d.Entries = entries[:min(len(entries), pageSize)]
	pairs := func(p int) string {
		return v.Prefix + "/audit" + query("route", aq.Route, "service", aq.Service, "action", string(aq.Action), "actor", aq.Actor, "page", strconv.Itoa(p))
	}
	if n > 1 {
		d.Pager.Prev = pairs(n - 1)
	}
	if more {
		d.Pager.Next = pairs(n + 1)
	}
	h.render(w, r, v, http.StatusOK, "audit", d)
	return nil
}

// serviceRow is one service on the Services page, with what this
// replica knows of its SDKs (as GET /api/services/status reports).
type serviceRow struct {
	Name        string
	Routes      int
	ByStatus    map[route.Status]int
	Maintenance route.MaintenanceConfig
	Limit       *ratelimit.Policy
	Connections int
	LastSeen    *time.Time
}

// servicesPage lists the services the engine knows with their routes,
// maintenance and rate limit.
func (h *UI) servicesPage(w http.ResponseWriter, r *http.Request, v *view) error {
	v.Page, v.Title, v.Live = "services", "Services", []string{"route", "service", "rate_limit", "resync"}
	rows := []serviceRow{}
	routes := h.eng.Routes()
	sdks := h.statuses()
	names := h.eng.Services()
	for name := range sdks {
		if !slices.Contains(names, name) {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	for _, name := range names {
		row := serviceRow{Name: name, ByStatus: map[route.Status]int{}, Maintenance: h.eng.Maintenance(engine.ServiceScope(name))}
		for _, st := range routes {
			if st.Service == name {
				row.Routes++
				row.ByStatus[st.Status]++
			}
		}
		if p, found := h.eng.RateLimit(engine.ServiceScope(name)); found {
			row.Limit = &p
		}
		if st, found := sdks[name]; found {
			row.Connections, row.LastSeen = st.Connections, st.LastSeen
		}
		rows = append(rows, row)
	}
	h.render(w, r, v, http.StatusOK, "services", rows)
	return nil
}
