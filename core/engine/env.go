package engine

import (
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/waygate-go/waygate/core/backend"
	"github.com/waygate-go/waygate/core/backend/redisbackend"
	"github.com/waygate-go/waygate/core/ratelimit/redislimit"
)

// Environment variables read by New when the matching option is not given.
const (
	EnvBackend          = "WAYGATE_BACKEND"
	EnvEnvironment      = "WAYGATE_ENV"
	EnvBypassLifecycle  = "WAYGATE_BYPASS_LIFECYCLE"
	EnvBypassRateLimits = "WAYGATE_BYPASS_RATE_LIMITS"
)

// applyEnv fills unset options from the environment. It reports whether it
// opened the backend (which the engine then owns and closes).
func (c *config) applyEnv() (opened bool, err error) {
	if !c.envSet {
		if v := strings.TrimSpace(os.Getenv(EnvEnvironment)); v != "" {
			c.env = v
		}
	}
	for name, dst := range map[string]*bool{EnvBypassLifecycle: &c.bypassLifecycle, EnvBypassRateLimits: &c.bypassRateLimits} {
		v := strings.TrimSpace(os.Getenv(name))
		if v == "" {
			continue
		}
		b, err := strconv.ParseBool(v)
		if err != nil {
			return false, fmt.Errorf("%s=%q: use true or false", name, v)
		}
		*dst = *dst || b
	}
	if c.backend == nil {
		spec := strings.TrimSpace(os.Getenv(EnvBackend))
		b, err := OpenBackend(spec)
		if err != nil {
			return false, fmt.Errorf("%s: %w", EnvBackend, err)
		}
		c.backend, opened = b, true
	}
	// Instances sharing a Redis backend share rate-limit counters too.
	if rb, ok := c.backend.(*redisbackend.Backend); ok && c.rlStore == nil {
		c.rlStore = redislimit.New(rb.Client())
	}
	return opened, nil
}

// OpenBackend opens the backend a WAYGATE_BACKEND-style spec names: "memory"
// (or ""), "file:/path/state.json" or "redis://host:6379/0" (also rediss://
// and unix://).
func OpenBackend(spec string) (backend.Backend, error) {
	for _, scheme := range []string{"redis://", "rediss://", "unix://"} {
		if strings.HasPrefix(spec, scheme) {
			return redisbackend.Open(spec)
		}
	}
	return backend.Open(spec)
}
