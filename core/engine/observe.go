package engine

import (
	"context"
	"strings"
	"time"

	"github.com/waygate-go/waygate/core/audit"
)

// Observer is told what the engine decides and does, for metrics, traces
// and the dashboard's traffic charts (module otel, package waygateotel,
// implements it with OpenTelemetry). An engine without observers pays
// nothing for the hook; on the request path an observer is reached only
// through the RouteObserver it returned for the route when the engine
// built its snapshot, so what a request costs is what that method costs.
//
// Implementations are safe for concurrent use, never block, and keep
// label cardinality bounded: route keys are templates ("GET:/orders/{id}"),
// never raw paths, users or IPs. Embed BaseObserver to implement only
// some methods.
type Observer interface {
	// Route returns the observer of one route's requests, key as in
	// Decision.Key ("" for requests that matched no route). It is called
	// whenever the engine rebuilds its snapshot, never per request, and
	// should return the same RouteObserver for the same key; nil observes
	// nothing.
	Route(key string) RouteObserver
	// FailedOpen is told that a backend ("backend") or the rate-limit
	// store ("ratelimit") failed and the engine served on without it.
	FailedOpen(component string, err error)
	// Synced is told that a change written by another engine arrived lag
	// after its writer wrote it (by the writer's clock).
	Synced(lag time.Duration)
	// Mutated is told of every change made through the engine (the admin
	// API, the CLI, the dashboard, code), as written to the audit log.
	Mutated(ctx context.Context, e audit.Entry)
}

// RouteObserver observes the requests of one route.
type RouteObserver interface {
	// Decided is told the engine's decision on a request: the method as
	// the request has it, the outcome, and the reason of a block (the
	// operator's words: not for metric labels).
	Decided(ctx context.Context, method string, outcome Outcome, reason string)
	// RateLimitChecked is told each rate-limit check of the route's
	// requests (global, service and route policies are separate checks).
	RateLimitChecked(ctx context.Context, r RateLimitResult)
}

// RateLimitResult is what a rate-limit check found.
type RateLimitResult uint8

// The results of a rate-limit check.
const (
	// RateLimitAllowed: under the limit, counted.
	RateLimitAllowed RateLimitResult = iota
	// RateLimitLimited: over the limit, answered 429.
	RateLimitLimited
	// RateLimitFailed: the store failed and the request was allowed
	// (fail-open).
	RateLimitFailed
)

// String returns "allowed", "limited" or "failed_open".
func (r RateLimitResult) String() string {
	switch r {
	case RateLimitAllowed:
		return "allowed"
	case RateLimitLimited:
		return "limited"
	}
	return "failed_open"
}

// BaseObserver implements Observer and RouteObserver doing nothing; embed
// it to implement only the methods you need.
type BaseObserver struct{}

// Route returns nil: no route is observed.
func (BaseObserver) Route(string) RouteObserver { return nil }

// FailedOpen does nothing.
func (BaseObserver) FailedOpen(string, error) {}

// Synced does nothing.
func (BaseObserver) Synced(time.Duration) {}

// Mutated does nothing.
func (BaseObserver) Mutated(context.Context, audit.Entry) {}

// Decided does nothing.
func (BaseObserver) Decided(context.Context, string, Outcome, string) {}

// RateLimitChecked does nothing.
func (BaseObserver) RateLimitChecked(context.Context, RateLimitResult) {}

// WithObserver adds observers of the engine's decisions and events (see
// Observer). Components built on a running engine add theirs with
// Internals.AddObserver.
// Optional. Default: none, and no cost.
func WithObserver(o ...Observer) Option {
	return optionFunc(func(c *config) { c.observers = append(c.observers, o...) })
}

// AddObserver adds an observer to the running engine; requests decided
// from now on reach it. The admin handler adds the one behind the
// dashboard's traffic charts, waygateotel its metrics.
func (in Internals) AddObserver(o Observer) {
	e := in.e
	if o == nil {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	obs := append(e.observers.Load().list(), o)
	e.observers.Store(&observers{all: obs})
	e.commitLocked() // the snapshot's route observers include it
}

// observers is the engine's observers, swapped whole.
type observers struct{ all []Observer }

func (o *observers) list() []Observer {
	if o == nil {
		return nil
	}
	return append([]Observer(nil), o.all...)
}

// routeObserver returns what the snapshot keeps for key: nil without
// observers, the one observer's, or a fan-out.
func (o *observers) routeObserver(key string) RouteObserver {
	if o == nil {
		return nil
	}
	var ros []RouteObserver
	for _, ob := range o.all {
		if ro := ob.Route(key); ro != nil {
			ros = append(ros, ro)
		}
	}
	switch len(ros) {
	case 0:
		return nil
	case 1:
		return ros[0]
	}
	return fanOut(ros)
}

type fanOut []RouteObserver

func (f fanOut) Decided(ctx context.Context, method string, outcome Outcome, reason string) {
	for _, o := range f {
		o.Decided(ctx, method, outcome, reason)
	}
}

func (f fanOut) RateLimitChecked(ctx context.Context, r RateLimitResult) {
	for _, o := range f {
		o.RateLimitChecked(ctx, r)
	}
}

// observeFailOpen tells the observers of an absorbed failure; what is the
// failOpen description ("backend write", "rate limit store", ...).
func (e *Engine) observeFailOpen(what string, err error) {
	o := e.observers.Load()
	if o == nil {
		return
	}
	component := "backend"
	if strings.HasPrefix(what, "rate limit") {
		component = "ratelimit"
	}
	for _, ob := range o.all {
		ob.FailedOpen(component, err)
	}
}

// observeLag tells the observers of a change's lag.
func (e *Engine) observeLag(lag time.Duration) {
	if o := e.observers.Load(); o != nil {
		for _, ob := range o.all {
			ob.Synced(lag)
		}
	}
}

// observeMutation tells the observers of an audited change.
func (e *Engine) observeMutation(ctx context.Context, en audit.Entry) {
	if o := e.observers.Load(); o != nil {
		for _, ob := range o.all {
			ob.Mutated(ctx, en)
		}
	}
}
