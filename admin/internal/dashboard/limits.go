package dashboard

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/waygate-go/waygate/admin/internal/wire"
	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/ratelimit"
	"github.com/waygate-go/waygate/core/route"
)

// limitsData is the Rate limits page.
// keyedPolicy is a route policy with its route key.
type keyedPolicy struct {
	Key string
	ratelimit.Policy
}

type limitsData struct {
	Global      scopeCard
	Service     *scopeCard
	Policies    []keyedPolicy
	Unprotected []route.State
	// ServiceRoutes: some listed routes belong to services, whose limits
	// declared in code this server cannot see.
	ServiceRoutes bool
	Hits          []ratelimit.Hit
}

// scopeCard is the global or one service's policy with its action URLs'
// base.
type scopeCard struct {
	Name   string
	Base   string
	Set    bool
	Policy ratelimit.Policy
}

var (
	algorithmOptions = []option{{"fixed_window", "Fixed window"}, {"sliding_window", "Sliding window"},
		{"moving_window", "Moving window (exact)"}, {"token_bucket", "Token bucket (GCRA)"}}
	keyOptions  = []option{{"ip", "Client IP"}, {"user", "User"}, {"api_key", "API key (X-API-Key)"}, {"global", "One counter for everybody"}}
	missOptions = []option{{"", "Default for the key"}, {"exempt", "Exempt (not counted)"}, {"fallback_ip", "Fall back to the IP"},
		{"block", "Block"}}
)

func (h *UI) registerLimitPages() {
	h.page("GET /rate-limits", false, h.limitsPage)
	h.formPage("/rate-limits/routes/{key}/edit", formSpec{build: h.routeLimitForm, do: h.routeLimitSet})
	h.formPage("/rate-limits/routes/{key}/reset", formSpec{
		build: h.routeLimitConfirm("Reset the counters of", "Every client starts with a full allowance again.", false),
		do: func(r *http.Request, v *view) (string, error) {
			key, err := wire.RouteKeyParam(r)
			if err != nil {
				return "", err
			}
			return "Counters of " + key + " reset", h.eng.ResetRateLimit(r.Context(), engine.RouteScope(key))
		},
	})
	h.formPage("/rate-limits/routes/{key}/delete", formSpec{
		build: h.routeLimitConfirm("Remove the limit of", "The route is no longer rate limited (global and service limits still apply).", true),
		do: func(r *http.Request, v *view) (string, error) {
			key, err := wire.RouteKeyParam(r)
			if err != nil {
				return "", err
			}
			return "Limit of " + key + " removed", h.eng.DeleteRateLimit(r.Context(), engine.RouteScope(key))
		},
	})
	for _, base := range []string{"/rate-limits/global", "/rate-limits/services/{service}"} {
		h.formPage(base+"/edit", formSpec{build: h.scopeLimitForm, do: h.scopeLimitSet})
		h.formPage(base+"/pause", formSpec{build: h.scopeConfirm("Pause", "The policy is kept but stops limiting until resumed.", false), do: h.scopeToggle(false)})
		h.formPage(base+"/resume", formSpec{build: h.scopeConfirm("Resume", "The policy limits requests again.", false), do: h.scopeToggle(true)})
		h.formPage(base+"/reset", formSpec{build: h.scopeConfirm("Reset the counters of", "Every client starts with a full allowance again.", false), do: h.scopeReset})
		h.formPage(base+"/delete", formSpec{build: h.scopeConfirm("Remove", "The policy is deleted.", true), do: h.scopeDelete})
	}
}

