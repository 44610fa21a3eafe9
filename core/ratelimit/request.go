package ratelimit

import (
	"net/netip"
	"strings"
)

// Request attributes the app's auth layer sets (through its framework's
// adapter: SetUser, SetRoles) for the user key and exempt roles.
const (
	AttrUser  = "waygate.user"
	AttrRoles = "waygate.roles"
)

// Request is what a policy reads from a request.
type Request interface {
	// ClientIP is the client address, trusted-proxy aware.
	ClientIP() netip.Addr
	// HeaderValue returns a request header.
	HeaderValue(name string) string
	// AttrValue returns a request attribute set by the app (user, roles,
	// tier), or nil.
	AttrValue(name string) any
}

// KeyFunc derives the counter key of a custom policy; ok false means the
// request has no key (see OnMissing). r is valid only during the call (the
// engine reuses it for the next request): keep strings it returns, never
// r itself.
type KeyFunc func(r Request) (key string, ok bool)

// Verdict says what a policy does with a request before counting.
type Verdict uint8

// The verdicts of Resolve.
const (
	// Count: count the request under the returned key and rates.
	Count Verdict = iota
	// Exempt: let the request through without counting or headers.
	Exempt
	// Block: reject the request (its key is missing and the policy blocks).
	Block
)

// Resolve picks the counter key and rates for r: exempt IPs and roles,
// tier, unlimited, key extraction and the missing-key behaviour. ipKey is
// the client address as counters key it (IPv6 masked to its prefix).
func (c *Compiled) Resolve(r Request, scope string, ipKey func(netip.Addr) netip.Addr) (Key, []Rate, Verdict) {
	k := Key{Scope: scope}
	if len(c.exemptNets) > 0 {
		ip := r.ClientIP()
		for _, n := range c.exemptNets {
			if n.Contains(ip) {
				return k, nil, Exempt
			}
		}
	}
	if len(c.ExemptRoles) > 0 {
		if roles, ok := r.AttrValue(AttrRoles).([]string); ok {
			for _, role := range roles {
				for _, x := range c.ExemptRoles {
					if role == x {
						return k, nil, Exempt
					}
				}
			}
		}
	}
	limit := c.limit
	if len(c.tiers) > 0 {
		if tier, ok := r.AttrValue(c.TierResolver).(string); ok && tier != "" {
			for _, t := range c.tiers {
				if t.name == tier {
					limit, k.Tier = t.limit, t.name
					break
				}
			}
		}
	}
	if limit.Unlimited {
		return k, nil, Exempt
	}
	var client string
	switch c.KeyStrategy {
	case KeyIP:
		k.IP = ipKey(r.ClientIP())
		return k, limit.Rates, Count
	case KeyGlobal:
		return k, limit.Rates, Count
	case KeyUser:
		client, _ = r.AttrValue(AttrUser).(string)
	case KeyAPIKey:
		client = strings.TrimSpace(r.HeaderValue("X-API-Key"))
	case KeyCustom:
		if s, ok := c.custom(r); ok {
			client = s
		}
	}
	if client != "" {
		k.Client = client
		return k, limit.Rates, Count
	}
	switch c.missing {
	case MissingFallbackIP:
		k.IP = ipKey(r.ClientIP())
		return k, limit.Rates, Count
	case MissingBlock:
		return k, limit.Rates, Block
	}
	return k, nil, Exempt
}

// LimitString is the effective limit text for a tier ("" for the base).
func (c *Compiled) LimitString(tier string) string {
	for _, t := range c.tiers {
		if t.name == tier {
			return t.limit.String()
		}
	}
	return c.limit.String()
}
