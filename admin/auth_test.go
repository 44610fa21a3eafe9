package admin_test

import (
	"context"
	"encoding/base64"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/waygate-go/waygate/admin"
	"github.com/waygate-go/waygate/core/audit"
	"github.com/waygate-go/waygate/core/backend"
	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/waygatetest"
)

func TestLogin(t *testing.T) {
	f := newFixture(t)
	r := f.call("POST", "/api/auth/login", "", `{"username":"viewer","password":"`+viewerPass+`","platform":"cli"}`)
	want(t, r, http.StatusOK)
	var out struct {
		Token, Username, Role, Platform string
		ExpiresAt                       string `json:"expires_at"`
		CSRF                            string `json:"csrf_token"`
	}
	r.json(t, &out)
	if out.Username != "viewer" || out.Role != "viewer" || out.Platform != "cli" || out.CSRF == "" ||
		out.ExpiresAt != f.clk.Now().Add(24*time.Hour).UTC().Format(time.RFC3339) {
		t.Errorf("login body %s", r.body)
	}
	cookies := map[string]*http.Cookie{}
	for _, c := range (&http.Response{Header: r.header}).Cookies() {
		cookies[c.Name] = c
	}
	s, c := cookies[admin.SessionCookie], cookies[admin.CSRFCookie]
	if s == nil || s.Value != out.Token || !s.HttpOnly || s.SameSite != http.SameSiteStrictMode || s.Path != "/waygate" || s.Secure {
		t.Errorf("session cookie %+v", s)
	}
	if c == nil || c.Value != out.CSRF || c.HttpOnly || c.SameSite != http.SameSiteStrictMode {
		t.Errorf("csrf cookie %+v", c)
	}
	r = f.call("GET", "/api/auth/me", out.Token, "")
	want(t, r, http.StatusOK)
	if got := compact(t, r.body); !strings.Contains(got, `"username":"viewer","role":"viewer","platform":"cli"`) {
		t.Errorf("me %s", got)
	}
}

func TestLoginErrors(t *testing.T) {
	f := newFixture(t)
	for _, tc := range []struct {
		body     string
		status   int
		contains string
	}{
		{`{"username":"admin","password":"wrong"}`, 401, "invalid credentials"},
		{`{"username":"nobody","password":"wrong"}`, 401, "invalid credentials"},
		{`{"username":"admin"}`, 400, "required"},
		{``, 400, "required"},
		{`{"username":"admin","password":"x","platform":"mainframe"}`, 400, "platform"},
	} {
		r := f.call("POST", "/api/auth/login", "", tc.body)
		if r.status != tc.status || !strings.Contains(r.errorMessage(t), tc.contains) {
			t.Errorf("%s: %d %s", tc.body, r.status, r.body)
		}
	}
}

func TestLoginThrottle(t *testing.T) {
	f := newFixture(t)
	bad := `{"username":"admin","password":"guess"}`
	for i := 0; i < 5; i++ {
		want(t, f.call("POST", "/api/auth/login", "", bad), http.StatusUnauthorized)
	}
	r := f.call("POST", "/api/auth/login", "", `{"username":"admin","password":"`+adminPass+`"}`)
	want(t, r, http.StatusTooManyRequests)
	if r.header.Get("Retry-After") != "60" {
		t.Errorf("Retry-After %q, want 60", r.header.Get("Retry-After"))
	}
	r.errorMessage(t)
	// Another user from the same address is not locked out.
	f.login("viewer", viewerPass)
	f.clk.Advance(61 * time.Second)
	f.login("admin", adminPass)
}

func TestTokenTampering(t *testing.T) {
	f := newFixture(t)
	payload, sig, _ := strings.Cut(f.viewerToken, ".")
	raw, _ := base64.RawURLEncoding.DecodeString(payload)
	forged := base64.RawURLEncoding.EncodeToString([]byte(strings.Replace(string(raw), `"sub":"viewer"`, `"sub":"admin"`, 1)))
	other := newFixture(t) // same users, another random secret
	flip := func(s string) string {
		b := []byte(s)
		b[len(b)/2] ^= 1
		return string(b)
	}
	for name, tok := range map[string]string{
		"forged subject":   forged + "." + sig,
		"flipped payload":  flip(payload) + "." + sig,
		"flipped sig":      payload + "." + flip(sig),
		"no signature":     payload,
		"empty signature":  payload + ".",
		"other secret":     other.adminToken,
		"signature only":   "." + sig,
		"three parts":      f.adminToken + "." + sig,
		"very long":        strings.Repeat("a", 5000) + "." + sig,
		"whitespace token": "   ",
	} {
		r := f.call("POST", "/api/routes/"+key("GET:/orders")+"/disable", tok, `{}`)
		if r.status != http.StatusUnauthorized {
			t.Errorf("%s: status %d (%s)", name, r.status, r.body)
		}
	}
	if st, _ := f.eng.Route("GET:/orders"); st.Status != "active" {
		t.Errorf("a forged token changed state: %+v", st)
	}
}

