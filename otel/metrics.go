package waygateotel

import (
	"context"
	"math"
	"sort"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"

	"github.com/waygate-go/waygate/core/engine"
)

// The instruments' names (Prometheus: dots become underscores, counters
// end in _total, seconds in _seconds).
const (
	MetricRequests        = "waygate.requests"
	MetricRateLimitChecks = "waygate.ratelimit.checks"
	MetricFailOpen        = "waygate.failopen"
	MetricFlagEvaluations = "waygate.flag.evaluations"
	MetricSyncLag         = "waygate.sync.lag"
	MetricMutations       = "waygate.admin.mutations"
)

// The attribute keys. Values are bounded: route keys are templates, never
// concrete paths, users or IPs.
const (
	attrRoute     = "route"
	attrMethod    = "method"
	attrOutcome   = "outcome"
	attrResult    = "result"
	attrComponent = "component"
	attrFlag      = "flag"
	attrVariation = "variation"
	attrReason    = "reason"
	attrAction    = "action"
)

// unknownReason is the reason label of evaluations recorded with a reason
// the flag package does not define (flag.Tally.Reason "").
const unknownReason = "UNKNOWN"

// The span annotations.
const (
	// SpanAttrRoute and SpanAttrOutcome are set on a decided request's
	// recording span.
	SpanAttrRoute   = "waygate.route"
	SpanAttrOutcome = "waygate.outcome"
	// EventBlocked is the span event of a blocked request; it carries
	// waygate.outcome and waygate.reason (the operator's words).
	EventBlocked = "waygate.blocked"
	// SpanMutation is the span of a change made through the engine; it
	// carries waygate.action and, when the change has one, waygate.route.
	SpanMutation = "waygate.mutation"

	spanAttrReason  = "waygate.reason"
	spanAttrAction  = "waygate.action"
	spanAttrService = "waygate.service"
)

// methods are the methods counted under their own name; others count as
// "_OTHER", as OpenTelemetry's HTTP conventions write it.
var methods = [...]string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "CONNECT", "TRACE", "_OTHER"}

func methodIndex(m string) int {
	switch m {
	case "GET":
		return 0
	case "HEAD":
		return 1
	case "POST":
		return 2
	case "PUT":
		return 3
	case "PATCH":
		return 4
	case "DELETE":
		return 5
	case "OPTIONS":
		return 6
	case "CONNECT":
		return 7
	case "TRACE":
		return 8
	}
	return len(methods) - 1
}

// numOutcomes and numResults size the counters by the engine's outcomes
// and rate-limit results (a test fails when the engine adds one).
const (
	numOutcomes = int(engine.BlockRateLimited) + 1
	numResults  = int(engine.RateLimitFailed) + 1
)

// instruments creates the instruments and registers the callback that
// reports the atomic counters.
func (o *Observer) instruments() error {
	m := o.cfg.meterProvider.Meter(ScopeName, metric.WithInstrumentationVersion(engine.Version()))
	requests, err := m.Int64ObservableCounter(MetricRequests, metric.WithUnit("{request}"),
		metric.WithDescription("Requests decided by Waygate, by route template, method and outcome."))
	if err != nil {
		return err
	}
	limits, err := m.Int64ObservableCounter(MetricRateLimitChecks, metric.WithUnit("{check}"),
		metric.WithDescription("Rate-limit checks by route template and result (allowed, limited, failed_open)."))
	if err != nil {
		return err
	}
	failOpen, err := m.Int64ObservableCounter(MetricFailOpen, metric.WithUnit("{failure}"),
		metric.WithDescription("Failures Waygate absorbed by serving on (fail-open), by component."))
	if err != nil {
		return err
	}
	flags, err := m.Int64ObservableCounter(MetricFlagEvaluations, metric.WithUnit("{evaluation}"),
		metric.WithDescription("Feature flag evaluations by flag, served variation and reason."))
	if err != nil {
		return err
	}
	if o.lag, err = m.Float64Gauge(MetricSyncLag, metric.WithUnit("s"),
		metric.WithDescription("Delay of the last change received from another instance, from its write to its arrival.")); err != nil {
		return err
	}
	if o.mutations, err = m.Int64Counter(MetricMutations, metric.WithUnit("{change}"),
		metric.WithDescription("Changes made through the engine (admin API, CLI, dashboard, code), by audit action.")); err != nil {
		return err
	}
	o.reg, err = m.RegisterCallback(func(_ context.Context, ob metric.Observer) error {
		o.observeRoutes(ob, requests, limits)
		o.observeFailOpen(ob, failOpen)
		o.observeFlags(ob, flags)
		return nil
	}, requests, limits, failOpen, flags)
	return err
}

// observeRoutes reports every non-zero request and rate-limit counter.
func (o *Observer) observeRoutes(ob metric.Observer, requests, limits metric.Int64ObservableCounter) {
	o.mu.Lock()
	routes := make([]*routeObserver, 0, len(o.routes))
	for _, r := range o.routes {
		routes = append(routes, r)
	}
	o.mu.Unlock()
	for _, r := range routes {
		for m := range r.requests {
			for out := range r.requests[m] {
				if n := r.requests[m][out].Load(); n > 0 {
					ob.ObserveInt64(requests, clamp(n), metric.WithAttributes(r.route,
						attribute.String(attrMethod, methods[m]), attribute.String(attrOutcome, engine.Outcome(out).String())))
				}
			}
		}
		for res := range r.limits {
			if n := r.limits[res].Load(); n > 0 {
				ob.ObserveInt64(limits, clamp(n), metric.WithAttributes(r.route,
					attribute.String(attrResult, engine.RateLimitResult(res).String())))
			}
		}
	}
}

// observeFailOpen reports the fail-open counts by component, zeros
// included for the components the engine names: an alert on the counter's
// increase then sees the first failure too.
func (o *Observer) observeFailOpen(ob metric.Observer, failOpen metric.Int64ObservableCounter) {
	for i, c := range knownComponents {
		ob.ObserveInt64(failOpen, clamp(o.failOpen[i].Load()), metric.WithAttributes(attribute.String(attrComponent, c)))
	}
	o.failOpenMu.Lock()
	defer o.failOpenMu.Unlock()
	others := make([]string, 0, len(o.failOther))
	for c := range o.failOther {
		others = append(others, c)
	}
	sort.Strings(others)
	for _, c := range others {
		ob.ObserveInt64(failOpen, clamp(o.failOther[c]), metric.WithAttributes(attribute.String(attrComponent, c)))
	}
}

// observeFlags reports the flag recorder's tallies. A flag whose counts
// were reset (Recorder.ResetCounts) starts again from zero, which
// Prometheus reads as a counter reset.
func (o *Observer) observeFlags(ob metric.Observer, flags metric.Int64ObservableCounter) {
	if o.flags == nil {
		return
	}
	for _, t := range o.flags.Tallies() {
		reason := string(t.Reason)
		if reason == "" {
			reason = unknownReason
		}
		ob.ObserveInt64(flags, clamp(t.Count), metric.WithAttributes(attribute.String(attrFlag, t.Flag),
			attribute.String(attrVariation, t.Variation), attribute.String(attrReason, reason)))
	}
}

// clamp converts a count to the int64 an instrument reports.
func clamp(n uint64) int64 {
	if n > math.MaxInt64 {
		return math.MaxInt64
	}
	return int64(n)
}
