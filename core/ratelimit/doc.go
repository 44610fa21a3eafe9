// Package ratelimit is Waygate's rate-limit model: limit strings, policies,
// the declarations routes carry, how a request is turned into a counter key,
// and the Store contract that counts. It imports no other Waygate package,
// so the route model can use it; the counting lives in the stores,
// [github.com/waygate-go/waygate/core/ratelimit/memlimit] (in process, the
// default) and [github.com/waygate-go/waygate/core/ratelimit/redislimit]
// (shared by every instance on one Redis).
//
// A limit is "N/unit" or "N per M units" (second, minute, hour, day,
// month = 30 days, year = 365 days), several joined by ";" (all enforced),
// or "unlimited". A Policy says which limit applies to a route (or to every
// route, or to a service), how clients are told apart (ip, user, api_key,
// global, custom), what happens when the key is missing, per-tier limits,
// burst, and exempt IPs and roles.
//
// A [Store] counts one request against every rate of a limit atomically:
// the request is allowed only if every rate allows it, and a blocked
// request uses up no quota. (A single fixed window counts it past the cap,
// where it changes no answer: that is what lets the Redis store count with
// two plain commands instead of a script.)
//
// Algorithms:
//
//   - fixed_window: a window opens at the first request and lasts the period.
//   - sliding_window: epoch-aligned windows; the previous window's count is
//     weighted by how much of it still overlaps (the counter approximation).
//   - moving_window: an exact log of request times over the last period.
//   - token_bucket: GCRA; refills at amount per period and holds
//     amount+burst.
//
// Burst is added to the amount by every algorithm.
package ratelimit
