package waygateprom_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/waygate-go/waygate/core/backend"
	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/flag"
	"github.com/waygate-go/waygate/core/route"
	waygateprom "github.com/waygate-go/waygate/otel/prom"
)

func newEngine(t *testing.T) *engine.Engine {
	t.Helper()
	ctx := context.Background()
	e, err := engine.New(ctx, engine.WithBackend(backend.NewMemory()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	var d route.Declaration
	d.Apply(route.Maintenance("DB migration"))
	if err := e.Register(ctx, engine.Registration{Method: "GET", Template: "/payments", Declaration: d}); err != nil {
		t.Fatal(err)
	}
	return e
}

func scrape(t *testing.T, h http.Handler) string {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", waygateprom.Path, nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("scrape: %d %s", rec.Code, rec.Body)
	}
	body, _ := io.ReadAll(rec.Body)
	return string(body)
}

// hasSeries reports whether the exposition has a sample of name whose
// labels include every label and whose value is value.
func hasSeries(text, name string, value string, labels ...string) bool {
	for _, line := range strings.Split(text, "\n") {
		rest, ok := strings.CutPrefix(line, name+"{")
		if !ok {
			continue
		}
		lbls, val, ok := strings.Cut(rest, "} ")
		if !ok || val != value {
			continue
		}
		all := true
		for _, l := range labels {
			all = all && strings.Contains(lbls, l)
		}
		if all {
			return true
		}
	}
	return false
}

// The handler serves the engine's decisions, flag evaluations and changes
// in the Prometheus text format.
func TestHandlerServesTheEngine(t *testing.T) {
	ctx := context.Background()
	e := newEngine(t)
	m, err := waygateprom.New(e)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	e.Check(ctx, &engine.Request{Method: "GET", Route: "/payments", Path: "/payments"})
	if _, err := e.CreateFlag(ctx, flag.NewBoolean("dark-mode")); err != nil {
		t.Fatal(err)
	}
	e.Flags().Bool("dark-mode", flag.EvaluationContext{Key: "u1"}, false)

	text := scrape(t, m)
	for _, want := range []struct {
		name, value string
		labels      []string
	}{
		{"waygate_requests_total", "1", []string{`route="GET:/payments"`, `method="GET"`, `outcome="maintenance"`}},
		{"waygate_flag_evaluations_total", "1", []string{`flag="dark-mode"`, `variation="off"`, `reason="FALLTHROUGH"`}},
		{"waygate_admin_mutations_total", "1", []string{`action="flag_created"`}},
	} {
		if !hasSeries(text, want.name, want.value, want.labels...) {
			t.Errorf("no %s%v %s in\n%s", want.name, want.labels, want.value, text)
		}
	}
	if !strings.Contains(text, "# TYPE waygate_requests_total counter") {
		t.Errorf("waygate_requests_total is not a counter:\n%s", text)
	}
	if m.MeterProvider() == nil || m.Registry() == nil {
		t.Error("no meter provider or registry")
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	if err := m.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
}

// WithRegistry serves the application's own collectors beside Waygate's.
func TestWithRegistry(t *testing.T) {
	reg := prometheus.NewRegistry()
	c := prometheus.NewCounter(prometheus.CounterOpts{Name: "shop_orders_total", Help: "Orders."})
	reg.MustRegister(c)
	c.Inc()
	e := newEngine(t)
	m, err := waygateprom.New(e, waygateprom.WithRegistry(reg))
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	e.Check(context.Background(), &engine.Request{Method: "GET", Route: "/payments", Path: "/payments"})
	text := scrape(t, m)
	if !strings.Contains(text, "shop_orders_total 1") || !hasSeries(text, "waygate_requests_total", "1", `route="GET:/payments"`) {
		t.Errorf("want both the application's and Waygate's series:\n%s", text)
	}
	if m.Registry() != reg {
		t.Error("Registry is not the one given")
	}
}
