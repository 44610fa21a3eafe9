package api

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// HTTPError is an error answer of the admin API.
type HTTPError struct {
	// Status is the HTTP status code.
	Status int
	// Message is the API's "error" field.
	Message string
	// AmbiguousMatches lists the route keys a bare path matched (409).
	AmbiguousMatches []string
	// RetryAfter is the Retry-After header of a 429, in seconds.
	RetryAfter string
	// URL is the server URL the client was given.
	URL string
	// NotAPI is true when a 404 or 405 came without the admin API's JSON
	// error: something else answers at URL.
	NotAPI bool
}

// Error returns the API's message, with a hint for statuses that need one.
func (e *HTTPError) Error() string {
	if e.NotAPI {
		return fmt.Sprintf("no Waygate admin API at %s (HTTP %d: %q): the URL ends with the path the admin handler is mounted at, like http://localhost:8080/waygate; fix it with: waygate config set-url URL (or WAYGATE_SERVER_URL)", e.URL, e.Status, e.Message)
	}
	switch e.Status {
	case http.StatusForbidden:
		return e.Message + ": log in as an admin (waygate login USER) to change state"
	case http.StatusNotFound:
		if strings.HasPrefix(e.Message, "not found: the endpoints") {
			return "this server has no such endpoint (404): is the server URL right, and is it a Waygate admin API of this version? check with: waygate config show"
		}
	}
	return e.Message
}

// IsStatus reports whether err is an answer of the admin API with the
// given status (not one from something else at the URL: see NotAPI).
func IsStatus(err error, status int) bool {
	var he *HTTPError
	return errors.As(err, &he) && he.Status == status && !he.NotAPI
}

// AmbiguousMatches returns the route keys of a 409 ambiguous-path error.
func AmbiguousMatches(err error) ([]string, bool) {
	var he *HTTPError
	if errors.As(err, &he) && he.Status == http.StatusConflict && len(he.AmbiguousMatches) > 0 {
		return he.AmbiguousMatches, true
	}
	return nil, false
}

// AuthError is a 401: not logged in, or the session expired or was
// revoked.
type AuthError struct {
	// Username is the stored user, if any.
	Username string
	// HadToken is true when a token was stored.
	HadToken bool
	// Expired is true when the stored token had expired locally.
	Expired bool
	// Err is the API's answer.
	Err error
}

// Error says how to log in again.
func (e *AuthError) Error() string {
	user := e.Username
	if user == "" {
		user = "admin"
	}
	switch {
	case e.Expired:
		return "your session expired: run: waygate login " + user
	case e.HadToken:
		// The API's answer says how to log in over HTTP; the CLI's way is
		// its own command.
		reason, _, _ := strings.Cut(e.Err.Error(), ": log in")
		return "your session expired or was revoked (" + reason + "): run: waygate login " + user
	}
	return "not logged in: run: waygate login " + user
}

// Unwrap returns the API's answer.
func (e *AuthError) Unwrap() error { return e.Err }

// NetworkError is a request that got no answer.
type NetworkError struct {
	URL string
	Err error
}

// Error names the server and how to point the CLI elsewhere.
func (e *NetworkError) Error() string {
	return fmt.Sprintf("cannot reach the Waygate server at %s (%v): check it is running, or set the URL with: waygate config set-url URL (or %s)",
		e.URL, unwrapURLError(e.Err), "WAYGATE_SERVER_URL")
}

// Unwrap returns the transport error.
func (e *NetworkError) Unwrap() error { return e.Err }

func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		if ue.Timeout() {
			return errors.New("timed out")
		}
		return ue.Err
	}
	return err
}
