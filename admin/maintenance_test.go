package admin_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/route"
)

func config(t *testing.T, r response) route.MaintenanceConfig {
	t.Helper()
	var c route.MaintenanceConfig
	r.json(t, &c)
	return c
}

func TestGlobalMaintenance(t *testing.T) {
	f := newFixture(t)
	r := f.as("GET", "/api/global", "")
	want(t, r, http.StatusOK)
	if got := compact(t, r.body); got != `{"enabled":false,"reason":"","exempt_paths":[],"include_force_active":false}` {
		t.Errorf("initial %s", got)
	}
	r = f.as("POST", "/api/global/enable", `{"reason":"deploy","exempt_paths":["/health","GET:/orders"]}`)
	want(t, r, http.StatusOK)
	if c := config(t, r); !c.Enabled || c.Reason != "deploy" || !slices.Equal(c.ExemptPaths, []string{"/health", "GET:/orders"}) {
		t.Errorf("enable: %+v", c)
	}
	// Exempt paths change without switching maintenance off...
	r = f.as("PUT", "/api/global/exempt-paths", `{"exempt_paths":["/health"]}`)
	want(t, r, http.StatusOK)
	if c := config(t, r); !c.Enabled || !slices.Equal(c.ExemptPaths, []string{"/health"}) {
		t.Errorf("exempt while on: %+v", c)
	}
	// ...or on.
	want(t, f.as("POST", "/api/global/disable", ""), http.StatusOK)
	r = f.as("PUT", "/api/global/exempt-paths", `{"exempt_paths":["/status"]}`)
	if c := config(t, r); c.Enabled || !slices.Equal(c.ExemptPaths, []string{"/status"}) {
		t.Errorf("exempt while off: %+v", c)
	}
	// enable without exempt_paths keeps them; include_force_active is passed on.
	r = f.as("POST", "/api/global/enable", `{"include_force_active":true}`)
	if c := config(t, r); !c.Enabled || !c.IncludeForceActive || !slices.Equal(c.ExemptPaths, []string{"/status"}) {
		t.Errorf("re-enable: %+v", c)
	}
	if !f.eng.Maintenance(engine.GlobalScope()).Enabled {
		t.Error("the engine did not switch global maintenance on")
	}
	for _, tc := range []struct{ method, path, body, contains string }{
		{"PUT", "/api/global/exempt-paths", `{}`, "exempt_paths is required"},
		{"PUT", "/api/global/exempt-paths", `{"exempt_paths":["no-slash"]}`, "exempt path"},
		{"POST", "/api/global/enable", `{"exempt_paths":["bad key"]}`, "exempt path"},
	} {
		r := f.as(tc.method, tc.path, tc.body)
		if r.status != http.StatusBadRequest || !strings.Contains(r.errorMessage(t), tc.contains) {
			t.Errorf("%s %s: %d %s", tc.path, tc.body, r.status, r.body)
		}
	}
}

func TestServiceMaintenance(t *testing.T) {
	f := newFixture(t)
	base := "/api/services/billing/maintenance"
	want(t, f.as("GET", base, ""), http.StatusOK)
	r := f.as("POST", base+"/enable", `{"reason":"ledger rebuild","exempt_paths":["/health"]}`)
	want(t, r, http.StatusOK)
	if c := config(t, r); !c.Enabled || c.Reason != "ledger rebuild" {
		t.Errorf("enable %+v", c)
	}
	r = f.as("PUT", base+"/exempt-paths", `{"exempt_paths":[]}`)
	if c := config(t, r); !c.Enabled || len(c.ExemptPaths) != 0 {
		t.Errorf("exempt %+v", c)
	}
	if c := config(t, f.as("GET", base, "")); !c.Enabled {
		t.Errorf("get %+v", c)
	}
	r = f.as("GET", "/api/services", "")
	if got := compact(t, r.body); got != `["billing"]` {
		t.Errorf("services %s", got)
	}
	r = f.as("POST", base+"/disable", "")
	if c := config(t, r); c.Enabled {
		t.Errorf("disable %+v", c)
	}
	r = f.as("POST", "/api/services/bad%20name/maintenance/enable", `{}`)
	want(t, r, http.StatusBadRequest)
	r.errorMessage(t)
}