func TestTokenExpiry(t *testing.T) {
	f := newFixture(t, admin.WithTokenTTL(time.Hour))
	want(t, f.call("GET", "/api/auth/me", f.adminToken, ""), http.StatusOK)
	f.clk.Advance(59 * time.Minute)
	want(t, f.call("GET", "/api/auth/me", f.adminToken, ""), http.StatusOK)
	f.clk.Advance(time.Minute)
	r := f.call("GET", "/api/auth/me", f.adminToken, "")
	want(t, r, http.StatusUnauthorized)
	if msg := r.errorMessage(t); !strings.Contains(msg, "expired") {
		t.Errorf("message %q", msg)
	}
}

// A logged-out token stays refused after a restart on a persistent backend.
func TestLogoutRevocationSurvivesRestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	secret := strings.Repeat("s", 32)
	var b *backend.File
	start := func() *fixture {
		var err error
		if b, err = backend.OpenFile(path); err != nil {
			t.Fatal(err)
		}
		eng, clk := waygatetest.NewEngine(t, engine.WithBackend(b))
		f := newFixtureOn(t, eng, clk, admin.WithSecret(secret))
		return f
	}
	f := start()
	revoked, kept := f.adminToken, f.viewerToken
	r := f.call("POST", "/api/auth/logout", revoked, "")
	want(t, r, http.StatusOK)
	if !strings.Contains(r.header.Get("Set-Cookie"), admin.SessionCookie+"=;") {
		t.Errorf("logout did not clear the cookie: %q", r.header.Values("Set-Cookie"))
	}
	r = f.call("GET", "/api/auth/me", revoked, "")
	want(t, r, http.StatusUnauthorized)
	if msg := r.errorMessage(t); !strings.Contains(msg, "revoked") {
		t.Errorf("message %q", msg)
	}
	f.h.Close()
	f.eng.Close()
	b.Close()

	g := start()
	want(t, g.call("GET", "/api/auth/me", kept, ""), http.StatusOK)
	want(t, g.call("GET", "/api/auth/me", revoked, ""), http.StatusUnauthorized)
}

