package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/waygate-go/waygate/core/audit"
	"github.com/waygate-go/waygate/core/backend"
	"github.com/waygate-go/waygate/core/route"
)

// mutateRoute resolves key, refuses force-active routes, lets change edit a
// copy of the state (returning the audit reason), persists it, and only then
// applies, audits and broadcasts it.
func (e *Engine) mutateRoute(ctx context.Context, key string, action audit.Action, change func(st *route.State, now time.Time) (string, error)) (route.State, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	k, err := e.resolveLocked(key)
	if err != nil {
		return route.State{}, err
	}
	st, _ := e.routeStateLocked(k)
	if st.ForceActive || (e.decls[k] != nil && e.decls[k].decl.ForceActive) {
		return route.State{}, protected(k)
	}
	prev := st.Status
	st = st.Clone()
	reason, err := change(&st, e.now())
	if err != nil {
		return route.State{}, err
	}
	if err := e.putRouteLocked(ctx, st); err != nil {
		return route.State{}, err
	}
	e.auditLocked(ctx, audit.Entry{Path: k, Service: st.Service, Action: action, Reason: reason, PreviousStatus: prev, NewStatus: st.Status})
	e.changes.emit(Change{Kind: KindRoute, Key: k, Action: action, Route: ptr(st.Clone()), Actor: actorOf(ctx).Actor, Time: e.now()})
	e.commitRouteLocked(k)
	return st.Clone(), nil
}

// putRouteLocked persists st and makes it current.
func (e *Engine) putRouteLocked(ctx context.Context, st route.State) error {
	raw, err := json.Marshal(st)
	if err != nil {
		return fmt.Errorf("encode route state: %w", err)
	}
	if err := e.write(ctx, backend.Record{Kind: backend.KindRoute, Key: st.Path, Value: raw}); err != nil {
		e.failOpen("backend write", err)
		return fmt.Errorf("%w: %w", ErrBackend, err)
	}
	e.states[st.Path] = st
	return nil
}

// Enable makes the route active, clearing its reason, any window and its
// deprecation (sunset, deprecation date, successor): a route deprecated
// again later gets a new deprecation date.
func (e *Engine) Enable(ctx context.Context, key string) (route.State, error) {
	return e.mutateRoute(ctx, key, audit.ActionEnable, func(st *route.State, _ time.Time) (string, error) {
		st.Status, st.Reason, st.Window = route.StatusActive, "", nil
		st.SunsetDate, st.DeprecatedAt, st.SuccessorPath = "", "", ""
		return "", nil
	})
}

// DisableOption refines Disable.
type DisableOption func(*disableConfig)

type disableConfig struct{ until time.Time }

// Until re-enables the route at t: the route is disabled now and returns
// to the status it had at t, like a window that has started.
func Until(t time.Time) DisableOption {
	return func(c *disableConfig) { c.until = t }
}

// Disable disables the route: requests get 503 ROUTE_DISABLED. Any window is
// cancelled. With Until, the route is re-enabled at the given time.
func (e *Engine) Disable(ctx context.Context, key, reason string, opts ...DisableOption) (route.State, error) {
	var c disableConfig
	for _, o := range opts {
		if o != nil {
			o(&c)
		}
	}
	if !c.until.IsZero() {
		return e.disableUntil(ctx, key, reason, c.until)
	}
	return e.mutateRoute(ctx, key, audit.ActionDisable, func(st *route.State, _ time.Time) (string, error) {
		st.Status, st.Reason, st.Window = route.StatusDisabled, reason, nil
		return reason, nil
	})
}

// disableUntil disables the route now and restores its previous status at
// until.
func (e *Engine) disableUntil(ctx context.Context, key, reason string, until time.Time) (route.State, error) {
	return e.mutateRoute(ctx, key, audit.ActionDisable, func(st *route.State, now time.Time) (string, error) {
		if !until.After(now) {
			return "", invalid("until %s is not in the future", until.UTC().Format(time.RFC3339))
		}
		w := route.Window{Start: now, End: until.UTC(), Reason: reason, During: route.StatusDisabled}
		startWindow(st, w, now)
		return fmt.Sprintf("%s (until %s)", reason, w.End.Format(time.RFC3339)), nil
	})
}

// SetMaintenance puts the route in maintenance now, with no known end. Any
// window is cancelled. Use Schedule for a window with an end.
func (e *Engine) SetMaintenance(ctx context.Context, key, reason string) (route.State, error) {
	return e.mutateRoute(ctx, key, audit.ActionMaintenanceOn, func(st *route.State, _ time.Time) (string, error) {
		st.Status, st.Reason, st.Window = route.StatusMaintenance, reason, nil
		return reason, nil
	})
}

