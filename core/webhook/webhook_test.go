package webhook_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/waygate-go/waygate/core/backend"
	"github.com/waygate-go/waygate/core/clock"
	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/waygatetest"
	"github.com/waygate-go/waygate/core/webhook"
)

type delivery struct {
	header http.Header
	body   []byte
}

// receiver answers with statuses in turn (then 200) and hands every
// delivery to the test.
func receiver(t *testing.T, statuses ...int) (*httptest.Server, <-chan delivery) {
	t.Helper()
	got := make(chan delivery, 64)
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		got <- delivery{header: r.Header.Clone(), body: body}
		if i := int(n.Add(1)) - 1; i < len(statuses) {
			w.WriteHeader(statuses[i])
		}
	}))
	t.Cleanup(srv.Close)
	return srv, got
}

// next waits for a delivery, moving the fake clock on while it waits so
// retries (which back off on the engine's clock) go out.
func next(t *testing.T, got <-chan delivery, clk *clock.Fake) delivery {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		select {
		case d := <-got:
			return d
		case <-time.After(2 * time.Millisecond):
			if time.Now().After(deadline) {
				t.Fatal("no delivery")
			}
			clk.Advance(time.Second)
		}
	}
}

func registered(t *testing.T, opts ...engine.Option) (*engine.Engine, *clock.Fake) {
	t.Helper()
	e, clk := waygatetest.NewEngine(t, opts...)
	if err := e.Register(context.Background(), engine.Registration{Method: "GET", Template: "/orders"}); err != nil {
		t.Fatal(err)
	}
	return e, clk
}

// An engine without the admin handler delivers, signed, and retries a
// failing receiver on the engine's clock.
func TestDeliversWithoutAdminSignedAndRetried(t *testing.T) {
	srv, got := receiver(t, http.StatusServiceUnavailable)
	e, clk := registered(t)
	d, err := webhook.New(e, webhook.WithHook(srv.URL, webhook.Secret("s3cret")), webhook.WithRetry(3, time.Second))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	ctx := engine.WithActor(context.Background(), "alice", "code")
	if _, err := e.Disable(ctx, "GET:/orders", "stock count"); err != nil {
		t.Fatal(err)
	}
	first := next(t, got, clk)
	second := next(t, got, clk)
	if string(first.body) != string(second.body) || first.header.Get("X-Waygate-Delivery") != second.header.Get("X-Waygate-Delivery") {
		t.Fatal("the retry is not the same delivery")
	}
	if sig := second.header.Get("X-Waygate-Signature"); sig != webhook.Sign("s3cret", second.body) {
		t.Fatalf("signature %q", sig)
	}
	var ev webhook.Event
	if err := json.Unmarshal(second.body, &ev); err != nil {
		t.Fatal(err)
	}
	if ev.Event != "disable" || ev.Path != "GET:/orders" || ev.Actor != "alice" || ev.Reason != "stock count" || ev.State == nil || ev.State.Status != "disabled" {
		t.Fatalf("event %+v", ev)
	}
	deadline := time.Now().Add(5 * time.Second)
	for d.Totals().Delivered != 1 {
		if time.Now().After(deadline) {
			t.Fatalf("totals %+v", d.Totals())
		}
		time.Sleep(time.Millisecond)
	}
	if tot := d.Totals(); tot.Retries != 1 || tot.Failed != 0 || tot.Webhooks != 1 {
		t.Fatalf("totals %+v", tot)
	}
}

// Runtime webhooks are stored through the engine: another instance on the
// backend delivers to them, a later one loads them, and each change is
// delivered once however many instances run.
func TestRuntimeHooksReachEveryInstanceAndDeliverOnce(t *testing.T) {
	srv, got := receiver(t)
	b := backend.NewMemory()
	e1, clk := registered(t, engine.WithBackend(b))
	e2, _ := registered(t, engine.WithBackend(b))
	d1, err := webhook.New(e1)
	if err != nil {
		t.Fatal(err)
	}
	defer d1.Close()
	d2, err := webhook.New(e2)
	if err != nil {
		t.Fatal(err)
	}
	defer d2.Close()

	hk, err := d1.Add(context.Background(), webhook.Runtime{URL: srv.URL, Format: webhook.FormatSlack, CreatedBy: "bob"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(hk.ID, "wh_") || hk.Source != webhook.SourceAPI || hk.CreatedBy != "bob" {
		t.Fatalf("added %+v", hk)
	}
	deadline := time.Now().Add(5 * time.Second)
	for len(d2.Hooks()) != 1 {
		if time.Now().After(deadline) {
			t.Fatal("the other instance does not deliver to the runtime webhook")
		}
		time.Sleep(time.Millisecond)
	}
	if _, err := e1.Disable(context.Background(), "GET:/orders", "x"); err != nil {
		t.Fatal(err)
	}
	if dv := next(t, got, clk); !strings.Contains(string(dv.body), "attachments") {
		t.Fatalf("delivery %s, want a Slack attachment", dv.body)
	}
	select {
	case dv := <-got:
		t.Fatalf("delivered twice: %s", dv.body)
	case <-time.After(100 * time.Millisecond):
	}

	e3, _ := registered(t, engine.WithBackend(b))
	d3, err := webhook.New(e3)
	if err != nil {
		t.Fatal(err)
	}
	defer d3.Close()
	if hs := d3.Hooks(); len(hs) != 1 || hs[0].ID != hk.ID {
		t.Fatalf("a later instance has %+v", hs)
	}
	if err := d2.Remove(context.Background(), hk.ID); err != nil {
		t.Fatal(err)
	}
	for len(d1.Hooks()) != 0 || len(d3.Hooks()) != 0 {
		if time.Now().After(deadline) {
			t.Fatal("a removed webhook is still delivered to")
		}
		time.Sleep(time.Millisecond)
	}
}

func TestAddAndRemoveRefuseWhatTheyCannotDo(t *testing.T) {
	e, _ := registered(t)
	d, err := webhook.New(e, webhook.WithHook("https://ops.example.com/hook"))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	ctx := context.Background()
	for _, tc := range []struct {
		r    webhook.Runtime
		want error
	}{
		{webhook.Runtime{}, webhook.ErrInvalid},
		{webhook.Runtime{URL: "ftp://x"}, webhook.ErrInvalid},
		{webhook.Runtime{URL: "https://x.example.com", Format: "xml"}, webhook.ErrInvalid},
		{webhook.Runtime{URL: "https://x.example.com", Format: webhook.FormatCustom}, webhook.ErrInvalid},
		{webhook.Runtime{URL: "https://ops.example.com/hook"}, webhook.ErrExists},
	} {
		if _, err := d.Add(ctx, tc.r); !errors.Is(err, tc.want) {
			t.Errorf("Add(%+v) = %v, want %v", tc.r, err, tc.want)
		}
	}
	if err := d.Remove(ctx, "code-1"); !errors.Is(err, webhook.ErrInCode) {
		t.Errorf("removing a webhook given in code: %v", err)
	}
	if err := d.Remove(ctx, "wh_nope"); !errors.Is(err, webhook.ErrNotFound) {
		t.Errorf("removing an unknown webhook: %v", err)
	}
	if _, err := webhook.New(e, webhook.WithHook("ftp://x")); err == nil {
		t.Error("New accepted an ftp:// webhook")
	}
	if _, err := webhook.New(e, webhook.WithRetry(0, time.Second)); err == nil {
		t.Error("New accepted zero attempts")
	}
}
