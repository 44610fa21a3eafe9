package admin_test

import (
	"strings"
	"testing"

	"github.com/waygate-go/waygate/admin"
)

func TestLoopback(t *testing.T) {
	for addr, want := range map[string]bool{
		"127.0.0.1:8080": true, "localhost:8080": true, "LOCALHOST:1": true, "[::1]:8080": true, "127.9.9.9:80": true,
		":8080": false, "0.0.0.0:8080": false, "[::]:8080": false, "192.0.2.1:8080": false, "example.com:80": false, "": false,
	} {
		if got := admin.Loopback(addr); got != want {
			t.Errorf("Loopback(%q) = %v, want %v", addr, got, want)
		}
	}
}

func TestCheckPassword(t *testing.T) {
	for _, tc := range []struct {
		addr, password string
		ok             bool
	}{
		{"127.0.0.1:8080", "secret", true},
		{"localhost:8000", "x", true},
		{":8080", "secret", false},
		{"0.0.0.0:8080", "Secret", false},
		{"0.0.0.0:8080", "elevenchars", false},
		{"0.0.0.0:8080", "twelve chars", true},
		{"[::]:8080", "changeme", false},
		{"192.0.2.1:80", "a long enough passphrase", true},
	} {
		err := admin.CheckPassword(tc.addr, tc.password)
		if (err == nil) != tc.ok {
			t.Errorf("CheckPassword(%q, %q) = %v, want ok %v", tc.addr, tc.password, err, tc.ok)
		}
		if err != nil && strings.Contains(err.Error(), tc.password) {
			t.Errorf("the error shows the password: %v", err)
		}
	}
}
