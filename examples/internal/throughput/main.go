// Command throughput serves GET /hello (a small JSON reply) on one
// framework, bare or behind Waygate, for loopback load tests with wrk
// (scripts/bench.sh):
//
//	throughput -fw gin -waygate=false -addr 127.0.0.1:9001
//	throughput -fw gin -waygate=true  -addr 127.0.0.1:9002
//
// With -waygate the route is registered with an engine on the memory
// backend and judged on every request; without it no Waygate code runs at
// all. -state sets the route's state with Waygate:
//
//	active       registered, no rate limit (the default)
//	maintenance  in maintenance: every request is answered 503
//	limited      a limit of 1/hour per client: after the first request,
//	             every request from the load generator is answered 429
//	counted      a limit it never reaches (1000000000/hour): every request
//	             is counted and served, with the rate-limit headers
//
// Frameworks run as in production: gin in release mode without the
// logger, echo and fiber without banners.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/gofiber/fiber/v2"
	"github.com/labstack/echo/v4"

	waygateecho "github.com/waygate-go/waygate/adapters/echo"
	waygatefiber "github.com/waygate-go/waygate/adapters/fiber"
	waygategin "github.com/waygate-go/waygate/adapters/gin"
	waygatehttp "github.com/waygate-go/waygate/adapters/nethttp"
	"github.com/waygate-go/waygate/core/backend"
	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/ratelimit"
)

// hello is the reply, the same bytes on every framework.
var hello = []byte(`{"hello":"world"}`)

const contentType = "application/json"

func main() {
	fw := flag.String("fw", "nethttp", "framework: gin, echo, fiber or nethttp")
	withWaygate := flag.Bool("waygate", true, "judge every request with Waygate")
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	state := flag.String("state", "active", "the route's state with Waygate: active, maintenance, limited or counted")
	flag.Parse()

	ctx := context.Background()
	var e *engine.Engine
	if *withWaygate {
		var err error
		e, err = engine.New(ctx, engine.WithBackend(backend.NewMemory()))
		if err != nil {
			log.Fatal(err)
		}
		defer e.Close()
	}
	h, fapp, err := build(ctx, *fw, e)
	if err == nil && e != nil {
		err = setState(ctx, e, *state)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "throughput:", err)
		os.Exit(2)
	}
	listen, shutdown := func() error { return fapp.Listen(*addr) }, fapp.ShutdownWithContext
	if h != nil {
		srv := &http.Server{Addr: *addr, Handler: h, ReadHeaderTimeout: 10 * time.Second}
		listen, shutdown = srv.ListenAndServe, srv.Shutdown
	}
	sig, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- listen() }()
	select {
	case err := <-errc:
		if err != nil && err != http.ErrServerClosed {
			log.Fatal(err)
		}
	case <-sig.Done():
		sctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		_ = shutdown(sctx)
	}
}

// setState puts GET /hello in state (see the package comment).
func setState(ctx context.Context, e *engine.Engine, state string) error {
	limit := func(l string) error {
		_, err := e.SetRateLimit(ctx, engine.RouteScope("GET:/hello"), ratelimit.Patch{Limit: &l})
		return err
	}
	switch state {
	case "active":
		return nil
	case "maintenance":
		_, err := e.SetMaintenance(ctx, "GET:/hello", "load test")
		return err
	case "limited":
		return limit("1/hour")
	case "counted":
		return limit("1000000000/hour")
	}
	return fmt.Errorf("unknown state %q: use active, maintenance, limited or counted", state)
}

// build builds the app: an http.Handler, or a fiber app for fiber. e is
// nil for the bare framework.
func build(ctx context.Context, fw string, e *engine.Engine) (http.Handler, *fiber.App, error) {
	switch fw {
	case "nethttp":
		h := func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", contentType)
			_, _ = w.Write(hello)
		}
		if e == nil {
			mux := http.NewServeMux()
			mux.HandleFunc("GET /hello", h)
			return mux, nil, nil
		}
		mux := waygatehttp.NewServeMux(e)
		mux.HandleFunc("GET /hello", h)
		return mux, nil, nil
	case "gin":
		gin.SetMode(gin.ReleaseMode)
		g := gin.New()
		h := func(c *gin.Context) { c.Data(http.StatusOK, contentType, hello) }
		if e == nil {
			g.GET("/hello", h)
			return g, nil, nil
		}
		g.Use(waygategin.Middleware(e))
		r := waygategin.Wrap(e, g)
		r.GET("/hello", h)
		return g, nil, r.Register(ctx)
	case "echo":
		app := echo.New()
		app.HideBanner, app.HidePort = true, true
		h := func(c echo.Context) error { return c.Blob(http.StatusOK, contentType, hello) }
		if e == nil {
			app.GET("/hello", h)
			return app, nil, nil
		}
		app.Use(waygateecho.Middleware(e))
		r := waygateecho.Wrap(e, app)
		app.GET("/hello", h)
		return app, nil, r.Register(ctx)
	case "fiber":
		app := fiber.New(fiber.Config{DisableStartupMessage: true})
		app.Get("/hello", func(c *fiber.Ctx) error {
			c.Set(fiber.HeaderContentType, contentType)
			return c.Send(hello)
		})
		if e == nil {
			return nil, app, nil
		}
		return nil, app, waygatefiber.Register(ctx, app, waygatefiber.Middleware(e))
	}
	return nil, nil, fmt.Errorf("unknown framework %q: use gin, echo, fiber or nethttp", fw)
}
