package waygateechov5

import (
	"context"
	"maps"
	"net/http"

	"github.com/labstack/echo/v5"
	"github.com/waygate-go/waygate/core/ratelimit"
)

// attrsKey is the request-context key of the attributes. It is zero-size,
// so looking it up allocates nothing.
type attrsKey struct{}

// SetAttr sets the request attribute name to v for Waygate's rate limits:
// tiers are read from an attribute ("plan" unless the policy names
// another). Call it from middleware that runs before Waygate's check, that
// is from Echo.Pre middleware or Echo.Use middleware added before
// Middleware, such as your auth.
//
// The attributes travel in the request's context (c.SetRequest), so that
// judging a request that has none costs nothing; values set with c.Set are
// not read.
func SetAttr(c *echo.Context, name string, v any) {
	r := c.Request()
	old, _ := r.Context().Value(attrsKey{}).(map[string]any)
	next := make(map[string]any, len(old)+1)
	maps.Copy(next, old)
	next[name] = v
	c.SetRequest(r.WithContext(context.WithValue(r.Context(), attrsKey{}, next)))
}

// SetUser sets the user id that rate limits keyed by user count against.
func SetUser(c *echo.Context, id string) { SetAttr(c, ratelimit.AttrUser, id) }

// SetRoles sets the user's roles, matched against a policy's exempt roles.
func SetRoles(c *echo.Context, roles ...string) { SetAttr(c, ratelimit.AttrRoles, roles) }

// requestAttrs reads the attributes from the request context; converting a
// *http.Request to it is free.
type requestAttrs http.Request

func (a *requestAttrs) Attr(name string) any {
	m, _ := (*http.Request)(a).Context().Value(attrsKey{}).(map[string]any)
	return m[name]
}
