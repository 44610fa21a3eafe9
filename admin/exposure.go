package admin

import (
	"fmt"
	"net"
	"net/netip"
	"strings"
)

// MinPasswordLength is the shortest password CheckPassword accepts for a
// server other machines can reach.
const MinPasswordLength = 12

// weakPasswords are defaults and examples a server reachable from other
// machines must not run with, whatever their length.
var weakPasswords = []string{"secret", "password", "admin", "changeme", "correct horse battery staple", "demo-flags-key"}

// Loopback reports whether a server listening on addr ("host:port", as
// given to net.Listen) is reachable only from this machine: its host is
// "localhost" or a loopback address. An empty host, 0.0.0.0, :: or any
// other name listens beyond the machine.
func Loopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		host = addr
	}
	host = strings.Trim(host, "[]")
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.IsLoopback()
}

// CheckPassword says why password must not guard an admin handler served
// on addr: on an address other machines can reach, a password shorter than
// MinPasswordLength or a well-known default is refused. On a loopback
// address any password is accepted. The error names neither the password
// nor its length.
func CheckPassword(addr, password string) error {
	if Loopback(addr) {
		return nil
	}
	for _, weak := range weakPasswords {
		if strings.EqualFold(password, weak) {
			return fmt.Errorf("the server listens on %s, reachable from other machines, and the password is a well-known default: choose one of %d characters or more", addr, MinPasswordLength)
		}
	}
	if len([]rune(password)) < MinPasswordLength {
		return fmt.Errorf("the server listens on %s, reachable from other machines, and the password is shorter than %d characters", addr, MinPasswordLength)
	}
	return nil
}
