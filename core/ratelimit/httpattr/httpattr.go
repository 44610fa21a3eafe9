// Package httpattr keeps the attributes rate limits read (the user id,
// roles, a tier's "plan") in a net/http request's context, for every
// adapter built on net/http (waygatehttp, waygatechi): one context key, so
// identity set through one of them is read by the others.
package httpattr

import (
	"context"
	"maps"
	"net/http"

	"github.com/waygate-go/waygate/core/ratelimit"
)

// key is the context key of the request's attributes. It is zero-size, so
// looking it up allocates nothing.
type key struct{}

// Set returns r with the attribute name set to v.
func Set(r *http.Request, name string, v any) *http.Request {
	old, _ := r.Context().Value(key{}).(map[string]any)
	next := make(map[string]any, len(old)+1)
	maps.Copy(next, old)
	next[name] = v
	return r.WithContext(context.WithValue(r.Context(), key{}, next))
}

// SetUser returns r with the user id that rate limits keyed by user count
// against.
func SetUser(r *http.Request, id string) *http.Request { return Set(r, ratelimit.AttrUser, id) }

// SetRoles returns r with the user's roles, matched against a policy's
// exempt roles.
func SetRoles(r *http.Request, roles ...string) *http.Request {
	return Set(r, ratelimit.AttrRoles, roles)
}

// Of reads the attributes of r (engine.Attributes); converting a
// *http.Request to it is free.
type Of http.Request

// Attr returns the attribute name, or nil.
func (a *Of) Attr(name string) any {
	m, _ := (*http.Request)(a).Context().Value(key{}).(map[string]any)
	return m[name]
}
