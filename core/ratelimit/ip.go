package ratelimit

import (
	"net/netip"
	"strings"
)

// ClientIP resolves the client address of a request. The socket peer
// (remoteAddr, "ip:port") is the client unless it is one of the trusted
// proxies: then X-Forwarded-For is read right to left, skipping trusted
// proxies, and the first untrusted address is the client; X-Real-IP is used
// when X-Forwarded-For is absent. With no trusted proxies the headers are
// ignored, so clients cannot spoof their address.
func ClientIP(remoteAddr string, header func(string) string, trusted []netip.Prefix) netip.Addr {
	return ClientAddr(parseHostAddr(remoteAddr), header, trusted)
}

// ClientAddr is ClientIP for a socket peer the caller has parsed already
// (fasthttp keeps it as a *net.TCPAddr): no formatting and parsing again.
func ClientAddr(peer netip.Addr, header func(string) string, trusted []netip.Prefix) netip.Addr {
	peer = peer.Unmap()
	if len(trusted) == 0 || !inAny(peer, trusted) {
		return peer
	}
	xff := header("X-Forwarded-For")
	for xff != "" {
		var part string
		if i := strings.LastIndexByte(xff, ','); i >= 0 {
			part, xff = xff[i+1:], xff[:i]
		} else {
			part, xff = xff, ""
		}
		a := parseHostAddr(strings.TrimSpace(part))
		if !a.IsValid() {
			return peer // a malformed hop: do not guess past it
		}
		if !inAny(a, trusted) {
			return a
		}
		peer = a
	}
	if real := parseHostAddr(strings.TrimSpace(header("X-Real-IP"))); real.IsValid() {
		return real
	}
	return peer
}

// Trusted reports whether remoteAddr ("ip:port" or "ip") is in one of the
// trusted proxy networks.
func Trusted(remoteAddr string, trusted []netip.Prefix) bool {
	return len(trusted) > 0 && inAny(parseHostAddr(remoteAddr), trusted)
}

// parseHostAddr parses "ip", "ip:port", "[v6]:port" or "[v6]".
func parseHostAddr(s string) netip.Addr {
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().Unmap()
	}
	s = strings.TrimSuffix(strings.TrimPrefix(s, "["), "]")
	if a, err := netip.ParseAddr(s); err == nil {
		return a.Unmap()
	}
	return netip.Addr{}
}

func inAny(a netip.Addr, nets []netip.Prefix) bool {
	for _, n := range nets {
		if n.Contains(a) {
			return true
		}
	}
	return false
}

// MaskIPv6 returns a function that keys IPv6 clients by their first bits
// (64 by default: one household or server), IPv4 by the full address.
func MaskIPv6(bits int) func(netip.Addr) netip.Addr {
	return func(a netip.Addr) netip.Addr {
		if a.Is6() && bits > 0 && bits < 128 {
			p, err := a.Prefix(bits)
			if err == nil {
				return p.Addr()
			}
		}
		return a
	}
}

// ParseTrusted parses trusted proxy addresses and CIDRs.
func ParseTrusted(list ...string) ([]netip.Prefix, error) {
	out := make([]netip.Prefix, 0, len(list))
	for _, s := range list {
		p, err := parsePrefix(s)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}
