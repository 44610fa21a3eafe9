package waygategin

import (
	"github.com/gin-gonic/gin"

	"github.com/waygate-go/waygate/core/ratelimit"
)

// SetAttr sets the request attribute name to v; it is gin's c.Set, so a
// value the app already sets with c.Set(name, v) is read the same way.
// Rate-limit tiers are read from an attribute ("plan" unless the policy
// names another). Call it from middleware in front of the Waygate
// middleware.
func SetAttr(c *gin.Context, name string, v any) { c.Set(name, v) }

// SetUser sets the user id that rate limits keyed by user count against.
// Call it from your auth middleware, in front of the Waygate middleware.
func SetUser(c *gin.Context, id string) { c.Set(ratelimit.AttrUser, id) }

// SetRoles sets the user's roles, matched against a policy's exempt roles.
func SetRoles(c *gin.Context, roles ...string) { c.Set(ratelimit.AttrRoles, roles) }

// contextAttrs reads attributes from gin's context keys; converting a
// *gin.Context to it is free.
type contextAttrs gin.Context

func (a *contextAttrs) Attr(name string) any {
	v, _ := (*gin.Context)(a).Get(name)
	return v
}
