package admin_test

import (
	"context"
	"crypto/hmac"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/waygate-go/waygate/admin"
	"github.com/waygate-go/waygate/core/backend"
	"github.com/waygate-go/waygate/core/engine"
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

// Post every change to Slack and, signed, to your own receiver.
func ExampleWithWebhook() {
	e, err := engine.New(context.Background(), engine.WithBackend(backend.NewMemory()))
	if err != nil {
		panic(err)
	}
	defer e.Close()
	h, err := admin.New(e,
		admin.WithUser("alice", "correct horse battery staple", admin.RoleAdmin),
		admin.WithWebhook("https://hooks.slack.com/services/T000/B000/XXXX", admin.WebhookSlack()),
		admin.WithWebhook("https://ops.example.com/waygate", admin.WebhookSecret("shared-secret")),
		admin.WithWebhook("https://pager.example.com/events", admin.WebhookFormatter(func(ev admin.Event) any {
			if ev.Kind != "global" {
				return nil // only global maintenance pages someone
			}
			return map[string]string{"summary": ev.Event + ": " + ev.Reason}
		})),
	)
	if err != nil {
		panic(err)
	}
	defer h.Close()
}

// A webhook receiver checks the signature over the raw body before trusting
// it.
func ExampleSign() {
	receive := func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, "unreadable body", http.StatusBadRequest)
			return
		}
		want := admin.Sign("shared-secret", body)
		if !hmac.Equal([]byte(r.Header.Get("X-Waygate-Signature")), []byte(want)) {
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		var ev admin.Event
		if err := json.Unmarshal(body, &ev); err != nil {
			http.Error(w, "not an event", http.StatusBadRequest)
			return
		}
		fmt.Println(ev.Event, ev.Path)
	}

	body := `{"event":"disable","kind":"route","path":"GET:/orders"}`
	req := httptest.NewRequest("POST", "/hook", strings.NewReader(body))
	req.Header.Set("X-Waygate-Signature", admin.Sign("shared-secret", []byte(body)))
	receive(httptest.NewRecorder(), req)
	// Output: disable GET:/orders
}
