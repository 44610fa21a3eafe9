// Package api is the CLI's client of the Waygate admin REST API. It sends
// the session token and the platform header, decodes JSON answers and turns
// error answers into typed errors that say what to do next.
package api

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Header names and values the admin API understands (admin.TokenHeader,
// admin.PlatformHeader).
const (
	TokenHeader    = "X-Waygate-Token" //nolint:gosec // G101: a name, not a credential
	PlatformHeader = "X-Waygate-Platform"
	Platform       = "cli"
)

// DefaultTimeout bounds every request except streams.
const DefaultTimeout = 15 * time.Second

// Client calls one admin API.
type Client struct {
	base      string
	token     string
	user      string
	expired   bool
	userAgent string
	http      *http.Client
	stream    *http.Client
}

// Session is the stored login a Client uses.
type Session struct {
	// Token is sent in X-Waygate-Token; empty means not logged in.
	Token string
	// Username is named in "log in again" hints.
	Username string
	// Expired marks a stored token whose expiry has passed: it is not sent,
	// and a 401 then says the session expired.
	Expired bool
}

// New returns a client of the admin API mounted at base
// ("http://localhost:8080/waygate").
func New(base string, s Session, userAgent string) *Client {
	return &Client{
		base: strings.TrimRight(base, "/"), token: s.Token, user: s.Username, expired: s.Expired,
		userAgent: userAgent,
		http:      &http.Client{Timeout: DefaultTimeout},
		stream:    &http.Client{},
	}
}

// SetHTTPClient replaces the HTTP client of ordinary requests.
func (c *Client) SetHTTPClient(h *http.Client) { c.http = h }

// BaseURL is the API's mount URL.
func (c *Client) BaseURL() string { return c.base }

// EncodeRouteKey encodes a route key ("GET:/payments") as a URL path
// segment: unpadded base64url, as admin.EncodeRouteKey does.
func EncodeRouteKey(key string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(key))
}

// RoutePath is "/api/routes/{key}" plus suffix.
func RoutePath(key, suffix string) string {
	return "/api/routes/" + EncodeRouteKey(key) + suffix
}

// Escape escapes a plain path segment (service, flag or segment key).
func Escape(s string) string { return url.PathEscape(s) }

// Get calls GET path and decodes the answer into out.
func (c *Client) Get(ctx context.Context, path string, out any) error {
	return c.Do(ctx, http.MethodGet, path, nil, out)
}

// Post calls POST path with in as JSON and decodes the answer into out.
func (c *Client) Post(ctx context.Context, path string, in, out any) error {
	return c.Do(ctx, http.MethodPost, path, in, out)
}

// Do calls method path with in (nil for no body) as JSON. out may be nil,
// a *json.RawMessage (the answer as is) or anything json.Unmarshal fills.
func (c *Client) Do(ctx context.Context, method, path string, in, out any) error {
	req, err := c.request(ctx, method, path, in)
	if err != nil {
		return err
	}
	res, err := c.http.Do(req)
	if err != nil {
		return c.networkError(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(io.LimitReader(res.Body, 64<<20))
	if err != nil {
		return c.networkError(err)
	}
	if res.StatusCode >= 300 {
		return c.statusError(res, body)
	}
	if out == nil || len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	if raw, ok := out.(*json.RawMessage); ok {
		*raw = append((*raw)[:0], bytes.TrimSpace(body)...)
		return nil
	}
	if err := json.Unmarshal(body, out); err != nil {
		return fmt.Errorf("unexpected answer from %s %s: %v (is %s a Waygate admin API?)", method, path, err, c.base)
	}
	return nil
}

// Stream opens a Server-Sent Events stream at path. The caller closes the
// body; the stream ends when ctx is cancelled.
func (c *Client) Stream(ctx context.Context, path string) (io.ReadCloser, error) {
	req, err := c.request(ctx, http.MethodGet, path, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "text/event-stream")
	res, err := c.stream.Do(req)
	if err != nil {
		return nil, c.networkError(err)
	}
	if res.StatusCode >= 300 {
		defer res.Body.Close()
		body, _ := io.ReadAll(io.LimitReader(res.Body, 1<<20))
		return nil, c.statusError(res, body)
	}
	return res.Body, nil
}

func (c *Client) request(ctx context.Context, method, path string, in any) (*http.Request, error) {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return nil, err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, body)
	if err != nil {
		return nil, fmt.Errorf("server URL %q: %v: fix it with: waygate config set-url URL", c.base, err)
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set(PlatformHeader, Platform)
	if c.userAgent != "" {
		req.Header.Set("User-Agent", c.userAgent)
	}
	if c.token != "" && !c.expired {
		req.Header.Set(TokenHeader, c.token)
	}
	return req, nil
}

func (c *Client) networkError(err error) error {
	if errors.Is(err, context.Canceled) {
		return err
	}
	return &NetworkError{URL: c.base, Err: err}
}

// statusError turns an error answer into an *HTTPError, or an *AuthError
// for 401.
func (c *Client) statusError(res *http.Response, body []byte) error {
	e := &HTTPError{Status: res.StatusCode, RetryAfter: res.Header.Get("Retry-After"), URL: c.base}
	var parsed struct {
		Error            string   `json:"error"`
		AmbiguousMatches []string `json:"ambiguous_matches"`
	}
	if json.Unmarshal(body, &parsed) == nil && parsed.Error != "" {
		e.Message, e.AmbiguousMatches = parsed.Error, parsed.AmbiguousMatches
	} else {
		e.Message = strings.TrimSpace(string(body))
		if len(e.Message) > 200 || e.Message == "" || strings.HasPrefix(e.Message, "<") {
			e.Message = http.StatusText(res.StatusCode)
		}
		e.NotAPI = res.StatusCode == http.StatusNotFound || res.StatusCode == http.StatusMethodNotAllowed
	}
	if res.StatusCode == http.StatusUnauthorized && res.Request.URL.Path != "" && !strings.HasSuffix(res.Request.URL.Path, "/api/auth/login") {
		return &AuthError{Username: c.user, HadToken: c.token != "", Expired: c.expired, Err: e}
	}
	return e
}
