package main

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"

	"github.com/waygate-go/waygate/admin"
	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/examples/internal/demo"
)

// runServer runs the Waygate Server: an engine on $WAYGATE_BACKEND and the
// admin handler, with the SDK endpoints, under /waygate, and its metrics
// at /metrics.
func runServer(ctx context.Context, log *slog.Logger, addr string, tokens map[string]string, onListen func()) error {
	b, err := engine.OpenBackend(os.Getenv(engine.EnvBackend))
	if err != nil {
		return fmt.Errorf("%s: %w", engine.EnvBackend, err)
	}
	defer b.Close()
	e, err := engine.New(ctx, engine.WithBackend(b), engine.WithLogger(log))
	if err != nil {
		return err
	}
	defer e.Close()
	pw := cmp.Or(os.Getenv("WAYGATE_ADMIN_PASSWORD"), "secret")
	if err := admin.CheckPassword(addr, pw); err != nil {
		return fmt.Errorf("$WAYGATE_ADMIN_PASSWORD: %w (or listen on this machine only: unset $HOST)", err)
	}
	opts := []admin.Option{admin.WithPrefix("/waygate"), admin.WithLogger(log), admin.WithUser("admin", pw, admin.RoleAdmin)}
	if s := os.Getenv("WAYGATE_ADMIN_SECRET"); s != "" {
		opts = append(opts, admin.WithSecret(s)) // replicas share sessions
	}
	for service, secret := range tokens {
		opts = append(opts, admin.WithServiceToken(service, secret))
	}
	ofrep, err := demo.OFREPKey(addr)
	if err != nil {
		return err
	}
	h, err := admin.New(e, append(opts, ofrep)...)
	if err != nil {
		return err
	}
	defer h.Close()
	metrics, err := demo.NewMetrics(e)
	if err != nil {
		return err
	}
	defer metrics.Close()
	mux := http.NewServeMux()
	mux.Handle("GET "+demo.MetricsPath, metrics)
	mux.Handle("/", h)
	demo.SeedFlags(ctx, e, log) // the services' GET /checkout reads new-checkout
	return serve(ctx, log, "waygate server", addr, mux, onListen, func() { h.Close() })
}
