package webhook_test

import (
	"context"
	"crypto/hmac"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/waygate-go/waygate/core/backend"
	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/webhook"
)

// Post every change to Slack and, signed, to your own receiver; page
// someone only for global maintenance.
func ExampleNew() {
	e, err := engine.New(context.Background(), engine.WithBackend(backend.NewMemory()))
	if err != nil {
		panic(err)
	}
	defer e.Close()
	hooks, err := webhook.New(e,
		webhook.WithHook("https://hooks.slack.com/services/T000/B000/XXXX", webhook.Slack()),
		webhook.WithHook("https://ops.example.com/waygate", webhook.Secret("shared-secret")),
		webhook.WithHook("https://pager.example.com/events", webhook.Custom(func(ev webhook.Event) any {
			if ev.Kind != "global" {
				return nil // only global maintenance pages someone
			}
			return map[string]string{"summary": ev.Event + ": " + ev.Reason}
		})),
	)
	if err != nil {
		panic(err)
	}
	defer hooks.Close()
	for _, h := range hooks.Hooks() {
		fmt.Println(h.ID, h.Format, webhook.RedactURL(h.URL))
	}
	// Output:
	// code-1 slack https://hooks.slack.com/…
	// code-2 json https://ops.example.com/…
	// code-3 custom https://pager.example.com/…
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
		want := webhook.Sign("shared-secret", body)
		if !hmac.Equal([]byte(r.Header.Get("X-Waygate-Signature")), []byte(want)) {
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		var ev webhook.Event
		if err := json.Unmarshal(body, &ev); err != nil {
			http.Error(w, "not an event", http.StatusBadRequest)
			return
		}
		fmt.Println(ev.Event, ev.Path)
	}

	body := `{"event":"disable","kind":"route","path":"GET:/orders"}`
	req := httptest.NewRequest("POST", "/hook", strings.NewReader(body))
	req.Header.Set("X-Waygate-Signature", webhook.Sign("shared-secret", []byte(body)))
	receive(httptest.NewRecorder(), req)
	// Output: disable GET:/orders
}
