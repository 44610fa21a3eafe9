package webhook

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"time"
)

// Built-in payload formats.
const (
	// FormatJSON posts the Event as JSON.
	FormatJSON = "json"
	// FormatSlack posts a Slack incoming-webhook attachment (SlackFormatter).
	FormatSlack = "slack"
	// FormatCustom marks a webhook whose Formatter was given in code.
	FormatCustom = "custom"
)

// Option configures a Dispatcher.
type Option interface{ apply(*config) }

type optionFunc func(*config)

func (f optionFunc) apply(c *config) { f(c) }

type config struct {
	hooks    []spec
	attempts int
	backoff  time.Duration
	client   *http.Client
	queue    int
	logger   *slog.Logger
	errs     []error
}

func defaultConfig() config {
	return config{attempts: 4, backoff: time.Second, queue: 256}
}

// WithHook posts every change to url. Webhooks given here live as long as
// the Dispatcher; those added with Add are stored through the engine.
// Optional. Default: none.
func WithHook(url string, opts ...HookOption) Option {
	return optionFunc(func(c *config) {
		s := spec{url: url, format: FormatJSON}
		for _, o := range opts {
			if o != nil {
				o(&s)
			}
		}
		c.hooks = append(c.hooks, s)
	})
}

// WithRetry sets how many times a delivery is attempted (network errors,
// 429 and 5xx are retried) and the first backoff, doubled after each
// attempt.
// Optional. Default: 4 attempts, 1 second.
func WithRetry(attempts int, backoff time.Duration) Option {
	return optionFunc(func(c *config) {
		if attempts < 1 || backoff < 0 {
			c.errs = append(c.errs, fmt.Errorf("webhook retry: %d attempts and a %s backoff: attempts must be positive", attempts, backoff))
			return
		}
		c.attempts, c.backoff = attempts, backoff
	})
}

// WithClient sets the HTTP client that delivers webhooks.
// Optional. Default: a client with a 10 second timeout.
func WithClient(client *http.Client) Option {
	return optionFunc(func(c *config) { c.client = client })
}

// WithQueue sets how many deliveries may wait per webhook; when the queue
// is full, new events for that webhook are dropped and counted.
// Optional. Default: 256.
func WithQueue(n int) Option {
	return optionFunc(func(c *config) {
		if n < 1 {
			c.errs = append(c.errs, fmt.Errorf("webhook queue %d must be positive", n))
			return
		}
		c.queue = n
	})
}

// WithLogger sets where failed deliveries are logged. Webhook URLs are
// logged with their path hidden and secrets never.
// Optional. Default: the engine's logger.
func WithLogger(l *slog.Logger) Option {
	return optionFunc(func(c *config) { c.logger = l })
}

// HookOption configures one webhook given to WithHook.
type HookOption func(*spec)

// spec is a webhook's configuration.
type spec struct {
	url, secret, format string
	formatter           Formatter
}

// Secret signs every delivery: the X-Waygate-Signature header is "sha256="
// and the hex HMAC-SHA256 of the body with secret.
func Secret(secret string) HookOption {
	return func(s *spec) { s.secret = secret }
}

// Slack posts Slack incoming-webhook attachments (SlackFormatter).
func Slack() HookOption {
	return func(s *spec) { s.format, s.formatter = FormatSlack, nil }
}

// Custom posts what f returns, as JSON.
func Custom(f Formatter) HookOption {
	return func(s *spec) { s.format, s.formatter = FormatCustom, f }
}

// validate checks the URL and format and fills the formatter.
func (s *spec) validate() error {
	u, err := url.Parse(s.url)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("webhook URL %q: give an absolute http:// or https:// URL", RedactURL(s.url))
	}
	switch s.format {
	case "", FormatJSON:
		s.format, s.formatter = FormatJSON, DefaultFormatter
	case FormatSlack:
		s.formatter = SlackFormatter
	case FormatCustom:
		if s.formatter == nil {
			return fmt.Errorf("webhook %s: the formatter is nil", RedactURL(s.url))
		}
	default:
		return fmt.Errorf("webhook format %q: use json or slack", s.format)
	}
	return nil
}

// RedactURL keeps the scheme and host of a webhook URL: webhook paths
// often carry secrets (Slack's do), so they are never logged or shown to
// viewers.
func RedactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "(invalid URL)"
	}
	if u.Path == "" && u.RawQuery == "" {
		return u.Scheme + "://" + u.Host
	}
	return u.Scheme + "://" + u.Host + "/…"
}
