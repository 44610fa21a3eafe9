package admin

import (
	"github.com/waygate-go/waygate/admin/internal/auth"
	"github.com/waygate-go/waygate/admin/internal/hub"
	"github.com/waygate-go/waygate/admin/internal/wire"
)

// Names of the credentials on the wire.
const (
	// TokenHeader carries a session token from POST /api/auth/login.
	TokenHeader = auth.TokenHeader
	// SessionCookie carries the session token for browsers (HttpOnly,
	// SameSite=Strict).
	SessionCookie = auth.SessionCookie
	// CSRFCookie holds the double-submit CSRF token of a cookie session;
	// send its value in CSRFHeader with every unsafe request.
	CSRFCookie = auth.CSRFCookie
	// CSRFHeader carries the CSRF token of a cookie session.
	CSRFHeader = auth.CSRFHeader
	// PlatformHeader says which client made a change: cli, dashboard, api or
	// sdk. It is recorded in the audit log.
	PlatformHeader = auth.PlatformHeader
)

// MaxBodyBytes is the largest request body the API reads.
const MaxBodyBytes = wire.MaxBodyBytes

// Role is what a user may do.
type Role = auth.Role

// The roles.
const (
	// RoleAdmin may read and change everything.
	RoleAdmin = auth.RoleAdmin
	// RoleViewer may only read: every mutation answers 403.
	RoleViewer = auth.RoleViewer
)

// HashPassword hashes a password for WithUserHash, as
// "pbkdf2-sha256$<iterations>$<salt>$<hash>" (base64url salt and hash).
func HashPassword(password string) (string, error) { return auth.HashPassword(password) }

// EncodeRouteKey encodes a route key ("GET:/payments") for a URL path
// segment: unpadded base64url of its UTF-8 bytes ("R0VUOi9wYXltZW50cw"), as
// the Python reference's CLI and dashboard send it.
func EncodeRouteKey(key string) string { return wire.EncodeRouteKey(key) }

// DecodeRouteKey decodes a route key from a URL path segment. Padding is
// accepted but not required.
func DecodeRouteKey(segment string) (string, error) { return wire.DecodeRouteKey(segment) }

// ServiceStatus is one row of GET /api/services/status: what this replica
// knows of a service's SDKs.
type ServiceStatus = hub.ServiceStatus
