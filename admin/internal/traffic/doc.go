// Package traffic keeps the last hour of an engine's traffic for the
// dashboard's Traffic page: requests per route and minute by outcome, and
// flag evaluations per flag, variation and minute.
//
// A Recorder is an engine.Observer. The engine asks it for one
// RouteObserver per route key when it builds a snapshot; a request then
// costs one atomic add on that route's counter of the decision's outcome,
// with no lock and no allocation. Once a minute, on the boundary of the
// clock's minute, the sampler moves what the counters (and the flag
// Recorder's evaluation counts) gained since the previous minute into a
// ring of Minutes slots, one per minute, shared by every series. The minute
// still in progress is read from the live counters, so a request shows the
// moment it is decided.
//
// Memory is bounded: a series keeps a ring only while it had traffic in
// the last hour, routes are bounded by registration (and MaxRoutes), flags
// by MaxFlags, and each flag's variations by MaxVariations (the rest are
// summed as Other).
package traffic
