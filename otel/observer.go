package waygateotel

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"

	"github.com/waygate-go/waygate/core/audit"
	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/flag"
)

// ScopeName is the instrumentation scope of the meter and the tracer.
const ScopeName = "github.com/waygate-go/waygate/otel"

// ErrNoEngine is returned by New without an engine to observe.
var ErrNoEngine = errors.New("waygateotel: New needs an engine")

// UnmatchedRoute is the route label of requests that matched no route of
// the engine. Route keys always hold a "/", so it names no real route.
const UnmatchedRoute = "(unmatched)"

// Observer reports an engine's decisions, rate-limit checks, fail-open
// events, flag evaluations, sync lag and changes as OpenTelemetry metrics,
// and annotates the spans of blocked requests. New creates it and adds it
// to the engine; see the package documentation for the instruments.
type Observer struct {
	cfg    config
	flags  *flag.Recorder // nil when the engine records no evaluations
	tracer trace.Tracer

	mu     sync.Mutex
	routes map[string]*routeObserver // by route key; only grows

	failOpen   [len(knownComponents)]atomic.Uint64
	failOpenMu sync.Mutex
	failOther  map[string]uint64 // components the engine does not name today

	mutations metric.Int64Counter
	lag       metric.Float64Gauge
	reg       metric.Registration
	closed    atomic.Bool
}

var _ engine.Observer = (*Observer)(nil)

// New creates the instruments, registers the callback that reports the
// counters, and adds the observer to eng (engine.Internals.AddObserver), so requests
// decided from now on are counted. It takes the engine rather than being
// handed to engine.WithObserver because the flag evaluation counts are
// read from the engine's flag recorder, and because engines are often
// built by code that reads their configuration (engine.New with
// $WAYGATE_BACKEND): one call wires a running engine. What the engine did
// before — a backend failure during engine.New, say — is not counted here
// (the engine's Stats and log have it); flag evaluations are, since the
// recorder counts from the start.
//
// Call Close when the meter provider outlives the engine.
func New(eng *engine.Engine, opts ...Option) (*Observer, error) {
	if eng == nil {
		return nil, ErrNoEngine
	}
	o := &Observer{
		cfg:    newConfig(opts),
		flags:  eng.Flags().Recorder(),
		routes: map[string]*routeObserver{},
	}
	o.tracer = o.cfg.tracerProvider.Tracer(ScopeName, trace.WithInstrumentationVersion(engine.Version()))
	if err := o.instruments(); err != nil {
		return nil, fmt.Errorf("waygateotel: %w", err)
	}
	engine.InternalsOf(eng).AddObserver(o)
	return o, nil
}

// Close stops reporting: the callback is unregistered and changes are no
// longer recorded. The engine keeps calling the observer (it has no way to
// drop one), which then costs an atomic add per request until the engine
// is closed.
func (o *Observer) Close() error {
	if o.closed.Swap(true) {
		return nil
	}
	return o.reg.Unregister()
}

// Route returns the observer of one route's requests, the same one for the
// same key. The engine calls it when it builds its snapshot.
func (o *Observer) Route(key string) engine.RouteObserver {
	o.mu.Lock()
	defer o.mu.Unlock()
	r := o.routes[key]
	if r == nil {
		label := key
		if label == "" {
			label = UnmatchedRoute
		}
		r = &routeObserver{route: attribute.String(attrRoute, label), spanRoute: attribute.String(SpanAttrRoute, label),
			spans: o.cfg.spans}
		o.routes[key] = r
	}
	return r
}

// knownComponents are the fail-open components the engine names; others
// are counted too, under their own name.
var knownComponents = [...]string{"backend", "ratelimit"}

// FailedOpen counts a failure the engine absorbed. During an outage of the
// rate-limit store it runs on every request: it is one atomic add.
func (o *Observer) FailedOpen(component string, _ error) {
	for i, c := range knownComponents {
		if c == component {
			o.failOpen[i].Add(1)
			return
		}
	}
	o.failOpenMu.Lock()
	defer o.failOpenMu.Unlock()
	if o.failOther == nil {
		o.failOther = map[string]uint64{}
	}
	o.failOther[component]++
}

// Synced records the lag of a change that arrived from another engine.
func (o *Observer) Synced(lag time.Duration) {
	if o.closed.Load() {
		return
	}
	o.lag.Record(context.Background(), lag.Seconds())
}

// Mutated counts a change by action and records it as a span, a child of
// the span in ctx if any (the admin request that made it), so a trace
// shows what was changed and a change made outside any request (a
// scheduled window starting) is a trace of its own.
func (o *Observer) Mutated(ctx context.Context, e audit.Entry) {
	if o.closed.Load() {
		return
	}
	o.mutations.Add(ctx, 1, metric.WithAttributes(attribute.String(attrAction, string(e.Action))))
	attrs := []attribute.KeyValue{attribute.String(spanAttrAction, string(e.Action))}
	if e.Path != "" {
		attrs = append(attrs, attribute.String(SpanAttrRoute, e.Path))
	}
	if e.Service != "" {
		attrs = append(attrs, attribute.String(spanAttrService, e.Service))
	}
	_, span := o.tracer.Start(ctx, SpanMutation, trace.WithSpanKind(trace.SpanKindInternal), trace.WithAttributes(attrs...))
	span.End()
}

// routeObserver counts one route's decisions and rate-limit checks in
// atomic counters the metrics callback reads: what a request costs is a
// method lookup and one atomic add, plus a context lookup for its span.
type routeObserver struct {
	route     attribute.KeyValue // the metric label, built once
	spanRoute attribute.KeyValue // the span attribute
	spans     bool               // annotate the request's span
	requests  [len(methods)][numOutcomes]atomic.Uint64
	limits    [numResults]atomic.Uint64
}

// Decided counts the decision and, when the request's span is recording,
// sets waygate.route and waygate.outcome on it and adds a waygate.blocked
// event with the outcome and the operator's reason to a blocked one.
func (r *routeObserver) Decided(ctx context.Context, method string, outcome engine.Outcome, reason string) {
	if int(outcome) < numOutcomes {
		r.requests[methodIndex(method)][outcome].Add(1)
	}
	if !r.spans {
		return
	}
	span := trace.SpanFromContext(ctx)
	if !span.IsRecording() {
		return
	}
	out := attribute.String(SpanAttrOutcome, outcome.String())
	span.SetAttributes(r.spanRoute, out)
	if outcome != engine.Allow {
		span.AddEvent(EventBlocked, trace.WithAttributes(out, attribute.String(spanAttrReason, reason)))
	}
}

// RateLimitChecked counts a rate-limit check by result.
func (r *routeObserver) RateLimitChecked(_ context.Context, res engine.RateLimitResult) {
	if int(res) < numResults {
		r.limits[res].Add(1)
	}
}