// limitsPage shows the global, service and route policies, routes without
// a limit and the latest blocked requests.
func (h *UI) limitsPage(w http.ResponseWriter, r *http.Request, v *view) error {
	v.Page, v.Title, v.Live = "ratelimits", "Rate limits", []string{"rate_limit", "route", "resync"}
	v.Services, v.Service = h.eng.Services(), r.URL.Query().Get("service")
	d := limitsData{Global: scopeCard{Name: "Global", Base: v.Prefix + "/rate-limits/global"}}
	d.Global.Policy, d.Global.Set = h.eng.RateLimit(engine.GlobalScope())
	if v.Service != "" {
		if !wire.ValidServiceName(v.Service) {
			return wire.BadRequest("service name %q: use letters, digits, '-', '_' and '.'", v.Service)
		}
		c := scopeCard{Name: "Service " + v.Service, Base: v.Prefix + "/rate-limits/services/" + v.Service}
		c.Policy, c.Set = h.eng.RateLimit(engine.ServiceScope(v.Service))
		d.Service = &c
	}
	all := h.eng.RateLimits()
	for _, st := range h.eng.Routes() {
		if v.Service != "" && st.Service != v.Service {
			continue
		}
		_, m, p := splitKey(st.Path)
		if _, limited := all[st.Path]; limited {
			continue
		}
		if _, limited := all[p]; limited && m != "" {
			continue
		}
		d.Unprotected = append(d.Unprotected, st)
		d.ServiceRoutes = d.ServiceRoutes || st.Service != ""
	}
	for k, p := range all {
		if svc, _, _ := splitKey(k); v.Service != "" && svc != v.Service {
			continue
		}
		d.Policies = append(d.Policies, keyedPolicy{Key: k, Policy: p})
	}
	slices.SortFunc(d.Policies, func(a, b keyedPolicy) int { return strings.Compare(a.Key, b.Key) })
	hits, err := h.eng.Hits(r.Context(), "", 10)
	if err != nil {
		return err
	}
	d.Hits = hits
	h.render(w, r, v, http.StatusOK, "ratelimits", d)
	return nil
}

// policyFields are the inputs of a policy form, filled from p.
func policyFields(p ratelimit.Policy, scope bool) []field {
	tiers := make([]string, len(p.Tiers))
	for i, t := range p.Tiers {
		tiers[i] = t.Name + " = " + t.Limit
	}
	fs := []field{
		{Name: "limit", Label: "Limit", Type: "text", Value: p.Limit, Required: true, Placeholder: "100/minute",
			Help: "N/unit or N per M units (second … year); several joined by ';' all apply."},
		{Name: "algorithm", Label: "Algorithm", Type: "select", Value: string(p.Algorithm), Options: algorithmOptions},
		{Name: "key_strategy", Label: "Count per", Type: "select", Value: string(p.KeyStrategy), Options: keyOptions},
		{Name: "on_missing_key", Label: "When the request has no key", Type: "select", Value: string(p.OnMissingKey), Options: missOptions},
		{Name: "burst", Label: "Burst", Type: "number", Value: strconv.FormatInt(p.Burst, 10), Help: "Extra requests allowed on top of the limit."},
		{Name: "tiers", Label: "Tiers", Type: "textarea", Value: strings.Join(tiers, "\n"), Placeholder: "free = 2/minute\npro = 10/minute",
			Help: "One per line: tier = limit. The tier is read from the request attribute below."},
		{Name: "tier_resolver", Label: "Tier attribute", Type: "text", Value: p.TierResolver, Placeholder: "plan"},
		{Name: "exempt_ips", Label: "Exempt IPs and CIDRs", Type: "textarea", Value: strings.Join(p.ExemptIPs, "\n"), Placeholder: "10.0.0.0/8"},
		{Name: "exempt_roles", Label: "Exempt roles", Type: "textarea", Value: strings.Join(p.ExemptRoles, "\n"), Placeholder: "internal"},
	}
	if scope {
		fs = append(fs, field{Name: "exempt_routes", Label: "Exempt routes", Type: "textarea", Value: strings.Join(p.ExemptRoutes, "\n"),
			Placeholder: "/health\nGET:/status", Help: "Templates or keys the policy skips, one per line."})
	}
	return fs
}

