package admin_test

import (
	"context"
	"log"
	"net/http"
	"os"

	"github.com/waygate-go/waygate/admin"
	"github.com/waygate-go/waygate/core/engine"
)

// A Waygate Server is the admin handler over an engine on a shared
// backend, with a token per service for the SDKs.
func ExampleWithServiceToken() {
	ctx := context.Background()
	b, err := engine.OpenBackend("redis://redis:6379/0")
	if err != nil {
		log.Fatal(err)
	}
	e, err := engine.New(ctx, engine.WithBackend(b))
	if err != nil {
		log.Fatal(err)
	}
	defer e.Close()
	h, err := admin.New(e,
		admin.WithPrefix("/waygate"),
		admin.WithUser("admin", os.Getenv("WAYGATE_ADMIN_PASSWORD"), admin.RoleAdmin),
		admin.WithSecret(os.Getenv("WAYGATE_ADMIN_SECRET")),
		admin.WithServiceToken("payments", os.Getenv("PAYMENTS_TOKEN")),
		admin.WithServiceToken("orders", os.Getenv("ORDERS_TOKEN")),
	)
	if err != nil {
		log.Fatal(err)
	}
	defer h.Close()
	log.Fatal(http.ListenAndServe(":8000", h))
}
