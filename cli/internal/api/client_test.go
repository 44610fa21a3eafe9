package api

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/waygate-go/waygate/admin"
)

func TestMatchesTheAdminPackage(t *testing.T) {
	if TokenHeader != admin.TokenHeader || PlatformHeader != admin.PlatformHeader {
		t.Fatal("header names differ from the admin package's")
	}
	for _, key := range []string{"GET:/payments", "/payments", "shop:POST:/orders/{id}", "GET:/é/ü?"} {
		if EncodeRouteKey(key) != admin.EncodeRouteKey(key) {
			t.Errorf("EncodeRouteKey(%q) = %q, admin says %q", key, EncodeRouteKey(key), admin.EncodeRouteKey(key))
		}
	}
	if RoutePath("GET:/payments", "/enable") != "/api/routes/R0VUOi9wYXltZW50cw/enable" {
		t.Error(RoutePath("GET:/payments", "/enable"))
	}
}

func TestRequestsAndErrors(t *testing.T) {
	var seen http.Header
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = r.Header.Clone()
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/waygate/api/ok":
			w.Write([]byte(`{"a": 1}`))
		case "/waygate/api/unauthorized", "/waygate/api/auth/login":
			w.WriteHeader(401)
			w.Write([]byte(`{"error": "invalid credentials"}`))
		case "/waygate/api/ambiguous":
			w.WriteHeader(409)
			w.Write([]byte(`{"error": "ambiguous", "ambiguous_matches": ["GET:/x", "POST:/x"]}`))
		case "/waygate/api/html":
			w.WriteHeader(502)
			w.Write([]byte(`<html>bad gateway</html>`))
		case "/waygate/api/forbidden":
			w.WriteHeader(403)
			w.Write([]byte(`{"error": "user bob has the viewer role"}`))
		default:
			w.WriteHeader(404)
			w.Write([]byte(`{"error": "not found: the endpoints are listed in GET /api/openapi.json"}`))
		}
	}))
	defer srv.Close()
	ctx := context.Background()

	c := New(srv.URL+"/waygate/", Session{Token: "tok", Username: "alice"}, "waygate-cli/test")
	var out struct{ A int }
	if err := c.Post(ctx, "/api/ok", map[string]string{"x": "y"}, &out); err != nil || out.A != 1 {
		t.Fatalf("ok: %v %+v", err, out)
	}
	if seen.Get(TokenHeader) != "tok" || seen.Get(PlatformHeader) != "cli" || seen.Get("Content-Type") != "application/json" || seen.Get("User-Agent") != "waygate-cli/test" {
		t.Fatalf("headers: %v", seen)
	}
	var raw json.RawMessage
	if err := c.Get(ctx, "/api/ok", &raw); err != nil || string(raw) != `{"a": 1}` {
		t.Fatalf("raw: %s %v", raw, err)
	}

	err := c.Get(ctx, "/api/unauthorized", nil)
	var ae *AuthError
	if !errors.As(err, &ae) || !strings.Contains(err.Error(), "your session expired or was revoked") || !strings.Contains(err.Error(), "waygate login alice") {
		t.Fatalf("401 with a token: %v", err)
	}
	anon := New(srv.URL+"/waygate", Session{}, "")
	if err := anon.Get(ctx, "/api/unauthorized", nil); err == nil || err.Error() != "not logged in: run: waygate login admin" {
		t.Fatalf("401 without a token: %v", err)
	}
	expired := New(srv.URL+"/waygate", Session{Token: "old", Username: "bob", Expired: true}, "")
	if err := expired.Get(ctx, "/api/unauthorized", nil); err == nil || err.Error() != "your session expired: run: waygate login bob" {
		t.Fatalf("401 with an expired token: %v", err)
	}
	if seen.Get(TokenHeader) != "" {
		t.Fatal("an expired token was sent")
	}
	if err := c.Post(ctx, "/api/auth/login", nil, nil); !IsStatus(err, 401) || errors.As(err, &ae) {
		t.Fatalf("a failed login is a plain 401: %v", err)
	}

	err = c.Post(ctx, "/api/ambiguous", nil, nil)
	if m, ok := AmbiguousMatches(err); !ok || len(m) != 2 || !IsStatus(err, 409) {
		t.Fatalf("ambiguous: %v %v", m, err)
	}
	if err := c.Get(ctx, "/api/html", nil); err == nil || err.Error() != "Bad Gateway" {
		t.Fatalf("HTML error page: %v", err)
	}
	if err := c.Get(ctx, "/api/forbidden", nil); err == nil || !strings.Contains(err.Error(), "log in as an admin") {
		t.Fatalf("403: %v", err)
	}
	if err := c.Get(ctx, "/api/nope", nil); err == nil || !strings.Contains(err.Error(), "waygate config show") {
		t.Fatalf("unknown endpoint: %v", err)
	}
	if err := c.Get(ctx, "/api/ok", &[]int{}); err == nil || !strings.Contains(err.Error(), "unexpected answer") {
		t.Fatalf("wrong shape: %v", err)
	}
	if _, err := c.Stream(ctx, "/api/forbidden"); !IsStatus(err, 403) {
		t.Fatalf("stream error: %v", err)
	}
}

func TestNetworkError(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	err := New(url+"/waygate", Session{}, "").Get(context.Background(), "/api/routes", nil)
	var ne *NetworkError
	if !errors.As(err, &ne) || !strings.Contains(err.Error(), "cannot reach the Waygate server at "+url+"/waygate") || !strings.Contains(err.Error(), "waygate config set-url") {
		t.Fatalf("%v", err)
	}
	if err := New("http://[::1", Session{}, "").Get(context.Background(), "/api/routes", nil); err == nil || !strings.Contains(err.Error(), "set-url") {
		t.Fatalf("bad URL: %v", err)
	}
}

// A URL without the admin mount path reaches the app, whose framework
// answers 404 or 405 in its own words: the error says what to fix.
func TestNotAnAdminAPI(t *testing.T) {
	answers := map[string]http.HandlerFunc{
		"net/http and gin": http.NotFound,
		"echo": func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusNotFound)
			w.Write([]byte(`{"message":"Not Found"}`))
		},
		"fiber, 405": func(w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(http.StatusMethodNotAllowed)
			w.Write([]byte("Method Not Allowed"))
		},
	}
	for name, h := range answers {
		srv := httptest.NewServer(h)
		err := New(srv.URL, Session{}, "").Get(context.Background(), "/api/routes", nil)
		srv.Close()
		if err == nil || !strings.HasPrefix(err.Error(), "no Waygate admin API at "+srv.URL+" (HTTP ") || !strings.Contains(err.Error(), "/waygate; fix it with: waygate config set-url URL (or WAYGATE_SERVER_URL)") {
			t.Errorf("%s: %v", name, err)
		}
		if IsStatus(err, http.StatusNotFound) || IsStatus(err, http.StatusMethodNotAllowed) {
			t.Errorf("%s: IsStatus holds for an answer that is not the admin API's", name)
		}
	}
	// The admin API's own 404 keeps its message.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusNotFound)
		w.Write([]byte(`{"error":"flag \"x\" not found"}`))
	}))
	defer srv.Close()
	if err := New(srv.URL, Session{}, "").Get(context.Background(), "/api/flags/x", nil); err == nil || err.Error() != `flag "x" not found` || !IsStatus(err, http.StatusNotFound) {
		t.Errorf("the API's own 404: %v", err)
	}
}
