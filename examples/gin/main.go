// Command gin is the Waygate demo on gin: go run ./examples/gin.
package main

import (
	"context"
	"net/http"

	"github.com/gin-gonic/gin"

	waygategin "github.com/waygate-go/waygate/adapters/gin"
	"github.com/waygate-go/waygate/examples/internal/demo"
)

func main() {
	ctx := context.Background()
	e, err := demo.NewEngine(ctx)
	if err != nil {
		demo.Fatal(err)
	}
	defer e.Close()

	gin.SetMode(gin.ReleaseMode)
	g := gin.New()
	g.Use(gin.Recovery(), identify, waygategin.Middleware(e))
	r := waygategin.Wrap(e, g)
	adm, err := demo.NewAdmin(e)
	if err != nil {
		demo.Fatal(err)
	}
	defer adm.Close()
	r.Mount(demo.AdminPrefix, adm)

	r.GET("/health", waygategin.ForceActive(), reply(demo.Health))
	r.GET("/payments", waygategin.Maintenance(demo.PaymentsReason), reply(demo.Payments))
	r.GET("/orders", reply(demo.Orders))
	r.POST("/orders", reply(demo.Created))
	r.GET("/orders/:id", func(c *gin.Context) { send(c, demo.Order(c.Param("id"))) })
	r.GET("/legacy/orders", waygategin.Deprecated(demo.LegacySunset, demo.LegacySuccessor), reply(demo.Legacy))
	r.GET("/debug", waygategin.EnvOnly(demo.DebugEnvs...), reply(demo.Debug))
	r.GET("/old-reports", waygategin.Disabled(demo.OldReportsReason), reply(demo.OldReports))
	r.GET("/posts", waygategin.RateLimit(demo.PostsLimit), reply(demo.Posts))
	r.GET("/reports", waygategin.RateLimit(demo.ReportsLimit, demo.ReportsOptions...), reply(demo.Reports))
	r.GET("/checkout", func(c *gin.Context) { send(c, demo.Checkout(e, c.GetHeader(demo.UserHeader))) })

	if err := r.Register(ctx); err != nil {
		demo.Fatal(err)
	}
	if err := demo.Run("gin", g); err != nil {
		demo.Fatal(err)
	}
}

// identify is the demo's auth layer: it tells Waygate who the user is and
// which plan they are on.
func identify(c *gin.Context) {
	if user := c.GetHeader(demo.UserHeader); user != "" {
		waygategin.SetUser(c, user)
	}
	if plan := c.GetHeader(demo.PlanHeader); plan != "" {
		waygategin.SetAttr(c, demo.PlanAttr, plan)
	}
	c.Next()
}

func reply(v any) gin.HandlerFunc { return func(c *gin.Context) { send(c, v) } }

func send(c *gin.Context, v any) { c.Data(http.StatusOK, demo.ContentType, demo.JSON(v)) }
