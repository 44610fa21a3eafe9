package engine

import (
	"log/slog"

	"github.com/waygate-go/waygate/core/audit"
	"github.com/waygate-go/waygate/core/backend"
	"github.com/waygate-go/waygate/core/clock"
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

func defaultConfig() config {
	return config{env: "production", clock: clock.Real{}, auditRetention: audit.DefaultRetention}
}
