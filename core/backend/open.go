package backend

import (
	"fmt"
	"strings"
)

// Open returns the backend a WAYGATE_BACKEND-style spec names: "memory"
// (or ""), or "file:/path/state.json". engine.OpenBackend also opens
// redis:// specs.
func Open(spec string) (Backend, error) {
	switch {
	case spec == "" || strings.EqualFold(spec, "memory"):
		return NewMemory(), nil
	case strings.HasPrefix(spec, "file:"):
		return OpenFile(strings.TrimPrefix(spec, "file:"))
	case strings.HasPrefix(spec, "redis://"), strings.HasPrefix(spec, "rediss://"):
		return nil, fmt.Errorf("backend %q: open Redis backends with engine.OpenBackend or redisbackend.Open", spec)
	}
	return nil, fmt.Errorf("unknown backend %q: use memory, file:/path/state.json or redis://host:6379/0", spec)
}
