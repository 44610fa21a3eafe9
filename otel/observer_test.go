package waygateotel_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"

	"github.com/waygate-go/waygate/core/backend"
	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/flag"
	"github.com/waygate-go/waygate/core/ratelimit"
	"github.com/waygate-go/waygate/core/route"
	waygateotel "github.com/waygate-go/waygate/otel"
)

func reg(method, tmpl string, opts ...route.Option) engine.Registration {
	var d route.Declaration
	d.Apply(opts...)
	return engine.Registration{Method: method, Template: tmpl, Declaration: d}
}

// fixture is an engine observed through an in-memory metric reader and a
// span recorder.
type fixture struct {
	t      *testing.T
	eng    *engine.Engine
	obs    *waygateotel.Observer
	reader *sdkmetric.ManualReader
	spans  *tracetest.SpanRecorder
	tracer trace.Tracer
}

func newFixture(t *testing.T, opts ...engine.Option) *fixture {
	t.Helper()
	ctx := context.Background()
	eng, err := engine.New(ctx, append([]engine.Option{engine.WithBackend(backend.NewMemory()), engine.WithEnv("production"),
		engine.WithLogger(slog.New(slog.DiscardHandler))}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { eng.Close() })
	if err := eng.Register(ctx,
		reg("GET", "/orders/:id"),
		reg("GET", "/payments", route.Maintenance("DB migration")),
		reg("GET", "/posts", route.RateLimit("2/minute")),
		reg("GET", "/debug", route.EnvOnly("dev")),
	); err != nil {
		t.Fatal(err)
	}
	reader := sdkmetric.NewManualReader()
	spans := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(spans))
	obs, err := waygateotel.New(eng,
		waygateotel.WithMeterProvider(sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))),
		waygateotel.WithTracerProvider(tp))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { obs.Close() })
	return &fixture{t: t, eng: eng, obs: obs, reader: reader, spans: spans, tracer: tp.Tracer("test")}
}

// check decides one request from 192.0.2.1 inside a span named after it.
func (f *fixture) check(method, tmpl, path string) engine.Outcome {
	ctx, span := f.tracer.Start(context.Background(), method+" "+path)
	defer span.End()
	d := f.eng.Check(ctx, &engine.Request{Method: method, Route: tmpl, Path: path, RemoteAddr: "192.0.2.1:1234"})
	return d.Outcome
}

// points collects the metrics and returns one instrument's data points as
// "k=v,k=v" → value.
func (f *fixture) points(name string) map[string]float64 {
	f.t.Helper()
	var rm metricdata.ResourceMetrics
	if err := f.reader.Collect(context.Background(), &rm); err != nil {
		f.t.Fatal(err)
	}
	for _, sm := range rm.ScopeMetrics {
		if sm.Scope.Name != waygateotel.ScopeName {
			continue
		}
		for _, m := range sm.Metrics {
			if m.Name != name {
				continue
			}
			out := map[string]float64{}
			switch d := m.Data.(type) {
			case metricdata.Sum[int64]:
				if !d.IsMonotonic || d.Temporality != metricdata.CumulativeTemporality {
					f.t.Errorf("%s is not a cumulative monotonic sum: %+v", name, d)
				}
				for _, p := range d.DataPoints {
					out[label(p.Attributes)] = float64(p.Value)
				}
			case metricdata.Gauge[float64]:
				for _, p := range d.DataPoints {
					out[label(p.Attributes)] = p.Value
				}
			default:
				f.t.Fatalf("%s has data %T", name, m.Data)
			}
			return out
		}
	}
	return nil
}

func label(s attribute.Set) string {
	var parts []string
	for _, kv := range s.ToSlice() {
		parts = append(parts, string(kv.Key)+"="+kv.Value.String())
	}
	return strings.Join(parts, ",")
}

// attrOf returns a span's string attribute.
func attrOf(s sdktrace.ReadOnlySpan, key string) string {
	for _, kv := range s.Attributes() {
		if string(kv.Key) == key {
			return kv.Value.AsString()
		}
	}
	return ""
}

