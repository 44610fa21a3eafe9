package waygatefiber

import (
	"net"
	"net/netip"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/waygate-go/waygate/core/ratelimit"
)

// SetAttr sets the request attribute name to v (a fiber local), for rate
// limits: tiers are read from an attribute ("plan" unless the policy names
// another). Strings are copied, so c.Get's result may be passed as is.
// Call it from middleware that runs before the route's handlers.
func SetAttr(c *fiber.Ctx, name string, v any) {
	if s, ok := v.(string); ok {
		v = strings.Clone(s)
	}
	c.Locals(name, v)
}

// SetUser sets the user id that rate limits keyed by user count against.
// Call it from your auth middleware (app.Use or the group's).
func SetUser(c *fiber.Ctx, id string) { SetAttr(c, ratelimit.AttrUser, id) }

// SetRoles sets the user's roles, matched against a policy's exempt roles.
func SetRoles(c *fiber.Ctx, roles ...string) {
	kept := make([]string, len(roles))
	for i, r := range roles {
		kept[i] = strings.Clone(r)
	}
	c.Locals(ratelimit.AttrRoles, kept)
}

// request shows the engine a fiber request: its headers and locals (the
// attributes an app sets, such as the "plan" a tiered rate limit reads).
// Converting a *fiber.Ctx to it allocates nothing.
type request fiber.Ctx

// Get returns a copy of the header, made only when the engine asks (for a
// rate-limit key): fiber's own header strings are views into fasthttp's
// buffers, and a counter key outlives the request.
func (r *request) Get(name string) string {
	return string((*fiber.Ctx)(r).Request().Header.Peek(name))
}

// Attr returns the local the app set under name (c.Locals). Strings are
// copied for the same reason as headers: an app may have stored a view
// into fasthttp's buffers, such as c.Get's result.
func (r *request) Attr(name string) any {
	v := (*fiber.Ctx)(r).Locals(name)
	if s, ok := v.(string); ok {
		return strings.Clone(s)
	}
	return v
}

// peer is the socket peer. fasthttp keeps it as a *net.TCPAddr, which
// converts to a netip.AddrPort without allocating; other address types
// (unix sockets, tests) fall back to a string.
func peer(c *fiber.Ctx) (netip.AddrPort, string) {
	switch a := c.Context().RemoteAddr().(type) {
	case *net.TCPAddr:
		return a.AddrPort(), ""
	case nil:
		return netip.AddrPort{}, ""
	default:
		return netip.AddrPort{}, a.String()
	}
}
