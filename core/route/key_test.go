package route_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/waygate-go/waygate/core/route"
)

func TestNormalizeTemplate(t *testing.T) {
	tests := []struct{ in, want string }{
		{"/items/{id}", "/items/{id}"},        // net/http, already normal
		{"/items/:id", "/items/{id}"},         // gin, echo, fiber
		{"/files/*path", "/files/{path}"},     // gin catch-all
		{"/files/*", "/files/{*}"},            // echo, fiber catch-all
		{"/files/{path...}", "/files/{path}"}, // net/http catch-all
		{"/{$}", "/"},                         // net/http exact root
		{"/a/{$}", "/a/"},                     // net/http exact
		{"/users/:id/posts/:post", "/users/{id}/posts/{post}"},
		{"/opt/:id?", "/opt/{id}"},     // fiber optional
		{"/num/:id<int>", "/num/{id}"}, // fiber constraint
		{"/", "/"},
		{"/v1.2/time:now", "/v1.2/time:now"}, // colon inside a segment is literal
	}
	for _, tt := range tests {
		got, err := route.NormalizeTemplate(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("NormalizeTemplate(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestNormalizeTemplateErrors(t *testing.T) {
	for _, in := range []string{"", "items", "/a/:", "/a/{id"} {
		if _, err := route.NormalizeTemplate(in); !errors.Is(err, route.ErrInvalidKey) {
			t.Errorf("NormalizeTemplate(%q) error = %v, want ErrInvalidKey", in, err)
		}
	}
}

func TestMakeKey(t *testing.T) {
	tests := []struct{ method, tmpl, want string }{
		{"get", "/items/:id", "GET:/items/{id}"},
		{"", "/orders", "/orders"},
		{"POST", "/files/*path", "POST:/files/{path}"},
	}
	for _, tt := range tests {
		got, err := route.MakeKey(tt.method, tt.tmpl)
		if err != nil || got != tt.want {
			t.Errorf("MakeKey(%q, %q) = %q, %v; want %q", tt.method, tt.tmpl, got, err, tt.want)
		}
	}
}

func TestParseKey(t *testing.T) {
	tests := []struct {
		in   string
		want route.Key
	}{
		{"GET:/payments", route.Key{Method: "GET", Path: "/payments"}},
		{"/payments", route.Key{Path: "/payments"}},
		{"payments:GET:/pay", route.Key{Service: "payments", Method: "GET", Path: "/pay"}},
		{"payments:/pay", route.Key{Service: "payments", Path: "/pay"}},
		{"GET:/items/{id}", route.Key{Method: "GET", Path: "/items/{id}"}},
		{"PROPFIND:/dav", route.Key{Method: "PROPFIND", Path: "/dav"}},
		{"payments:PURGE:/cache", route.Key{Service: "payments", Method: "PURGE", Path: "/cache"}},
		// Keys written in a framework's syntax name the same route.
		{"GET:/users/:name", route.Key{Method: "GET", Path: "/users/{name}"}},
		{"GET:/files/*path", route.Key{Method: "GET", Path: "/files/{path}"}},
		{"payments:GET:/static/{rest...}", route.Key{Service: "payments", Method: "GET", Path: "/static/{rest}"}},
	}
	for _, tt := range tests {
		got, err := route.ParseKey(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParseKey(%q) = %+v, %v; want %+v", tt.in, got, err, tt.want)
		}
		// A key in Waygate's form reads back unchanged; one in a
		// framework's form reads back in Waygate's.
		want := tt.in
		if strings.ContainsAny(tt.in, "*") || strings.Contains(tt.in, "/:") || strings.Contains(tt.in, "...") {
			want = tt.want.String()
		}
		if got.String() != want {
			t.Errorf("ParseKey(%q).String() = %q, want %q", tt.in, got.String(), want)
		}
	}
}

func TestParseKeyErrorsSayWhatToWrite(t *testing.T) {
	for _, in := range []string{"", "payments", "GET/payments", "a:b:c:/x", "svc:get:/x", "BILLING:GET:/x", "GET:/a b", "bad name:/x", "GET:/x?y=1"} {
		_, err := route.ParseKey(in)
		if !errors.Is(err, route.ErrInvalidKey) {
			t.Errorf("ParseKey(%q) error = %v, want ErrInvalidKey", in, err)
			continue
		}
		if !strings.Contains(err.Error(), "/") {
			t.Errorf("ParseKey(%q) error %q gives no example", in, err)
		}
	}
}

func FuzzParseKey(f *testing.F) {
	for _, s := range []string{"GET:/x", "/x", "svc:GET:/x/{id}", "a:b:c", ":/", "GET:"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		k, err := route.ParseKey(s)
		if err != nil {
			return
		}
		again, err := route.ParseKey(k.String())
		if err != nil || again != k {
			t.Fatalf("ParseKey(%q) = %+v but its String %q parses to %+v, %v", s, k, k.String(), again, err)
		}
	})
}

func FuzzNormalizeTemplate(f *testing.F) {
	for _, s := range []string{"/items/:id", "/files/*path", "/f/*", "/x/{a...}", "/{$}", "/:a<int>/:b?"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := route.NormalizeTemplate(s)
		if err != nil {
			return
		}
		again, err := route.NormalizeTemplate(got)
		if err != nil || again != got {
			t.Fatalf("not idempotent: %q → %q → %q, %v", s, got, again, err)
		}
	})
}