func equal(t *testing.T, what string, got, want map[string]float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s:\n got %v\nwant %v", what, got, want)
		return
	}
	for k, v := range want {
		if g, ok := got[k]; !ok || g != v {
			t.Errorf("%s:\n got %v\nwant %v", what, got, want)
			return
		}
	}
}

// Decisions are counted per route template, method and outcome, and
// rate-limit checks per route and result; concrete paths never show.
func TestRequestsAndRateLimitChecks(t *testing.T) {
	f := newFixture(t)
	f.check("GET", "/orders/:id", "/orders/1")
	f.check("GET", "/orders/:id", "/orders/2")
	f.check("GET", "/payments", "/payments")
	f.check("GET", "/debug", "/debug")
	for range 3 {
		f.check("GET", "/posts", "/posts")
	}
	f.check("GET", "", "/nowhere")
	f.check("BREW", "", "/pot")

	equal(t, waygateotel.MetricRequests, f.points(waygateotel.MetricRequests), map[string]float64{
		"method=GET,outcome=allow,route=GET:/orders/{id}":    2,
		"method=GET,outcome=maintenance,route=GET:/payments": 1,
		"method=GET,outcome=not_found,route=GET:/debug":      1,
		"method=GET,outcome=allow,route=GET:/posts":          2,
		"method=GET,outcome=rate_limited,route=GET:/posts":   1,
		"method=GET,outcome=allow,route=(unmatched)":         1,
		"method=_OTHER,outcome=allow,route=(unmatched)":      1,
	})
	equal(t, waygateotel.MetricRateLimitChecks, f.points(waygateotel.MetricRateLimitChecks), map[string]float64{
		"result=allowed,route=GET:/posts": 2,
		"result=limited,route=GET:/posts": 1,
	})

	// The counters are cumulative and survive the snapshot a change builds.
	if _, err := f.eng.Disable(context.Background(), "GET:/orders/{id}", "broken"); err != nil {
		t.Fatal(err)
	}
	f.check("GET", "/orders/:id", "/orders/3")
	got := f.points(waygateotel.MetricRequests)
	if got["method=GET,outcome=allow,route=GET:/orders/{id}"] != 2 || got["method=GET,outcome=disabled,route=GET:/orders/{id}"] != 1 {
		t.Errorf("after disabling the route: %v", got)
	}
}

// A blocked request's recording span gets the route, the outcome and a
// waygate.blocked event with the reason; an allowed one only the
// attributes.
func TestSpans(t *testing.T) {
	f := newFixture(t)
	f.check("GET", "/payments", "/payments")
	f.check("GET", "/orders/:id", "/orders/7")
	// Without a span, or with one that is not recording, nothing happens.
	f.eng.Check(context.Background(), &engine.Request{Method: "GET", Route: "/payments", Path: "/payments"})
	ctx := trace.ContextWithSpanContext(context.Background(), trace.SpanContext{})
	f.eng.Check(ctx, &engine.Request{Method: "GET", Route: "/payments", Path: "/payments"})

	ended := f.spans.Ended()
	if len(ended) != 2 {
		t.Fatalf("%d spans ended, want the two the test started", len(ended))
	}
	for _, tc := range []struct {
		span, route, outcome string
		event                map[string]string
	}{
		{"GET /payments", "GET:/payments", "maintenance", map[string]string{"waygate.outcome": "maintenance", "waygate.reason": "DB migration"}},
		{"GET /orders/7", "GET:/orders/{id}", "allow", nil},
	} {
		i := slices.IndexFunc(ended, func(s sdktrace.ReadOnlySpan) bool { return s.Name() == tc.span })
		if i < 0 {
			t.Fatalf("no span %q", tc.span)
		}
		s := ended[i]
		if got := attrOf(s, waygateotel.SpanAttrRoute); got != tc.route {
			t.Errorf("%s: %s = %q, want %q", tc.span, waygateotel.SpanAttrRoute, got, tc.route)
		}
		if got := attrOf(s, waygateotel.SpanAttrOutcome); got != tc.outcome {
			t.Errorf("%s: %s = %q, want %q", tc.span, waygateotel.SpanAttrOutcome, got, tc.outcome)
		}
		events := s.Events()
		if tc.event == nil {
			if len(events) != 0 {
				t.Errorf("%s: events %v, want none", tc.span, events)
			}
			continue
		}
		if len(events) != 1 || events[0].Name != waygateotel.EventBlocked {
			t.Fatalf("%s: events %v, want one %s", tc.span, events, waygateotel.EventBlocked)
		}
		got := map[string]string{}
		for _, kv := range events[0].Attributes {
			got[string(kv.Key)] = kv.Value.AsString()
		}
		if fmt.Sprint(got) != fmt.Sprint(tc.event) {
			t.Errorf("%s: event attributes %v, want %v", tc.span, got, tc.event)
		}
	}
}

