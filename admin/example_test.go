package admin_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/waygate-go/waygate/admin"
	"github.com/waygate-go/waygate/core/backend"
	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/webhook"
)

// Mount the admin API under a prefix of a net/http server. Requests without
// a session token are refused.
func ExampleNew() {
	ctx := context.Background()
	e, err := engine.New(ctx, engine.WithBackend(backend.NewMemory()))
	if err != nil {
		panic(err)
	}
	defer e.Close()

	h, err := admin.New(e,
		admin.WithUser("alice", "correct horse battery staple", admin.RoleAdmin),
		admin.WithUser("bob", "a viewer's long password", admin.RoleViewer),
		admin.WithSecret("use-32-random-bytes-from-a-secret-store"),
	)
	if err != nil {
		panic(err)
	}
	defer h.Close()

	mux := http.NewServeMux()
	mux.Handle("/waygate/", http.StripPrefix("/waygate", h))

	srv := httptest.NewServer(mux)
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/waygate/api/routes")
	if err != nil {
		panic(err)
	}
	resp.Body.Close()
	fmt.Println(resp.Status)
	// Output: 401 Unauthorized
}

// Log in, then put a route in maintenance. The token from the login goes
// in the X-Waygate-Token header; route keys go in URLs as unpadded
// base64url.
func Example_login() {
	ctx := context.Background()
	e, err := engine.New(ctx, engine.WithBackend(backend.NewMemory()))
	if err != nil {
		panic(err)
	}
	defer e.Close()
	if err := e.Register(ctx, engine.Registration{Method: "GET", Template: "/orders"}); err != nil {
		panic(err)
	}
	h, err := admin.New(e, admin.WithUser("alice", "correct horse battery staple", admin.RoleAdmin))
	if err != nil {
		panic(err)
	}
	defer h.Close()
	srv := httptest.NewServer(http.StripPrefix("/waygate", h))
	defer srv.Close()
	base := srv.URL + "/waygate"

	resp, err := http.Post(base+"/api/auth/login", "application/json",
		strings.NewReader(`{"username": "alice", "password": "correct horse battery staple", "platform": "cli"}`))
	if err != nil {
		panic(err)
	}
	var login struct {
		Token string `json:"token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&login); err != nil {
		panic(err)
	}
	resp.Body.Close()

	url := base + "/api/routes/" + admin.EncodeRouteKey("GET:/orders") + "/maintenance"
	req, _ := http.NewRequest("POST", url, strings.NewReader(`{"reason": "reindexing"}`))
	req.Header.Set(admin.TokenHeader, login.Token)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		panic(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var state struct{ Path, Status, Reason string }
	if err := json.Unmarshal(body, &state); err != nil {
		panic(err)
	}
	fmt.Println(resp.StatusCode, state.Path, state.Status, state.Reason)
	// Output: 200 GET:/orders maintenance reindexing
}

// Route keys travel in URL path segments as unpadded base64url.
func ExampleEncodeRouteKey() {
	fmt.Println(admin.EncodeRouteKey("GET:/payments"))
	key, _ := admin.DecodeRouteKey("R0VUOi9pdGVtcy97aXRlbV9pZH0")
	fmt.Println(key)
	// Output:
	// R0VUOi9wYXltZW50cw
	// GET:/items/{item_id}
}

// Webhooks are an engine subscriber of their own (package webhook); the
// handler lists the dispatcher's webhooks and adds and removes them at
// runtime.
func ExampleWithWebhooks() {
	e, err := engine.New(context.Background(), engine.WithBackend(backend.NewMemory()))
	if err != nil {
		panic(err)
	}
	defer e.Close()
	hooks, err := webhook.New(e, webhook.WithHook("https://ops.example.com/waygate", webhook.Secret("shared-secret")))
	if err != nil {
		panic(err)
	}
	defer hooks.Close()
	h, err := admin.New(e,
		admin.WithUser("alice", "correct horse battery staple", admin.RoleAdmin),
		admin.WithWebhooks(hooks),
	)
	if err != nil {
		panic(err)
	}
	defer h.Close()
}
