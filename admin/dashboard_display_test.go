package admin_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/waygate-go/waygate/core/backend"
	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/waygatetest"
)

// A sunset is shown like every other time of the dashboard, not as the
// RFC 3339 string the engine stores; the deprecate form offers it back as
// the date it was given as.
func TestDashboardShowsSunsetsForPeople(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	if _, err := f.eng.Deprecate(ctx, "GET:/orders/{id}", "2027-01-01", "/v2/orders"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.eng.Deprecate(ctx, "POST:/orders", "2027-03-10T14:30:00+02:00", ""); err != nil {
		t.Fatal(err)
	}
	s := newSession(t, f.base)
	s.signIn("admin", adminPass)
	routes := s.get("/")
	wantPage(t, "routes", routes, http.StatusOK, "sunset 2027-01-01 00:00:00 UTC", "sunset 2027-03-10 12:30:00 UTC")
	for _, raw := range []string{"2027-01-01T00:00:00Z", "2027-03-10T12:30:00Z"} {
		if strings.Contains(routes.body, raw) {
			t.Errorf("the Routes page shows the raw sunset %s", raw)
		}
	}
	wantPage(t, "deprecate form of a date", s.get("/routes/"+key("GET:/orders/{id}")+"/deprecate"), http.StatusOK, `name="sunset" value="2027-01-01"`)
	wantPage(t, "deprecate form of a time", s.get("/routes/"+key("POST:/orders")+"/deprecate"), http.StatusOK, `name="sunset" value="2027-03-10T12:30:00Z"`)
}

// Every number on the Services page says what it counts.
func TestDashboardServicesLabelTheirNumbers(t *testing.T) {
	srv := newSDKServer(t, backend.NewMemory())
	newService(t, srv.base, "payments", paymentsToken)
	s := newSession(t, srv.base)
	s.signIn("admin", adminPass)
	var page string
	eventually(t, "payments connected", func() bool {
		page = s.get("/services").body
		return strings.Contains(page, "Connected")
	})
	row := between(page, "<strong>payments</strong>", "</tr>")
	if !strings.Contains(row, "1 connection<") || !strings.Contains(row, "2 routes<") {
		t.Errorf("payments' row does not label its connections and routes:\n%s", row)
	}
	// No number stands alone next to a tag: each is a badge's count
	// ("Maintenance 1") or comes with its word ("1 connection").
	text := regexp.MustCompile(`<[^>]+>`).ReplaceAllString(row, "|")
	for _, cell := range strings.Split(text, "|") {
		if regexp.MustCompile(`^\s*\d+\s*$`).MatchString(cell) {
			t.Errorf("payments' row has an unlabelled number %q:\n%s", strings.TrimSpace(cell), row)
		}
	}
}

// The sign-in page, and every page shown before sign-in, says nothing
// about the deployment: no environment, no version, no backend state.
// Signed in, the footer has them.
func TestDashboardSignInShowsNothingOfTheDeployment(t *testing.T) {
	const env = "eu-prod-7"
	eng, clk := waygatetest.NewEngine(t, engine.WithEnv(env))
	f := newFixtureOn(t, eng, clk)
	s := newSession(t, f.base)
	secrets := []string{env, `class="version"`, `id="sync-state"`, "backend in sync", "not in sync", "last sync", "live-state"}
	if v := engine.Version(); v != "" {
		secrets = append(secrets, "Waygate for Go "+v, ">"+v+"<")
	}
	anonymous := map[string]page{
		"sign-in page":      s.get("/sign-in"),
		"sign-in with next": s.get("/sign-in?next=%2Fwaygate%2Fflags"),
		"failed sign-in":    s.post("/sign-in", url.Values{"username": {"admin"}, "password": {"wrong"}}, false),
		"post without a session": s.post("/routes/"+key("GET:/orders")+"/maintenance",
			url.Values{"reason": {"x"}}, false),
	}
	for what, p := range anonymous {
		if p.status >= 500 || !strings.Contains(p.body, "</html>") {
			t.Errorf("%s: %d, want a page", what, p.status)
		}
		for _, s := range secrets {
			if strings.Contains(p.body, s) {
				t.Errorf("%s shows %q before sign-in", what, s)
			}
		}
	}
	s.signIn("admin", adminPass)
	wantPage(t, "signed in", s.get("/"), http.StatusOK, "<code>"+env+"</code>", `class="version"`, `id="sync-state"`, "backend in sync")
}
