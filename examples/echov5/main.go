// Command echov5 is the Waygate demo on echo v5: go run ./examples/echov5.
//
// Its API description (examples/internal/apidocs, shared by the demos) is
// served live, patched with Waygate's state, at /openapi.json and /docs;
// its metrics (waygateotel through the Prometheus exporter) at /metrics.
package main

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/labstack/echo/v5"

	waygateechov5 "github.com/waygate-go/waygate/adapters/echov5"
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

	app := echo.New()
	app.Logger = slog.Default() // the demos' log format (demo.NewEngine made it the default)
	app.Use(identify, waygateechov5.Middleware(e))
	r := waygateechov5.Wrap(e, app)
	adm, err := demo.NewAdmin(e)
	if err != nil {
		demo.Fatal(err)
	}
	defer adm.Close()
	r.Mount(demo.AdminPrefix, adm)
	spec, ui, err := demo.NewDocs(e)
	if err != nil {
		demo.Fatal(err)
	}
	defer spec.Close()
	app.GET(demo.SpecPath, echo.WrapHandler(spec))
	r.Mount(demo.DocsPath, ui)
	metrics, err := demo.NewMetrics(e)
	if err != nil {
		demo.Fatal(err)
	}
	defer metrics.Close()
	app.GET(demo.MetricsPath, echo.WrapHandler(metrics))

	app.GET("/health", health, waygateechov5.ForceActive())
	app.GET("/payments", payments, waygateechov5.Maintenance(demo.PaymentsReason))
	app.GET("/orders", listOrders)
	app.POST("/orders", createOrder)
	app.GET("/orders/:id", getOrder)
	app.GET("/legacy/orders", legacyOrders, waygateechov5.Deprecated(demo.LegacySunset, demo.LegacySuccessor))
	app.GET("/debug", debug, waygateechov5.EnvOnly(demo.DebugEnvs...))
	app.GET("/old-reports", oldReports, waygateechov5.Disabled(demo.OldReportsReason))
	app.GET("/posts", posts, waygateechov5.RateLimit(demo.PostsLimit))
	app.GET("/reports", reports, waygateechov5.RateLimit(demo.ReportsLimit, demo.ReportsOptions...))
	app.GET("/checkout", checkout(e))

	if err := r.Register(ctx); err != nil {
		demo.Fatal(err)
	}
	srv, err := demo.NewServer(app)
	if err != nil {
		demo.Fatal(err)
	}
	if err := demo.Serve("echov5", srv.Serve, srv.Shutdown); err != nil {
		demo.Fatal(err)
	}
}

// identify is the demo's auth layer: it tells Waygate who the user is and
// which plan they are on.
func identify(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c *echo.Context) error {
		if user := c.Request().Header.Get(demo.UserHeader); user != "" {
			waygateechov5.SetUser(c, user)
		}
		if plan := c.Request().Header.Get(demo.PlanHeader); plan != "" {
			waygateechov5.SetAttr(c, demo.PlanAttr, plan)
		}
		return next(c)
	}
}

func send(c *echo.Context, v any) error { return c.Blob(http.StatusOK, demo.ContentType, demo.JSON(v)) }
