// Package waygatefibertest builds the core conformance table's apps on
// fiber v2, for the adapter's own conformance test and for tests that run
// the table against other backends (a Waygate Server through the SDK).
package waygatefibertest

import (
	"context"
	"net/http"
	"testing"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"

	waygatefiber "github.com/waygate-go/waygate/adapters/fiber"
	"github.com/waygate-go/waygate/core/conformance"
	"github.com/waygate-go/waygate/core/engine"
)

// Harness is the conformance.Harness of fiber: an app with the table's
// routes (each with its declaration among its handlers), groups (the
// group's declaration passed to app.Group) and mount, registered with
// waygatefiber.Register, behind an app.Use auth layer that maps the
// table's identity headers to the attributes Waygate reads. The app is
// served as an http.Handler through fiber's adaptor.
type Harness struct {
	// Config is the app's configuration (UnescapePath, CaseSensitive,
	// StrictRouting, ...: the conformance tests run the path tricks under
	// each); the zero value is fiber's default.
	Config fiber.Config
}

// Build implements conformance.Harness.
func (h Harness) Build(t testing.TB, e *engine.Engine, app conformance.App) http.Handler {
	var opts []waygatefiber.Option
	if app.Respond != nil {
		opts = append(opts, waygatefiber.WithResponder(responder(app.Respond)))
	}
	if app.JSONNotFound {
		opts = append(opts, waygatefiber.WithJSONNotFound())
	}
	f := fiber.New(h.Config)
	f.Use(identify)
	conformance.Walk(app, fiber.Router(f), func(g conformance.Group) fiber.Router {
		return f.Group(g.Prefix, waygatefiber.Declare(g.Options...))
	}, add)
	if app.Mounted != nil {
		waygatefiber.Mount(f, e, app.MountPrefix, app.Mounted)
	}
	if app.NotFound != nil {
		// fiber's way: a handler at the very end of the stack.
		f.Use(func(c *fiber.Ctx) error {
			status, body := app.NotFound()
			return c.Status(status).SendString(body)
		})
	}
	if err := waygatefiber.Register(context.Background(), f, waygatefiber.Middleware(e, opts...)); err != nil {
		t.Fatalf("Register: %v", err)
	}
	return adaptor.FiberApp(f)
}

// identify is the app's auth layer.
func identify(c *fiber.Ctx) error {
	id := conformance.IdentityOf(func(name string) string { return c.Get(name) })
	if id.User != "" {
		waygatefiber.SetUser(c, id.User)
	}
	if id.Roles != nil {
		waygatefiber.SetRoles(c, id.Roles...)
	}
	if id.Plan != "" {
		waygatefiber.SetAttr(c, "plan", id.Plan)
	}
	return c.Next()
}

// add adds one route of the table to r, in fiber's path syntax, with its
// declaration and custom response among its handlers.
func add(r fiber.Router, rt conformance.Route) {
	hs := []fiber.Handler{waygatefiber.Declare(rt.Options...)}
	if rt.Respond != nil {
		hs = append(hs, waygatefiber.Respond(responder(rt.Respond)))
	}
	body := conformance.BodyOf(rt)
	hs = append(hs, func(c *fiber.Ctx) error { return c.SendString(body) })
	path := conformance.ColonPath(rt.Path, func(string) string { return "*" })
	switch rt.Method {
	case "":
		r.All(path, hs...)
	case fiber.MethodGet:
		r.Get(path, hs...) // also adds fiber's HEAD route
	default:
		r.Add(rt.Method, path, hs...)
	}
}

func responder(f conformance.Responder) waygatefiber.ResponseFunc {
	return func(c *fiber.Ctx, d engine.Decision) error {
		status, body := f(d)
		return c.Status(status).SendString(body)
	}
}