// policyPatch reads a policy form. Every field is sent, so the patch
// replaces them all: the form edits the whole policy.
func policyPatch(r *http.Request, scope bool) (ratelimit.Patch, error) {
	var p ratelimit.Patch
	limit := strings.TrimSpace(r.PostFormValue("limit"))
	if limit == "" {
		return p, wire.BadRequest("limit is required, like 100/minute or 5 per 10 seconds")
	}
	p.Limit = &limit
	if s := r.PostFormValue("algorithm"); s != "" {
		a := ratelimit.Algorithm(s)
		p.Algorithm = &a
	}
	if s := r.PostFormValue("key_strategy"); s != "" {
		k := ratelimit.KeyStrategy(s)
		p.KeyStrategy = &k
	}
	miss := ratelimit.OnMissing(r.PostFormValue("on_missing_key"))
	p.OnMissingKey = &miss
	burst := int64(0)
	if s := strings.TrimSpace(r.PostFormValue("burst")); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 0 {
			return p, wire.BadRequest("burst %q must be a whole number, 0 or more", s)
		}
		burst = n
	}
	p.Burst = &burst
	tiers := []ratelimit.Tier{}
	for _, line := range formLines(r.PostFormValue("tiers")) {
		name, limit, found := strings.Cut(line, "=")
		if !found {
			return p, wire.BadRequest("tier %q: write one tier per line as name = limit, like pro = 10/minute", line)
		}
		tiers = append(tiers, ratelimit.Tier{Name: strings.TrimSpace(name), Limit: strings.TrimSpace(limit)})
	}
	p.Tiers = &tiers
	resolver := strings.TrimSpace(r.PostFormValue("tier_resolver"))
	p.TierResolver = &resolver
	ips, roles := formList(r.PostFormValue("exempt_ips")), formList(r.PostFormValue("exempt_roles"))
	p.ExemptIPs, p.ExemptRoles = &ips, &roles
	if scope {
		routes := formLines(r.PostFormValue("exempt_routes"))
		p.ExemptRoutes = &routes
	}
	return p, nil
}

// routeLimitForm sets or edits a route's policy ("add limit" for routes
// without one).
func (h *UI) routeLimitForm(r *http.Request, v *view) (*formView, error) {
	key, err := wire.RouteKeyParam(r)
	if err != nil {
		return nil, err
	}
	st, err := h.eng.Route(key)
	if err != nil {
		return nil, err
	}
	p, found := h.eng.RateLimits()[st.Path]
	title := "Edit the limit of " + st.Path
	if !found {
		p, title = ratelimit.Policy{Limit: "100/minute"}.WithDefaults(), "Add a limit to "+st.Path
	}
	return &formView{Title: title, Action: v.Prefix + "/rate-limits/routes/" + r.PathValue("key") + "/edit", Submit: "Save limit",
		Back: v.Prefix + "/rate-limits", Fields: policyFields(p, false)}, nil
}

func (h *UI) routeLimitSet(r *http.Request, v *view) (string, error) {
	key, err := wire.RouteKeyParam(r)
	if err != nil {
		return "", err
	}
	patch, err := policyPatch(r, false)
	if err != nil {
		return "", err
	}
	st, err := h.eng.Route(key)
	if err != nil {
		return "", err
	}
	p, err := h.eng.SetRateLimit(r.Context(), engine.RouteScope(st.Path), patch)
	if err != nil {
		return "", err
	}
	return st.Path + " is limited to " + p.Limit, nil
}

// routeLimitConfirm confirms a reset or delete of a route's policy.
func (h *UI) routeLimitConfirm(title, intro string, danger bool) func(*http.Request, *view) (*formView, error) {
	return func(r *http.Request, v *view) (*formView, error) {
		key, err := wire.RouteKeyParam(r)
		if err != nil {
			return nil, err
		}
		if _, found := h.eng.RateLimits()[key]; !found {
			return nil, wire.Errorf(http.StatusNotFound, "route %s has no rate limit", key)
		}
		return &formView{Title: title + " " + key, Intro: intro, Action: v.Prefix + "/rate-limits/routes/" + r.PathValue("key") + "/" + actionOf(r),
			Submit: strings.Fields(title)[0], Danger: danger, Back: v.Prefix + "/rate-limits"}, nil
	}
}

