package waygatechi

import (
	"context"
	"maps"
	"net/http"

	"github.com/waygate-go/waygate/core/ratelimit"
)

// attrsKey is the context key of the request's attributes. It is zero-size,
// so looking it up allocates nothing.
type attrsKey struct{}

// SetAttr returns r with the attribute name set to v. Rate-limit tiers are
// read from an attribute ("plan" unless the policy names another).
func SetAttr(r *http.Request, name string, v any) *http.Request {
	old, _ := r.Context().Value(attrsKey{}).(map[string]any)
	next := make(map[string]any, len(old)+1)
	maps.Copy(next, old)
	next[name] = v
	return r.WithContext(context.WithValue(r.Context(), attrsKey{}, next))
}

// SetUser returns r with the user id that rate limits keyed by user count
// against. Call it from your auth middleware, in front of the Middleware.
func SetUser(r *http.Request, id string) *http.Request { return SetAttr(r, ratelimit.AttrUser, id) }

// SetRoles returns r with the user's roles, matched against a policy's
// exempt roles.
func SetRoles(r *http.Request, roles ...string) *http.Request {
	return SetAttr(r, ratelimit.AttrRoles, roles)
}

// requestAttrs reads attributes from the request context; converting a
// *http.Request to it is free.
type requestAttrs http.Request

func (a *requestAttrs) Attr(name string) any {
	m, _ := (*http.Request)(a).Context().Value(attrsKey{}).(map[string]any)
	return m[name]
}
