// Command chi is the Waygate demo on chi: go run ./examples/chi.
//
// Its API description (examples/internal/apidocs, shared by the demos) is
// served live, patched with Waygate's state, at /openapi.json and /docs;
// its metrics (waygateotel through the Prometheus exporter) at /metrics.
package main

import (
	"context"
	"net/http"

	"github.com/go-chi/chi/v5"

	waygatechi "github.com/waygate-go/waygate/adapters/chi"
	_ "github.com/waygate-go/waygate/examples/internal/apidocs" // registers the swag document
	"github.com/waygate-go/waygate/examples/internal/demo"
)

func main() {
	ctx := context.Background()
	e, err := demo.NewEngine(ctx)
	if err != nil {
		demo.Fatal(err)
	}
	defer e.Close()

	r := chi.NewRouter()
	r.Use(identify, waygatechi.Middleware(e))
	adm, err := demo.NewAdmin(e)
	if err != nil {
		demo.Fatal(err)
	}
	defer adm.Close()
	waygatechi.Mount(r, e, demo.AdminPrefix, adm)
	spec, ui, err := demo.NewDocs(e)
	if err != nil {
		demo.Fatal(err)
	}
	defer spec.Close()
	r.Method(http.MethodGet, demo.SpecPath, spec)
	waygatechi.Mount(r, e, demo.DocsPath, ui)
	metrics, err := demo.NewMetrics(e)
	if err != nil {
		demo.Fatal(err)
	}
	defer metrics.Close()
	r.Method(http.MethodGet, demo.MetricsPath, metrics)

	r.With(waygatechi.ForceActive()).Get("/health", health)
	r.With(waygatechi.Maintenance(demo.PaymentsReason)).Get("/payments", payments)
	r.Get("/orders", listOrders)
	r.Post("/orders", createOrder)
	r.Get("/orders/{id}", getOrder)
	r.With(waygatechi.Deprecated(demo.LegacySunset, demo.LegacySuccessor)).Get("/legacy/orders", legacyOrders)
	r.With(waygatechi.EnvOnly(demo.DebugEnvs...)).Get("/debug", debug)
	r.With(waygatechi.Disabled(demo.OldReportsReason)).Get("/old-reports", oldReports)
	r.With(waygatechi.RateLimit(demo.PostsLimit)).Get("/posts", posts)
	r.With(waygatechi.RateLimit(demo.ReportsLimit, demo.ReportsOptions...)).Get("/reports", reports)
	r.Get("/checkout", checkout(e))

	if err := waygatechi.Register(ctx, e, r); err != nil {
		demo.Fatal(err)
	}
	if err := demo.Run("chi", r); err != nil {
		demo.Fatal(err)
	}
}

// identify is the demo's auth layer: it tells Waygate who the user is and
// which plan they are on.
func identify(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if user := r.Header.Get(demo.UserHeader); user != "" {
			r = waygatechi.SetUser(r, user)
		}
		if plan := r.Header.Get(demo.PlanHeader); plan != "" {
			r = waygatechi.SetAttr(r, demo.PlanAttr, plan)
		}
		next.ServeHTTP(w, r)
	})
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", demo.ContentType)
	_, _ = w.Write(demo.JSON(v)) //nolint:gosec // G705: JSON from encoding/json, served as application/json
}
