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

// A URL names any Redis topology; the backend it opens brings its own
// rate-limit store, so the engine shares counters on it too.
func ExampleOpen() {
	ctx := context.Background()
	b, err := redisbackend.Open("redis+sentinel://mymaster@sentinel-1:26379,sentinel-2:26379,sentinel-3:26379/0?pool_size=20")
	if err != nil {
		log.Fatal(err)
	}
	defer b.Close()
	e, err := engine.New(ctx, engine.WithBackend(b))
	if err != nil {
		log.Fatal(err)
	}
	defer e.Close()
}
