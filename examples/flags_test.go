package examples_test

import (
	"context"
	"testing"
	"time"

	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/flag"
	"github.com/waygate-go/waygate/core/waygatetest"
)

// checkFlagThroughDemo: GET /checkout answers the new-checkout flag, off
// while the flag does not exist.
func checkFlagThroughDemo(t *testing.T, base string) {
	t.Helper()
	res := do(t, "GET", base+"/checkout", map[string]string{"X-User": "beta_tester_1"})
	if res.status != 200 || string(res.body) != `{"new_checkout":false}` {
		t.Fatalf("GET /checkout without the flag: %d %s", res.status, res.body)
	}
}

// TestCheckoutFlagAcrossProcesses: a flag created on one instance is read
// by the demos through Redis and evaluates identically in both.
func TestCheckoutFlagAcrossProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("runs demo processes and redis-server")
	}
	srv := waygatetest.StartRedis(t)
	a := start(t, "gin", "WAYGATE_BACKEND="+srv.URL)
	b := start(t, "fiber", "WAYGATE_BACKEND="+srv.URL)
	ctl := controller(t, srv.URL)
	f := flag.NewBoolean("new-checkout")
	f.Targets = map[string][]string{"on": {"beta_tester_1"}}
	f.Fallthrough = flag.Fallthrough{Rollout: []flag.WeightedVariation{{Variation: "on", Weight: 50000}, {Variation: "off", Weight: 50000}}}
	if _, err := ctl.CreateFlag(engine.WithActor(context.Background(), "ops", "cli"), f); err != nil {
		t.Fatal(err)
	}
	for _, base := range []string{a, b} {
		deadline := time.Now().Add(5 * time.Second)
		for {
			res := do(t, "GET", base+"/checkout", map[string]string{"X-User": "beta_tester_1"})
			if string(res.body) == `{"new_checkout":true}` {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s never served the new flag: %s", base, res.body)
			}
		}
	}
	ons := 0
	for i := range 50 {
		user := map[string]string{"X-User": "user-" + string(rune('a'+i%26)) + string(rune('a'+i/26))}
		ra, rb := do(t, "GET", a+"/checkout", user), do(t, "GET", b+"/checkout", user)
		if string(ra.body) != string(rb.body) {
			t.Fatalf("%v: gin says %s, fiber says %s", user, ra.body, rb.body)
		}
		want := ctl.Flags().Bool("new-checkout", flag.EvaluationContext{Key: user["X-User"]}, false)
		if (string(ra.body) == `{"new_checkout":true}`) != want {
			t.Fatalf("%v: demo says %s, the evaluator %v", user, ra.body, want)
		}
		if want {
			ons++
		}
	}
	if ons == 0 || ons == 50 {
		t.Fatalf("a 50%% rollout served on to %d of 50 users", ons)
	}
}
