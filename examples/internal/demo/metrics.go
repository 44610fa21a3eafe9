package demo

import (
	"github.com/waygate-go/waygate/core/engine"
	waygateprom "github.com/waygate-go/waygate/otel/prom"
)

// MetricsPath serves the engine's OpenTelemetry metrics to Prometheus
// (SPEC §14).
const MetricsPath = waygateprom.Path

// NewMetrics returns the handler of MetricsPath: the engine observed by
// waygateotel, exported by the OpenTelemetry Prometheus exporter. Waygate
// never checks the path, like the admin and the docs, so maintenance (a
// global one included) and rate limits never hide the metrics that show
// them. Close the handler on shutdown.
func NewMetrics(e *engine.Engine) (*waygateprom.Handler, error) {
	m, err := waygateprom.New(e)
	if err != nil {
		return nil, err
	}
	e.Unguard(MetricsPath)
	return m, nil
}
