package admin_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/route"
)

// The route maintenance dialog takes an optional end, as a time (the
// browser sends it in UTC next to the local time it shows) or as a
// duration, and schedules the same window from now to that end as the
// REST API's and the CLI's --end: clients are told when to retry.
func TestDashboardRouteMaintenanceWithAnEnd(t *testing.T) {
	f := newFixture(t)
	s := newSession(t, f.base)
	s.signIn("admin", adminPass)
	k := key("GET:/orders")
	path := "/routes/" + k + "/maintenance"

	form := s.get(path)
	wantPage(t, "maintenance form", form, http.StatusOK, `type="datetime-local" name="end"`, `name="end_utc"`, `name="duration"`,
		"Your time zone", "30m, 2h, 1d")

	blocked := func(t *testing.T) engine.Decision {
		t.Helper()
		return f.eng.Check(context.Background(), &engine.Request{Method: "GET", Route: "/orders", Path: "/orders"})
	}
	retryAfter := func(d engine.Decision) string {
		for _, h := range d.Header {
			if h.Name == "Retry-After" {
				return h.Value
			}
		}
		return ""
	}
	enable := func(t *testing.T) {
		t.Helper()
		if _, err := f.eng.Enable(context.Background(), "GET:/orders"); err != nil {
			t.Fatal(err)
		}
	}
	now := f.clk.Now().UTC()

	for _, c := range []struct {
		name string
		form url.Values
		end  time.Time
	}{
		{"a duration", url.Values{"reason": {"reindex"}, "duration": {"2h"}}, now.Add(2 * time.Hour)},
		{"days", url.Values{"reason": {"reindex"}, "duration": {"1d"}}, now.Add(24 * time.Hour)},
		{"a local end the browser converted", url.Values{"reason": {"reindex"}, "end": {"2030-01-01T10:00"},
			"end_utc": {now.Add(90 * time.Minute).Format(time.RFC3339)}}, now.Add(90 * time.Minute)},
		{"an end read as UTC without JavaScript", url.Values{"reason": {"reindex"}, "end": {now.Add(3 * time.Hour).Format("2006-01-02T15:04")}},
			now.Add(3 * time.Hour).Truncate(time.Minute)},
	} {
		t.Run(c.name, func(t *testing.T) {
			enable(t)
			c.form.Set("back", "/waygate/")
			p := s.post(path, c.form, true)
			if p.status != http.StatusSeeOther || p.header.Get("Location") != "/waygate/" {
				t.Fatalf("post: %d %q\n%s", p.status, p.header.Get("Location"), between(p.body, `role="alert">`, "</p>"))
			}
			st, err := f.eng.Route("GET:/orders")
			if err != nil {
				t.Fatal(err)
			}
			if st.Status != route.StatusMaintenance || st.Reason != "reindex" || st.Window == nil || !st.Window.End.Equal(c.end) ||
				st.Window.PreviousStatus != route.StatusActive {
				t.Fatalf("state: %s %q window %+v, want maintenance until %s, then active", st.Status, st.Reason, st.Window, c.end)
			}
			d := blocked(t)
			if want := strconv.FormatInt(int64(c.end.Sub(now)/time.Second), 10); d.Status != http.StatusServiceUnavailable || retryAfter(d) != want {
				t.Fatalf("GET /orders: %d Retry-After %q, want 503 with %s seconds", d.Status, retryAfter(d), want)
			}
			wantPage(t, "flash", s.get("/"), http.StatusOK, "GET:/orders is in maintenance until "+c.end.Format("2006-01-02 15:04:05 UTC"))
		})
	}

	t.Run("no end is maintenance until enabled", func(t *testing.T) {
		enable(t)
		if p := s.post(path, url.Values{"reason": {"open-ended"}, "end": {""}, "end_utc": {""}, "duration": {" "}}, true); p.status != http.StatusSeeOther {
			t.Fatalf("post: %d\n%s", p.status, between(p.body, `role="alert">`, "</p>"))
		}
		st, _ := f.eng.Route("GET:/orders")
		if st.Status != route.StatusMaintenance || st.Window != nil {
			t.Fatalf("state: %s window %+v, want maintenance without a window", st.Status, st.Window)
		}
		if d := blocked(t); d.Status != http.StatusServiceUnavailable || retryAfter(d) != "" {
			t.Fatalf("GET /orders: %d Retry-After %q, want 503 without Retry-After", d.Status, retryAfter(d))
		}
	})

	t.Run("bad input says what to fix and changes nothing", func(t *testing.T) {
		for _, c := range []struct {
			form url.Values
			msg  string
		}{
			{url.Values{"duration": {"soon"}}, `duration &#34;soon&#34;: write a duration like 30m, 2h or 1d`},
			{url.Values{"duration": {"0s"}}, "longer than zero"},
			{url.Values{"duration": {"-30m"}}, "longer than zero"},
			{url.Values{"duration": {"-3d"}}, "longer than zero"},
			{url.Values{"duration": {"99999999999d"}}, "longer than ten years"},
			{url.Values{"duration": {"87601h"}}, "longer than ten years"},
			{url.Values{"end": {"tomorrow"}}, "is not a time"},
			{url.Values{"end_utc": {now.Add(-time.Hour).Format(time.RFC3339)}}, "is not in the future"},
			{url.Values{"end_utc": {now.Add(time.Hour).Format(time.RFC3339)}, "duration": {"2h"}}, "an end time or a duration, not both"},
		} {
			enable(t)
			c.form.Set("reason", "kept on the form")
			p := s.post(path, c.form, true)
			msg := between(p.body, `role="alert">`, "</p>")
			if p.status != http.StatusBadRequest || !strings.Contains(msg, c.msg) {
				t.Errorf("post %v: %d %q, want 400 saying %q", c.form, p.status, msg, c.msg)
			}
			if !strings.Contains(p.body, `value="kept on the form"`) {
				t.Errorf("post %v: the form lost the reason", c.form)
			}
			if st, _ := f.eng.Route("GET:/orders"); st.Status != route.StatusActive || st.Window != nil {
				t.Errorf("post %v changed the route: %s %+v", c.form, st.Status, st.Window)
			}
		}
	})

	t.Run("an error in the dialog stays in the dialog", func(t *testing.T) {
		form := url.Values{"duration": {"soon"}, "csrf_token": {s.csrf}}
		req, _ := http.NewRequest("POST", f.base+path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("HX-Request", "true")
		req.Header.Set("X-Waygate-Dialog", "true")
		p := s.do(req)
		if p.status != http.StatusBadRequest || p.header.Get("HX-Retarget") != "#dialog-body" || p.header.Get("HX-Reselect") != "#form-card" ||
			p.header.Get("HX-Reswap") != "innerHTML" || p.header.Get("HX-Push-Url") != "false" {
			t.Fatalf("dialog post: %d %v", p.status, p.header)
		}
		wantPage(t, "dialog post", p, http.StatusBadRequest, `id="form-card"`, "write a duration like")
		// Posted from a page of its own (no dialog), the page shows the form.
		req, _ = http.NewRequest("POST", f.base+path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("HX-Request", "true")
		if p := s.do(req); p.status != http.StatusBadRequest || p.header.Get("HX-Retarget") != "" {
			t.Fatalf("boosted post from the form's own page: %d retarget %q", p.status, p.header.Get("HX-Retarget"))
		}
	})

	t.Run("CSRF and roles as every form", func(t *testing.T) {
		enable(t)
		wantPage(t, "without a CSRF token", s.post(path, url.Values{"duration": {"2h"}}, false), http.StatusForbidden, "CSRF")
		v := newSession(t, f.base)
		v.signIn("viewer", viewerPass)
		wantPage(t, "viewer", v.post(path, url.Values{"duration": {"2h"}}, true), http.StatusForbidden, "viewer")
		if st, _ := f.eng.Route("GET:/orders"); st.Status != route.StatusActive {
			t.Fatalf("a refused post changed the route: %s", st.Status)
		}
	})
}
