package waygateotel_test

import (
	"context"
	"fmt"
	"log"

	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/waygate-go/waygate/core/backend"
	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/route"
	waygateotel "github.com/waygate-go/waygate/otel"
)

// New observes a running engine; the meter provider's reader (here an
// in-memory one, in production an OTLP or Prometheus exporter) collects
// the counters.
func Example() {
	ctx := context.Background()
	eng, err := engine.New(ctx, engine.WithBackend(backend.NewMemory()))
	if err != nil {
		log.Fatal(err)
	}
	defer eng.Close()
	var d route.Declaration
	d.Apply(route.Maintenance("DB migration"))
	if err := eng.Register(ctx, engine.Registration{Method: "GET", Template: "/payments", Declaration: d}); err != nil {
		log.Fatal(err)
	}

	reader := sdkmetric.NewManualReader()
	obs, err := waygateotel.New(eng, waygateotel.WithMeterProvider(sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))))
	if err != nil {
		log.Fatal(err)
	}
	defer obs.Close()

	// What a framework adapter does for each request.
	eng.Check(ctx, &engine.Request{Method: "GET", Route: "/payments", Path: "/payments"})

	var rm metricdata.ResourceMetrics
	if err := reader.Collect(ctx, &rm); err != nil {
		log.Fatal(err)
	}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if sum, ok := m.Data.(metricdata.Sum[int64]); ok && m.Name == waygateotel.MetricRequests {
				for _, p := range sum.DataPoints {
					route, _ := p.Attributes.Value("route")
					outcome, _ := p.Attributes.Value("outcome")
					fmt.Println(m.Name, route.AsString(), outcome.AsString(), p.Value)
				}
			}
		}
	}
	// Output: waygate.requests GET:/payments maintenance 1
}
