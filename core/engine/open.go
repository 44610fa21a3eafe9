package engine

import (
	"fmt"
	"os"
	"strings"

	"github.com/waygate-go/waygate/core/backend"
	"github.com/waygate-go/waygate/core/backend/redisbackend"
	"github.com/waygate-go/waygate/core/clock"
	"github.com/waygate-go/waygate/core/sdk"
)

// OpenBackend opens the backend a WAYGATE_BACKEND-style spec names. It is
// the one place specs are read, for WAYGATE_BACKEND and for code alike:
//
//   - "memory" or "": an in-process backend (state lost on exit)
//   - "file:/path/state.json": a JSON file, written atomically, one writer
//   - "redis://host:6379/0" (also rediss:// and unix://): Redis, shared by
//     every instance on it, rate-limit counters included;
//     "redis+cluster://host1:6379,host2:6379" a Redis Cluster;
//     "redis+sentinel://master-name@host1:26379,host2:26379/0" the master
//     Sentinel names (rediss+… over TLS; see redisbackend.Open)
//   - "waygate+http://host:8000/waygate" (also waygate+https://): a Waygate
//     Server, for the service WAYGATE_SERVICE with the token
//     WAYGATE_SERVICE_TOKEN
//
// The caller owns the backend and closes it; an engine closes only the one
// it opened itself from WAYGATE_BACKEND.
func OpenBackend(spec string) (backend.Backend, error) { return openBackend(spec, clock.Real{}) }

// openBackend opens spec on clk, so an engine opening its backend from
// WAYGATE_BACKEND hands its clock on (the SDK's retries, the Redis
// counters' resets).
func openBackend(spec string, clk clock.Clock) (backend.Backend, error) {
	switch {
	case spec == "" || strings.EqualFold(spec, "memory"):
		return backend.NewMemory(), nil
	case strings.HasPrefix(spec, "file:"):
		return backend.OpenFile(strings.TrimPrefix(spec, "file:"))
	case strings.HasPrefix(spec, "waygate+"):
		return sdk.New(strings.TrimPrefix(spec, "waygate+"), os.Getenv(EnvService), os.Getenv(EnvServiceToken), sdk.WithClock(clk))
	}
	for _, scheme := range []string{"redis://", "rediss://", "unix://", "redis+cluster://", "rediss+cluster://", "redis+sentinel://", "rediss+sentinel://"} {
		if strings.HasPrefix(strings.ToLower(spec), scheme) {
			return redisbackend.Open(spec, redisbackend.WithClock(clk))
		}
	}
	return nil, fmt.Errorf("unknown backend %q: use memory, file:/path/state.json, redis://host:6379/0, redis+cluster://host1:6379,host2:6379, redis+sentinel://master@host1:26379/0 or waygate+http://host:8000/waygate", spec)
}
