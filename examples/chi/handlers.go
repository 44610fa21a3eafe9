package main

// The demo's handlers. The API description they share, swag annotations
// and the documents generated from them, is examples/internal/apidocs.

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/examples/internal/demo"
)

// health answers GET /health.
func health(w http.ResponseWriter, _ *http.Request) { writeJSON(w, demo.Health) }

// payments answers GET /payments.
func payments(w http.ResponseWriter, _ *http.Request) { writeJSON(w, demo.Payments) }

// listOrders answers GET /orders.
func listOrders(w http.ResponseWriter, _ *http.Request) { writeJSON(w, demo.Orders) }

// createOrder answers POST /orders.
func createOrder(w http.ResponseWriter, _ *http.Request) { writeJSON(w, demo.Created) }

// getOrder answers GET /orders/{id}.
func getOrder(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, demo.Order(chi.URLParam(r, "id")))
}

// legacyOrders answers GET /legacy/orders.
func legacyOrders(w http.ResponseWriter, _ *http.Request) { writeJSON(w, demo.Legacy) }

// debug answers GET /debug.
func debug(w http.ResponseWriter, _ *http.Request) { writeJSON(w, demo.Debug) }

// oldReports answers GET /old-reports.
func oldReports(w http.ResponseWriter, _ *http.Request) { writeJSON(w, demo.OldReports) }

// posts answers GET /posts.
func posts(w http.ResponseWriter, _ *http.Request) { writeJSON(w, demo.Posts) }

// reports answers GET /reports.
func reports(w http.ResponseWriter, _ *http.Request) { writeJSON(w, demo.Reports) }

// checkout answers GET /checkout.
func checkout(e *engine.Engine) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, demo.Checkout(e, r.Header.Get(demo.UserHeader)))
	}
}
