// Command nethttp is the Waygate demo on net/http: go run ./examples/nethttp.
//
// Its API description (examples/internal/apidocs, shared by the four demos)
// is served live, patched with Waygate's state, at /openapi.json and /docs;
// its metrics (waygateotel through the Prometheus exporter) at /metrics.
package main

import (
	"context"
	"net/http"

	waygatehttp "github.com/waygate-go/waygate/adapters/nethttp"
	_ "github.com/waygate-go/waygate/examples/internal/apidocs" // registers the swag document
	"github.com/waygate-go/waygate/examples/internal/demo"
)

func main() {
	e, err := demo.NewEngine(context.Background())
	if err != nil {
		demo.Fatal(err)
	}
	defer e.Close()

	mux := waygatehttp.NewServeMux(e)
	adm, err := demo.NewAdmin(e)
	if err != nil {
		demo.Fatal(err)
	}
	defer adm.Close()
	mux.Mount(demo.AdminPrefix, adm)
	spec, ui, err := demo.NewDocs(e)
	if err != nil {
		demo.Fatal(err)
	}
	defer spec.Close()
	mux.Handle("GET "+demo.SpecPath, spec)
	mux.Mount(demo.DocsPath, ui)
	mux.Handle("GET "+demo.DocsPath, ui) // the page without the trailing slash, as on the other frameworks
	metrics, err := demo.NewMetrics(e)
	if err != nil {
		demo.Fatal(err)
	}
	defer metrics.Close()
	mux.Handle("GET "+demo.MetricsPath, metrics)

	mux.HandleFunc("GET /health", health, waygatehttp.ForceActive())
	mux.HandleFunc("GET /payments", payments, waygatehttp.Maintenance(demo.PaymentsReason))
	mux.HandleFunc("GET /orders", listOrders)
	mux.HandleFunc("POST /orders", createOrder)
	mux.HandleFunc("GET /orders/{id}", getOrder)
	mux.HandleFunc("GET /legacy/orders", legacyOrders, waygatehttp.Deprecated(demo.LegacySunset, demo.LegacySuccessor))
	mux.HandleFunc("GET /debug", debug, waygatehttp.EnvOnly(demo.DebugEnvs...))
	mux.HandleFunc("GET /old-reports", oldReports, waygatehttp.Disabled(demo.OldReportsReason))
	mux.HandleFunc("GET /posts", posts, waygatehttp.RateLimit(demo.PostsLimit))
	mux.HandleFunc("GET /reports", reports, waygatehttp.RateLimit(demo.ReportsLimit, demo.ReportsOptions...))
	mux.HandleFunc("GET /checkout", checkout(e))

	if err := demo.Run("net/http", identify(mux)); err != nil {
		demo.Fatal(err)
	}
}

// identify is the demo's auth layer: it tells Waygate who the user is and
// which plan they are on.
func identify(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if user := r.Header.Get(demo.UserHeader); user != "" {
			r = waygatehttp.SetUser(r, user)
		}
		if plan := r.Header.Get(demo.PlanHeader); plan != "" {
			r = waygatehttp.SetAttr(r, demo.PlanAttr, plan)
		}
		next.ServeHTTP(w, r)
	})
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", demo.ContentType)
	_, _ = w.Write(demo.JSON(v)) //nolint:gosec // G705: JSON from encoding/json, served as application/json
}
