package admin_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/waygate-go/waygate/admin"
	"github.com/waygate-go/waygate/core/audit"
	"github.com/waygate-go/waygate/core/backend"
	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/waygatetest"
)

func TestAuditFiltersAndPages(t *testing.T) {
	f := newFixture(t)
	k := "/api/routes/" + key("GET:/orders")
	for _, p := range []string{"/disable", "/enable", "/disable", "/enable"} {
		want(t, f.as("POST", k+p, ""), http.StatusOK)
	}
	viewerFlip := f.login("admin", adminPass)
	want(t, f.call("POST", "/api/global/enable", viewerFlip, `{"reason":"x"}`, admin.PlatformHeader, "dashboard"), http.StatusOK)

	get := func(q string) []audit.Entry {
		t.Helper()
		r := f.call("GET", "/api/audit"+q, f.viewerToken, "")
		want(t, r, http.StatusOK)
		var out []audit.Entry
		r.json(t, &out)
		return out
	}
	all := get("")
	if len(all) != 5 || all[0].Action != audit.ActionGlobalMaintenanceOn || all[0].Platform != "dashboard" {
		t.Fatalf("all %+v", all)
	}
	if got := get("?route=GET:/orders"); len(got) != 4 {
		t.Errorf("route filter: %d", len(got))
	}
	if got := get("?action=disable"); len(got) != 2 || got[0].Action != audit.ActionDisable {
		t.Errorf("action filter: %+v", got)
	}
	if got := get("?actor=admin&route=__global__"); len(got) != 1 {
		t.Errorf("actor+route filter: %+v", got)
	}
	if got := get("?actor=someone"); len(got) != 0 {
		t.Errorf("actor filter: %+v", got)
	}
	page1, page2 := get("?route=GET:/orders&limit=3"), get("?route=GET:/orders&limit=3&offset=3")
	if len(page1) != 3 || len(page2) != 1 || page2[0].ID == page1[2].ID || page2[0].Action != audit.ActionDisable {
		t.Errorf("pages %+v / %+v", page1, page2)
	}
	for _, q := range []string{"?limit=0", "?limit=1001", "?offset=-1", "?offset=x"} {
		r := f.as("GET", "/api/audit"+q, "")
		want(t, r, http.StatusBadRequest)
		r.errorMessage(t)
	}
}

func TestAuditByService(t *testing.T) {
	eng, clk := waygatetest.NewEngine(t, engine.WithService("payments"))
	f := newFixtureOn(t, eng, clk)
	want(t, f.as("POST", "/api/routes/"+key("GET:/orders")+"/disable", ""), http.StatusOK)
	var got []audit.Entry
	f.as("GET", "/api/audit?service=payments", "").json(t, &got)
	if len(got) != 1 || got[0].Service != "payments" {
		t.Errorf("service filter %+v", got)
	}
}

func TestHealth(t *testing.T) {
	f := newFixture(t)
	r := f.call("GET", "/api/health", f.viewerToken, "")
	want(t, r, http.StatusOK)
	var h struct {
		Status string
		Synced bool
		Env    string
		Engine engine.Stats
	}
	r.json(t, &h)
	if h.Status != "ok" || !h.Synced || h.Env != "production" {
		t.Errorf("health %s", r.body)
	}
}

// failingBackend refuses writes, as an unreachable backend does.
type failingBackend struct{ *backend.Memory }

func (failingBackend) Write(context.Context, ...backend.Record) error { return backend.ErrClosed }

// A backend that cannot take writes answers 503, and the fail-open counter
// shows in /api/health.
func TestBackendDown(t *testing.T) {
	eng, clk := waygatetest.NewEngine(t, engine.WithBackend(failingBackend{backend.NewMemory()}))
	f := newFixtureOn(t, eng, clk)
	r := f.as("POST", "/api/routes/"+key("GET:/orders")+"/disable", "")
	want(t, r, http.StatusServiceUnavailable)
	r.errorMessage(t)
	r = f.as("POST", "/api/webhooks", `{"url":"http://127.0.0.1:1/hook"}`)
	want(t, r, http.StatusServiceUnavailable)
	r = f.call("POST", "/api/auth/logout", f.viewerToken, "")
	want(t, r, http.StatusServiceUnavailable)
	var h struct{ Engine engine.Stats }
	f.as("GET", "/api/health", "").json(t, &h)
	if h.Engine.FailOpen == 0 {
		t.Errorf("fail-open counter not shown: %+v", h)
	}
}
