package waygatefiber_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"
	waygatefiber "github.com/waygate-go/waygate/adapters/fiber"
	"github.com/waygate-go/waygate/core/conformance"
	"github.com/waygate-go/waygate/core/engine"
)

type harness struct{}

func (harness) Build(t testing.TB, e *engine.Engine, app conformance.App) http.Handler {
	var opts []waygatefiber.Option
	if app.Respond != nil {
		opts = append(opts, waygatefiber.WithResponder(responder(app.Respond)))
	}
	f := fiber.New()
	f.Use(func(c *fiber.Ctx) error { // the app's auth layer
		if u := c.Get(conformance.HeaderUser); u != "" {
			waygatefiber.SetUser(c, u)
		}
		if r := c.Get(conformance.HeaderRoles); r != "" {
			waygatefiber.SetRoles(c, strings.Split(r, ",")...)
		}
		if p := c.Get(conformance.HeaderPlan); p != "" {
			waygatefiber.SetAttr(c, "plan", p)
		}
		return c.Next()
	})
	ok := func(c *fiber.Ctx) error { return c.SendString(conformance.OKBody) }
	add := func(r fiber.Router, rt conformance.Route) {
		hs := []fiber.Handler{waygatefiber.Declare(rt.Options...)}
		if rt.Respond != nil {
			hs = append(hs, waygatefiber.Respond(responder(rt.Respond)))
		}
		path := strings.NewReplacer("{path...}", "*", "{", ":", "}", "").Replace(rt.Path)
		switch rt.Method {
		case "":
			r.All(path, append(hs, ok)...)
		case fiber.MethodGet:
			r.Get(path, append(hs, ok)...) // also adds fiber's HEAD route
		default:
			r.Add(rt.Method, path, append(hs, ok)...)
		}
	}
	for _, r := range app.Routes {
		add(f, r)
	}
	for _, g := range app.Groups {
		grp := f.Group(g.Prefix, waygatefiber.Declare(g.Options...))
		for _, r := range g.Routes {
			add(grp, r)
		}
	}
	if app.Mounted != nil {
		waygatefiber.Mount(f, e, app.MountPrefix, app.Mounted)
	}
	if err := waygatefiber.Register(context.Background(), f, waygatefiber.New(e, opts...)); err != nil {
		t.Fatalf("Register: %v", err)
	}
	return adaptor.FiberApp(f)
}

func responder(f conformance.Responder) waygatefiber.ResponseFunc {
	return func(c *fiber.Ctx, d engine.Decision) error {
		status, body := f(d)
		return c.Status(status).SendString(body)
	}
}

func TestConformance(t *testing.T) { conformance.Run(t, harness{}) }
