package main

// The demo's handlers, with the swag annotations docs/ is generated from
// (go generate, see main.go). Every demo documents the same operations.

import (
	"github.com/labstack/echo/v4"

	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/examples/internal/demo"
)

// health answers GET /health.
//
//	@Summary	Health check
//	@Description	Answers while the service is up.
//	@Tags	ops
//	@Produce	json
//	@Success	200	{object}	map[string]any
//	@Router	/health [get]
func health(c echo.Context) error { return send(c, demo.Health) }

// payments answers GET /payments.
//
//	@Summary	List payments
//	@Description	Lists the payments.
//	@Tags	payments
//	@Produce	json
//	@Success	200	{object}	map[string]any
//	@Failure	503	{object}	map[string]any	"MAINTENANCE_MODE or ROUTE_DISABLED"
//	@Router	/payments [get]
func payments(c echo.Context) error { return send(c, demo.Payments) }

// listOrders answers GET /orders.
//
//	@Summary	List orders
//	@Description	Lists the orders.
//	@Tags	orders
//	@Produce	json
//	@Success	200	{object}	map[string]any
//	@Failure	503	{object}	map[string]any	"MAINTENANCE_MODE or ROUTE_DISABLED"
//	@Router	/orders [get]
func listOrders(c echo.Context) error { return send(c, demo.Orders) }

// createOrder answers POST /orders.
//
//	@Summary	Create an order
//	@Description	Creates an order.
//	@Tags	orders
//	@Produce	json
//	@Success	200	{object}	map[string]any
//	@Failure	503	{object}	map[string]any	"MAINTENANCE_MODE or ROUTE_DISABLED"
//	@Router	/orders [post]
func createOrder(c echo.Context) error { return send(c, demo.Created) }

// getOrder answers GET /orders/{id}.
//
//	@Summary	Get an order
//	@Description	Returns one order.
//	@Tags	orders
//	@Produce	json
//	@Param	id	path	string	true	"Order id"
//	@Success	200	{object}	map[string]any
//	@Failure	503	{object}	map[string]any	"MAINTENANCE_MODE or ROUTE_DISABLED"
//	@Router	/orders/{id} [get]
func getOrder(c echo.Context) error { return send(c, demo.Order(c.Param("id"))) }

// legacyOrders answers GET /legacy/orders.
//
//	@Summary	List orders (first version)
//	@Description	The first version of the order listing.
//	@Tags	orders
//	@Produce	json
//	@Success	200	{object}	map[string]any
//	@Failure	503	{object}	map[string]any	"MAINTENANCE_MODE or ROUTE_DISABLED"
//	@Router	/legacy/orders [get]
func legacyOrders(c echo.Context) error { return send(c, demo.Legacy) }

// debug answers GET /debug.
//
//	@Summary	Debug information
//	@Description	Internal diagnostics.
//	@Tags	ops
//	@Produce	json
//	@Success	200	{object}	map[string]any
//	@Failure	503	{object}	map[string]any	"MAINTENANCE_MODE or ROUTE_DISABLED"
//	@Router	/debug [get]
func debug(c echo.Context) error { return send(c, demo.Debug) }

// oldReports answers GET /old-reports.
//
//	@Summary	Reports (first version)
//	@Description	The first version of the reports.
//	@Tags	reports
//	@Produce	json
//	@Success	200	{object}	map[string]any
//	@Failure	503	{object}	map[string]any	"MAINTENANCE_MODE or ROUTE_DISABLED"
//	@Router	/old-reports [get]
func oldReports(c echo.Context) error { return send(c, demo.OldReports) }

// posts answers GET /posts.
//
//	@Summary	List posts
//	@Description	Lists the posts. Limited to 5 requests a minute per client IP.
//	@Tags	posts
//	@Produce	json
//	@Success	200	{object}	map[string]any
//	@Failure	429	{object}	map[string]any	"RATE_LIMIT_EXCEEDED"
//	@Failure	503	{object}	map[string]any	"MAINTENANCE_MODE or ROUTE_DISABLED"
//	@Router	/posts [get]
func posts(c echo.Context) error { return send(c, demo.Posts) }

// reports answers GET /reports.
//
//	@Summary	Reports
//	@Description	Limited per user: 2 requests a minute on the free plan, 10 on pro.
//	@Tags	reports
//	@Produce	json
//	@Param	X-User	header	string	false	"User id"
//	@Param	X-Plan	header	string	false	"Plan: free or pro"
//	@Success	200	{object}	map[string]any
//	@Failure	429	{object}	map[string]any	"RATE_LIMIT_EXCEEDED"
//	@Failure	503	{object}	map[string]any	"MAINTENANCE_MODE or ROUTE_DISABLED"
//	@Router	/reports [get]
func reports(c echo.Context) error { return send(c, demo.Reports) }

// checkout answers GET /checkout.
//
//	@Summary	Checkout variant
//	@Description	Tells whether the user gets the new checkout (feature flag new-checkout).
//	@Tags	checkout
//	@Produce	json
//	@Param	X-User	header	string	false	"User id"
//	@Success	200	{object}	map[string]any
//	@Failure	503	{object}	map[string]any	"MAINTENANCE_MODE or ROUTE_DISABLED"
//	@Router	/checkout [get]
func checkout(e *engine.Engine) echo.HandlerFunc {
	return func(c echo.Context) error { return send(c, demo.Checkout(e, c.Request().Header.Get(demo.UserHeader))) }
}
