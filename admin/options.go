package admin

import (
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/waygate-go/waygate/admin/internal/auth"
	"github.com/waygate-go/waygate/admin/internal/hub"
	"github.com/waygate-go/waygate/core/clock"
	"github.com/waygate-go/waygate/core/webhook"
)

// Option configures a Handler.
type Option interface{ apply(*config) }

type optionFunc func(*config)

func (f optionFunc) apply(c *config) { f(c) }

type config struct {
	prefix        string
	users         []auth.UserSpec
	open          bool
	secret        []byte
	tokenTTL      time.Duration
	clock         clock.Clock
	logger        *slog.Logger
	throttleMax   int
	throttleEvery time.Duration
	keepAlive     time.Duration
	hooks         *webhook.Dispatcher
	iterations    int // PBKDF2 rounds for WithUser passwords
	origins       []string
	serviceTokens []hub.Token // SDK credentials, see WithServiceToken
	ofrepKeys     []string    // OFREP evaluation keys, see WithOFREPKey
	ofrepHeader   string
	ofrepOrigins  []string
	secureCookies bool
	maxStreams    int
	errs          []error
}

func defaultConfig() config {
	return config{
		tokenTTL:      24 * time.Hour,
		clock:         clock.Real{},
		throttleMax:   5,
		throttleEvery: time.Minute,
		keepAlive:     15 * time.Second,
		maxStreams:    DefaultMaxStreams,
		iterations:    auth.DefaultIterations,
	}
}

// WithPrefix names the path the handler is mounted at ("/waygate"). The
// handler then strips it itself, so it can be mounted without
// http.StripPrefix; requests outside the prefix get 404. Without it the
// handler expects paths relative to its mount (use http.StripPrefix) and
// derives the mount path, for cookies and the OpenAPI server URL, from the
// request.
// Optional. Default: none.
func WithPrefix(prefix string) Option {
	return optionFunc(func(c *config) {
		p := "/" + strings.Trim(prefix, "/")
		if p == "/" {
			p = ""
		}
		c.prefix = p
	})
}

// WithUser adds a user who can log in with password. RoleAdmin may read and
// change everything; RoleViewer may only read. The password is kept only as
// a PBKDF2-SHA256 hash.
// Optional, but New needs at least one user unless WithOpenAccess is given.
func WithUser(name, password string, role Role) Option {
	return optionFunc(func(c *config) {
		if password == "" {
			c.errs = append(c.errs, fmt.Errorf("user %q: the password is empty", name))
			return
		}
		c.users = append(c.users, auth.UserSpec{Name: name, Password: password, Role: role})
	})
}

// WithUserHash adds a user whose password is given as a hash made by
// HashPassword, so the plain password never appears in configuration.
// Optional.
func WithUserHash(name, hash string, role Role) Option {
	return optionFunc(func(c *config) {
		c.users = append(c.users, auth.UserSpec{Name: name, Hash: hash, Role: role})
	})
}

// WithOpenAccess serves every request without authentication, as an admin
// with the actor "anonymous". Only for local development: New logs a loud
// warning. It cannot be combined with users.
// Optional. Default: authentication required.
func WithOpenAccess() Option {
	return optionFunc(func(c *config) { c.open = true })
}

// WithSecret sets the key that signs session tokens (at least 32 bytes).
// Give the same secret to every instance and across restarts, or tokens stop
// working when the process restarts.
// Optional. Default: a random key per process (New logs a warning).
func WithSecret(secret string) Option {
	return optionFunc(func(c *config) {
		if len(secret) < 32 {
			c.errs = append(c.errs, fmt.Errorf("the token secret has %d bytes: use at least 32 (for example `openssl rand -hex 32`)", len(secret)))
			return
		}
		c.secret = []byte(secret)
	})
}

// DefaultMaxStreams is how many event streams a handler holds open at
// once unless WithMaxStreams says otherwise.
const DefaultMaxStreams = 1000

// WithMaxStreams caps the event streams the handler holds open at once —
// the API's /api/events and /api/flags/stream, the dashboard's live
// updates and the SDKs' streams together — answering 503 with Retry-After
// past it. /api/health reports how many are open and how many were
// refused.
// Optional. Default: DefaultMaxStreams.
func WithMaxStreams(n int) Option {
	return optionFunc(func(c *config) {
		if n <= 0 {
			c.errs = append(c.errs, fmt.Errorf("max streams %d: must be positive", n))
			return
		}
		c.maxStreams = n
	})
}

// WithSecureCookies marks the session and CSRF cookies Secure on every
// response, for a handler served over TLS by a proxy that is not among
// the engine's trusted proxies. Without it, cookies are Secure on TLS
// connections and on requests a trusted proxy (engine.WithTrustedProxies)
// forwards with X-Forwarded-Proto: https, so plain HTTP on localhost keeps
// working.
// Optional.
func WithSecureCookies() Option {
	return optionFunc(func(c *config) { c.secureCookies = true })
}

// WithTokenTTL sets how long a session token is valid after login.
// Optional. Default: 24 hours.
func WithTokenTTL(d time.Duration) Option {
	return optionFunc(func(c *config) {
		if d <= 0 {
			c.errs = append(c.errs, fmt.Errorf("token TTL %s must be positive", d))
			return
		}
		c.tokenTTL = d
	})
}

// WithClock sets the time source for token expiry and login throttling.
// Optional. Default: the wall clock.
func WithClock(c clock.Clock) Option {
	return optionFunc(func(cfg *config) { cfg.clock = c })
}

// WithLogger sets where warnings and delivery failures are logged. Secrets
// (passwords, tokens, webhook secrets) are never logged.
// Optional. Default: the engine's logger.
func WithLogger(l *slog.Logger) Option {
	return optionFunc(func(c *config) { c.logger = l })
}

