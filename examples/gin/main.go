// Command gin is the Waygate demo on gin: go run ./examples/gin.
//
// Its API description (examples/internal/apidocs, shared by the four demos)
// is served live, patched with Waygate's state, at /openapi.json and /docs;
// its metrics (waygateotel through the Prometheus exporter) at /metrics.
package main

import (
	"context"
	"net/http"

	"github.com/gin-gonic/gin"

	waygategin "github.com/waygate-go/waygate/adapters/gin"
	_ "github.com/waygate-go/waygate/examples/internal/apidocs" // registers the swag document
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
	spec, ui, err := demo.NewDocs(e)
	if err != nil {
		demo.Fatal(err)
	}
	defer spec.Close()
	r.GET(demo.SpecPath, gin.WrapH(spec))
	r.Mount(demo.DocsPath, ui)
	metrics, err := demo.NewMetrics(e)
	if err != nil {
		demo.Fatal(err)
	}
	defer metrics.Close()
	r.GET(demo.MetricsPath, gin.WrapH(metrics))

	r.GET("/health", waygategin.ForceActive(), health)
	r.GET("/payments", waygategin.Maintenance(demo.PaymentsReason), payments)
	r.GET("/orders", listOrders)
	r.POST("/orders", createOrder)
	r.GET("/orders/:id", getOrder)
	r.GET("/legacy/orders", waygategin.Deprecated(demo.LegacySunset, demo.LegacySuccessor), legacyOrders)
	r.GET("/debug", waygategin.EnvOnly(demo.DebugEnvs...), debug)
	r.GET("/old-reports", waygategin.Disabled(demo.OldReportsReason), oldReports)
	r.GET("/posts", waygategin.RateLimit(demo.PostsLimit), posts)
	r.GET("/reports", waygategin.RateLimit(demo.ReportsLimit, demo.ReportsOptions...), reports)
	r.GET("/checkout", checkout(e))

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

func send(c *gin.Context, v any) { c.Data(http.StatusOK, demo.ContentType, demo.JSON(v)) }
