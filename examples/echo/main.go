// Command echo is the Waygate demo on echo v4: go run ./examples/echo.
package main

import (
	"context"
	"net/http"

	"github.com/labstack/echo/v4"

	waygateecho "github.com/waygate-go/waygate/adapters/echo"
	"github.com/waygate-go/waygate/examples/internal/demo"
)

func main() {
	ctx := context.Background()
	e, err := demo.NewEngine(ctx)
	if err != nil {
		demo.Fatal(err)
	}
	defer e.Close()

	app := echo.New()
	app.HideBanner, app.HidePort = true, true
	gate := waygateecho.New(app, e)
	app.Use(identify)
	adm, err := demo.NewAdmin(e)
	if err != nil {
		demo.Fatal(err)
	}
	defer adm.Close()
	gate.Mount(demo.AdminPrefix, adm)

	app.GET("/health", reply(demo.Health), waygateecho.ForceActive())
	app.GET("/payments", reply(demo.Payments), waygateecho.Maintenance(demo.PaymentsReason))
	app.GET("/orders", reply(demo.Orders))
	app.POST("/orders", reply(demo.Created))
	app.GET("/orders/:id", func(c echo.Context) error { return send(c, demo.Order(c.Param("id"))) })
	app.GET("/legacy/orders", reply(demo.Legacy), waygateecho.Deprecated(demo.LegacySunset, demo.LegacySuccessor))
	app.GET("/debug", reply(demo.Debug), waygateecho.EnvOnly(demo.DebugEnvs...))
	app.GET("/old-reports", reply(demo.OldReports), waygateecho.Disabled(demo.OldReportsReason))
	app.GET("/posts", reply(demo.Posts), waygateecho.RateLimit(demo.PostsLimit))
	app.GET("/reports", reply(demo.Reports), waygateecho.RateLimit(demo.ReportsLimit, demo.ReportsOptions...))
	app.GET("/checkout", func(c echo.Context) error { return send(c, demo.Checkout(e, c.Request().Header.Get(demo.UserHeader))) })

	if err := gate.Register(ctx); err != nil {
		demo.Fatal(err)
	}
	srv := &http.Server{Addr: demo.Addr(), Handler: app}
	if err := demo.Serve("echo", srv.ListenAndServe, srv.Shutdown); err != nil {
		demo.Fatal(err)
	}
}

// identify is the demo's auth layer: it tells Waygate who the user is and
// which plan they are on.
func identify(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if user := c.Request().Header.Get(demo.UserHeader); user != "" {
			waygateecho.SetUser(c, user)
		}
		if plan := c.Request().Header.Get(demo.PlanHeader); plan != "" {
			waygateecho.SetAttr(c, demo.PlanAttr, plan)
		}
		return next(c)
	}
}

func reply(v any) echo.HandlerFunc { return func(c echo.Context) error { return send(c, v) } }

func send(c echo.Context, v any) error { return c.Blob(http.StatusOK, demo.ContentType, demo.JSON(v)) }
