package main

// The demo's handlers. The API description they share, swag annotations
// and the documents generated from them, is examples/internal/apidocs.

import (
	"github.com/gofiber/fiber/v2"

	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/examples/internal/demo"
)

// health answers GET /health.
func health(c *fiber.Ctx) error { return send(c, demo.Health) }

// payments answers GET /payments.
func payments(c *fiber.Ctx) error { return send(c, demo.Payments) }

// listOrders answers GET /orders.
func listOrders(c *fiber.Ctx) error { return send(c, demo.Orders) }

// createOrder answers POST /orders.
func createOrder(c *fiber.Ctx) error { return send(c, demo.Created) }

// getOrder answers GET /orders/{id}.
func getOrder(c *fiber.Ctx) error { return send(c, demo.Order(c.Params("id"))) }

// legacyOrders answers GET /legacy/orders.
func legacyOrders(c *fiber.Ctx) error { return send(c, demo.Legacy) }

// debug answers GET /debug.
func debug(c *fiber.Ctx) error { return send(c, demo.Debug) }

// oldReports answers GET /old-reports.
func oldReports(c *fiber.Ctx) error { return send(c, demo.OldReports) }

// posts answers GET /posts.
func posts(c *fiber.Ctx) error { return send(c, demo.Posts) }

// reports answers GET /reports.
func reports(c *fiber.Ctx) error { return send(c, demo.Reports) }

// checkout answers GET /checkout.
func checkout(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error { return send(c, demo.Checkout(e, c.Get(demo.UserHeader))) }
}
