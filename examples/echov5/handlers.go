package main

// The demo's handlers. The API description they share, swag annotations
// and the documents generated from them, is examples/internal/apidocs.

import (
	"github.com/labstack/echo/v5"

	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/examples/internal/demo"
)

// health answers GET /health.
func health(c *echo.Context) error { return send(c, demo.Health) }

// payments answers GET /payments.
func payments(c *echo.Context) error { return send(c, demo.Payments) }

// listOrders answers GET /orders.
func listOrders(c *echo.Context) error { return send(c, demo.Orders) }

// createOrder answers POST /orders.
func createOrder(c *echo.Context) error { return send(c, demo.Created) }

// getOrder answers GET /orders/{id}.
func getOrder(c *echo.Context) error { return send(c, demo.Order(c.Param("id"))) }

// legacyOrders answers GET /legacy/orders.
func legacyOrders(c *echo.Context) error { return send(c, demo.Legacy) }

// debug answers GET /debug.
func debug(c *echo.Context) error { return send(c, demo.Debug) }

// oldReports answers GET /old-reports.
func oldReports(c *echo.Context) error { return send(c, demo.OldReports) }

// posts answers GET /posts.
func posts(c *echo.Context) error { return send(c, demo.Posts) }

// reports answers GET /reports.
func reports(c *echo.Context) error { return send(c, demo.Reports) }

// checkout answers GET /checkout.
func checkout(e *engine.Engine) echo.HandlerFunc {
	return func(c *echo.Context) error {
		return send(c, demo.Checkout(e, c.Request().Header.Get(demo.UserHeader)))
	}
}
