package ratelimit

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"time"
)

// KeyStrategy says how clients are told apart.
type KeyStrategy string

// The key strategies.
const (
	// KeyIP counts per client IP (IPv6 per /64 by default).
	KeyIP KeyStrategy = "ip"
	// KeyUser counts per user id set by the app's auth layer.
	KeyUser KeyStrategy = "user"
	// KeyAPIKey counts per X-API-Key header.
	KeyAPIKey KeyStrategy = "api_key"
	// KeyGlobal shares one counter among all clients of the route.
	KeyGlobal KeyStrategy = "global"
	// KeyCustom counts per the value of a Go function declared in code.
	KeyCustom KeyStrategy = "custom"
)

// OnMissing says what to do when a request has no key (no user, no API key).
type OnMissing string

// The missing-key behaviours.
const (
	MissingExempt     OnMissing = "exempt"
	MissingFallbackIP OnMissing = "fallback_ip"
	MissingBlock      OnMissing = "block"
)

// Tier is a named limit selected by a request attribute.
type Tier struct {
	Name  string `json:"name"`
	Limit string `json:"limit"`
}

// Policy is a rate limit for a route, for every route (global) or for a
// service. Its JSON form follows the Python reference.
type Policy struct {
	// Path and Method identify a route policy ("" for global/service).
	Path   string `json:"path,omitempty"`
	Method string `json:"method,omitempty"`
	// Limit applies when no tier matches.
	Limit     string    `json:"limit"`
	Algorithm Algorithm `json:"algorithm"`
	// KeyStrategy defaults to ip, or user when tiers are declared.
	KeyStrategy KeyStrategy `json:"key_strategy"`
	// OnMissingKey defaults to exempt for user and custom keys, fallback_ip
	// for api_key.
	OnMissingKey OnMissing `json:"on_missing_key,omitempty"`
	Burst        int64     `json:"burst"`
	Tiers        []Tier    `json:"tiers,omitempty"`
	// TierResolver names the request attribute holding the tier (default
	// "plan").
	TierResolver string   `json:"tier_resolver,omitempty"`
	ExemptIPs    []string `json:"exempt_ips,omitempty"`
	ExemptRoles  []string `json:"exempt_roles,omitempty"`
	// ExemptRoutes (global and service policies) lists route templates or
	// keys the policy skips.
	ExemptRoutes []string `json:"exempt_routes,omitempty"`
	// Enabled pauses a global or service policy when false.
	Enabled bool `json:"enabled"`
}

// WithDefaults fills the defaults the reference documents.
func (p Policy) WithDefaults() Policy {
	if p.Algorithm == "" {
		p.Algorithm = FixedWindow
	}
	if p.KeyStrategy == "" {
		p.KeyStrategy = KeyIP
		if len(p.Tiers) > 0 {
			p.KeyStrategy = KeyUser
		}
	}
	if p.TierResolver == "" && len(p.Tiers) > 0 {
		p.TierResolver = "plan"
	}
	p.Method = strings.ToUpper(p.Method)
	return p
}

// Validate checks every field and says what to write instead.
func (p Policy) Validate() error {
	_, err := compile(p.WithDefaults(), nil)
	return err
}

// maxMovingAmount bounds moving_window, which keeps one timestamp per
// allowed request.
const maxMovingAmount = 100_000

// checkCapacity bounds what one rate with burst holds, so that no count or
// time overflows: amount+burst requests at most MaxAmount (moving_window
// maxMovingAmount), and a token bucket refilled from empty within maxSpan.
func checkCapacity(alg Algorithm, r Rate, burst int64) error {
	capacity := r.Amount + burst // both at most MaxAmount: no overflow
	switch {
	case alg == MovingWindow && capacity > maxMovingAmount:
		return fmt.Errorf("%w: moving_window keeps every request time: %d per window is too many (at most %d); use sliding_window", ErrInvalid, capacity, maxMovingAmount)
	case capacity > MaxAmount:
		return fmt.Errorf("%w: %s with burst %d holds %d requests, too many (at most %d); lower the burst", ErrInvalid, Limit{Rates: []Rate{r}}, burst, capacity, MaxAmount)
	case alg == TokenBucket && capacity > int64(maxSpan/max(1, r.Period/time.Duration(r.Amount))):
		return fmt.Errorf("%w: token_bucket %s with burst %d takes over 100 years to refill; lower the burst", ErrInvalid, Limit{Rates: []Rate{r}}, burst)
	}
	return nil
}

