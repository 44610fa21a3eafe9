// Command fiber is the Waygate demo on fiber v2: go run ./examples/fiber.
//
// Its API description (examples/internal/apidocs, shared by the four demos)
// is served live, patched with Waygate's state, at /openapi.json and /docs;
// its metrics (waygateotel through the Prometheus exporter) at /metrics.
package main

import (
	"context"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"

	waygatefiber "github.com/waygate-go/waygate/adapters/fiber"
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

	// fasthttp has no separate header timeout: ReadTimeout bounds the
	// whole request, headers included.
	t, err := demo.ServerTimeouts()
	if err != nil {
		demo.Fatal(err)
	}
	app := fiber.New(fiber.Config{DisableStartupMessage: true,
		ReadTimeout: min(t.ReadHeader, t.Read), WriteTimeout: t.Write, IdleTimeout: t.Idle})
	app.Use(identify)
	adm, err := demo.NewAdmin(e)
	if err != nil {
		demo.Fatal(err)
	}
	defer adm.Close()
	waygatefiber.Mount(app, e, demo.AdminPrefix, adm)
	spec, ui, err := demo.NewDocs(e)
	if err != nil {
		demo.Fatal(err)
	}
	defer spec.Close()
	app.Get(demo.SpecPath, adaptor.HTTPHandler(spec))
	waygatefiber.Mount(app, e, demo.DocsPath, ui)
	metrics, err := demo.NewMetrics(e)
	if err != nil {
		demo.Fatal(err)
	}
	defer metrics.Close()
	app.Get(demo.MetricsPath, adaptor.HTTPHandler(metrics))

	app.Get("/health", waygatefiber.ForceActive(), health)
	app.Get("/payments", waygatefiber.Maintenance(demo.PaymentsReason), payments)
	app.Get("/orders", listOrders)
	app.Post("/orders", createOrder)
	app.Get("/orders/:id", getOrder)
	app.Get("/legacy/orders", waygatefiber.Deprecated(demo.LegacySunset, demo.LegacySuccessor), legacyOrders)
	app.Get("/debug", waygatefiber.EnvOnly(demo.DebugEnvs...), debug)
	app.Get("/old-reports", waygatefiber.Disabled(demo.OldReportsReason), oldReports)
	app.Get("/posts", waygatefiber.RateLimit(demo.PostsLimit), posts)
	app.Get("/reports", waygatefiber.RateLimit(demo.ReportsLimit, demo.ReportsOptions...), reports)
	app.Get("/checkout", checkout(e))

	if err := waygatefiber.Register(ctx, app, waygatefiber.Middleware(e)); err != nil {
		demo.Fatal(err)
	}
	if err := demo.Serve("fiber", app.Listener, app.ShutdownWithContext); err != nil {
		demo.Fatal(err)
	}
}

// identify is the demo's auth layer: it tells Waygate who the user is and
// which plan they are on.
func identify(c *fiber.Ctx) error {
	if user := c.Get(demo.UserHeader); user != "" {
		waygatefiber.SetUser(c, user)
	}
	if plan := c.Get(demo.PlanHeader); plan != "" {
		waygatefiber.SetAttr(c, demo.PlanAttr, plan)
	}
	return c.Next()
}

func send(c *fiber.Ctx, v any) error {
	c.Set(fiber.HeaderContentType, demo.ContentType)
	return c.Send(demo.JSON(v))
}
