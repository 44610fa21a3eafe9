package engine

import (
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/waygate-go/waygate/core/backend"
)

// Environment variables read by New when the matching option is not given.
const (
	EnvBackend          = "WAYGATE_BACKEND"
	EnvEnvironment      = "WAYGATE_ENV"
	EnvBypassLifecycle  = "WAYGATE_BYPASS_LIFECYCLE"   //nolint:gosec // G101: a variable name ("BYPASS"), not a credential
	EnvBypassRateLimits = "WAYGATE_BYPASS_RATE_LIMITS" //nolint:gosec // G101: a variable name ("BYPASS"), not a credential
	// EnvService names the service of an engine whose WAYGATE_BACKEND is a
	// Waygate Server (waygate+http://...).
	EnvService = "WAYGATE_SERVICE"
	// EnvServiceToken is that service's token on the server.
	EnvServiceToken = "WAYGATE_SERVICE_TOKEN"
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
		b, err := openBackend(spec, c.clock)
		if err != nil {
			return false, fmt.Errorf("%s: %w", EnvBackend, err)
		}
		c.backend, opened = b, true
	}
	// An engine on a Waygate Server enforces for the SDK's service.
	if sb, ok := c.backend.(backend.ServiceScoped); ok {
		switch {
		case c.service == "":
			c.service = sb.Service()
		case c.service != sb.Service():
			if opened {
				_ = c.backend.Close()
			}
			return false, fmt.Errorf("WithService(%q) but the backend acts for service %q: use one name", c.service, sb.Service())
		}
	}
	// Instances sharing a backend share rate-limit counters too, when the
	// backend can hold them.
	if sc, ok := c.backend.(backend.SharedCounters); ok && c.rlStore == nil {
		c.rlStore = sc.RateLimitStore()
	}
	return opened, nil
}