// Revocations reach other instances sharing the backend.
func TestLogoutSharedBetweenInstances(t *testing.T) {
	b := backend.NewMemory()
	secret := strings.Repeat("k", 32)
	e1, c1 := waygatetest.NewEngine(t, engine.WithBackend(b))
	e2, c2 := waygatetest.NewEngine(t, engine.WithBackend(b))
	f1 := newFixtureOn(t, e1, c1, admin.WithSecret(secret))
	f2 := newFixtureOn(t, e2, c2, admin.WithSecret(secret))
	want(t, f2.call("GET", "/api/auth/me", f1.adminToken, ""), http.StatusOK)
	want(t, f1.call("POST", "/api/auth/logout", f1.adminToken, ""), http.StatusOK)
	deadline := time.Now().Add(5 * time.Second)
	for f2.call("GET", "/api/auth/me", f1.adminToken, "").status != http.StatusUnauthorized {
		if time.Now().After(deadline) {
			t.Fatal("the other instance still accepts the revoked token")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestCookieSessionNeedsCSRF(t *testing.T) {
	f := newFixture(t)
	r := f.call("POST", "/api/auth/login", "", `{"username":"admin","password":"`+adminPass+`"}`)
	var out struct {
		Token string
		CSRF  string `json:"csrf_token"`
	}
	r.json(t, &out)
	path := f.base + "/api/routes/" + key("GET:/orders") + "/disable"
	send := func(method, url string, cookies map[string]string, header string) response {
		req, _ := http.NewRequest(method, url, strings.NewReader(`{"reason":"x"}`))
		for name, v := range cookies {
			req.AddCookie(&http.Cookie{Name: name, Value: v})
		}
		if header != "" {
			req.Header.Set(admin.CSRFHeader, header)
		}
		return f.send(req)
	}
	session := map[string]string{admin.SessionCookie: out.Token}
	both := map[string]string{admin.SessionCookie: out.Token, admin.CSRFCookie: out.CSRF}
	forged := map[string]string{admin.SessionCookie: out.Token, admin.CSRFCookie: "attacker"}

	want(t, send("GET", f.base+"/api/routes", session, ""), http.StatusOK) // reads need no CSRF token
	for name, r := range map[string]response{
		"no token":           send("POST", path, session, ""),
		"header, no cookie":  send("POST", path, session, out.CSRF),
		"cookie, no header":  send("POST", path, both, ""),
		"wrong header":       send("POST", path, both, "nope"),
		"forged pair":        send("POST", path, forged, "attacker"),
		"form-style delete":  send("DELETE", f.base+"/api/routes/"+key("GET:/orders")+"/schedule", session, ""),
		"logout without it":  send("POST", f.base+"/api/auth/logout", session, ""),
		"webhook without it": send("POST", f.base+"/api/webhooks", session, ""),
	} {
		if r.status != http.StatusForbidden || !strings.Contains(r.errorMessage(t), "CSRF") {
			t.Errorf("%s: %d %s", name, r.status, r.body)
		}
	}
	if st, _ := f.eng.Route("GET:/orders"); st.Status != "active" {
		t.Fatalf("a request without CSRF token changed state: %+v", st)
	}
	want(t, send("POST", path, both, out.CSRF), http.StatusOK)
	// Header-token clients need no CSRF token.
	want(t, f.as("POST", "/api/routes/"+key("GET:/orders")+"/enable", ""), http.StatusOK)
}

func TestCrossOriginRefused(t *testing.T) {
	f := newFixture(t)
	path := "/api/routes/" + key("GET:/orders") + "/disable"
	for name, h := range map[string][]string{
		"fetch metadata": {"Sec-Fetch-Site", "cross-site"},
		"origin":         {"Origin", "https://evil.example"},
	} {
		r := f.call("POST", path, f.adminToken, `{}`, h...)
		if r.status != http.StatusForbidden {
			t.Errorf("%s: %d %s", name, r.status, r.body)
		}
	}
	r := f.call("POST", "/api/auth/login", "", `{"username":"admin","password":"`+adminPass+`"}`, "Sec-Fetch-Site", "cross-site")
	want(t, r, http.StatusForbidden)
	want(t, f.call("POST", path, f.adminToken, `{}`, "Sec-Fetch-Site", "same-origin"), http.StatusOK)

	g := newFixture(t, admin.WithTrustedOrigins("https://ops.example.com"))
	want(t, g.call("POST", path, g.adminToken, `{}`, "Origin", "https://ops.example.com", "Sec-Fetch-Site", "cross-site"), http.StatusOK)
	want(t, g.call("POST", path, g.adminToken, `{}`, "Origin", "https://evil.example", "Sec-Fetch-Site", "cross-site"), http.StatusForbidden)
}

// Only the exact login and OpenAPI paths are public: look-alikes need a
// token.
func TestPublicPathsAreExact(t *testing.T) {
	f := newFixture(t)
	want(t, f.call("GET", "/api/openapi.json", "", ""), http.StatusOK)
	for _, p := range []string{
		"/api/flags/login", "/api/routes/login", "/api/auth/login/x", "/api/auth/loginx", "/x/api/auth/login",
		"/api/openapi.json/x", "/api/static/x", "/static/x", "/login", "/api/routes/" + key("GET:/login"),
		"/api/auth/login/../../api/routes", "/api/auth/me?/api/auth/login", "/api/audit#/api/auth/login",
	} {
		for _, m := range []string{"GET", "POST", "DELETE"} {
			r := f.call(m, p, "", "{}")
			if r.status != http.StatusUnauthorized {
				t.Errorf("%s %s without a token: %d (%s)", m, p, r.status, r.body)
			}
		}
	}
	want(t, f.call("GET", "/api/auth/login", "", ""), http.StatusUnauthorized) // other methods are not public
}

func TestPlatformAndActorStamped(t *testing.T) {
	f := newFixture(t)
	k := "/api/routes/" + key("GET:/orders")
	want(t, f.call("POST", k+"/disable", f.adminToken, `{"reason":"a"}`, admin.PlatformHeader, "cli", "X-Waygate-Actor", "mallory"), http.StatusOK)
	want(t, f.call("POST", k+"/enable", f.adminToken, ``, admin.PlatformHeader, "mainframe"), http.StatusOK)
	entries, _ := f.eng.Audit(context.Background(), audit.Query{Route: "GET:/orders"})
	if len(entries) != 2 {
		t.Fatalf("audit %+v", entries)
	}
	if e := entries[1]; e.Actor != "admin" || e.Platform != "cli" {
		t.Errorf("disable stamped %s/%s, want admin/cli", e.Actor, e.Platform)
	}
	if e := entries[0]; e.Actor != "admin" || e.Platform != "api" {
		t.Errorf("enable stamped %s/%s, want admin/api", e.Actor, e.Platform)
	}
}

func TestOpenAccess(t *testing.T) {
	f := newOpenFixture(t)
	r := f.call("GET", "/api/auth/me", "", "")
	want(t, r, http.StatusOK)
	if got := compact(t, r.body); !strings.Contains(got, `"username":"anonymous","role":"admin"`) || !strings.Contains(got, `"open_access":true`) {
		t.Errorf("me %s", got)
	}
	want(t, f.call("POST", "/api/routes/"+key("GET:/orders")+"/disable", "", `{}`), http.StatusOK)
	entries, _ := f.eng.Audit(context.Background(), audit.Query{Route: "GET:/orders"})
	if len(entries) != 1 || entries[0].Actor != "anonymous" {
		t.Errorf("audit %+v", entries)
	}
	want(t, f.call("POST", "/api/auth/login", "", `{"username":"a","password":"b"}`), http.StatusNotImplemented)
}

func TestNewRefusesBadConfig(t *testing.T) {
	eng, _ := waygatetest.NewEngine(t)
	for name, opts := range map[string][]admin.Option{
		"no users":        nil,
		"open with users": {admin.WithOpenAccess(), admin.WithUser("a", "b", admin.RoleAdmin)},
		"bad role":        {admin.WithUser("a", "b", "root")},
		"empty password":  {admin.WithUser("a", "", admin.RoleAdmin)},
		"empty name":      {admin.WithUser(" ", "b", admin.RoleAdmin)},
		"duplicate":       {admin.WithUser("a", "b", admin.RoleAdmin), admin.WithUser("a", "c", admin.RoleViewer)},
		"short secret":    {admin.WithUser("a", "b", admin.RoleAdmin), admin.WithSecret("short")},
		"bad hash":        {admin.WithUserHash("a", "md5$abc", admin.RoleAdmin)},
		"bad ttl":         {admin.WithOpenAccess(), admin.WithTokenTTL(0)},
	} {
		if h, err := admin.New(eng, append(opts, admin.WithIterations(1000))...); err == nil {
			h.Close()
			t.Errorf("%s: New succeeded", name)
		} else if !strings.HasPrefix(err.Error(), "waygate admin: ") {
			t.Errorf("%s: error %q", name, err)
		}
	}
	if _, err := admin.New(nil, admin.WithOpenAccess()); err == nil {
		t.Error("New(nil) succeeded")
	}
}

func TestUserHash(t *testing.T) {
	hash, err := admin.HashWith("s3cret", 1000)
	if err != nil {
		t.Fatal(err)
	}
	eng, clk := waygatetest.NewEngine(t)
	f := build(t, eng, clk, []admin.Option{admin.WithUserHash("ops", hash, admin.RoleViewer)}, false)
	f.login("ops", "s3cret")
	want(t, f.call("POST", "/api/auth/login", "", `{"username":"ops","password":"secret"}`), http.StatusUnauthorized)
	if testing.Short() || raceEnabled {
		return // 600 000 PBKDF2 rounds take seconds under the race detector
	}
	full, err := admin.HashPassword("x")
	if err != nil || !strings.HasPrefix(full, "pbkdf2-sha256$600000$") {
		t.Errorf("HashPassword: %q, %v", full, err)
	}
}

// A 401 names the login path where the handler is mounted, challenges with
// WWW-Authenticate (RFC 9110 requires it), and the token it asks for is
// accepted as a Bearer token too.
func TestUnauthenticatedAnswersSayWhereToLogIn(t *testing.T) {
	f := newFixture(t) // mounted at /waygate
	for name, header := range map[string][]string{
		"no credentials": nil,
		"a bad token":    {"X-Waygate-Token", "not-a-token"},
		"a bad bearer":   {"Authorization", "Bearer not-a-token"},
	} {
		r := f.call("GET", "/api/routes", "", "", header...)
		want(t, r, http.StatusUnauthorized)
		msg := r.errorMessage(t)
		if !strings.Contains(msg, "POST /waygate/api/auth/login") {
			t.Errorf("%s: 401 says %q, want the mounted login path POST /waygate/api/auth/login", name, msg)
		}
		if got := r.header.Get("WWW-Authenticate"); got != `Bearer realm="waygate"` {
			t.Errorf("%s: WWW-Authenticate = %q", name, got)
		}
	}
	r := f.call("GET", "/api/routes", "", "", "Authorization", "Bearer "+f.viewerToken)
	want(t, r, http.StatusOK)
}
