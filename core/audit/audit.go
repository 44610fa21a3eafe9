// Package audit is Waygate's audit log model: the Entry written for every
// mutation, the action names, and the Query used to filter and page
// through entries.
package audit

import (
	"time"

	"github.com/waygate-go/waygate/core/route"
)

// DefaultRetention is the number of entries kept when no retention is set.
const DefaultRetention = 1000

// Action names an audited mutation.
type Action string

// The audited actions.
const (
	ActionEnable                Action = "enable"
	ActionDisable               Action = "disable"
	ActionMaintenanceOn         Action = "maintenance_on"
	ActionEnvGate               Action = "env_gate"
	ActionDeprecate             Action = "deprecate"
	ActionScheduleSet           Action = "schedule_set"
	ActionScheduleCancelled     Action = "schedule_cancelled"
	ActionWindowStarted         Action = "window_started"
	ActionWindowEnded           Action = "window_ended"
	ActionRoutePruned           Action = "route_pruned"
	ActionGlobalMaintenanceOn   Action = "global_maintenance_on"
	ActionGlobalMaintenanceOff  Action = "global_maintenance_off"
	ActionGlobalExemptPaths     Action = "global_exempt_paths"
	ActionServiceMaintenanceOn  Action = "service_maintenance_on"
	ActionServiceMaintenanceOff Action = "service_maintenance_off"
	ActionServiceExemptPaths    Action = "service_exempt_paths"
	ActionRateLimitSet          Action = "rl_policy_set"
	ActionRateLimitUpdated      Action = "rl_policy_updated"
	ActionRateLimitDeleted      Action = "rl_policy_deleted"
	ActionRateLimitReset        Action = "rl_reset"
	ActionGlobalRateLimitSet    Action = "global_rl_set"
	ActionGlobalRateLimitUpdate Action = "global_rl_updated"
	ActionGlobalRateLimitDelete Action = "global_rl_deleted"
	ActionGlobalRateLimitReset  Action = "global_rl_reset"
	ActionServiceRateLimitSet   Action = "svc_rl_set"
	ActionServiceRateLimitUpd   Action = "svc_rl_updated"
	ActionServiceRateLimitDel   Action = "svc_rl_deleted"
	ActionServiceRateLimitReset Action = "svc_rl_reset"
	ActionFlagCreated           Action = "flag_created"
	ActionFlagUpdated           Action = "flag_updated"
	ActionFlagEnabled           Action = "flag_enabled"
	ActionFlagDisabled          Action = "flag_disabled"
	ActionFlagDeleted           Action = "flag_deleted"
	ActionFlagScheduledChange   Action = "flag_scheduled_change"
	ActionSegmentCreated        Action = "segment_created"
	ActionSegmentUpdated        Action = "segment_updated"
	ActionSegmentDeleted        Action = "segment_deleted"
)

// Pseudo paths for entries that are not about one route.
const (
	PathGlobal          = "__global__"
	PathGlobalRateLimit = "__global_rl__"
)

// ServicePath is the audit path of a service-wide change.
func ServicePath(service string) string { return "__service:" + service + "__" }

// ServiceRateLimitPath is the audit path of a service rate-limit change.
func ServiceRateLimitPath(service string) string { return "__service_rl:" + service + "__" }

// Entry is one audit record. Its JSON form follows the Python reference.
type Entry struct {
	ID             string       `json:"id"`
	Timestamp      time.Time    `json:"timestamp"`
	Path           string       `json:"path"`
	Service        string       `json:"service,omitempty"`
	Action         Action       `json:"action"`
	Actor          string       `json:"actor"`
	Platform       string       `json:"platform"`
	Reason         string       `json:"reason"`
	PreviousStatus route.Status `json:"previous_status,omitempty"`
	NewStatus      route.Status `json:"new_status,omitempty"`
}

// Query filters and pages the audit log. Zero fields match everything.
type Query struct {
	Route   string // exact route key or pseudo path
	Service string
	Action  Action
	Actor   string
	Offset  int
	Limit   int // 0 means 50
}

// Match reports whether e passes the filters of q.
func (q Query) Match(e Entry) bool {
	return (q.Route == "" || e.Path == q.Route) &&
		(q.Service == "" || e.Service == q.Service) &&
		(q.Action == "" || e.Action == q.Action) &&
		(q.Actor == "" || e.Actor == q.Actor)
}

// Page returns the entries of newestFirst that match q, after skipping
// q.Offset matches, at most q.Limit of them.
func (q Query) Page(newestFirst []Entry) []Entry {
	limit := q.Limit
	if limit <= 0 {
		limit = 50
	}
	out := make([]Entry, 0, min(limit, len(newestFirst)))
	skip := q.Offset
	for _, e := range newestFirst {
		if !q.Match(e) {
			continue
		}
		if skip > 0 {
			skip--
			continue
		}
		out = append(out, e)
		if len(out) == limit {
			break
		}
	}
	return out
}
