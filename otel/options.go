package waygateotel

import (
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"
)

// Option configures an Observer.
type Option interface{ apply(*config) }

type optionFunc func(*config)

func (f optionFunc) apply(c *config) { f(c) }

type config struct {
	meterProvider  metric.MeterProvider
	tracerProvider trace.TracerProvider
	spans          bool // annotate request spans: false with a no-op tracer provider
}

func newConfig(opts []Option) config {
	var c config
	for _, o := range opts {
		if o != nil {
			o.apply(&c)
		}
	}
	if c.meterProvider == nil {
		c.meterProvider = otel.GetMeterProvider()
	}
	if c.tracerProvider == nil {
		c.tracerProvider = otel.GetTracerProvider()
	}
	_, noSpans := c.tracerProvider.(noop.TracerProvider)
	c.spans = !noSpans
	return c
}

// WithMeterProvider sets the meter provider the instruments are created
// with.
// Optional. Default: otel.GetMeterProvider(), the global one.
func WithMeterProvider(mp metric.MeterProvider) Option {
	return optionFunc(func(c *config) { c.meterProvider = mp })
}

// WithTracerProvider sets the tracer provider of the spans that record
// changes (see Observer.Mutated). Request spans are the ones already in
// the request's context, whoever started them. A no-op provider
// (go.opentelemetry.io/otel/trace/noop) turns every span annotation off,
// and with it the context lookup a request costs.
// Optional. Default: otel.GetTracerProvider(), the global one.
func WithTracerProvider(tp trace.TracerProvider) Option {
	return optionFunc(func(c *config) { c.tracerProvider = tp })
}
