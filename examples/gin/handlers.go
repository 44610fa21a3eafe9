package main

// The demo's handlers. The API description they share, swag annotations
// and the documents generated from them, is examples/internal/apidocs.

import (
	"github.com/gin-gonic/gin"

	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/examples/internal/demo"
)

// health answers GET /health.
func health(c *gin.Context) { send(c, demo.Health) }

// payments answers GET /payments.
func payments(c *gin.Context) { send(c, demo.Payments) }

// listOrders answers GET /orders.
func listOrders(c *gin.Context) { send(c, demo.Orders) }

// createOrder answers POST /orders.
func createOrder(c *gin.Context) { send(c, demo.Created) }

// getOrder answers GET /orders/{id}.
func getOrder(c *gin.Context) { send(c, demo.Order(c.Param("id"))) }

// legacyOrders answers GET /legacy/orders.
func legacyOrders(c *gin.Context) { send(c, demo.Legacy) }

// debug answers GET /debug.
func debug(c *gin.Context) { send(c, demo.Debug) }

// oldReports answers GET /old-reports.
func oldReports(c *gin.Context) { send(c, demo.OldReports) }

// posts answers GET /posts.
func posts(c *gin.Context) { send(c, demo.Posts) }

// reports answers GET /reports.
func reports(c *gin.Context) { send(c, demo.Reports) }

// checkout answers GET /checkout.
func checkout(e *engine.Engine) gin.HandlerFunc {
	return func(c *gin.Context) { send(c, demo.Checkout(e, c.GetHeader(demo.UserHeader))) }
}
