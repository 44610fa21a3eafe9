// Package waygateotel reports what a Waygate engine decides as
// OpenTelemetry metrics and span annotations. It implements the engine's
// observation hook (engine.Observer) with the OpenTelemetry API only: the
// application picks the SDK and the exporter (OTLP, Prometheus — see
// package waygateprom for a ready /metrics endpoint).
//
//	obs, err := waygateotel.New(eng, waygateotel.WithMeterProvider(mp))
//	if err != nil { ... }
//	defer obs.Close()
//
// # Metrics
//
// Every instrument's attributes are bounded: route keys are the templates
// the routes were declared with ("GET:/orders/{id}"), never concrete
// paths, users or IP addresses.
//
//	waygate.requests          counter  route, method, outcome
//	waygate.ratelimit.checks  counter  route, result
//	waygate.failopen          counter  component
//	waygate.flag.evaluations  counter  flag, variation, reason
//	waygate.sync.lag          gauge    (seconds)
//	waygate.admin.mutations   counter  action
//
// outcome is allow, maintenance, disabled, not_found or rate_limited;
// method one of the nine standard HTTP methods or _OTHER; result allowed,
// limited or failed_open (the store failed and the request passed);
// component backend or ratelimit; reason a flag evaluation reason
// (TARGET_MATCH, RULE_MATCH, FALLTHROUGH, OFF, PREREQUISITE_FAIL, ERROR,
// DEFAULT); action an audit action (maintenance_on, flag_updated, ...).
// Requests that matched no route count under route [UnmatchedRoute];
// requests to unguarded paths (the admin mount, API docs, /metrics) are
// not decided, so not counted. Through Prometheus the names become
// waygate_requests_total, waygate_ratelimit_checks_total,
// waygate_failopen_total, waygate_flag_evaluations_total,
// waygate_sync_lag_seconds and waygate_admin_mutations_total.
//
// # Cost
//
// The request path never calls the OpenTelemetry SDK. Each route's
// observer keeps atomic counters by method and outcome, and a request
// costs a method lookup and one atomic add (plus one for each rate-limit
// check); an observable-counter callback reads the counters when the
// metrics are collected. Flag evaluations are read the same way from the
// engine's flag recorder (flag.Recorder.Tallies), which counts them with
// one atomic add each. Fail-open events are counted in atomic counters
// too, since during an outage of the rate-limit store they happen on every
// request. Changes and sync lag are rare and recorded with synchronous
// instruments. With the metrics on, an allowed request costs about ten
// nanoseconds more than without the hook and allocates nothing more
// (BenchmarkCheck_Observed against BenchmarkCheck_Bare).
//
// # Traces
//
// When the request's context carries a recording span (started by
// otelhttp, otelgin, ...), its decision sets waygate.route and
// waygate.outcome on the span, and a blocked request adds a
// waygate.blocked event with waygate.outcome and waygate.reason (the
// operator's words). A span that is not recording costs one context
// lookup; with a no-op tracer provider (WithTracerProvider with
// go.opentelemetry.io/otel/trace/noop) no span is looked up. Every change
// made through the engine is a waygate.mutation span (waygate.action,
// waygate.route) from the configured tracer provider, a child of the
// request that made it.
package waygateotel
