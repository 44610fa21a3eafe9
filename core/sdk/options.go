package sdk

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/waygate-go/waygate/core/clock"
)

// Option configures a Backend.
type Option interface{ apply(*config) }

type optionFunc func(*config)

func (f optionFunc) apply(c *config) { f(c) }

type config struct {
	client       *http.Client
	clock        clock.Clock
	logger       *slog.Logger
	timeout      time.Duration
	minBackoff   time.Duration
	maxBackoff   time.Duration
	logBuffer    int
	flushEvery   time.Duration
	flushBatch   int
	silenceLimit time.Duration
}

func defaultConfig() config {
	return config{
		clock:      clock.Real{},
		timeout:    5 * time.Second,
		minBackoff: 100 * time.Millisecond,
		maxBackoff: 15 * time.Second,
		logBuffer:  1000,
		flushEvery: time.Second,
		flushBatch: 100,
	}
}

// WithHTTPClient sets the client used for every call. Its Timeout must be
// zero (or long), since the event stream stays open: per-call timeouts are
// set with WithTimeout.
// Optional. Default: a client without a timeout over http.DefaultTransport.
func WithHTTPClient(c *http.Client) Option {
	return optionFunc(func(cfg *config) { cfg.client = c })
}

// WithLogger sets where connection changes and failures are logged. Tokens
// are never logged.
// Optional. Default: slog.Default().
func WithLogger(l *slog.Logger) Option {
	return optionFunc(func(c *config) { c.logger = l })
}

// WithTimeout bounds each request to the server other than the stream.
// Optional. Default: 5 seconds.
func WithTimeout(d time.Duration) Option {
	return optionFunc(func(c *config) {
		if d > 0 {
			c.timeout = d
		}
	})
}

// WithBackoff sets the first and the largest delay between reconnection
// attempts; delays double with jitter in between.
// Optional. Default: 100ms and 15s.
func WithBackoff(first, max time.Duration) Option {
	return optionFunc(func(c *config) {
		if first > 0 && max >= first {
			c.minBackoff, c.maxBackoff = first, max
		}
	})
}

// WithLogBuffer sets how many audit entries and how many hits wait to be
// forwarded; when a buffer is full the oldest entry is dropped and counted.
// Optional. Default: 1000 each.
func WithLogBuffer(n int) Option {
	return optionFunc(func(c *config) {
		if n > 0 {
			c.logBuffer = n
		}
	})
}

// WithFlushInterval sets how often buffered audit entries and hits are
// forwarded (sooner when 100 are waiting).
// Optional. Default: 1 second.
func WithFlushInterval(d time.Duration) Option {
	return optionFunc(func(c *config) {
		if d > 0 {
			c.flushEvery = d
		}
	})
}

// WithSilenceLimit sets how long the stream may stay silent (no event, no
// keepalive) before the SDK considers the connection dead and reconnects.
// Optional. Default: three keepalive intervals announced by the server.
func WithSilenceLimit(d time.Duration) Option {
	return optionFunc(func(c *config) { c.silenceLimit = d })
}

// WithClock sets the clock that times reconnection back-off, the log flush
// interval and the silence limit of the stream (connecting included), and
// stamps Status. Tests
// pass a clock.Fake to move them along without sleeping. Per-request
// timeouts (WithTimeout, the HTTP client's) stay on the wall clock: they
// bound network I/O.
// Optional. Default: clock.Real{}.
func WithClock(c clock.Clock) Option {
	return optionFunc(func(cfg *config) {
		if c != nil {
			cfg.clock = c
		}
	})
}
