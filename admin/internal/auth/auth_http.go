package auth

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/waygate-go/waygate/admin/internal/wire"
	"github.com/waygate-go/waygate/core/engine"
)

// LoginResponse is the body of a successful login.
type LoginResponse struct {
	Token     string `json:"token"`
	Username  string `json:"username"`
	Role      Role   `json:"role"`
	Platform  string `json:"platform"`
	ExpiresAt string `json:"expires_at"`
	CSRFToken string `json:"csrf_token"`
}

// Open reports whether the handler serves without authentication.
func (a *Authenticator) Open() bool { return a.open }

// Register adds the authentication endpoints.
func (a *Authenticator) Register(reg wire.Registrar) {
	reg.Handle("POST /api/auth/login", wire.Public, a.login)
	reg.Handle("POST /api/auth/logout", wire.User, a.logout)
	reg.Handle("GET /api/auth/me", wire.Read, a.me)
}

// LoginRequest is the body of POST /api/auth/login.
type LoginRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
	Platform string `json:"platform"`
}

// login checks credentials and issues a session token, returned in the
// body and set as the session cookie (with its CSRF cookie).
func (a *Authenticator) login(w http.ResponseWriter, r *http.Request) error {
	var req LoginRequest
	if !a.open {
		if err := wire.DecodeBody(w, r, &req, true); err != nil {
			return err
		}
	}
	resp, err := a.Login(w, r, req)
	if err != nil {
		return err
	}
	wire.WriteJSON(w, http.StatusOK, resp)
	return nil
}

// Login checks credentials, throttling failures per user name and client
// IP, and starts a session: the token is returned and set, with its CSRF
// token, as cookies on w. The API's login and the dashboard's sign-in both
// go through it.
func (a *Authenticator) Login(w http.ResponseWriter, r *http.Request, req LoginRequest) (LoginResponse, error) {
	if a.open {
		return LoginResponse{}, wire.Errorf(http.StatusNotImplemented, "authentication is not configured: this admin runs with open access")
	}
	if req.Username == "" || req.Password == "" {
		return LoginResponse{}, wire.BadRequest("username and password are required")
	}
	if req.Platform == "" {
		req.Platform = "api"
	}
	if !platforms[req.Platform] {
		return LoginResponse{}, wire.BadRequest("platform %q: use cli, dashboard, api or sdk", req.Platform)
	}
	// Failures count per user name from one client network, per user name
	// from anywhere and per client network for any name; the network is
	// the client behind trusted proxies (so clients behind one proxy do
	// not lock each other out), an IPv6 client's /64 (so rotating
	// addresses does not reset the count).
	ip := a.clientNetwork(r)
	pairKey, userKey, ipKey := "u\x00"+req.Username+"\x00"+ip, "u\x00"+req.Username, "ip\x00"+ip
	now := a.clock.Now()
	wait := max(a.throttle.RetryAfter(pairKey, a.maxFails, now), a.throttle.RetryAfter(userKey, 4*a.maxFails, now),
		a.throttle.RetryAfter(ipKey, 4*a.maxFails, now))
	if wait > 0 {
		secs := wire.RetrySeconds(wait)
		return LoginResponse{}, &wire.Error{Status: http.StatusTooManyRequests,
			Msg:    "too many failed logins: try again in " + strconv.FormatInt(secs, 10) + " seconds",
			Header: http.Header{"Retry-After": {strconv.FormatInt(secs, 10)}}}
	}
	u, valid := a.checkPassword(req.Username, req.Password)
	if !valid {
		a.throttle.Fail(pairKey, now)
		a.throttle.Fail(userKey, now)
		a.throttle.Fail(ipKey, now)
		a.log.Warn("waygate admin: failed login", "user", req.Username, "ip", ip)
		return LoginResponse{}, wire.Errorf(http.StatusUnauthorized, "invalid credentials")
	}
	a.throttle.Reset(pairKey)
	a.throttle.Reset(userKey)
	tok, c := a.issue(u, req.Platform)
	exp := time.Unix(c.Exp, 0).UTC()
	csrf := a.signer.csrf(c.JTI)
	a.SetCookie(w, r, SessionCookie, tok, exp, true)
	a.SetCookie(w, r, CSRFCookie, csrf, exp, false)
	return LoginResponse{Token: tok, Username: u.name, Role: u.role, Platform: req.Platform,
		ExpiresAt: exp.Format(time.RFC3339), CSRFToken: csrf}, nil
}

// SetCookie sets a cookie scoped to the mount path; an empty value
// deletes it.
func (a *Authenticator) SetCookie(w http.ResponseWriter, r *http.Request, name, value string, exp time.Time, httpOnly bool) {
	path := a.mount(r)
	if path == "" {
		path = "/"
	}
	// Secure follows the connection (plain HTTP on localhost must work,
	// see secureRequest); SameSite=Strict always; HttpOnly except for the
	// CSRF cookie, which the page script reads.
	c := &http.Cookie{Name: name, Value: value, Path: path, Expires: exp, HttpOnly: httpOnly, //nolint:gosec // G124: see above
		SameSite: http.SameSiteStrictMode, Secure: a.secureRequest(r)}
	if value == "" {
		c.MaxAge = -1
	} else {
		c.MaxAge = max(1, int(exp.Sub(a.clock.Now()).Seconds()))
	}
	http.SetCookie(w, c)
}

// secureRequest reports whether the client reached us over TLS: on a TLS
// connection; through a trusted proxy (engine.WithTrustedProxies) that
// says X-Forwarded-Proto: https; or always, with WithSecureCookies.
func (a *Authenticator) secureRequest(r *http.Request) bool {
	if a.secure || r.TLS != nil {
		return true
	}
	return strings.EqualFold(strings.TrimSpace(r.Header.Get("X-Forwarded-Proto")), "https") &&
		engine.InternalsOf(a.eng).TrustedPeer(r.RemoteAddr)
}

// logout ends the caller's session.
func (a *Authenticator) logout(w http.ResponseWriter, r *http.Request) error {
	if err := wire.DecodeBody(w, r, &struct{}{}, false); err != nil {
		return err
	}
	if err := a.Logout(w, r); err != nil {
		return err
	}
	wire.WriteJSON(w, http.StatusOK, wire.OKBody)
	return nil
}

// Logout revokes the session token of the request's principal (stored, so
// the revocation survives restarts and reaches other instances) and clears
// the cookies.
func (a *Authenticator) Logout(w http.ResponseWriter, r *http.Request) error {
	p := PrincipalOf(r.Context())
	if p.JTI != "" {
		if err := a.revoke(r.Context(), p.JTI, p.Exp); err != nil {
			return err
		}
	}
	a.SetCookie(w, r, SessionCookie, "", time.Unix(0, 0), true)
	a.SetCookie(w, r, CSRFCookie, "", time.Unix(0, 0), false)
	return nil
}

type meResponse struct {
	Username   string `json:"username"`
	Role       Role   `json:"role"`
	Platform   string `json:"platform"`
	ExpiresAt  string `json:"expires_at,omitempty"`
	OpenAccess bool   `json:"open_access"`
}

// me says who the caller is.
func (a *Authenticator) me(w http.ResponseWriter, r *http.Request) error {
	p := PrincipalOf(r.Context())
	resp := meResponse{Username: p.User, Role: p.Role, Platform: p.Platform, OpenAccess: a.open}
	if !p.Exp.IsZero() {
		resp.ExpiresAt = p.Exp.UTC().Format(time.RFC3339)
	}
	wire.WriteJSON(w, http.StatusOK, resp)
	return nil
}