// Compiled is a validated policy ready for requests.
type Compiled struct {
	Policy
	limit       Limit
	tiers       []compiledTier
	exemptNets  []netip.Prefix
	exemptRoute map[string][]string // template → methods ("" = all)
	custom      KeyFunc
	missing     OnMissing
}

type compiledTier struct {
	name  string
	limit Limit
}

// Canonical returns the policy with its limits written canonically
// (" 5/MINUTE " → "5/minute", "10 per 60 minutes" → "10/hour"), as they
// are stored and shown.
func (c *Compiled) Canonical() Policy {
	p := c.Policy
	p.Limit = c.limit.String()
	if len(c.tiers) > 0 {
		p.Tiers = make([]Tier, len(c.tiers))
		for i, t := range c.tiers {
			p.Tiers[i] = Tier{Name: t.name, Limit: t.limit.String()}
		}
	}
	return p
}

// Compile validates p and prepares it. custom is the key function of a
// custom policy, declared in code.
func Compile(p Policy, custom KeyFunc) (*Compiled, error) {
	return compile(p.WithDefaults(), custom)
}

func compile(p Policy, custom KeyFunc) (*Compiled, error) {
	c := &Compiled{Policy: p, custom: custom}
	var err error
	if c.limit, err = ParseLimit(p.Limit); err != nil {
		return nil, err
	}
	if err := p.Algorithm.check(); err != nil {
		return nil, err
	}
	if p.Burst < 0 {
		return nil, fmt.Errorf("%w: burst %d must be zero or more", ErrInvalid, p.Burst)
	}
	if p.Burst > MaxAmount {
		return nil, fmt.Errorf("%w: burst %d is too large (at most %d)", ErrInvalid, p.Burst, MaxAmount)
	}
	switch p.KeyStrategy {
	case KeyIP, KeyGlobal:
		c.missing = MissingExempt // never missing
	case KeyUser:
		c.missing = MissingExempt
	case KeyAPIKey:
		c.missing = MissingFallbackIP
	case KeyCustom:
		if custom == nil {
			return nil, fmt.Errorf("%w: key_strategy custom needs a key function declared in code (RateLimit option KeyFunc); use ip, user, api_key or global here", ErrInvalid)
		}
		c.missing = MissingExempt
	default:
		return nil, fmt.Errorf("%w: key_strategy %q: use ip, user, api_key, global or custom", ErrInvalid, p.KeyStrategy)
	}
	switch p.OnMissingKey {
	case "":
	case MissingExempt, MissingFallbackIP, MissingBlock:
		c.missing = p.OnMissingKey
	default:
		return nil, fmt.Errorf("%w: on_missing_key %q: use exempt, fallback_ip or block", ErrInvalid, p.OnMissingKey)
	}
	for _, t := range p.Tiers {
		if strings.TrimSpace(t.Name) == "" {
			return nil, fmt.Errorf("%w: a tier needs a name", ErrInvalid)
		}
		l, err := ParseLimit(t.Limit)
		if err != nil {
			return nil, fmt.Errorf("tier %q: %w", t.Name, err)
		}
		if slices.ContainsFunc(c.tiers, func(x compiledTier) bool { return x.name == t.Name }) {
			return nil, fmt.Errorf("%w: tier %q is listed twice", ErrInvalid, t.Name)
		}
		c.tiers = append(c.tiers, compiledTier{t.Name, l})
	}
	for _, l := range append([]Limit{c.limit}, tierLimits(c.tiers)...) {
		for _, r := range l.Rates {
			if err := checkCapacity(p.Algorithm, r, p.Burst); err != nil {
				return nil, err
			}
		}
	}
	for _, s := range p.ExemptIPs {
		pfx, err := parsePrefix(s)
		if err != nil {
			return nil, fmt.Errorf("%w: exempt IP %q: write an address (10.0.0.1) or a CIDR (10.0.0.0/8)", ErrInvalid, s)
		}
		c.exemptNets = append(c.exemptNets, pfx)
	}
	for _, r := range p.ExemptRoutes {
		method, path := "", r
		if i := strings.Index(r, ":/"); i > 0 {
			method, path = strings.ToUpper(r[:i]), r[i+1:]
		}
		if !strings.HasPrefix(path, "/") {
			return nil, fmt.Errorf("%w: exempt route %q: write /path or METHOD:/path", ErrInvalid, r)
		}
		if c.exemptRoute == nil {
			c.exemptRoute = map[string][]string{}
		}
		c.exemptRoute[path] = append(c.exemptRoute[path], method)
	}
	return c, nil
}

