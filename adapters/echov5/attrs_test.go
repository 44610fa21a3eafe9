package waygateechov5_test

import (
	"context"
	"strings"
	"testing"

	"github.com/labstack/echo/v5"
	waygateechov5 "github.com/waygate-go/waygate/adapters/echov5"
	"github.com/waygate-go/waygate/core/ratelimit"
)

// TestAttributes: attributes set by Pre and Use middleware reach the rate
// limits together (tiers from a named attribute, users, exempt roles), and
// handlers still see the request they were set on.
func TestAttributes(t *testing.T) {
	e := newEngine(t)
	app := echo.New()
	app.Pre(func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c *echo.Context) error {
			if org := c.Request().Header.Get("X-Org-Plan"); org != "" {
				waygateechov5.SetAttr(c, "org_plan", org)
			}
			return next(c)
		}
	})
	app.Use(func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c *echo.Context) error {
			h := c.Request().Header
			if u := h.Get("X-User"); u != "" {
				waygateechov5.SetUser(c, u)
			}
			if r := h.Get("X-Roles"); r != "" {
				waygateechov5.SetRoles(c, strings.Split(r, ",")...)
			}
			return next(c)
		}
	})
	app.Use(waygateechov5.Middleware(e))
	r := waygateechov5.Wrap(e, app)
	ok := func(c *echo.Context) error { return c.String(200, c.Request().Header.Get("X-User")) }
	app.GET("/tiered", ok, waygateechov5.RateLimit("1/minute", ratelimit.By(ratelimit.KeyUser), ratelimit.TierFrom("org_plan"),
		ratelimit.Tiers(ratelimit.Tier{Name: "gold", Limit: "3/minute"})))
	app.GET("/staff", ok, waygateechov5.RateLimit("1/minute", ratelimit.ExemptRoles("staff")))
	if err := r.Register(context.Background()); err != nil {
		t.Fatal(err)
	}
	type step struct {
		path   string
		hdr    []string
		status int
		remain string
	}
	gold := []string{"X-User", "ada", "X-Org-Plan", "gold"}
	tests := []struct {
		name  string
		steps []step
	}{
		{"tier from a Pre attribute, user from a Use attribute", []step{
			{"/tiered", gold, 200, "2"}, {"/tiered", gold, 200, "1"}, {"/tiered", gold, 200, "0"}, {"/tiered", gold, 429, "0"},
			{"/tiered", []string{"X-User", "bob"}, 200, "0"}, {"/tiered", []string{"X-User", "bob"}, 429, "0"},
		}},
		{"exempt role is neither counted nor told", []step{
			{"/staff", []string{"X-Roles", "dev,staff"}, 200, ""}, {"/staff", []string{"X-Roles", "dev,staff"}, 200, ""},
			{"/staff", nil, 200, "0"}, {"/staff", nil, 429, "0"},
		}},
	}
	for _, tc := range tests {
		for i, s := range tc.steps {
			rec := do(app, "GET", s.path, s.hdr...)
			if rec.Code != s.status || rec.Header().Get("X-RateLimit-Remaining") != s.remain {
				t.Errorf("%s, request %d: %d remaining %q, want %d remaining %q (body %s)",
					tc.name, i+1, rec.Code, rec.Header().Get("X-RateLimit-Remaining"), s.status, s.remain, rec.Body)
			}
		}
	}
	if rec := do(app, "GET", "/staff", "X-User", "eve", "X-Roles", "staff"); rec.Body.String() != "eve" {
		t.Errorf("handler saw %q, want the request's own headers", rec.Body)
	}
}

// TestInvalidRateLimitPanics: a bad limit string is a startup error.
func TestInvalidRateLimitPanics(t *testing.T) {
	app := echo.New()
	waygateechov5.Wrap(newEngine(t), app)
	defer func() {
		err, _ := recover().(error)
		if err == nil || !strings.Contains(err.Error(), "GET /posts") || !strings.Contains(err.Error(), "rate limit") {
			t.Errorf("panic = %v, want an error naming the route and the rate limit", err)
		}
	}()
	app.GET("/posts", func(*echo.Context) error { return nil }, waygateechov5.RateLimit("5 per fortnight"))
}
