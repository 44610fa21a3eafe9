// Package apidocs is the API description the four demos share: the swag
// annotations below describe the routes every demo serves (the demo
// contract), and docs.go, swagger.json and swagger.yaml are generated from
// them with go generate. A demo imports the package for its side effect:
// it registers the document with swag, where demo.NewDocs reads it and
// serves it patched with Waygate's live state at /openapi.json and /docs.
//
//	@title			Waygate demo shop
//	@version		1.0
//	@description	The demo application of Waygate for Go: the same routes on gin, echo, fiber and net/http.
//	@BasePath		/
package apidocs

//go:generate go run github.com/swaggo/swag/cmd/swag@v1.16.6 init --quiet --generalInfo api.go --output . --packageName apidocs

// The functions below only carry the annotations of one operation each:
// swag reads operations from function comments.
var _ = []func(){health, payments, listOrders, createOrder, getOrder, legacyOrders, debug, oldReports, posts, reports, checkout}

// health documents GET /health.
//
//	@Summary	Health check
//	@Description	Answers while the service is up.
//	@Tags	ops
//	@Produce	json
//	@Success	200	{object}	map[string]any
//	@Router	/health [get]
func health() {}

// payments documents GET /payments.
//
//	@Summary	List payments
//	@Description	Lists the payments.
//	@Tags	payments
//	@Produce	json
//	@Success	200	{object}	map[string]any
//	@Failure	503	{object}	map[string]any	"MAINTENANCE_MODE or ROUTE_DISABLED"
//	@Router	/payments [get]
func payments() {}

// listOrders documents GET /orders.
//
//	@Summary	List orders
//	@Description	Lists the orders.
//	@Tags	orders
//	@Produce	json
//	@Success	200	{object}	map[string]any
//	@Failure	503	{object}	map[string]any	"MAINTENANCE_MODE or ROUTE_DISABLED"
//	@Router	/orders [get]
func listOrders() {}

// createOrder documents POST /orders.
//
//	@Summary	Create an order
//	@Description	Creates an order.
//	@Tags	orders
//	@Produce	json
//	@Success	200	{object}	map[string]any
//	@Failure	503	{object}	map[string]any	"MAINTENANCE_MODE or ROUTE_DISABLED"
//	@Router	/orders [post]
func createOrder() {}

// getOrder documents GET /orders/{id}.
//
//	@Summary	Get an order
//	@Description	Returns one order.
//	@Tags	orders
//	@Produce	json
//	@Param	id	path	string	true	"Order id"
//	@Success	200	{object}	map[string]any
//	@Failure	503	{object}	map[string]any	"MAINTENANCE_MODE or ROUTE_DISABLED"
//	@Router	/orders/{id} [get]
func getOrder() {}

// legacyOrders documents GET /legacy/orders.
//
//	@Summary	List orders (first version)
//	@Description	The first version of the order listing.
//	@Tags	orders
//	@Produce	json
//	@Success	200	{object}	map[string]any
//	@Failure	503	{object}	map[string]any	"MAINTENANCE_MODE or ROUTE_DISABLED"
//	@Router	/legacy/orders [get]
func legacyOrders() {}

// debug documents GET /debug.
//
//	@Summary	Debug information
//	@Description	Internal diagnostics.
//	@Tags	ops
//	@Produce	json
//	@Success	200	{object}	map[string]any
//	@Failure	503	{object}	map[string]any	"MAINTENANCE_MODE or ROUTE_DISABLED"
//	@Router	/debug [get]
func debug() {}

// oldReports documents GET /old-reports.
//
//	@Summary	Reports (first version)
//	@Description	The first version of the reports.
//	@Tags	reports
//	@Produce	json
//	@Success	200	{object}	map[string]any
//	@Failure	503	{object}	map[string]any	"MAINTENANCE_MODE or ROUTE_DISABLED"
//	@Router	/old-reports [get]
func oldReports() {}

// posts documents GET /posts.
//
//	@Summary	List posts
//	@Description	Lists the posts. Limited to 5 requests a minute per client IP.
//	@Tags	posts
//	@Produce	json
//	@Success	200	{object}	map[string]any
//	@Failure	429	{object}	map[string]any	"RATE_LIMIT_EXCEEDED"
//	@Failure	503	{object}	map[string]any	"MAINTENANCE_MODE or ROUTE_DISABLED"
//	@Router	/posts [get]
func posts() {}

// reports documents GET /reports.
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
func reports() {}

// checkout documents GET /checkout.
//
//	@Summary	Checkout variant
//	@Description	Tells whether the user gets the new checkout (feature flag new-checkout).
//	@Tags	checkout
//	@Produce	json
//	@Param	X-User	header	string	false	"User id"
//	@Success	200	{object}	map[string]any
//	@Failure	503	{object}	map[string]any	"MAINTENANCE_MODE or ROUTE_DISABLED"
//	@Router	/checkout [get]
func checkout() {}
