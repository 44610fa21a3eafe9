package redisbackend

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/redis/go-redis/v9"
)

// SetClientLogger sends go-redis's own log lines to logger at Debug level.
// go-redis prints a line to stderr for each failed dial, so a Redis that is
// down floods the log; Waygate's engine and rate limiter already log one
// line per back-off step and count every outage. go-redis's logger is one
// per process: an application calls this once, at start (the demos and
// waygate serve do).
func SetClientLogger(logger *slog.Logger) {
	redis.SetLogger(clientLogger{logger})
}

type clientLogger struct{ l *slog.Logger }

func (c clientLogger) Printf(ctx context.Context, format string, v ...any) {
	if c.l.Enabled(ctx, slog.LevelDebug) {
		c.l.DebugContext(ctx, fmt.Sprintf(format, v...), "component", "go-redis")
	}
}
