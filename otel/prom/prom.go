// Package waygateprom serves a Waygate engine's OpenTelemetry metrics (see
// package waygateotel) in the Prometheus exposition format: a meter
// provider with the OpenTelemetry Prometheus exporter, on a registry of
// its own, behind one http.Handler. The demos and `waygate serve` mount
// it at /metrics.
//
//	m, err := waygateprom.New(eng)
//	if err != nil { ... }
//	defer m.Close()
//	eng.Unguard(waygateprom.Path) // never blocked, never rate limited
//	mux.Handle("GET "+waygateprom.Path, m)
//
// An application that already has a meter provider uses waygateotel with
// it instead, with the exporter it chose.
package waygateprom

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	otelprom "go.opentelemetry.io/otel/exporters/prometheus"
	"go.opentelemetry.io/otel/metric"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"

	"github.com/waygate-go/waygate/core/engine"
	waygateotel "github.com/waygate-go/waygate/otel"
)

// Path is where the demos and `waygate serve` serve the metrics.
const Path = "/metrics"

// Handler serves the metrics of one engine to Prometheus scrapes.
type Handler struct {
	handler  http.Handler
	registry *prometheus.Registry
	provider *sdkmetric.MeterProvider
	observer *waygateotel.Observer

	closeOnce sync.Once
	closeErr  error
}

// Option configures New.
type Option interface{ apply(*config) }

type optionFunc func(*config)

func (f optionFunc) apply(c *config) { f(c) }

type config struct {
	registry *prometheus.Registry
	observer []waygateotel.Option
}

// WithRegistry gathers the metrics in reg, so the handler also serves what
// else the application registered there (and reg's own gatherers see
// Waygate's).
// Optional. Default: a new registry of the handler's own (never
// Prometheus' global one).
func WithRegistry(reg *prometheus.Registry) Option {
	return optionFunc(func(c *config) { c.registry = reg })
}

// WithObserverOptions passes options to waygateotel.New (a tracer
// provider, say). The meter provider is the handler's.
// Optional. Default: none.
func WithObserverOptions(opts ...waygateotel.Option) Option {
	return optionFunc(func(c *config) { c.observer = append(c.observer, opts...) })
}

// New starts observing eng (waygateotel.New) with a meter provider that
// exports to Prometheus, and returns the handler that serves the result.
func New(eng *engine.Engine, opts ...Option) (*Handler, error) {
	var cfg config
	for _, o := range opts {
		if o != nil {
			o.apply(&cfg)
		}
	}
	if cfg.registry == nil {
		cfg.registry = prometheus.NewRegistry()
	}
	// The series carry no otel_scope_* labels: the waygate_ prefix already
	// says where they come from.
	exp, err := otelprom.New(otelprom.WithRegisterer(cfg.registry), otelprom.WithoutScopeInfo())
	if err != nil {
		return nil, fmt.Errorf("waygateprom: %w", err)
	}
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(exp))
	obs, err := waygateotel.New(eng, append(cfg.observer, waygateotel.WithMeterProvider(mp))...)
	if err != nil {
		return nil, errors.Join(err, mp.Shutdown(context.Background()))
	}
	return &Handler{
		handler:  promhttp.HandlerFor(cfg.registry, promhttp.HandlerOpts{}),
		registry: cfg.registry,
		provider: mp,
		observer: obs,
	}, nil
}

// ServeHTTP answers a scrape.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) { h.handler.ServeHTTP(w, r) }

// MeterProvider returns the meter provider the handler exports: the
// application's own instruments created with it are served too.
func (h *Handler) MeterProvider() metric.MeterProvider { return h.provider }

// Registry returns the Prometheus registry the handler serves.
func (h *Handler) Registry() *prometheus.Registry { return h.registry }

// Close stops observing the engine and shuts the meter provider down;
// later calls return what the first returned.
func (h *Handler) Close() error {
	h.closeOnce.Do(func() {
		h.closeErr = errors.Join(h.observer.Close(), h.provider.Shutdown(context.Background()))
	})
	return h.closeErr
}
