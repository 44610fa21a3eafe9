// Package benchcmp holds benchmarks only: Waygate's rate-limit checks next
// to the libraries Go teams use for the same job (golang.org/x/time/rate,
// github.com/ulule/limiter/v3, github.com/go-redis/redis_rate/v10) and a bare
// go-redis PING, each pair run in the same process on the same machine.
// scripts/bench.sh runs them and writes the ratios to docs/benchmarks.md.
//
// It lives in the examples module so that core's go.mod never depends on
// the libraries it is compared with.
package benchcmp
