package redisbackend_test

import (
	"context"
	"log"

	"github.com/redis/go-redis/v9"

	"github.com/waygate-go/waygate/core/backend/redisbackend"
	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/ratelimit/redislimit"
)

// Every replica of a service opens the same Redis: route state, maintenance,
// policies and flags are shared and pushed to every replica, and rate-limit
// counters are shared so a limit holds across replicas.
func Example_replicas() {
	ctx := context.Background()
	rdb := redis.NewClient(&redis.Options{Addr: "redis:6379"})
	e, err := engine.New(ctx,
		engine.WithBackend(redisbackend.New(rdb)),
		engine.WithRateLimitStore(redislimit.New(rdb)),
	)
	if err != nil {
		log.Fatal(err)
	}
	defer e.Close()
}
