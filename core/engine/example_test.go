package engine_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/waygate-go/waygate/core/audit"
	"github.com/waygate-go/waygate/core/backend"
	"github.com/waygate-go/waygate/core/clock"
	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/ratelimit"
	"github.com/waygate-go/waygate/core/route"
)

// An engine judges requests against the state declared in code and changed
// at runtime.
func Example() {
	ctx := context.Background()
	e, err := engine.New(ctx, engine.WithEnv("production"))
	if err != nil {
		panic(err)
	}
	defer e.Close()

	payments, _ := route.Declare(route.Maintenance("DB migration"))
	err = e.Register(ctx,
		engine.Registration{Method: "GET", Template: "/payments", Declaration: payments},
		engine.Registration{Method: "GET", Template: "/orders/{id}"},
	)
	if err != nil {
		panic(err)
	}

	d := e.Check(ctx, &engine.Request{Method: "GET", Route: "/payments", Path: "/payments"})
	fmt.Println(d.Status, string(d.Body))

	if _, err := e.Enable(ctx, "GET:/payments"); err != nil {
		panic(err)
	}
	d = e.Check(ctx, &engine.Request{Method: "GET", Route: "/payments", Path: "/payments"})
	fmt.Println(d.Allowed())
	// Output:
	// 503 {"error":{"code":"MAINTENANCE_MODE","message":"This endpoint is temporarily unavailable","reason":"DB migration","path":"/payments"}}
	// true
}

// Runtime changes are written to the backend first, so they survive a
// restart: the stored state wins over the declaration.
func Example_fileBackend() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "waygate")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "state.json")

	start := func() (*engine.Engine, *backend.File) {
		b, err := backend.OpenFile(path)
		if err != nil {
			panic(err)
		}
		e, err := engine.New(ctx, engine.WithBackend(b))
		if err != nil {
			panic(err)
		}
		if err := e.Register(ctx, engine.Registration{Method: "GET", Template: "/orders"}); err != nil {
			panic(err)
		}
		return e, b
	}

	first, file := start()
	if _, err := first.Disable(ctx, "GET:/orders", "inventory audit"); err != nil {
		panic(err)
	}
	first.Close()
	file.Close() // release the file for the next process

	second, file := start()
	defer file.Close()
	defer second.Close()
	st, _ := second.Route("GET:/orders")
	fmt.Println(st.Status, st.Reason)
	// Output: disabled inventory audit
}

// A window is pending until it starts, blocks while it runs, and restores
// the route's previous status at its end. Tests drive time with a fake
// clock instead of sleeping.
func ExampleEngine_Schedule() {
	ctx := context.Background()
	clk := clock.NewFake(time.Date(2026, 3, 10, 1, 0, 0, 0, time.UTC))
	e, _ := engine.New(ctx, engine.WithClock(clk), engine.WithBackend(backend.NewMemory()))
	defer e.Close()
	_ = e.Register(ctx, engine.Registration{Method: "GET", Template: "/payments"})

	_, err := e.Schedule(ctx, "GET:/payments", route.Window{
		Start:  time.Date(2026, 3, 10, 2, 0, 0, 0, time.UTC),
		End:    time.Date(2026, 3, 10, 4, 0, 0, 0, time.UTC),
		Reason: "DB migration",
	})
	if err != nil {
		panic(err)
	}
	req := &engine.Request{Method: "GET", Route: "/payments", Path: "/payments"}
	for range 4 {
		d := e.Check(ctx, req)
		fmt.Println(clk.Now().Format("15:04"), d.Outcome, d.Header)
		clk.Advance(time.Hour)
	}
	// Output:
	// 01:00 allow []
	// 02:00 maintenance [{Content-Type application/json} {Retry-After 7200}]
	// 03:00 maintenance [{Content-Type application/json} {Retry-After 3600}]
	// 04:00 allow []
}

// Global maintenance blocks everything except exempt paths and force-active
// routes. Every change is audited with the actor from the context.
func ExampleEngine_EnableMaintenance() {
	ctx := context.Background()
	e, _ := engine.New(ctx, engine.WithBackend(backend.NewMemory()))
	defer e.Close()
	_ = e.Register(ctx,
		engine.Registration{Method: "GET", Template: "/orders"},
		engine.Registration{Method: "GET", Template: "/status"},
	)

	ops := engine.WithActor(ctx, "alice", "cli")
	_, err := e.EnableMaintenance(ops, engine.GlobalScope(), "Deploying v2", engine.WithExemptPaths("GET:/status"))
	if err != nil {
		panic(err)
	}
	for _, p := range []string{"/orders", "/status"} {
		d := e.Check(ctx, &engine.Request{Method: "GET", Route: p, Path: p})
		fmt.Println(p, d.Outcome)
	}
	entries, _ := e.Audit(ctx, audit.Query{Actor: "alice"})
	fmt.Println(entries[0].Action, entries[0].Reason)
	// Output:
	// /orders maintenance
	// /status allow
	// global_maintenance_on Deploying v2
}

// Rate limits are set, read, reset and deleted by scope: one route, one
// service or every route.
func ExampleEngine_SetRateLimit() {
	ctx := context.Background()
	e, _ := engine.New(ctx, engine.WithBackend(backend.NewMemory()))
	defer e.Close()
	_ = e.Register(ctx, engine.Registration{Method: "GET", Template: "/posts"})

	limit := "2/minute"
	if _, err := e.SetRateLimit(ctx, engine.RouteScope("GET:/posts"), ratelimit.Patch{Limit: &limit}); err != nil {
		panic(err)
	}
	global := "1000/minute"
	if _, err := e.SetRateLimit(ctx, engine.GlobalScope(), ratelimit.Patch{Limit: &global}); err != nil {
		panic(err)
	}
	for range 3 {
		d := e.Check(ctx, &engine.Request{Method: "GET", Route: "/posts", Path: "/posts", RemoteAddr: "203.0.113.7:4000"})
		fmt.Println(d.Outcome)
	}
	p, _ := e.RateLimit(engine.GlobalScope())
	fmt.Println("global:", p.Limit, p.Enabled)
	// Output:
	// allow
	// allow
	// rate_limited
	// global: 1000/minute true
}
