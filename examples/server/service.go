package main

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"

	waygatehttp "github.com/waygate-go/waygate/adapters/nethttp"
	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/flag"
	"github.com/waygate-go/waygate/core/sdk"
	"github.com/waygate-go/waygate/examples/internal/demo"
)

// runService runs payments or orders: a net/http app whose Waygate engine
// takes its state from the server through the SDK.
func runService(ctx context.Context, log *slog.Logger, service, addr, serverURL, token string) error {
	b, err := sdk.New(serverURL, service, token, sdk.WithLogger(log))
	if err != nil {
		return err
	}
	defer b.Close()
	e, err := engine.New(ctx, engine.WithBackend(b), engine.WithService(service), engine.WithLogger(log))
	if err != nil {
		return err
	}
	defer e.Close()

	metrics, err := demo.NewMetrics(e)
	if err != nil {
		return err
	}
	defer metrics.Close()
	mux := waygatehttp.NewServeMux(e)
	mux.Handle("GET "+demo.MetricsPath, metrics)
	mux.HandleFunc("GET /health", reply(map[string]any{"status": "ok", "service": service}), waygatehttp.ForceActive())
	mux.HandleFunc("GET /sdk/status", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, b.Status())
	}, waygatehttp.ForceActive())
	plural := "/" + service
	mux.HandleFunc("GET "+plural, reply(map[string]any{"service": service, "items": []string{}}))
	mux.HandleFunc("POST "+plural, reply(map[string]any{"service": service, "created": true}))
	mux.HandleFunc("GET "+plural+"/{id}", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, map[string]any{"service": service, "id": r.PathValue("id")})
	})
	// Declared in code: enforced even while the server is unreachable at
	// start, until the server's state says otherwise.
	mux.HandleFunc("GET "+plural+"/export", reply(map[string]any{"service": service, "export": true}),
		waygatehttp.Maintenance("Exports are paused"))
	mux.HandleFunc("GET /limited", reply(map[string]any{"service": service}), waygatehttp.RateLimit("5/minute"))
	// A flag from the server, evaluated locally with no network call.
	mux.HandleFunc("GET /checkout", func(w http.ResponseWriter, r *http.Request) {
		on := e.Flags().Bool(demo.CheckoutFlag, flag.EvaluationContext{Key: r.Header.Get("X-User")}, false)
		writeJSON(w, map[string]any{"service": service, "new_checkout": on})
	})
	return serve(ctx, log, service, addr, identify(mux), nil, nil)
}

// identify is the app's auth layer: X-User is the user.
func identify(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if u := r.Header.Get("X-User"); u != "" {
			r = waygatehttp.SetUser(r, u)
		}
		next.ServeHTTP(w, r)
	})
}

func reply(v any) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) { writeJSON(w, v) }
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}
