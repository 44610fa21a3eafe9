package main

import (
	"strings"
	"testing"
)

func TestRateLimitCommands(t *testing.T) {
	s := newServer(t, serverOption{})
	c := newCLI(t)
	c.login(s, "admin", adminPassword)

	if r := c.ok("rl", "list"); !strings.Contains(r.stderr, "No rate limits set.") {
		t.Fatalf("empty rl list:\n%s", r)
	}
	contains(t, c.ok("rl", "set", "GET:/posts", "2/minute", "--key", "ip"), "Rate limit of GET:/posts: 2/minute, fixed_window per ip")
	contains(t, c.ok("rl", "set", "GET:/posts", "2/minute", "--algorithm", "sliding_window", "--burst", "0"), "sliding_window")
	contains(t, c.ok("rl", "list"), "GET:/posts", "2/minute", "sliding_window", "ip")
	var policies []struct {
		Key   string `json:"key"`
		Limit string `json:"limit"`
	}
	c.jsonOut(&policies, "rl", "list")
	if len(policies) != 1 || policies[0].Key != "GET:/posts" || policies[0].Limit != "2/minute" {
		t.Fatalf("rl list -o json: %+v", policies)
	}

	for i, want := range []int{200, 200, 429} {
		if code, _ := s.get("/posts"); code != want {
			t.Fatalf("request %d to GET /posts: %d, want %d", i+1, code, want)
		}
	}
	contains(t, c.ok("rl", "hits"), "GET:/posts", "2/minute")
	var hits []struct {
		Path string `json:"path"`
	}
	c.jsonOut(&hits, "rl", "hits", "--route", "GET:/posts", "--limit", "10")
	if len(hits) != 1 || hits[0].Path != "GET:/posts" {
		t.Fatalf("rl hits -o json: %+v", hits)
	}
	contains(t, c.ok("rl", "reset", "GET:/posts"), "Counters of GET:/posts reset")
	if code, _ := s.get("/posts"); code != 200 {
		t.Fatalf("GET /posts after reset: %d", code)
	}
	contains(t, c.ok("rl", "delete", "GET:/posts"), "deleted")
	c.fails(1, []string{"rl", "delete", "GET:/posts"}, "has no rate limit", "waygate rl list")
	c.fails(2, []string{"rl", "set", "GET:/posts", "lots"}, "limit \"lots\"")
	c.fails(2, []string{"rl", "set", "GET:/posts", "5/minute", "--algorithm", "magic"}, "--algorithm \"magic\"")

	// Global and service limits.
	if r := c.ok("global-rate-limit", "get"); !strings.Contains(r.stderr, "No global rate limit") {
		t.Fatalf("grl get without a limit:\n%s", r)
	}
	contains(t, c.ok("grl", "set", "100/minute", "--exempt", "/health"), "global rate limit: 100/minute")
	contains(t, c.ok("grl", "get"), "100/minute", "/health")
	contains(t, c.ok("grl", "disable"), "paused")
	var g struct {
		Enabled bool `json:"enabled"`
	}
	c.jsonOut(&g, "grl", "get")
	if g.Enabled {
		t.Fatal("global rate limit still enabled after disable")
	}
	c.ok("grl", "enable")
	c.ok("grl", "reset")
	c.ok("grl", "delete")
	c.fails(1, []string{"grl", "enable"}, "no global rate limit")

	contains(t, c.ok("service-rate-limit", "set", "payments", "50/minute", "--key", "user"), "rate limit of service payments: 50/minute")
	contains(t, c.ok("srl", "get", "payments"), "50/minute", "user")
	c.ok("srl", "delete", "payments")
	c.fails(2, []string{"srl", "set", "payments"}, "missing argument: SERVICE LIMIT")

	contains(t, c.ok("log", "--limit", "100"), "rl_policy_set", "rl_reset", "global_rl_set", "svc_rl_set")
}
