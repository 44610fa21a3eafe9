package waygatechi

import (
	"net/http"

	"github.com/waygate-go/waygate/core/ratelimit/httpattr"
)

// SetAttr returns r with the attribute name set to v. Rate-limit tiers are
// read from an attribute ("plan" unless the policy names another).
func SetAttr(r *http.Request, name string, v any) *http.Request { return httpattr.Set(r, name, v) }

// SetUser returns r with the user id that rate limits keyed by user count
// against. Call it from your auth middleware, in front of the Middleware.
func SetUser(r *http.Request, id string) *http.Request { return httpattr.SetUser(r, id) }

// SetRoles returns r with the user's roles, matched against a policy's
// exempt roles.
func SetRoles(r *http.Request, roles ...string) *http.Request {
	return httpattr.SetRoles(r, roles...)
}
