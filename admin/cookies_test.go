package admin_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/waygate-go/waygate/admin"
	"github.com/waygate-go/waygate/core/backend"
	"github.com/waygate-go/waygate/core/engine"
)

// Exactly one spelling of a token verifies: a lenient base64 decoder
// ignores the unused low bits of the signature's last character.
func TestOnlyOneSpellingOfATokenVerifies(t *testing.T) {
	f := newFixture(t)
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	verified := 0
	for _, c := range alphabet {
		tok := f.adminToken[:len(f.adminToken)-1] + string(c)
		if r := f.call("GET", "/api/routes", tok, ""); r.status == http.StatusOK {
			verified++
		} else if r.status != http.StatusUnauthorized {
			t.Fatalf("a respelled token: %d", r.status)
		}
	}
	if verified != 1 {
		t.Fatalf("%d spellings of one token verify, want 1", verified)
	}
}

// The session cookie is Secure on TLS, behind a trusted proxy that says
// the client used https, and always with WithSecureCookies; not on plain
// HTTP, nor when an untrusted peer claims https.
func TestSessionCookieSecure(t *testing.T) {
	e, err := engine.New(context.Background(), engine.WithBackend(backend.NewMemory()), engine.WithTrustedProxies("10.0.0.1"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	handler := func(opts ...admin.Option) http.Handler {
		h, err := admin.New(e, append([]admin.Option{admin.WithUser("admin", adminPass, admin.RoleAdmin), admin.WithIterations(1000)}, opts...)...)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { h.Close() })
		return h
	}
	plain, always := handler(), handler(admin.WithSecureCookies())
	for _, tc := range []struct {
		name    string
		h       http.Handler
		remote  string
		proto   string
		tls     bool
		secured bool
	}{
		{"plain HTTP", plain, "192.0.2.1:1000", "", false, false},
		{"TLS", plain, "192.0.2.1:1000", "", true, true},
		{"trusted proxy, https", plain, "10.0.0.1:1000", "https", false, true},
		{"trusted proxy, http", plain, "10.0.0.1:1000", "http", false, false},
		{"untrusted peer claims https", plain, "192.0.2.1:1000", "https", false, false},
		{"WithSecureCookies", always, "192.0.2.1:1000", "", false, true},
	} {
		req := httptest.NewRequest("POST", "/api/auth/login", strings.NewReader(`{"username":"admin","password":"`+adminPass+`"}`))
		req.Header.Set("Content-Type", "application/json")
		req.RemoteAddr = tc.remote
		if tc.proto != "" {
			req.Header.Set("X-Forwarded-Proto", tc.proto)
		}
		if !tc.tls {
			req.TLS = nil
		} else if req.TLS == nil {
			req = httptest.NewRequest("POST", "https://admin.example/api/auth/login", strings.NewReader(`{"username":"admin","password":"`+adminPass+`"}`))
			req.Header.Set("Content-Type", "application/json")
			req.RemoteAddr = tc.remote
		}
		rec := httptest.NewRecorder()
		tc.h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			t.Fatalf("%s: login %d %s", tc.name, rec.Code, rec.Body)
		}
		cookies := rec.Result().Cookies()
		if len(cookies) == 0 {
			t.Fatalf("%s: no cookies", tc.name)
		}
		for _, c := range cookies {
			if c.Secure != tc.secured {
				t.Errorf("%s: cookie %s Secure = %v, want %v", tc.name, c.Name, c.Secure, tc.secured)
			}
		}
	}
}
