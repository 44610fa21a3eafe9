// Command nethttp is the Waygate demo on net/http: go run ./examples/nethttp.
package main

import (
	"context"
	"net/http"

	waygatehttp "github.com/waygate-go/waygate/adapters/nethttp"
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
	mux.HandleFunc("GET /health", reply(demo.Health), waygatehttp.ForceActive())
	mux.HandleFunc("GET /payments", reply(demo.Payments), waygatehttp.Maintenance(demo.PaymentsReason))
	mux.HandleFunc("GET /orders", reply(demo.Orders))
	mux.HandleFunc("POST /orders", reply(demo.Created))
	mux.HandleFunc("GET /orders/{id}", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, demo.Order(r.PathValue("id")))
	})
	mux.HandleFunc("GET /legacy/orders", reply(demo.Legacy), waygatehttp.Deprecated(demo.LegacySunset, demo.LegacySuccessor))
	mux.HandleFunc("GET /debug", reply(demo.Debug), waygatehttp.EnvOnly(demo.DebugEnvs...))
	mux.HandleFunc("GET /old-reports", reply(demo.OldReports), waygatehttp.Disabled(demo.OldReportsReason))
	mux.HandleFunc("GET /posts", reply(demo.Posts), waygatehttp.RateLimit(demo.PostsLimit))
	mux.HandleFunc("GET /reports", reply(demo.Reports), waygatehttp.RateLimit(demo.ReportsLimit, demo.ReportsOptions...))
	mux.HandleFunc("GET /checkout", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, demo.Checkout(e, r.Header.Get(demo.UserHeader)))
	})

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

func reply(v any) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) { writeJSON(w, v) }
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", demo.ContentType)
	_, _ = w.Write(demo.JSON(v))
}