// Schedule stores a maintenance window. The route keeps its status until
// w.Start, is in maintenance (w.During, if set) until w.End, then returns to
// the status it had. A window that has already started applies at once.
func (e *Engine) Schedule(ctx context.Context, key string, w route.Window) (route.State, error) {
	return e.mutateRoute(ctx, key, audit.ActionScheduleSet, func(st *route.State, now time.Time) (string, error) {
		w.Start, w.End = w.Start.UTC(), w.End.UTC()
		if err := w.Validate(); err != nil {
			return "", invalid("%v", err)
		}
		if !w.End.After(now) {
			return "", invalid("window end %s is in the past", w.End.Format(time.RFC3339))
		}
		startWindow(st, w, now)
		return fmt.Sprintf("%s (%s → %s)", w.Reason, w.Start.Format(time.RFC3339), w.End.Format(time.RFC3339)), nil
	})
}

// startWindow stores w on st, remembering the status to return to, and
// applies it if it has started.
func startWindow(st *route.State, w route.Window, now time.Time) {
	w.PreviousStatus, w.PreviousReason = st.Status, st.Reason
	if old := st.Window; old != nil && !now.Before(old.Start) {
		// Replacing a running window: return to what preceded it.
		w.PreviousStatus, w.PreviousReason = old.PreviousStatus, old.PreviousReason
	}
	st.Window = &w
	if !now.Before(w.Start) {
		st.Status, st.Reason = w.Status(), w.Reason
	}
}

// CancelSchedule removes the route's window. A running window ends at once:
// the route returns to its previous status.
func (e *Engine) CancelSchedule(ctx context.Context, key string) (route.State, error) {
	return e.mutateRoute(ctx, key, audit.ActionScheduleCancelled, func(st *route.State, now time.Time) (string, error) {
		if st.Window == nil {
			return "", fmt.Errorf("%w: %q", ErrNoWindow, st.Path)
		}
		if !now.Before(st.Window.Start) {
			endWindow(st)
		}
		st.Window = nil
		return "", nil
	})
}

// endWindow restores the status a window replaced.
func endWindow(st *route.State) {
	w := st.Window
	st.Status, st.Reason, st.Window = w.PreviousStatus, w.PreviousReason, nil
	if st.Status == "" {
		st.Status = route.StatusActive
	}
}

// SetEnvOnly serves the route only in envs; elsewhere it answers 404. Any
// window is cancelled.
func (e *Engine) SetEnvOnly(ctx context.Context, key string, envs []string) (route.State, error) {
	return e.mutateRoute(ctx, key, audit.ActionEnvGate, func(st *route.State, _ time.Time) (string, error) {
		clean := make([]string, 0, len(envs))
		for _, env := range envs {
			if env = strings.TrimSpace(env); env != "" && !slices.Contains(clean, env) {
				clean = append(clean, env)
			}
		}
		if len(clean) == 0 {
			return "", invalid("give at least one environment; to serve the route everywhere, enable it")
		}
		st.Status, st.AllowedEnvs, st.Window = route.StatusEnvGated, clean, nil
		return "restricted to " + strings.Join(clean, ", "), nil
	})
}

// Deprecate marks the route deprecated: it is served with Deprecation,
// Sunset and Link headers. sunset ("2027-01-01", RFC 3339 or HTTP-date) and
// successor may be empty. Any window is cancelled.
func (e *Engine) Deprecate(ctx context.Context, key, sunset, successor string) (route.State, error) {
	return e.mutateRoute(ctx, key, audit.ActionDeprecate, func(st *route.State, now time.Time) (string, error) {
		st.SunsetDate = ""
		if sunset != "" {
			t, err := route.ParseDate(sunset)
			if err != nil {
				return "", invalid("sunset: %v", err)
			}
			st.SunsetDate = t.Format(time.RFC3339)
		}
		if err := route.ValidateSuccessor(successor); err != nil {
			return "", invalid("%v", err)
		}
		st.Status, st.SuccessorPath, st.Window = route.StatusDeprecated, successor, nil
		if st.DeprecatedAt == "" {
			st.DeprecatedAt = now.Format(time.RFC3339)
		}
		var parts []string
		if st.SunsetDate != "" {
			parts = append(parts, "sunset "+st.SunsetDate)
		}
		if successor != "" {
			parts = append(parts, "successor "+successor)
		}
		return strings.Join(parts, ", "), nil
	})
}

func ptr[T any](v T) *T { return &v }
