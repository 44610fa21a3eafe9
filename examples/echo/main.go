// Command echo is the Waygate demo on echo v4: go run ./examples/echo.
//
// Its API description (examples/internal/apidocs, shared by the four demos)
// is served live, patched with Waygate's state, at /openapi.json and /docs;
// its metrics (waygateotel through the Prometheus exporter) at /metrics.
package main

import (
	"context"
	"net/http"

	"github.com/labstack/echo/v4"

	waygateecho "github.com/waygate-go/waygate/adapters/echo"
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
	app.HideBanner, app.HidePort = true, true
	app.Use(identify, waygateecho.Middleware(e))
	r := waygateecho.Wrap(e, app)
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

	app.GET("/health", health, waygateecho.ForceActive())
	app.GET("/payments", payments, waygateecho.Maintenance(demo.PaymentsReason))
	app.GET("/orders", listOrders)
	app.POST("/orders", createOrder)
	app.GET("/orders/:id", getOrder)
	app.GET("/legacy/orders", legacyOrders, waygateecho.Deprecated(demo.LegacySunset, demo.LegacySuccessor))
	app.GET("/debug", debug, waygateecho.EnvOnly(demo.DebugEnvs...))
	app.GET("/old-reports", oldReports, waygateecho.Disabled(demo.OldReportsReason))
	app.GET("/posts", posts, waygateecho.RateLimit(demo.PostsLimit))
	app.GET("/reports", reports, waygateecho.RateLimit(demo.ReportsLimit, demo.ReportsOptions...))
	app.GET("/checkout", checkout(e))

	if err := r.Register(ctx); err != nil {
		demo.Fatal(err)
	}
	srv, err := demo.NewServer(app)
	if err != nil {
		demo.Fatal(err)
	}
	if err := demo.Serve("echo", srv.Serve, srv.Shutdown); err != nil {
		demo.Fatal(err)
	}
}

// identify is the demo's auth layer: it tells Waygate who the user is and
// which plan they are on.
func identify(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if user := c.Request().Header.Get(demo.UserHeader); user != "" {
			waygateecho.SetUser(c, user)
		}
		if plan := c.Request().Header.Get(demo.PlanHeader); plan != "" {
			waygateecho.SetAttr(c, demo.PlanAttr, plan)
		}
		return next(c)
	}
}

func send(c echo.Context, v any) error { return c.Blob(http.StatusOK, demo.ContentType, demo.JSON(v)) }
