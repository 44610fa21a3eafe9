package ratelimit

import "slices"

// Option refines a policy declared in code: RateLimit("100/minute",
// ratelimit.Algo(ratelimit.TokenBucket), ratelimit.Burst(20)).
type Option func(*Declared)

// Declared is a policy declared in code, with its custom key function.
type Declared struct {
	Policy  Policy
	KeyFunc KeyFunc
}

// Algo sets the algorithm (default fixed_window).
func Algo(a Algorithm) Option { return func(d *Declared) { d.Policy.Algorithm = a } }

// By sets the key strategy (default ip; user when tiers are declared).
func By(k KeyStrategy) Option { return func(d *Declared) { d.Policy.KeyStrategy = k } }

// ByFunc counts per the key f returns (key strategy custom).
func ByFunc(f KeyFunc) Option {
	return func(d *Declared) { d.Policy.KeyStrategy, d.KeyFunc = KeyCustom, f }
}

// WhenMissing sets what happens to requests without a key.
func WhenMissing(m OnMissing) Option { return func(d *Declared) { d.Policy.OnMissingKey = m } }

// Burst allows n requests above the limit.
func Burst(n int64) Option { return func(d *Declared) { d.Policy.Burst = n } }

// Tiers sets per-tier limits, chosen by the request attribute named by
// TierFrom (default "plan"); the policy's own limit applies to others.
func Tiers(tiers ...Tier) Option {
	return func(d *Declared) { d.Policy.Tiers = slices.Clone(tiers) }
}

// TierFrom names the request attribute that holds the tier.
func TierFrom(attr string) Option { return func(d *Declared) { d.Policy.TierResolver = attr } }

// ExemptIPs lets these addresses and CIDRs through uncounted.
func ExemptIPs(ips ...string) Option {
	return func(d *Declared) { d.Policy.ExemptIPs = slices.Clone(ips) }
}

// ExemptRoles lets requests whose roles include one of these through
// uncounted.
func ExemptRoles(roles ...string) Option {
	return func(d *Declared) { d.Policy.ExemptRoles = slices.Clone(roles) }
}
