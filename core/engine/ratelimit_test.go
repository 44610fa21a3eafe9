package engine_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/waygate-go/waygate/core/audit"
	"github.com/waygate-go/waygate/core/backend"
	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/ratelimit"
	"github.com/waygate-go/waygate/core/route"
)

func strp(s string) *string { return &s }

func TestRateLimitPolicyValidation(t *testing.T) {
	ctx := context.Background()
	e := newEngine(t, nil, nil, reg("GET", "/x"), reg("GET", "/y", route.RateLimit("5/minute")))
	custom := ratelimit.KeyCustom
	off := false
	bad := map[string]ratelimit.Patch{
		"bad limit":           {Limit: strp("5 a minute")},
		"no limit for new":    {},
		"custom without func": {Limit: strp("5/minute"), KeyStrategy: &custom},
		"bad exempt ip":       {Limit: strp("5/minute"), ExemptIPs: &[]string{"10.0.0.300"}},
		"bad tier":            {Limit: strp("5/minute"), Tiers: &[]ratelimit.Tier{{Name: "pro", Limit: "lots"}}},
		"unknown algorithm":   {Limit: strp("5/minute"), Algorithm: ptrAlg("leaky_bucket")},
		"huge moving window":  {Limit: strp("1000000/day"), Algorithm: ptrAlg(ratelimit.MovingWindow)},
		"paused route limit":  {Limit: strp("5/minute"), Enabled: &off},
	}
	for name, p := range bad {
		_, err := e.SetRateLimit(ctx, engine.RouteScope("GET:/x"), p)
		if !errors.Is(err, engine.ErrInvalid) {
			t.Errorf("%s: error = %v, want ErrInvalid", name, err)
		}
	}
	if _, err := e.SetRateLimit(ctx, engine.RouteScope("GET:/x"), ratelimit.Patch{Limit: strp("nope")}); err == nil || !strings.Contains(err.Error(), "100/minute") {
		t.Errorf("limit error %v does not show the format", err)
	}
	if _, ok := e.RateLimits()["GET:/x"]; ok {
		t.Error("a rejected policy was stored")
	}
	if _, err := e.SetRateLimit(ctx, engine.RouteScope("GET:/nope"), ratelimit.Patch{Limit: strp("1/minute")}); !errors.Is(err, engine.ErrRouteNotFound) {
		t.Errorf("policy on an unknown route: %v", err)
	}
	if err := e.DeleteRateLimit(ctx, engine.RouteScope("GET:/x")); !errors.Is(err, engine.ErrRouteNotFound) {
		t.Errorf("delete of a missing policy: %v", err)
	}
}

func ptrAlg(a ratelimit.Algorithm) *ratelimit.Algorithm { return &a }

func TestRateLimitPoliciesPersistAndMerge(t *testing.T) {
	ctx := context.Background()
	b := backend.NewMemory()
	declared := route.RateLimit("5/minute", ratelimit.Tiers(ratelimit.Tier{Name: "pro", Limit: "50/minute"}), ratelimit.ExemptRoles("admin"))
	e1 := newEngine(t, b, nil, reg("GET", "/reports", declared), reg("GET", "/posts", route.RateLimit("5/minute")))
	p, err := e1.SetRateLimit(engine.WithActor(ctx, "ops", "cli"), engine.RouteScope("/reports"), ratelimit.Patch{Limit: strp(" 7/MINUTE ")})
	if err != nil {
		t.Fatal(err)
	}
	tiers, err := e1.SetRateLimit(ctx, engine.RouteScope("GET:/posts"), ratelimit.Patch{Tiers: &[]ratelimit.Tier{{Name: "pro", Limit: "50 per 60 Minutes"}}})
	if err != nil || tiers.Tiers[0].Limit != "50/hour" {
		t.Fatalf("tier limit stored as %+v (%v), want canonical 50/hour", tiers.Tiers, err)
	}
	if err != nil {
		t.Fatal(err)
	}
	if p.Limit != "7/minute" || len(p.Tiers) != 1 || p.Tiers[0].Limit != "50/minute" || p.ExemptRoles[0] != "admin" || p.KeyStrategy != ratelimit.KeyUser {
		t.Fatalf("merged policy = %+v, want the tiers, exempt roles and user key kept", p)
	}
	if err := e1.DeleteRateLimit(ctx, engine.RouteScope("GET:/posts")); err != nil {
		t.Fatal(err)
	}
	if _, err := e1.SetRateLimit(ctx, engine.GlobalScope(), ratelimit.Patch{Limit: strp(" 100 per 60 SECONDS ")}); err != nil {
		t.Fatal(err)
	}
	e1.Close()

	e2 := newEngine(t, b, nil, reg("GET", "/reports", declared), reg("GET", "/posts", route.RateLimit("5/minute")))
	all := e2.RateLimits()
	if all["GET:/reports"].Limit != "7/minute" {
		t.Errorf("after restart GET:/reports = %+v, want the runtime 7/minute", all["GET:/reports"])
	}
	if _, ok := all["GET:/posts"]; ok {
		t.Error("a deleted declared policy came back after restart")
	}
	if g, ok := e2.RateLimit(engine.GlobalScope()); !ok || g.Limit != "100/minute" || !g.Enabled {
		t.Errorf("global policy after restart = %+v, %v", g, ok)
	}
	entries, _ := e2.Audit(ctx, audit.Query{Route: "GET:/reports"})
	if len(entries) != 1 || entries[0].Action != audit.ActionRateLimitUpdated || entries[0].Reason != "7/minute · fixed_window · user" || entries[0].Actor != "ops" {
		t.Errorf("audit = %+v", entries)
	}
}

func TestGlobalRateLimitPauseAndHits(t *testing.T) {
	ctx := context.Background()
	e := newEngine(t, nil, nil, reg("GET", "/a"))
	if _, err := e.SetRateLimit(ctx, engine.GlobalScope(), ratelimit.Patch{Limit: strp("1/minute")}); err != nil {
		t.Fatal(err)
	}
	req := &engine.Request{Method: "GET", Route: "/a", Path: "/a", RemoteAddr: "192.0.2.1:5"}
	if d := e.Check(ctx, req); !d.Allowed() {
		t.Fatal("first request blocked")
	}
	d := e.Check(ctx, req)
	if d.Outcome != engine.BlockRateLimited || d.Status != 429 {
		t.Fatalf("second request: %v %d", d.Outcome, d.Status)
	}
	off := false
	if _, err := e.SetRateLimit(ctx, engine.GlobalScope(), ratelimit.Patch{Enabled: &off}); err != nil {
		t.Fatal(err)
	}
	if d := e.Check(ctx, req); !d.Allowed() || len(d.Header) != 0 {
		t.Fatalf("paused global limit still applied: %+v", d)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		hits, err := e.Hits(ctx, "GET:/a", 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(hits) == 1 {
			h := hits[0]
			if h.Policy != "__global__" || h.Limit != "1/minute" || h.Key != "__global__:192.0.2.1" || h.ID == "" {
				t.Fatalf("hit = %+v", h)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("hits = %v, want one", hits)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