func tierLimits(ts []compiledTier) []Limit {
	out := make([]Limit, len(ts))
	for i, t := range ts {
		out[i] = t.limit
	}
	return out
}

func parsePrefix(s string) (netip.Prefix, error) {
	s = strings.TrimSpace(s)
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		return p.Masked(), err
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, err
	}
	return netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()), nil
}

// ExemptsRoute reports whether a global or service policy skips the route.
func (c *Compiled) ExemptsRoute(method, template string) bool {
	for _, m := range c.exemptRoute[template] {
		if m == "" || m == method {
			return true
		}
	}
	return false
}

// Merge applies the fields set in patch to p, keeping the others: a runtime
// update never drops tiers, exempt lists or the tier resolver it does not
// mention.
func (p Policy) Merge(patch Patch) Policy {
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = *v
		}
	}
	set(&p.Limit, patch.Limit)
	if patch.Algorithm != nil {
		p.Algorithm = *patch.Algorithm
	}
	if patch.KeyStrategy != nil {
		p.KeyStrategy = *patch.KeyStrategy
	}
	if patch.OnMissingKey != nil {
		p.OnMissingKey = *patch.OnMissingKey
	}
	if patch.Burst != nil {
		p.Burst = *patch.Burst
	}
	if patch.Tiers != nil {
		p.Tiers = slices.Clone(*patch.Tiers)
	}
	set(&p.TierResolver, patch.TierResolver)
	if patch.ExemptIPs != nil {
		p.ExemptIPs = slices.Clone(*patch.ExemptIPs)
	}
	if patch.ExemptRoles != nil {
		p.ExemptRoles = slices.Clone(*patch.ExemptRoles)
	}
	if patch.ExemptRoutes != nil {
		p.ExemptRoutes = slices.Clone(*patch.ExemptRoutes)
	}
	if patch.Enabled != nil {
		p.Enabled = *patch.Enabled
	}
	return p
}

// Patch is a partial policy update: nil fields are left as they are.
type Patch struct {
	Limit        *string      `json:"limit"`
	Algorithm    *Algorithm   `json:"algorithm"`
	KeyStrategy  *KeyStrategy `json:"key_strategy"`
	OnMissingKey *OnMissing   `json:"on_missing_key"`
	Burst        *int64       `json:"burst"`
	Tiers        *[]Tier      `json:"tiers"`
	TierResolver *string      `json:"tier_resolver"`
	ExemptIPs    *[]string    `json:"exempt_ips"`
	ExemptRoles  *[]string    `json:"exempt_roles"`
	ExemptRoutes *[]string    `json:"exempt_routes"`
	Enabled      *bool        `json:"enabled"`
}
