package ratelimit_test

import (
	"net/netip"
	"testing"

	"github.com/waygate-go/waygate/core/ratelimit"
)

func TestClientIP(t *testing.T) {
	trusted, err := ratelimit.ParseTrusted("10.0.0.0/8", "192.0.2.1")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, remote, xff, real string
		trusted                 bool
		want                    string
	}{
		{"socket peer by default", "203.0.113.9:443", "198.51.100.1", "", false, "203.0.113.9"},
		{"headers ignored from an untrusted peer", "203.0.113.9:443", "198.51.100.1", "198.51.100.2", true, "203.0.113.9"},
		{"rightmost untrusted hop", "10.1.2.3:80", "198.51.100.7, 203.0.113.5, 10.9.9.9", "", true, "203.0.113.5"},
		{"X-Real-IP without X-Forwarded-For", "192.0.2.1:80", "", "198.51.100.4", true, "198.51.100.4"},
		{"malformed hop stops the walk", "10.1.2.3:80", "198.51.100.7, junk", "", true, "10.1.2.3"},
		{"all hops trusted", "10.1.2.3:80", "10.0.0.1", "", true, "10.0.0.1"},
		{"IPv6 peer", "[2001:db8::1]:443", "", "", false, "2001:db8::1"},
		{"IPv4-mapped IPv6 is IPv4", "[::ffff:192.0.2.5]:1", "", "", false, "192.0.2.5"},
		{"bracketed hop with port", "10.1.2.3:80", "[2001:db8::7]:5000", "", true, "2001:db8::7"},
	}
	for _, tt := range tests {
		h := map[string]string{"X-Forwarded-For": tt.xff, "X-Real-IP": tt.real}
		var tr []netip.Prefix
		if tt.trusted {
			tr = trusted
		}
		got := ratelimit.ClientIP(tt.remote, func(k string) string { return h[k] }, tr)
		if got.String() != tt.want {
			t.Errorf("%s: ClientIP = %s, want %s", tt.name, got, tt.want)
		}
	}
}

func TestMaskIPv6(t *testing.T) {
	m := ratelimit.MaskIPv6(64)
	a, b := m(netip.MustParseAddr("2001:db8:1:2::1")), m(netip.MustParseAddr("2001:db8:1:2:ffff::9"))
	if a != b || a.String() != "2001:db8:1:2::" {
		t.Fatalf("same /64 keyed as %s and %s", a, b)
	}
	if v4 := m(netip.MustParseAddr("192.0.2.1")); v4.String() != "192.0.2.1" {
		t.Fatalf("IPv4 masked to %s", v4)
	}
}

func FuzzClientIP(f *testing.F) {
	f.Add("10.1.2.3:80", "198.51.100.7, 203.0.113.5", "1.2.3.4")
	f.Add("[::1]:1", "[2001:db8::7]:5000,,", "")
	f.Add("garbage", "", "x")
	trusted, _ := ratelimit.ParseTrusted("10.0.0.0/8", "::1")
	f.Fuzz(func(t *testing.T, remote, xff, real string) {
		h := func(k string) string {
			if k == "X-Forwarded-For" {
				return xff
			}
			return real
		}
		untrusted := ratelimit.ClientIP(remote, h, nil)
		if ap, err := netip.ParseAddrPort(remote); err == nil && untrusted != ap.Addr().Unmap() {
			t.Fatalf("without trusted proxies ClientIP(%q) = %s, want the peer", remote, untrusted)
		}
		got := ratelimit.ClientIP(remote, h, trusted)
		if got.IsValid() && got.Zone() != "" && got.Is4() {
			t.Fatalf("impossible address %s", got)
		}
	})
}

// FuzzResolve: any attributes and headers give a key, an exemption or a
// block, never a panic.
func FuzzResolve(f *testing.F) {
	f.Add("alice", "pro", "k1", "10.0.0.1:1")
	f.Add("", "", "", "")
	f.Fuzz(func(t *testing.T, user, plan, apiKey, remote string) {
		for _, strategy := range []ratelimit.KeyStrategy{ratelimit.KeyIP, ratelimit.KeyUser, ratelimit.KeyAPIKey, ratelimit.KeyGlobal} {
			c, err := ratelimit.Compile(ratelimit.Policy{Limit: "5/minute", KeyStrategy: strategy,
				Tiers: []ratelimit.Tier{{Name: "pro", Limit: "10/minute"}}, ExemptRoles: []string{"admin"}}, nil)
			if err != nil {
				t.Fatal(err)
			}
			r := fakeRequest{remote: remote, attrs: map[string]any{ratelimit.AttrUser: user, "plan": plan}, headers: map[string]string{"X-API-Key": apiKey}}
			k, rates, v := c.Resolve(r, "GET:/x", ratelimit.MaskIPv6(64))
			if v == ratelimit.Count && (len(rates) == 0 || k.Scope != "GET:/x") {
				t.Fatalf("counting with no rates or the wrong scope: %+v %v", k, rates)
			}
		}
	})
}

type fakeRequest struct {
	remote  string
	attrs   map[string]any
	headers map[string]string
}

func (r fakeRequest) ClientIP() netip.Addr {
	return ratelimit.ClientIP(r.remote, func(string) string { return "" }, nil)
}
func (r fakeRequest) HeaderValue(n string) string { return r.headers[n] }
func (r fakeRequest) AttrValue(n string) any      { return r.attrs[n] }
