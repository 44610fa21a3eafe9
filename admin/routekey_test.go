package admin_test

import (
	"net/http"
	"testing"

	"github.com/waygate-go/waygate/admin"
)

// The reference's vectors (§0.2).
func TestRouteKeyVectors(t *testing.T) {
	for _, tc := range []struct{ key, enc string }{
		{"GET:/payments", "R0VUOi9wYXltZW50cw"},
		{"/payments", "L3BheW1lbnRz"},
		{"GET:/items/{item_id}", "R0VUOi9pdGVtcy97aXRlbV9pZH0"},
		{"payments-service:GET:/api/pay", "cGF5bWVudHMtc2VydmljZTpHRVQ6L2FwaS9wYXk"},
	} {
		if got := admin.EncodeRouteKey(tc.key); got != tc.enc {
			t.Errorf("EncodeRouteKey(%q) = %q, want %q", tc.key, got, tc.enc)
		}
		got, err := admin.DecodeRouteKey(tc.enc)
		if err != nil || got != tc.key {
			t.Errorf("DecodeRouteKey(%q) = %q, %v; want %q", tc.enc, got, err, tc.key)
		}
		if padded, err := admin.DecodeRouteKey(tc.enc + "=="[:(4-len(tc.enc)%4)%4]); err != nil || padded != tc.key {
			t.Errorf("padded %q: %q, %v", tc.enc, padded, err)
		}
	}
	for _, bad := range []string{"", "R0VU*", "R0VUOi9wYXltZW50cw+", "/w"} {
		if _, err := admin.DecodeRouteKey(bad); err == nil {
			t.Errorf("DecodeRouteKey(%q) succeeded", bad)
		}
	}
}

func FuzzDecodeRouteKey(f *testing.F) {
	f.Add("R0VUOi9wYXltZW50cw")
	f.Add("L3BheW1lbnRz==")
	f.Fuzz(func(t *testing.T, s string) {
		k, err := admin.DecodeRouteKey(s)
		if err != nil {
			return
		}
		if back, err := admin.DecodeRouteKey(admin.EncodeRouteKey(k)); err != nil || back != k {
			t.Fatalf("round trip of %q: %q, %v", k, back, err)
		}
	})
}

// A route key written in gin's, echo's or fiber's syntax names the same
// route as Waygate's form, in the API as in the CLI.
func TestFrameworkFormKeysNameTheSameRoute(t *testing.T) {
	f := newFixture(t)
	r := f.as("POST", "/api/routes/"+key("GET:/orders/:id")+"/disable", `{"reason":"framework form"}`)
	want(t, r, http.StatusOK)
	var st struct{ Path, Status, Reason string }
	r.json(t, &st)
	if st.Path != "GET:/orders/{id}" || st.Status != "disabled" || st.Reason != "framework form" {
		t.Fatalf("disable GET:/orders/:id: %s, want GET:/orders/{id} disabled", r.body)
	}
	f.as("GET", "/api/routes/"+key("GET:/orders/{id}"), "").json(t, &st)
	if st.Status != "disabled" {
		t.Fatalf("GET:/orders/{id} is %s after disabling GET:/orders/:id", st.Status)
	}
}
