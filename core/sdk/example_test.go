package sdk_test

import (
	"context"
	"log"
	"net/http"
	"os"

	"github.com/redis/go-redis/v9"

	waygate "github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/flag"
	"github.com/waygate-go/waygate/core/ratelimit/redislimit"
	"github.com/waygate-go/waygate/core/sdk"
)

// A service takes its state from a Waygate Server: the engine runs on the
// SDK backend and is attached to the framework as usual.
func Example() {
	ctx := context.Background()
	b, err := sdk.New("http://waygate.internal:8000/waygate", "payments", os.Getenv("WAYGATE_SERVICE_TOKEN"))
	if err != nil {
		log.Fatal(err)
	}
	defer b.Close()
	e, err := waygate.New(ctx, waygate.WithBackend(b))
	if err != nil {
		log.Fatal(err)
	}
	defer e.Close()
	// Attach e to gin, echo, fiber or net/http exactly as in embedded mode.
	_ = e
}

// Replicas of one service share rate-limit counters in Redis; the route
// state still comes from the server.
func Example_sharedCounters() {
	ctx := context.Background()
	b, err := sdk.New("http://waygate.internal:8000/waygate", "payments", os.Getenv("WAYGATE_SERVICE_TOKEN"))
	if err != nil {
		log.Fatal(err)
	}
	rdb := redis.NewClient(&redis.Options{Addr: "redis-payments:6379"})
	e, err := waygate.New(ctx, waygate.WithBackend(b), waygate.WithRateLimitStore(redislimit.New(rdb)))
	if err != nil {
		log.Fatal(err)
	}
	defer e.Close()
}

// Flags created on the server arrive with the snapshot and every change:
// evaluate them locally, with the typed evaluator or through OpenFeature.
func Example_flags() {
	ctx := context.Background()
	b, err := sdk.New("http://waygate.internal:8000/waygate", "payments", os.Getenv("WAYGATE_SERVICE_TOKEN"))
	if err != nil {
		log.Fatal(err)
	}
	e, err := waygate.New(ctx, waygate.WithBackend(b))
	if err != nil {
		log.Fatal(err)
	}
	defer e.Close()
	http.HandleFunc("GET /checkout", func(w http.ResponseWriter, r *http.Request) {
		on := e.Flags().Bool("new-checkout", flag.EvaluationContext{Key: r.Header.Get("X-User")}, false)
		_ = on // serve the new or the old checkout
	})
}
