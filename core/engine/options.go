package engine

import (
	"log/slog"
	"net/netip"

	"github.com/waygate-go/waygate/core/audit"
	"github.com/waygate-go/waygate/core/backend"
	"github.com/waygate-go/waygate/core/clock"
	"github.com/waygate-go/waygate/core/ratelimit"
)

// Option configures an Engine.
type Option interface{ apply(*config) }

type optionFunc func(*config)

func (f optionFunc) apply(c *config) { f(c) }

type config struct {
	backend          backend.Backend
	env              string
	envSet           bool
	service          string
	clock            clock.Clock
	logger           *slog.Logger
	auditRetention   int
	bypassLifecycle  bool
	bypassRateLimits bool
	rlStore          ratelimit.Store
	trusted          []netip.Prefix
	trustedErr       error
	ipv6Bits         int
	hitRetention     int
	observers        []Observer
}

// WithBackend sets where state is stored.
// Optional. Default: WAYGATE_BACKEND, else an in-memory backend.
func WithBackend(b backend.Backend) Option {
	return optionFunc(func(c *config) { c.backend = b })
}

// WithEnv sets the environment env-gated routes are compared against.
// Optional. Default: WAYGATE_ENV, else "production".
func WithEnv(env string) Option {
	return optionFunc(func(c *config) { c.env, c.envSet = env, true })
}

// WithService names the service this engine enforces for, so per-service
// maintenance applies to it (SDK mode).
// Optional. Default: none.
func WithService(name string) Option {
	return optionFunc(func(c *config) { c.service = name })
}

// WithClock sets the time source.
// Optional. Default: the wall clock.
func WithClock(c clock.Clock) Option {
	return optionFunc(func(cfg *config) { cfg.clock = c })
}

// WithLogger sets where fail-open events and background errors are logged.
// Optional. Default: slog.Default().
func WithLogger(l *slog.Logger) Option {
	return optionFunc(func(c *config) { c.logger = l })
}

// WithAuditRetention sets how many audit entries are kept.
// Optional. Default: 1000.
func WithAuditRetention(n int) Option {
	return optionFunc(func(c *config) { c.auditRetention = n })
}

// BypassLifecycle makes every route behave as active (tests).
// Optional. Default: off, or WAYGATE_BYPASS_LIFECYCLE.
func BypassLifecycle() Option {
	return optionFunc(func(c *config) { c.bypassLifecycle = true })
}

// BypassRateLimits switches rate limiting off (tests).
// Optional. Default: off, or WAYGATE_BYPASS_RATE_LIMITS.
func BypassRateLimits() Option {
	return optionFunc(func(c *config) { c.bypassRateLimits = true })
}

// WithRateLimitStore sets where rate-limit counters live.
// Optional. Default: an in-memory store (one instance).
func WithRateLimitStore(s ratelimit.Store) Option {
	return optionFunc(func(c *config) { c.rlStore = s })
}

// WithTrustedProxies names the proxies (addresses or CIDRs) whose
// X-Forwarded-For and X-Real-IP headers are believed. Requests from other
// peers are keyed by the socket address, whatever their headers say.
// Optional. Default: none.
func WithTrustedProxies(cidrs ...string) Option {
	return optionFunc(func(c *config) { c.trusted, c.trustedErr = ratelimit.ParseTrusted(cidrs...) })
}

// WithIPv6Prefix sets how many leading bits of an IPv6 client address key
// its counters.
// Optional. Default: 64.
func WithIPv6Prefix(bits int) Option {
	return optionFunc(func(c *config) { c.ipv6Bits = bits })
}

// WithHitRetention sets how many rate-limit hits (429s) are kept.
// Optional. Default: 10000.
func WithHitRetention(n int) Option {
	return optionFunc(func(c *config) { c.hitRetention = n })
}

func defaultConfig() config {
	return config{env: "production", clock: clock.Real{}, auditRetention: audit.DefaultRetention, ipv6Bits: 64, hitRetention: 10000}
}
