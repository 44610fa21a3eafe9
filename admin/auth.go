package admin

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/waygate-go/waygate/core/clock"
)

// Names of the credentials on the wire.
const (
	// TokenHeader carries a session token from POST /api/auth/login.
	TokenHeader = "X-Waygate-Token" //nolint:gosec // G101: a name, not a credential
	// SessionCookie carries the session token for browsers (HttpOnly,
	// SameSite=Strict).
	SessionCookie = "waygate_session"
	// CSRFCookie holds the double-submit CSRF token of a cookie session;
	// send its value in CSRFHeader with every unsafe request.
	CSRFCookie = "waygate_csrf"
	// CSRFHeader carries the CSRF token of a cookie session.
	CSRFHeader = "X-Waygate-CSRF"
	// PlatformHeader says which client made a change: cli, dashboard, api or
	// sdk. It is recorded in the audit log.
	PlatformHeader = "X-Waygate-Platform"
)

// platforms are the values accepted in PlatformHeader.
var platforms = map[string]bool{"cli": true, "dashboard": true, "api": true, "sdk": true}

// user is a configured account.
type user struct {
	name string
	role Role
	hash passwordHash
}

// principal is who made a request.
type principal struct {
	user     string
	role     Role
	platform string
	jti      string
	exp      time.Time
	cookie   bool // authenticated by the session cookie
}

type principalKey struct{}

func withPrincipal(ctx context.Context, p principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

func principalOf(ctx context.Context) principal {
	p, _ := ctx.Value(principalKey{}).(principal)
	return p
}

// authenticator checks credentials and tokens.
type authenticator struct {
	open     bool
	users    map[string]user
	dummy    passwordHash // verified for unknown users, so timing does not reveal names
	signer   signer
	ttl      time.Duration
	clock    clock.Clock
	throttle *throttle
	maxFails int
	revoked  revocations
}

func newAuthenticator(cfg *config) (*authenticator, error) {
	a := &authenticator{open: cfg.open, users: map[string]user{}, ttl: cfg.tokenTTL, clock: cfg.clock,
		throttle: newThrottle(cfg.throttleEvery), maxFails: cfg.throttleMax, revoked: revocations{m: map[string]time.Time{}}}
	if cfg.open && len(cfg.users) > 0 {
		return nil, errors.New("WithOpenAccess cannot be combined with users: drop one of them")
	}
	if !cfg.open && len(cfg.users) == 0 {
		return nil, errors.New("no users: add one with WithUser(name, password, admin.RoleAdmin), or serve without authentication with WithOpenAccess (development only)")
	}
	var errs []error
	for _, u := range cfg.users {
		if strings.TrimSpace(u.name) == "" || strings.ContainsAny(u.name, "\x00\r\n") {
			errs = append(errs, fmt.Errorf("user name %q is empty or has control characters", u.name))
			continue
		}
		if !u.role.valid() {
			errs = append(errs, fmt.Errorf("user %q: role %q: use admin.RoleAdmin or admin.RoleViewer", u.name, u.role))
			continue
		}
		if _, dup := a.users[u.name]; dup {
			errs = append(errs, fmt.Errorf("user %q is configured twice", u.name))
			continue
		}
		enc := u.hash
		if enc == "" {
			var err error
			if enc, err = hashWith(u.password, cfg.iterations); err != nil {
				errs = append(errs, fmt.Errorf("user %q: %w", u.name, err))
				continue
			}
		}
		ph, err := parseHash(enc)
		if err != nil {
			errs = append(errs, fmt.Errorf("user %q: %w", u.name, err))
			continue
		}
		a.users[u.name] = user{name: u.name, role: u.role, hash: ph}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	a.dummy = passwordHash{salt: make([]byte, 16), sum: make([]byte, 32)}
	for _, u := range a.users {
		a.dummy.iterations = max(a.dummy.iterations, u.hash.iterations)
	}
	secret := cfg.secret
	if secret == nil {
		secret = make([]byte, 32)
		_, _ = rand.Read(secret)
	}
	a.signer = newSigner(secret, usersFingerprint(cfg.users))
	return a, nil
}

// errUnauthenticated answers requests without valid credentials.
var errUnauthenticated = &apiError{status: http.StatusUnauthorized,
	msg: "authentication required: log in with POST /api/auth/login and send the token in the " + TokenHeader + " header"}

// checkPassword reports whether name/password is a valid login, taking the
// same time for unknown names.
func (a *authenticator) checkPassword(name, password string) (user, bool) {
	u, found := a.users[name]
	if !found {
		a.dummy.verify(password)
		return user{}, false
	}
	return u, u.hash.verify(password)
}

// issue creates a session token for u.
func (a *authenticator) issue(u user, platform string) (string, tokenClaims) {
	now := a.clock.Now()
	c := tokenClaims{Sub: u.name, Iat: now.Unix(), Exp: now.Add(a.ttl).Unix(), JTI: randomHex(16), Plat: platform}
	return a.signer.sign(c), c
}

// verify checks a token: signature, expiry, revocation and that its user
// still exists.
func (a *authenticator) verify(tok string) (principal, error) {
	c, err := a.signer.parse(tok)
	if err != nil {
		return principal{}, err
	}
	exp := time.Unix(c.Exp, 0)
	if !a.clock.Now().Before(exp) {
		return principal{}, errors.New("session token expired: log in again with POST /api/auth/login")
	}
	if a.revoked.has(c.JTI) {
		return principal{}, errors.New("session token was revoked by logout: log in again with POST /api/auth/login")
	}
	u, found := a.users[c.Sub]
	if !found {
		return principal{}, errBadToken
	}
	return principal{user: u.name, role: u.role, platform: c.Plat, jti: c.JTI, exp: exp}, nil
}

// authenticate finds and checks the request's credentials: the token
// header first, else the session cookie.
func (a *authenticator) authenticate(r *http.Request) (principal, error) {
	if a.open {
		return principal{user: "anonymous", role: RoleAdmin, platform: "api"}, nil
	}
	tok, cookie := strings.TrimSpace(r.Header.Get(TokenHeader)), false
	if tok == "" {
		if c, err := r.Cookie(SessionCookie); err == nil && c.Value != "" {
			tok, cookie = c.Value, true
		}
	}
	if tok == "" {
		return principal{}, errUnauthenticated
	}
	p, err := a.verify(tok)
	if err != nil {
		return principal{}, &apiError{status: http.StatusUnauthorized, msg: err.Error()}
	}
	p.cookie = cookie
	return p, nil
}

// revocations are the ids of logged-out tokens until they expire.
type revocations struct {
	mu sync.Mutex
	m  map[string]time.Time
}

func (r *revocations) add(jti string, exp time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.m[jti] = exp
}

func (r *revocations) remove(jti string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.m, jti)
}

func (r *revocations) has(jti string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	_, found := r.m[jti]
	return found
}

// expired removes and returns the revocations of tokens that expired.
func (r *revocations) expired(now time.Time) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for jti, exp := range r.m {
		if !now.Before(exp) {
			out = append(out, jti)
			delete(r.m, jti)
		}
	}
	return out
}

// clientIP is the socket peer's address; the admin API does not trust
// forwarding headers for throttling.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// platformOf picks the audited platform: the header when it names a known
// client, else the token's, else "api".
func platformOf(r *http.Request, p principal) string {
	if h := strings.ToLower(strings.TrimSpace(r.Header.Get(PlatformHeader))); platforms[h] {
		return h
	}
	if platforms[p.platform] {
		return p.platform
	}
	return "api"
}
