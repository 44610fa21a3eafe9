package admin_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/waygate-go/waygate/admin"
	"github.com/waygate-go/waygate/core/backend"
	"github.com/waygate-go/waygate/core/engine"
)

// The dashboard is part of the admin handler: mount it anywhere, here
// under /ops/waygate, and open that path in a browser. Visitors without a
// session are sent to the sign-in page under the same prefix.
func Example_dashboard() {
	e, err := engine.New(context.Background(), engine.WithBackend(backend.NewMemory()))
	if err != nil {
		panic(err)
	}
	defer e.Close()

	dash, err := admin.New(e,
		admin.WithUser("ops", "a long admin password", admin.RoleAdmin),
		admin.WithUser("support", "a long viewer password", admin.RoleViewer),
		admin.WithSecret("use-32-random-bytes-from-a-secret-store"),
	)
	if err != nil {
		panic(err)
	}
	defer dash.Close()

	mux := http.NewServeMux()
	mux.Handle("/ops/waygate/", http.StripPrefix("/ops/waygate", dash))

	srv := httptest.NewServer(mux)
	defer srv.Close()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Get(srv.URL + "/ops/waygate/")
	if err != nil {
		panic(err)
	}
	resp.Body.Close()
	fmt.Println(resp.StatusCode, resp.Header.Get("Location"))
	// Output: 303 /ops/waygate/sign-in?next=%2Fops%2Fwaygate%2F
}
