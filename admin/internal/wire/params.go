package wire

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/flag"
	"github.com/waygate-go/waygate/core/route"
)

// What the API and the dashboard both read from requests and both say
// about the engine's answers.

// FlagError words the engine's not-found and exists errors for flags.
func FlagError(key string, err error) error {
	switch {
	case errors.Is(err, engine.ErrRouteNotFound):
		return Errorf(http.StatusNotFound, "flag %q does not exist: list the flags with GET /api/flags (waygate flags list), create one with POST /api/flags (waygate flags create)", key)
	case errors.Is(err, engine.ErrExists):
		return Errorf(http.StatusConflict, "flag %q already exists: replace it with PUT /api/flags/%s or change fields with PATCH", key, key)
	}
	return err
}

// SegmentError words the engine's not-found and exists errors for segments.
func SegmentError(key string, err error) error {
	switch {
	case errors.Is(err, engine.ErrRouteNotFound):
		return Errorf(http.StatusNotFound, "segment %q does not exist: list the segments with GET /api/segments (waygate segments list), create one with POST /api/segments (waygate segments create)", key)
	case errors.Is(err, engine.ErrExists):
		return Errorf(http.StatusConflict, "segment %q already exists: replace it with PUT /api/segments/%s", key, key)
	}
	return err
}

// Matches reports whether search (lower case) is part of the key, the name
// or a tag, ignoring case.
func Matches(search, key, name string, tags []string) bool {
	if search == "" {
		return true
	}
	if strings.Contains(strings.ToLower(key), search) || strings.Contains(strings.ToLower(name), search) {
		return true
	}
	return slices.ContainsFunc(tags, func(t string) bool { return strings.Contains(strings.ToLower(t), search) })
}

// Flag returns one flag, or an error answered 404.
func Flag(e *engine.Engine, key string) (flag.Flag, error) {
	f, ok := e.Flags().Flag(key)
	if !ok {
		return f, fmt.Errorf("%w: flag %q", engine.ErrRouteNotFound, key)
	}
	return f, nil
}

// Segment returns one segment, or an error answered 404.
func Segment(e *engine.Engine, key string) (flag.Segment, error) {
	s, ok := e.Flags().Segment(key)
	if !ok {
		return s, fmt.Errorf("%w: segment %q", engine.ErrRouteNotFound, key)
	}
	return s, nil
}

// ServiceParam reads and checks the {service} path segment.
func ServiceParam(r *http.Request) (string, error) {
	s := r.PathValue("service")
	if !ValidServiceName(s) {
		return "", BadRequest("service name %q: use letters, digits, '-', '_' and '.'", s)
	}
	return s, nil
}

// RouteKeyParam decodes the {key} path segment.
func RouteKeyParam(r *http.Request) (string, error) {
	k, err := DecodeRouteKey(r.PathValue("key"))
	if err != nil {
		return "", BadRequest("%v", err)
	}
	return k, nil
}

// ParseWindow checks a window's times and status.
func ParseWindow(start, end, reason, status string) (route.Window, error) {
	if start == "" || end == "" {
		return route.Window{}, BadRequest("a window needs both start and end")
	}
	s, err := ParseTime("start", start)
	if err != nil {
		return route.Window{}, err
	}
	e, err := ParseTime("end", end)
	if err != nil {
		return route.Window{}, err
	}
	win := route.Window{Start: s, End: e, Reason: reason}
	switch route.Status(status) {
	case "", route.StatusMaintenance:
	case route.StatusDisabled:
		win.During = route.StatusDisabled
	default:
		return route.Window{}, BadRequest("status %q: a window applies maintenance or disabled", status)
	}
	if !e.After(s) {
		return route.Window{}, BadRequest("end %s must be after start %s", e.Format(time.RFC3339), s.Format(time.RFC3339))
	}
	return win, nil
}

// timeLayouts are accepted for window times; times without an offset are
// UTC.
var timeLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02 15:04:05", "2006-01-02 15:04"}

// ParseTime reads a window time: RFC 3339, or a date and time without an
// offset, taken as UTC.
func ParseTime(field, s string) (time.Time, error) {
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, strings.TrimSpace(s)); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, BadRequest("%s %q is not a time: write RFC 3339, like 2025-03-10T02:00:00Z", field, s)
}

// ParseUntil reads a time, or a duration from now ("90m", "2h", "1d").
func ParseUntil(s string, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	if n, found := strings.CutSuffix(s, "d"); found {
		if days, err := strconv.Atoi(n); err == nil && days > 0 && days <= 3650 {
			return now.Add(time.Duration(days) * 24 * time.Hour), nil
		}
	}
	if d, err := time.ParseDuration(s); err == nil {
		if d <= 0 {
			return time.Time{}, BadRequest("until %q must be in the future", s)
		}
		return now.Add(d), nil
	}
	t, err := ParseTime("until", s)
	if err != nil {
		return time.Time{}, BadRequest("until %q: write an RFC 3339 time (2025-03-10T04:00:00Z) or a duration (90m, 2h, 1d)", s)
	}
	return t, nil
}

// Evaluate is the flag debugger: the value, variation, reason and matched
// rule for a context, not counted in the evaluation stream.
func Evaluate(e *engine.Engine, key string, ctx flag.EvaluationContext) (flag.Result, error) {
	r, err := e.Flags().Snapshot().Evaluate(key, ctx)
	if errors.Is(err, flag.ErrNotFound) {
		return r, fmt.Errorf("%w: flag %q", engine.ErrRouteNotFound, key)
	}
	return r, err
}

// ScopeParam reads the optional {service} path segment: a service's scope,
// or the global one.
func ScopeParam(r *http.Request) (engine.Scope, error) {
	if r.PathValue("service") == "" {
		return engine.GlobalScope(), nil
	}
	svc, err := ServiceParam(r)
	return engine.ServiceScope(svc), err
}

// NoScopeLimit is the 404 of a rate-limit operation on a scope without a
// policy.
func NoScopeLimit(s engine.Scope) error {
	if s.IsGlobal() {
		return Errorf(http.StatusNotFound, "no global rate limit is set: create one with POST /api/global-rate-limit")
	}
	return Errorf(http.StatusNotFound, "service %s has no rate limit: create one with POST /api/services/%s/rate-limit", s.Service(), s.Service())
}

// MaintenanceOptions turns the exempt paths (nil keeps the current ones)
// and the force-active switch of a form or body into engine options.
func MaintenanceOptions(exemptPaths *[]string, includeForceActive bool) []engine.MaintenanceOption {
	var opts []engine.MaintenanceOption
	if exemptPaths != nil {
		opts = append(opts, engine.WithExemptPaths(*exemptPaths...))
	}
	if includeForceActive {
		opts = append(opts, engine.IncludeForceActive())
	}
	return opts
}