// Flag evaluations are counted by flag, variation and reason, read from
// the engine's recorder (evaluations before New included).
func TestFlagEvaluations(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	fl := flag.NewBoolean("new-checkout")
	fl.Rules = []flag.Rule{{ID: "pro", Clauses: []flag.Clause{{Attribute: "plan", Operator: flag.OpIs, Values: []any{"pro"}}}, Variation: "on"}}
	fl.Targets = map[string][]string{"on": {"vip"}}
	if _, err := f.eng.CreateFlag(ctx, fl); err != nil {
		t.Fatal(err)
	}
	pro := flag.EvaluationContext{Key: "u1", Attributes: map[string]any{"plan": "pro"}}
	f.eng.Flags().Bool("new-checkout", pro, false)
	f.eng.Flags().Bool("new-checkout", pro, false)
	f.eng.Flags().Bool("new-checkout", flag.EvaluationContext{Key: "u2"}, false)
	f.eng.Flags().Bool("new-checkout", flag.EvaluationContext{Key: "vip"}, false)
	equal(t, waygateotel.MetricFlagEvaluations, f.points(waygateotel.MetricFlagEvaluations), map[string]float64{
		"flag=new-checkout,reason=RULE_MATCH,variation=on":   2,
		"flag=new-checkout,reason=FALLTHROUGH,variation=off": 1,
		"flag=new-checkout,reason=TARGET_MATCH,variation=on": 1,
	})
}

