package auth

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/waygate-go/waygate/admin/internal/wire"
	"github.com/waygate-go/waygate/core/clock"
	"github.com/waygate-go/waygate/core/engine"
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

// Principal is who made a request.
type Principal struct {
	User     string
	Role     Role
	Platform string // the platform given at login
	JTI      string // the session token's id; "" with open access
	Exp      time.Time
	Cookie   bool // authenticated by the session cookie
}

type principalKey struct{}

// WithPrincipal returns ctx carrying p.
func WithPrincipal(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// PrincipalOf returns the principal ctx carries.
func PrincipalOf(ctx context.Context) Principal {
	p, _ := ctx.Value(principalKey{}).(Principal)
	return p
}

// Config is how New sets up an Authenticator.
type Config struct {
	Users         []UserSpec
	Open          bool   // no authentication: every request is an admin's
	Secret        []byte // signs tokens; nil for a random one
	TTL           time.Duration
	Clock         clock.Clock
	ThrottleMax   int // failed logins per user and client network before 429
	ThrottleEvery time.Duration
	Iterations    int // PBKDF2 cost of passwords given in plain
	Log           *slog.Logger
	// Engine stores revocations as records beside its state.
	Engine *engine.Engine
	// MountPath is where the handler is mounted, for cookie paths.
	MountPath func(*http.Request) string
	// SecureCookies marks every cookie Secure, whatever the connection
	// (a TLS-terminating proxy the engine does not list as trusted).
	SecureCookies bool
}

// UserSpec is one configured user before its password is hashed.
type UserSpec struct {
	Name, Password, Hash string
	Role                 Role
}

// Authenticator checks credentials and tokens, issues and revokes
// sessions and guards cookie sessions against CSRF.
type Authenticator struct {
	log      *slog.Logger
	eng      *engine.Engine
	mount    func(*http.Request) string
	wg       sync.WaitGroup  // background deletions of expired revocations
	done     <-chan struct{} // closed when following stops
	open     bool
	users    map[string]user
	dummy    passwordHash // verified for unknown users, so timing does not reveal names
	signer   signer
	ttl      time.Duration
	clock    clock.Clock
	throttle *wire.Throttle
	maxFails int
	revoked  revocations
	secure   bool // every cookie Secure
}

// New checks cfg, hashes the passwords given in plain and returns the
// authenticator. Call Follow to keep revocations in step with the engine.
func New(cfg Config) (*Authenticator, error) {
	a := &Authenticator{log: cfg.Log, eng: cfg.Engine, mount: cfg.MountPath, open: cfg.Open, users: map[string]user{}, ttl: cfg.TTL, clock: cfg.Clock,
		throttle: wire.NewThrottle(cfg.ThrottleEvery), maxFails: cfg.ThrottleMax, revoked: revocations{m: map[string]time.Time{}},
		secure: cfg.SecureCookies}
	if cfg.Open && len(cfg.Users) > 0 {
		return nil, errors.New("WithOpenAccess cannot be combined with users: drop one of them")
	}
	if !cfg.Open && len(cfg.Users) == 0 {
		return nil, errors.New("no users: add one with WithUser(name, password, admin.RoleAdmin), or serve without authentication with WithOpenAccess (development only)")
	}
	var errs []error
	for _, u := range cfg.Users {
		if strings.TrimSpace(u.Name) == "" || strings.ContainsAny(u.Name, "\x00\r\n") {
			errs = append(errs, fmt.Errorf("user name %q is empty or has control characters", u.Name))
			continue
		}
		if !u.Role.valid() {
			errs = append(errs, fmt.Errorf("user %q: role %q: use admin.RoleAdmin or admin.RoleViewer", u.Name, u.Role))
			continue
		}
		if _, dup := a.users[u.Name]; dup {
			errs = append(errs, fmt.Errorf("user %q is configured twice", u.Name))
			continue
		}
		enc := u.Hash
		if enc == "" {
			var err error
			if enc, err = HashWith(u.Password, cfg.Iterations); err != nil {
				errs = append(errs, fmt.Errorf("user %q: %w", u.Name, err))
				continue
			}
		}
		ph, err := parseHash(enc)
		if err != nil {
			errs = append(errs, fmt.Errorf("user %q: %w", u.Name, err))
			continue
		}
		a.users[u.Name] = user{name: u.Name, role: u.Role, hash: ph}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	a.dummy = passwordHash{salt: make([]byte, 16), sum: make([]byte, 32)}
	for _, u := range a.users {
		a.dummy.iterations = max(a.dummy.iterations, u.hash.iterations)
	}
	secret := cfg.Secret
	if secret == nil {
		secret = make([]byte, 32)
		_, _ = rand.Read(secret)
	}
	a.signer = newSigner(secret, usersFingerprint(cfg.Users))
	return a, nil
}

// unauthenticated answers r, which has no valid credentials (why says
// what was wrong with those it has), with the login path where the
// handler is mounted and a WWW-Authenticate challenge (RFC 9110 requires
// one on every 401).
func (a *Authenticator) unauthenticated(r *http.Request, why string) error {
	login := "/api/auth/login"
	if a.mount != nil {
		login = a.mount(r) + login
	}
	msg := "authentication required: log in with POST " + login + " and send the token in the " + TokenHeader + " header"
	if why != "" {
		msg = why + ": log in again with POST " + login
	}
	return &wire.Error{Status: http.StatusUnauthorized, Msg: msg,
		Header: http.Header{"Www-Authenticate": {`Bearer realm="waygate"`}}}
}

// checkPassword reports whether name/password is a valid login, taking the
// same time for unknown names.
func (a *Authenticator) checkPassword(name, password string) (user, bool) {
	u, found := a.users[name]
	if !found {
		a.dummy.verify(password)
		return user{}, false
	}
	return u, u.hash.verify(password)
}

// issue creates a session token for u.
func (a *Authenticator) issue(u user, platform string) (string, tokenClaims) {
	now := a.clock.Now()
	c := tokenClaims{Sub: u.name, Iat: now.Unix(), Exp: now.Add(a.ttl).Unix(), JTI: randomHex(16), Plat: platform}
	return a.signer.sign(c), c
}

// verify checks a token: signature, expiry, revocation and that its user
// still exists.
func (a *Authenticator) verify(tok string) (Principal, error) {
	c, err := a.signer.parse(tok)
	if err != nil {
		return Principal{}, err
	}
	exp := time.Unix(c.Exp, 0)
	if !a.clock.Now().Before(exp) {
		return Principal{}, errors.New("session token expired")
	}
	if a.revoked.has(c.JTI) {
		return Principal{}, errors.New("session token was revoked by logout")
	}
	u, found := a.users[c.Sub]
	if !found {
		return Principal{}, errBadToken
	}
	return Principal{User: u.name, Role: u.role, Platform: c.Plat, JTI: c.JTI, Exp: exp}, nil
}

// authenticate finds and checks the request's credentials: the token
// header first, else the session cookie.
// Authenticate returns who made r: the token in TokenHeader (or sent as
// "Authorization: Bearer <token>") or the SessionCookie, checked; with
// open access, an anonymous admin.
func (a *Authenticator) Authenticate(r *http.Request) (Principal, error) {
	if a.open {
		return Principal{User: "anonymous", Role: RoleAdmin, Platform: "api"}, nil
	}
	tok, cookie := strings.TrimSpace(r.Header.Get(TokenHeader)), false
	if scheme, bearer, ok := strings.Cut(r.Header.Get("Authorization"), " "); tok == "" && ok && strings.EqualFold(scheme, "Bearer") {
		tok = strings.TrimSpace(bearer)
	}
	if tok == "" {
		if c, err := r.Cookie(SessionCookie); err == nil && c.Value != "" {
			tok, cookie = c.Value, true
		}
	}
	if tok == "" {
		return Principal{}, a.unauthenticated(r, "")
	}
	p, err := a.verify(tok)
	if err != nil {
		return Principal{}, a.unauthenticated(r, err.Error())
	}
	p.Cookie = cookie
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

// clientNetwork is the client network a request comes from, as the
// engine's per-IP rate limits key it: the trusted-proxy-aware client
// address, an IPv6 client by its /64 (engine.Internals.ClientNetwork).
func (a *Authenticator) clientNetwork(r *http.Request) string {
	return engine.InternalsOf(a.eng).ClientNetwork(r.RemoteAddr, r.Header.Get).String()
}

// PlatformOf picks the audited platform: the header when it names a known
// client, else the token's, else "api".
func PlatformOf(r *http.Request, p Principal) string {
	if h := strings.ToLower(strings.TrimSpace(r.Header.Get(PlatformHeader))); platforms[h] {
		return h
	}
	if platforms[p.Platform] {
		return p.Platform
	}
	return "api"
}

// CSRF is a session's CSRF token: the same value as the CSRF cookie set at
// login. With open access there is no session; the token is bound to the
// handler's key instead.
func (a *Authenticator) CSRF(p Principal) string {
	if p.JTI == "" {
		return a.signer.csrf("open access")
	}
	return a.signer.csrf(p.JTI)
}

// CSRFOK checks the double-submit token of a cookie session: the header
// must equal the cookie, and both the token bound to the session.
func (a *Authenticator) CSRFOK(r *http.Request, p Principal) bool {
	c, err := r.Cookie(CSRFCookie)
	got := r.Header.Get(CSRFHeader)
	if err != nil || got == "" {
		return false
	}
	want := a.signer.csrf(p.JTI)
	return hmac.Equal([]byte(got), []byte(c.Value)) && hmac.Equal([]byte(got), []byte(want))
}