// WithLoginThrottle refuses logins with 429 after failures failed attempts
// within window per user name from one client network, and after four
// times as many per user name from anywhere or per client network across
// names. The client network is the client address the engine's rate
// limits see (behind engine.WithTrustedProxies, the forwarded one), an
// IPv6 client by its /64 (engine.WithIPv6Prefix).
// Optional. Default: 5 failures per minute.
func WithLoginThrottle(failures int, window time.Duration) Option {
	return optionFunc(func(c *config) {
		if failures <= 0 || window <= 0 {
			c.errs = append(c.errs, fmt.Errorf("login throttle %d per %s: both must be positive", failures, window))
			return
		}
		c.throttleMax, c.throttleEvery = failures, window
	})
}

// WithKeepAlive sets how often GET /api/events sends a keepalive comment.
// Optional. Default: 15 seconds.
func WithKeepAlive(d time.Duration) Option {
	return optionFunc(func(c *config) {
		if d <= 0 {
			c.errs = append(c.errs, fmt.Errorf("keepalive interval %s must be positive", d))
			return
		}
		c.keepAlive = d
	})
}

// WithWebhooks has the handler serve d's webhooks: GET /api/webhooks lists
// them, POST and DELETE add and remove runtime ones, GET /api/health sums
// their deliveries, and a Waygate Server's hub forwards the changes its
// services make to d. The caller closes d.
// Optional. Default: a dispatcher on the engine with no webhooks in code,
// which the handler closes.
func WithWebhooks(d *webhook.Dispatcher) Option {
	return optionFunc(func(c *config) { c.hooks = d })
}

// WithTrustedOrigins lets browsers on other origins ("https://ops.example.com")
// make unsafe requests. Cross-origin browser requests are refused otherwise
// (http.CrossOriginProtection); non-browser clients are not affected.
// Optional. Default: none.
func WithTrustedOrigins(origins ...string) Option {
	return optionFunc(func(c *config) { c.origins = append(c.origins, origins...) })
}

// ServiceTokenOption configures a service token.
type ServiceTokenOption = hub.TokenOption

// SharedState trusts the token's service with shared state: its engine may
// also change global maintenance, global rate limits, flags, segments and
// other services' maintenance and rate limits (an operator tool, or a
// service that embeds admin actions). Other services' routes stay out of
// reach.
func SharedState() ServiceTokenOption { return hub.SharedState() }

// WithServiceToken lets SDKs of service connect with secret (sent as
// "Authorization: Bearer <secret>"), which makes the handler a Waygate
// Server for them. The service's identity comes from the token alone: an
// SDK can read and change only its own routes, its own maintenance and rate
// limits, whatever its requests say. Give each service its own secret of at
// least 16 bytes (for example `openssl rand -hex 32`); a service may have
// several (to rotate them).
// Optional. Without service tokens the SDK endpoints answer 401.
func WithServiceToken(service, secret string, opts ...ServiceTokenOption) Option {
	return optionFunc(func(c *config) {
		t, err := hub.NewToken(service, secret, opts...)
		if err != nil {
			c.errs = append(c.errs, err)
			return
		}
		c.serviceTokens = append(c.serviceTokens, t)
	})
}

// WithOFREPKey adds a read-only evaluation key for the OFREP endpoints
// (POST …/ofrep/v1/evaluate/flags[/{key}]): OpenFeature SDKs of any
// language send it as "Authorization: Bearer <key>" (see WithOFREPHeader)
// and may evaluate every flag, nothing more. Service tokens
// (WithServiceToken) are accepted too. Use at least 12 bytes (check one
// with CheckPassword before serving beyond this machine); a browser app's
// key is public, so give browsers their own. Repeat it to rotate.
// Optional. Without keys or service tokens the OFREP endpoints answer 401.
func WithOFREPKey(key string) Option {
	return optionFunc(func(c *config) {
		if len(key) < MinPasswordLength || strings.ContainsAny(key, " \t\r\n") {
			c.errs = append(c.errs, fmt.Errorf("OFREP key of %d bytes: use at least %d, without spaces (for example `openssl rand -hex 16`)", len(key), MinPasswordLength))
			return
		}
		c.ofrepKeys = append(c.ofrepKeys, key)
	})
}

// WithOFREPHeader names the request header that carries the OFREP
// credential, for OFREP providers configured to send an API key header
// ("X-API-Key: <key>") instead of a bearer token.
// Optional. Default: "Authorization", as "Authorization: Bearer <key>".
func WithOFREPHeader(name string) Option {
	return optionFunc(func(c *config) {
		if name == "" || strings.ContainsAny(name, " :\r\n") {
			c.errs = append(c.errs, fmt.Errorf("OFREP header %q: name a request header, such as X-API-Key", name))
			return
		}
		c.ofrepHeader = name
	})
}

// WithOFREPOrigins lets browser apps served from these origins
// ("https://app.example.com") call the OFREP endpoints (CORS); "*" lets
// every origin. A request from another origin gets 403.
// Optional. Default: none, so only same-origin pages and non-browser
// clients can call them.
func WithOFREPOrigins(origins ...string) Option {
	return optionFunc(func(c *config) {
		for _, o := range origins {
			if o != "*" {
				if u, err := url.Parse(o); err != nil || u.Scheme == "" || u.Host == "" || (u.Path != "" && u.Path != "/") {
					c.errs = append(c.errs, fmt.Errorf("OFREP origin %q: write scheme and host, such as https://app.example.com", o))
					continue
				}
			}
			c.ofrepOrigins = append(c.ofrepOrigins, o)
		}
	})
}
