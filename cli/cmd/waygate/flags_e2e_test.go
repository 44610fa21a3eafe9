package main

import (
	"bufio"
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// requireFlagsAPI skips the test when the admin API has no flag endpoints.
func requireFlagsAPI(t *testing.T, c *cli) {
	t.Helper()
	if r := c.run("flags", "list"); r.code != 0 {
		if strings.Contains(r.stderr, "no such endpoint") {
			t.Skip("this admin API has no /api/flags endpoints yet")
		}
		t.Fatalf("flags list:\n%s", r)
	}
}

func TestFlagCommands(t *testing.T) {
	s := newServer(t, serverOption{})
	c := newCLI(t)
	c.login(s, "admin", adminPassword)
	requireFlagsAPI(t, c)

	contains(t, c.ok("flags", "create", "new-checkout", "--type", "boolean", "--name", "New checkout"),
		"Created boolean flag new-checkout (variations off, on; serves off)")
	c.fails(1, []string{"flags", "create", "new-checkout"}, "already exists")
	c.fails(2, []string{"flags", "create", "x", "--type", "colour"}, "--type \"colour\"")
	contains(t, c.ok("flags", "list"), "new-checkout", "boolean", "enabled")
	contains(t, c.ok("flags", "get", "new-checkout"), "New checkout", "off, on")
	contains(t, c.ok("flags", "variations", "new-checkout"), "off", "false", "fallthrough", "on", "true")

	// Individual targeting: alice gets on, bob falls through to off.
	contains(t, c.ok("flags", "target", "new-checkout", "on", "alice", "carol"), "serves on to alice, carol")
	var res struct {
		Value     any    `json:"value"`
		Variation string `json:"variation"`
		Reason    string `json:"reason"`
	}
	c.jsonOut(&res, "flags", "eval", "new-checkout", "--user", "alice")
	if res.Value != true || res.Variation != "on" || res.Reason != "TARGET_MATCH" {
		t.Fatalf("eval for alice: %+v", res)
	}
	contains(t, c.ok("flags", "eval", "new-checkout", "--user", "bob"), "Value:", "false", "FALLTHROUGH", "OpenFeature:", "DEFAULT")
	if _, body := s.get("/checkout", "X-User", "alice"); body != `{"new_checkout":true}` {
		t.Fatalf("GET /checkout as alice: %s", body)
	}
	c.ok("flags", "untarget", "new-checkout", "carol")
	c.fails(1, []string{"flags", "untarget", "new-checkout", "zed"}, "none of zed is targeted")

	// Rules: by attribute and by segment.
	contains(t, c.ok("flags", "add-rule", "new-checkout", "--variation", "on", "--attribute", "plan", "--operator", "in", "--values", "pro,enterprise"), "Added rule")
	c.jsonOut(&res, "flags", "eval", "new-checkout", "--user", "dave", "--attr", "plan=pro")
	if res.Variation != "on" || res.Reason != "RULE_MATCH" {
		t.Fatalf("eval with plan=pro: %+v", res)
	}
	contains(t, c.ok("segments", "create", "beta", "--name", "Beta testers"), "Created segment beta")
	contains(t, c.ok("segments", "include", "beta", "erin"), "Included erin in segment beta (1 included, 0 excluded)")
	c.ok("segments", "exclude", "beta", "frank")
	c.ok("segments", "add-rule", "beta", "--attribute", "email", "--operator", "ends_with", "--values", "@example.com")
	contains(t, c.ok("segments", "get", "beta"), "erin", "frank", "email ends_with @example.com")
	contains(t, c.ok("segments", "list"), "beta", "Beta testers")
	c.ok("flags", "add-rule", "new-checkout", "--variation", "on", "--segment", "beta")
	c.jsonOut(&res, "flags", "eval", "new-checkout", "--user", "erin")
	if res.Variation != "on" || res.Reason != "RULE_MATCH" {
		t.Fatalf("eval for segment member erin: %+v", res)
	}
	r := c.ok("flags", "targeting", "new-checkout")
	contains(t, r, "on ← alice", "if plan in pro, enterprise", "if key in_segment beta", "serve off")
	var targeting struct {
		Rules []struct {
			ID string `json:"id"`
		} `json:"rules"`
	}
	c.jsonOut(&targeting, "flags", "targeting", "new-checkout")
	if len(targeting.Rules) != 2 {
		t.Fatalf("targeting -o json: %+v", targeting)
	}
	c.ok("flags", "remove-rule", "new-checkout", targeting.Rules[0].ID)
	c.fails(1, []string{"flags", "remove-rule", "new-checkout", "no-such-rule"}, "has no rule")

	// Fallthrough rollout, prerequisites, kill switch.
	contains(t, c.ok("flags", "edit", "new-checkout", "--fallthrough", "on:25,off:75"), "fallthrough on:25%, off:75%")
	c.fails(2, []string{"flags", "edit", "new-checkout", "--fallthrough", "on:25,off:70"}, "add up to 95")
	c.ok("flags", "create", "payments-v2")
	contains(t, c.ok("flags", "prereq", "add", "new-checkout", "payments-v2", "on"), "requires payments-v2 = on")
	c.jsonOut(&res, "flags", "eval", "new-checkout", "--user", "alice")
	if res.Reason != "PREREQUISITE_FAIL" {
		t.Fatalf("eval with a failing prerequisite: %+v", res)
	}
	c.ok("flags", "prereq", "remove", "new-checkout", "payments-v2")
	contains(t, c.ok("flags", "disable", "new-checkout"), "disabled (serves off)")
	c.jsonOut(&res, "flags", "eval", "new-checkout", "--user", "alice")
	if res.Reason != "OFF" {
		t.Fatalf("eval of a disabled flag: %+v", res)
	}
	c.ok("flags", "enable", "new-checkout")

	c.fails(2, []string{"flags", "delete", "payments-v2"}, "pass --yes")
	contains(t, c.ok("flags", "delete", "payments-v2", "--yes"), "Deleted flag payments-v2")
	c.fails(1, []string{"segments", "delete", "beta", "--yes"}) // still used by a rule
	contains(t, c.ok("log", "--limit", "100"), "flag_created", "flag_updated", "flag_disabled", "segment_created", "flag_deleted")
}

func TestFlagStream(t *testing.T) {
	s := newServer(t, serverOption{})
	c := newCLI(t)
	c.login(s, "admin", adminPassword)
	requireFlagsAPI(t, c)
	c.ok("flags", "create", "new-checkout")
	c.ok("flags", "target", "new-checkout", "on", "alice")

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, "flags", "stream", "--flag", "new-checkout", "--count", "2", "-o", "json")
	cmd.Env, cmd.Dir = c.env, c.dir
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	// Evaluate until the stream has seen it: the subscription starts
	// asynchronously.
	var got []string
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for len(got) < 2 {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("stream ended after %v", got)
			}
			got = append(got, l)
		case <-tick.C:
			s.get("/checkout", "X-User", "alice")
		case <-ctx.Done():
			t.Fatalf("no events: %v", got)
		}
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("stream --count 2 should exit 0: %v", err)
	}
	if !strings.Contains(got[0], `"flag_key":"new-checkout"`) || !strings.Contains(got[0], `"variation":"on"`) || !strings.Contains(got[0], `"context_key":"alice"`) {
		t.Fatalf("stream events: %v", got)
	}
}
