package webhook

import (
	"fmt"
	"strings"
	"time"

	"github.com/waygate-go/waygate/core/audit"
	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/flag"
	"github.com/waygate-go/waygate/core/ratelimit"
	"github.com/waygate-go/waygate/core/route"
)

// Event is one state change, as posted to webhooks (the default JSON
// payload) and streamed by the admin API's GET /api/events.
type Event struct {
	// Event is the audited action ("maintenance_on", "global_rl_set", ...);
	// empty for changes another instance made, seen on the event stream.
	Event string `json:"event"`
	// Kind is route, global, service, rate_limit, flag, segment or resync.
	Kind string `json:"kind"`
	// Path is the route key, "__global__", "__service:NAME__", the rate
	// limit's scope (a route key, "__global__" or "__service:NAME__"), or
	// "flag:KEY" / "segment:KEY" as in the audit log.
	Path string `json:"path"`
	// Service owns the route or configuration, if any.
	Service string `json:"service,omitempty"`
	// Reason is the route's or configuration's new reason.
	Reason string `json:"reason"`
	// Actor is who made the change ("scheduler" for window transitions).
	Actor string `json:"actor"`
	// Timestamp is when the engine made the change.
	Timestamp time.Time `json:"timestamp"`
	// State is the route's new state (route changes).
	State *route.State `json:"state,omitempty"`
	// Maintenance is the new configuration (global and service changes).
	Maintenance *route.MaintenanceConfig `json:"maintenance,omitempty"`
	// Flag is the flag's new definition (flag changes other than deletes).
	Flag *flag.Flag `json:"flag,omitempty"`
	// Segment is the segment's new definition (segment changes other than
	// deletes).
	Segment *flag.Segment `json:"segment,omitempty"`
	// RateLimit is the new policy (rate-limit changes other than deletes
	// and resets).
	RateLimit *ratelimit.Policy `json:"rate_limit,omitempty"`
}

// Audit-log paths of flags and segments, which events share.
const (
	flagPath    = "flag:"
	segmentPath = "segment:"
)

// EventOf describes an engine change.
func EventOf(c engine.Change) Event {
	ev := Event{Event: string(c.Action), Kind: string(c.Kind), Path: c.Key, Service: c.Service,
		Actor: c.Actor, Timestamp: c.Time.UTC(), State: c.Route, Maintenance: c.Maintenance, RateLimit: c.Policy}
	switch c.Kind {
	case engine.KindGlobal:
		ev.Path = audit.PathGlobal
	case engine.KindService:
		if ev.Service == "" {
			ev.Service = c.Key
		}
		ev.Path = audit.ServicePath(ev.Service)
	case engine.KindRoute:
		if c.Route != nil {
			st := withLists(*c.Route)
			ev.Service, ev.State = st.Service, &st
		}
	case engine.KindFlag:
		ev.Path, ev.Flag = flagPath+c.Key, c.Flag
	case engine.KindSegment:
		ev.Path, ev.Segment = segmentPath+c.Key, c.Segment
	}
	switch {
	case c.Route != nil:
		ev.Reason = c.Route.Reason
	case c.Maintenance != nil:
		ev.Reason = c.Maintenance.Reason
	}
	return ev
}

// eventOfForwarded describes a change a service's engine made, from the
// audit entry its SDK forwarded (path, actor and service as the server
// stamped them), with the new state as the server holds it.
func eventOfForwarded(e audit.Entry, eng *engine.Engine) Event {
	ev := Event{Event: string(e.Action), Kind: string(engine.KindRoute), Path: e.Path, Service: e.Service,
		Reason: e.Reason, Actor: e.Actor, Timestamp: e.Timestamp.UTC()}
	action := string(e.Action)
	switch {
	case strings.HasPrefix(action, "rl_") || strings.HasPrefix(action, "global_rl_") || strings.HasPrefix(action, "svc_rl_"):
		ev.Kind = string(engine.KindRateLimit)
	case e.Path == audit.PathGlobal:
		ev.Kind = string(engine.KindGlobal)
		m := eng.Maintenance(engine.GlobalScope())
		ev.Maintenance = &m
	case strings.HasPrefix(e.Path, "__service:"):
		ev.Kind = string(engine.KindService)
		m := eng.Maintenance(engine.ServiceScope(e.Service))
		ev.Maintenance = &m
	case strings.HasPrefix(e.Path, flagPath):
		ev.Kind = string(engine.KindFlag)
		if f, ok := eng.Flags().Flag(strings.TrimPrefix(e.Path, flagPath)); ok {
			ev.Flag = &f
		}
	case strings.HasPrefix(e.Path, segmentPath):
		ev.Kind = string(engine.KindSegment)
		if sg, ok := eng.Flags().Segment(strings.TrimPrefix(e.Path, segmentPath)); ok {
			ev.Segment = &sg
		}
	default:
		if st, err := eng.Route(e.Path); err == nil {
			st = withLists(st)
			ev.State = &st
		}
	}
	return ev
}

// withLists returns st with empty lists instead of nil ones, so the JSON
// shows [] rather than null.
func withLists(st route.State) route.State {
	if st.AllowedEnvs == nil {
		st.AllowedEnvs = []string{}
	}
	return st
}

// Formatter turns an event into the JSON payload of a webhook. Returning
// nil skips the event for that webhook.
type Formatter func(Event) any

// DefaultFormatter posts the Event itself.
func DefaultFormatter(ev Event) any { return ev }

// slackColors follow the reference: orange for maintenance, green for
// recovery (and a flag switched on), red for disable (and a flag switched
// off), blue for env gating, grey otherwise.
var slackColors = map[string]string{
	"maintenance_on": "#FFA500", "window_started": "#FFA500", "global_maintenance_on": "#FFA500", "service_maintenance_on": "#FFA500",
	"maintenance_off": "#36A64F", "enable": "#36A64F", "window_ended": "#36A64F", "global_maintenance_off": "#36A64F", "service_maintenance_off": "#36A64F",
	"disable": "#FF0000", "env_gate": "#439FE0", "deprecate": "#F2C744",
	"flag_enabled": "#36A64F", "flag_disabled": "#FF0000",
}

// SlackFormatter posts a Slack incoming-webhook attachment:
// {"attachments": [{"color", "text": "*EVENT*: `path`\n> reason", "footer": "waygate", "ts"}]}.
func SlackFormatter(ev Event) any {
	text := fmt.Sprintf("*%s*: `%s`", strings.ToUpper(ev.Event), ev.Path)
	if ev.Reason != "" {
		text += "\n> " + ev.Reason
	}
	color, found := slackColors[ev.Event]
	if !found {
		color = "#888888"
	}
	return map[string]any{"attachments": []map[string]any{{
		"color": color, "text": text, "footer": "waygate", "ts": ev.Timestamp.Unix(),
	}}}
}
