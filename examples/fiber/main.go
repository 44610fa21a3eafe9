// Command fiber is the Waygate demo on fiber v2: go run ./examples/fiber.
package main

import (
	"context"

	"github.com/gofiber/fiber/v2"

	waygatefiber "github.com/waygate-go/waygate/adapters/fiber"
	"github.com/waygate-go/waygate/examples/internal/demo"
)

func main() {
	ctx := context.Background()
	e, err := demo.NewEngine(ctx)
	if err != nil {
		demo.Fatal(err)
	}
	defer e.Close()

	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	app.Use(identify)
	adm, err := demo.NewAdmin(e)
	if err != nil {
		demo.Fatal(err)
	}
	defer adm.Close()
	waygatefiber.Mount(app, e, demo.AdminPrefix, adm)

	app.Get("/health", waygatefiber.ForceActive(), reply(demo.Health))
	app.Get("/payments", waygatefiber.Maintenance(demo.PaymentsReason), reply(demo.Payments))
	app.Get("/orders", reply(demo.Orders))
	app.Post("/orders", reply(demo.Created))
	app.Get("/orders/:id", func(c *fiber.Ctx) error { return send(c, demo.Order(c.Params("id"))) })
	app.Get("/legacy/orders", waygatefiber.Deprecated(demo.LegacySunset, demo.LegacySuccessor), reply(demo.Legacy))
	app.Get("/debug", waygatefiber.EnvOnly(demo.DebugEnvs...), reply(demo.Debug))
	app.Get("/old-reports", waygatefiber.Disabled(demo.OldReportsReason), reply(demo.OldReports))
	app.Get("/posts", waygatefiber.RateLimit(demo.PostsLimit), reply(demo.Posts))
	app.Get("/reports", waygatefiber.RateLimit(demo.ReportsLimit, demo.ReportsOptions...), reply(demo.Reports))
	app.Get("/checkout", func(c *fiber.Ctx) error { return send(c, demo.Checkout(e, c.Get(demo.UserHeader))) })

	if err := waygatefiber.Register(ctx, app, waygatefiber.New(e)); err != nil {
		demo.Fatal(err)
	}
	if err := demo.Serve("fiber", func() error { return app.Listen(demo.Addr()) }, app.ShutdownWithContext); err != nil {
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

func reply(v any) fiber.Handler { return func(c *fiber.Ctx) error { return send(c, v) } }

func send(c *fiber.Ctx, v any) error {
	c.Set(fiber.HeaderContentType, demo.ContentType)
	return c.Send(demo.JSON(v))
}