// scopeBase is the action URL base and display name of the global or a
// service policy.
func scopeBase(v *view, s engine.Scope) (base, name string) {
	if s.Service() == "" {
		return v.Prefix + "/rate-limits/global", "the global limit"
	}
	return v.Prefix + "/rate-limits/services/" + s.Service(), "the limit of service " + s.Service()
}

func (h *UI) scopeLimitForm(r *http.Request, v *view) (*formView, error) {
	s, err := wire.ScopeParam(r)
	if err != nil {
		return nil, err
	}
	base, name := scopeBase(v, s)
	p, found := h.eng.RateLimit(s)
	title := "Edit " + name
	if !found {
		p, title = ratelimit.Policy{Limit: "1000/minute"}.WithDefaults(), "Set "+name
	}
	return &formView{Title: title, Action: base + "/edit", Submit: "Save limit", Back: v.Prefix + "/rate-limits" + query("service", s.Service()),
		Fields: policyFields(p, true)}, nil
}

func (h *UI) scopeLimitSet(r *http.Request, v *view) (string, error) {
	s, err := wire.ScopeParam(r)
	if err != nil {
		return "", err
	}
	patch, err := policyPatch(r, true)
	if err != nil {
		return "", err
	}
	p, err := h.eng.SetRateLimit(r.Context(), s, patch)
	if err != nil {
		return "", err
	}
	_, name := scopeBase(v, s)
	return strings.ToUpper(name[:1]) + name[1:] + " is " + p.Limit, nil
}

// scopeConfirm confirms pause, resume, reset or delete of an existing
// global or service policy.
func (h *UI) scopeConfirm(title, intro string, danger bool) func(*http.Request, *view) (*formView, error) {
	return func(r *http.Request, v *view) (*formView, error) {
		s, err := wire.ScopeParam(r)
		if err != nil {
			return nil, err
		}
		if _, found := h.eng.RateLimit(s); !found {
			return nil, wire.NoScopeLimit(s)
		}
		base, name := scopeBase(v, s)
		return &formView{Title: title + " " + name, Intro: intro, Action: base + "/" + actionOf(r), Submit: strings.Fields(title)[0],
			Danger: danger, Back: v.Prefix + "/rate-limits" + query("service", s.Service())}, nil
	}
}

func (h *UI) scopeToggle(on bool) func(*http.Request, *view) (string, error) {
	return func(r *http.Request, v *view) (string, error) {
		s, err := wire.ScopeParam(r)
		if err != nil {
			return "", err
		}
		if _, found := h.eng.RateLimit(s); !found {
			return "", wire.NoScopeLimit(s)
		}
		if _, err := h.eng.SetRateLimit(r.Context(), s, ratelimit.Patch{Enabled: &on}); err != nil {
			return "", err
		}
		_, name := scopeBase(v, s)
		if on {
			return "Resumed " + name, nil
		}
		return "Paused " + name, nil
	}
}

func (h *UI) scopeReset(r *http.Request, v *view) (string, error) {
	s, err := wire.ScopeParam(r)
	if err != nil {
		return "", err
	}
	err = h.eng.ResetRateLimit(r.Context(), s)
	_, name := scopeBase(v, s)
	return "Reset the counters of " + name, err
}

func (h *UI) scopeDelete(r *http.Request, v *view) (string, error) {
	s, err := wire.ScopeParam(r)
	if err != nil {
		return "", err
	}
	if _, found := h.eng.RateLimit(s); !found {
		return "", wire.NoScopeLimit(s)
	}
	err = h.eng.DeleteRateLimit(r.Context(), s)
	_, name := scopeBase(v, s)
	return "Removed " + name, err
}
