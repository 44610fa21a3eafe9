package admin

import (
	"net/http"
	"strconv"
	"time"
)

type loginRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
	Platform string `json:"platform"`
}

type loginResponse struct {
	Token     string `json:"token"`
	Username  string `json:"username"`
	Role      Role   `json:"role"`
	Platform  string `json:"platform"`
	ExpiresAt string `json:"expires_at"`
	CSRFToken string `json:"csrf_token"`
}

// login checks credentials and issues a session token, returned in the
// body and set as the session cookie (with its CSRF cookie).
func (h *Handler) login(w http.ResponseWriter, r *http.Request) error {
	if h.auth.open {
		return errorf(http.StatusNotImplemented, "authentication is not configured: this admin runs with open access")
	}
	var req loginRequest
	if err := decodeBody(w, r, &req, true); err != nil {
		return err
	}
	if req.Username == "" || req.Password == "" {
		return badRequest("username and password are required")
	}
	if req.Platform == "" {
		req.Platform = "api"
	}
	if !platforms[req.Platform] {
		return badRequest("platform %q: use cli, dashboard, api or sdk", req.Platform)
	}
	ip := clientIP(r)
	userKey, ipKey := "u\x00"+req.Username+"\x00"+ip, "ip\x00"+ip
	now := h.cfg.clock.Now()
	wait := max(h.auth.throttle.retryAfter(userKey, h.auth.maxFails, now), h.auth.throttle.retryAfter(ipKey, 4*h.auth.maxFails, now))
	if wait > 0 {
		secs := seconds(wait)
		return &apiError{status: http.StatusTooManyRequests,
			msg:    "too many failed logins: try again in " + strconv.FormatInt(secs, 10) + " seconds",
			header: http.Header{"Retry-After": {strconv.FormatInt(secs, 10)}}}
	}
	u, valid := h.auth.checkPassword(req.Username, req.Password)
	if !valid {
		h.auth.throttle.fail(userKey, now)
		h.auth.throttle.fail(ipKey, now)
		h.log.Warn("waygate admin: failed login", "user", req.Username, "ip", ip)
		return errorf(http.StatusUnauthorized, "invalid credentials")
	}
	h.auth.throttle.reset(userKey)
	tok, c := h.auth.issue(u, req.Platform)
	exp := time.Unix(c.Exp, 0).UTC()
	csrf := h.auth.signer.csrf(c.JTI)
	h.setCookie(w, r, SessionCookie, tok, exp, true)
	h.setCookie(w, r, CSRFCookie, csrf, exp, false)
	writeJSON(w, http.StatusOK, loginResponse{Token: tok, Username: u.name, Role: u.role, Platform: req.Platform,
		ExpiresAt: exp.Format(time.RFC3339), CSRFToken: csrf})
	return nil
}

// setCookie sets a session cookie scoped to the mount path; an expiry in
// the past deletes it.
func (h *Handler) setCookie(w http.ResponseWriter, r *http.Request, name, value string, exp time.Time, httpOnly bool) {
	path := h.mountPath(r)
	if path == "" {
		path = "/"
	}
	// Secure follows the connection (plain HTTP on localhost must work);
	// SameSite=Strict always; HttpOnly except for the CSRF cookie, which
	// the page script reads.
	c := &http.Cookie{Name: name, Value: value, Path: path, Expires: exp, HttpOnly: httpOnly, //nolint:gosec // G124: see above
		SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil}
	if value == "" {
		c.MaxAge = -1
	} else {
		c.MaxAge = max(1, int(exp.Sub(h.cfg.clock.Now()).Seconds()))
	}
	http.SetCookie(w, c)
}

// logout revokes the session token (persisted, so the revocation survives
// restarts) and clears the cookies.
func (h *Handler) logout(w http.ResponseWriter, r *http.Request) error {
	if err := decodeBody(w, r, &struct{}{}, false); err != nil {
		return err
	}
	p := principalOf(r.Context())
	if p.jti != "" {
		if err := h.revoke(r.Context(), p.jti, p.exp); err != nil {
			return err
		}
	}
	h.setCookie(w, r, SessionCookie, "", time.Unix(0, 0), true)
	h.setCookie(w, r, CSRFCookie, "", time.Unix(0, 0), false)
	writeJSON(w, http.StatusOK, okBody)
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
func (h *Handler) me(w http.ResponseWriter, r *http.Request) error {
	p := principalOf(r.Context())
	resp := meResponse{Username: p.user, Role: p.role, Platform: p.platform, OpenAccess: h.auth.open}
	if !p.exp.IsZero() {
		resp.ExpiresAt = p.exp.UTC().Format(time.RFC3339)
	}
	writeJSON(w, http.StatusOK, resp)
	return nil
}