// Changes are counted by action and recorded as spans; the sync lag is a
// gauge in seconds.
func TestMutationsAndLag(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	if _, err := f.eng.SetMaintenance(ctx, "GET:/orders/{id}", "deploy"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.eng.CreateFlag(ctx, flag.NewBoolean("dark-mode")); err != nil {
		t.Fatal(err)
	}
	equal(t, waygateotel.MetricMutations, f.points(waygateotel.MetricMutations), map[string]float64{
		"action=maintenance_on": 1,
		"action=flag_created":   1,
	})
	var mutation sdktrace.ReadOnlySpan
	for _, s := range f.spans.Ended() {
		if s.Name() == waygateotel.SpanMutation && s.SpanKind() == trace.SpanKindInternal {
			if attrOf(s, "waygate.action") == "maintenance_on" {
				mutation = s
			}
		}
	}
	if mutation == nil {
		t.Fatalf("no %s span for maintenance_on among %d spans", waygateotel.SpanMutation, len(f.spans.Ended()))
	}
	if got := attrOf(mutation, waygateotel.SpanAttrRoute); got != "GET:/orders/{id}" {
		t.Errorf("mutation span route %q", got)
	}

	if got := f.points(waygateotel.MetricSyncLag); len(got) != 0 {
		t.Errorf("a lag before any change arrived: %v", got)
	}
	f.obs.Synced(1500 * time.Millisecond)
	equal(t, waygateotel.MetricSyncLag, f.points(waygateotel.MetricSyncLag), map[string]float64{"": 1.5})
}

// downStore is a rate-limit store that is down.
type downStore struct{ ratelimit.Store }

func (downStore) Take(context.Context, ratelimit.Key, ratelimit.Algorithm, []ratelimit.Rate, int64) (ratelimit.Result, error) {
	return ratelimit.Result{}, errors.New("connection refused")
}

// With the rate-limit store down, requests pass, and the checks and the
// failures are counted.
func TestFailOpen(t *testing.T) {
	f := newFixture(t, engine.WithRateLimitStore(downStore{}))
	for range 3 {
		if got := f.check("GET", "/posts", "/posts"); got != engine.Allow {
			t.Fatalf("outcome %v with the store down, want allow", got)
		}
	}
	equal(t, waygateotel.MetricFailOpen, f.points(waygateotel.MetricFailOpen), map[string]float64{"component=ratelimit": 3, "component=backend": 0})
	equal(t, waygateotel.MetricRateLimitChecks, f.points(waygateotel.MetricRateLimitChecks), map[string]float64{
		"result=failed_open,route=GET:/posts": 3,
	})
	f.obs.FailedOpen("disk", errors.New("full")) // a component the engine may name one day
	if got := f.points(waygateotel.MetricFailOpen); got["component=disk"] != 1 {
		t.Errorf("an unknown component: %v", got)
	}
}

// After Close nothing is reported.
func TestClose(t *testing.T) {
	f := newFixture(t)
	f.check("GET", "/orders/:id", "/orders/1")
	if len(f.points(waygateotel.MetricRequests)) != 1 {
		t.Fatal("nothing reported before Close")
	}
	if err := f.obs.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.obs.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	f.check("GET", "/orders/:id", "/orders/1")
	if got := f.points(waygateotel.MetricRequests); len(got) != 0 {
		t.Errorf("reported after Close: %v", got)
	}
	if _, err := waygateotel.New(nil); !errors.Is(err, waygateotel.ErrNoEngine) {
		t.Error("New(nil) succeeded")
	}
}

// Requests, changes and collections may run at once.
func TestConcurrent(t *testing.T) {
	f := newFixture(t)
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 200 {
				f.eng.Check(context.Background(), &engine.Request{Method: "GET", Route: "/orders/:id", Path: fmt.Sprint("/orders/", g, i)})
			}
		})
	}
	wg.Go(func() {
		for range 20 {
			f.points(waygateotel.MetricRequests)
		}
	})
	wg.Go(func() {
		for i := range 10 {
			f.eng.Register(context.Background(), reg("GET", fmt.Sprint("/new/", i)))
		}
	})
	wg.Wait()
	if got := f.points(waygateotel.MetricRequests)["method=GET,outcome=allow,route=GET:/orders/{id}"]; got != 800 {
		t.Errorf("counted %v of 800", got)
	}
}

// A no-op tracer provider turns span annotation off; the metrics stay.
func TestNoopTracerProviderLeavesSpansAlone(t *testing.T) {
	ctx := context.Background()
	eng, err := engine.New(ctx, engine.WithBackend(backend.NewMemory()))
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	if err := eng.Register(ctx, reg("GET", "/payments", route.Maintenance("DB migration"))); err != nil {
		t.Fatal(err)
	}
	reader := sdkmetric.NewManualReader()
	obs, err := waygateotel.New(eng, waygateotel.WithMeterProvider(sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))),
		waygateotel.WithTracerProvider(noop.NewTracerProvider()))
	if err != nil {
		t.Fatal(err)
	}
	defer obs.Close()
	spans := tracetest.NewSpanRecorder()
	sctx, span := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(spans)).Tracer("app").Start(ctx, "GET /payments")
	eng.Check(sctx, &engine.Request{Method: "GET", Route: "/payments", Path: "/payments"})
	span.End()
	if s := spans.Ended()[0]; len(s.Attributes()) != 0 || len(s.Events()) != 0 {
		t.Errorf("the span was annotated: %v %v", s.Attributes(), s.Events())
	}
	f := &fixture{t: t, reader: reader}
	if got := f.points(waygateotel.MetricRequests); got["method=GET,outcome=maintenance,route=GET:/payments"] != 1 {
		t.Errorf("requests %v", got)
	}
}
