package route

import (
	"fmt"
	"slices"
	"time"
)

// State is the persisted runtime state of one route. Its JSON form follows
// the Python reference's RouteState, plus the pending-window and stale
// fields Waygate for Go adds.
type State struct {
	// Path is the route key, e.g. "GET:/payments".
	Path string `json:"path"`
	// Service owns the route on a Waygate Server; empty when embedded.
	Service string `json:"service,omitempty"`
	// Status is the lifecycle status.
	Status Status `json:"status"`
	// Reason is shown in error bodies, the dashboard and the CLI.
	Reason string `json:"reason"`
	// AllowedEnvs lists the environments an env-gated route is served in.
	AllowedEnvs []string `json:"allowed_envs"`
	// Window is a scheduled or running maintenance (or disable) window.
	Window *Window `json:"window,omitempty"`
	// SunsetDate is when a deprecated route goes away (RFC 3339, UTC).
	SunsetDate string `json:"sunset_date,omitempty"`
	// DeprecatedAt is when the route was deprecated (RFC 3339, UTC), if known.
	DeprecatedAt string `json:"deprecated_at,omitempty"`
	// SuccessorPath is where clients of a deprecated route should go.
	SuccessorPath string `json:"successor_path,omitempty"`
	// ForceActive routes bypass every check and refuse every mutation. It is
	// owned by code: registration always refreshes it.
	ForceActive bool `json:"force_active"`
	// Stale marks a persisted route the running code no longer declares.
	// It is computed for listings and never persisted.
	Stale bool `json:"stale,omitempty"`
}

// Clone returns a deep copy of s.
func (s State) Clone() State {
	s.AllowedEnvs = slices.Clone(s.AllowedEnvs)
	if s.Window != nil {
		w := *s.Window
		s.Window = &w
	}
	return s
}

// Window is a maintenance window. While now is in [Start, End) the route has
// status During (maintenance unless set otherwise); at End it returns to the
// status and reason it had before the window.
type Window struct {
	Start  time.Time `json:"start"`
	End    time.Time `json:"end"`
	Reason string    `json:"reason"`
	// During is the status applied inside the window; empty means
	// maintenance. A "disable until" is a window with During disabled.
	During Status `json:"during,omitempty"`
	// PreviousStatus and PreviousReason are restored at End.
	PreviousStatus Status `json:"previous_status,omitempty"`
	PreviousReason string `json:"previous_reason,omitempty"`
}

// Status returns the status applied inside the window.
func (w Window) Status() Status {
	if w.During == "" {
		return StatusMaintenance
	}
	return w.During
}

// MaintenanceEnd is when the maintenance of a route in status st ends
// because of its window w: w.End when w put the route in maintenance and
// returns it to another status, zero when that is not known. It does not
// look at the clock: a window that has set the status is running even if
// the wall clock has since stepped back before its start, and a route
// that was in maintenance before its window returns to it at the end.
func (w *Window) MaintenanceEnd(st Status) time.Time {
	if w == nil || st != StatusMaintenance || w.Status() != StatusMaintenance || w.PreviousStatus == StatusMaintenance {
		return time.Time{}
	}
	return w.End
}

// Validate checks that the window ends after it starts.
func (w Window) Validate() error {
	if w.Start.IsZero() || w.End.IsZero() {
		return fmt.Errorf("a window needs both start and end")
	}
	if !w.End.After(w.Start) {
		return fmt.Errorf("window end %s must be after start %s", w.End.Format(time.RFC3339), w.Start.Format(time.RFC3339))
	}
	if w.During != "" && w.During != StatusMaintenance && w.During != StatusDisabled {
		return fmt.Errorf("a window can only apply maintenance or disabled, not %q", w.During)
	}
	return nil
}

// MaintenanceConfig is the global (all routes) or per-service maintenance
// switch.
type MaintenanceConfig struct {
	Enabled bool   `json:"enabled"`
	Reason  string `json:"reason"`
	// ExemptPaths are served during maintenance: exact route templates
	// ("/health", every method) or keys ("GET:/health").
	ExemptPaths []string `json:"exempt_paths"`
	// IncludeForceActive also blocks force-active routes.
	IncludeForceActive bool `json:"include_force_active"`
}

// Clone returns a deep copy of c.
func (c MaintenanceConfig) Clone() MaintenanceConfig {
	c.ExemptPaths = slices.Clone(c.ExemptPaths)
	return c
}

// ValidateExemptPaths checks every exempt entry parses as a route key.
func ValidateExemptPaths(paths []string) error {
	for _, p := range paths {
		if _, err := ParseKey(p); err != nil {
			return fmt.Errorf("exempt path: %w", err)
		}
	}
	return nil
}
