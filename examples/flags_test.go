package examples_test

import (
	"context"
	"encoding/json"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/flag"
	"github.com/waygate-go/waygate/core/waygatetest"
	"github.com/waygate-go/waygate/examples/internal/demo"
)

// checkFlagThroughDemo: GET /checkout answers the new-checkout flag the
// demo seeds, off for beta_tester_1 (bucket 78732, above the 20% rollout).
func checkFlagThroughDemo(t *testing.T, base string) {
	t.Helper()
	res := do(t, "GET", base+"/checkout", map[string]string{"X-User": "beta_tester_1"})
	if res.status != 200 || string(res.body) != `{"new_checkout":false}` {
		t.Fatalf("GET /checkout as beta_tester_1: %d %s", res.status, res.body)
	}
}

// checkoutUsers are users with their new-checkout buckets (SHA-1 of
// "new-checkout:user:<key>" mod 100000): under 20000 is the seeded
// rollout's "on".
var checkoutUsers = []struct {
	user   string
	bucket int
	on     bool
}{
	{"bob", 5511, true},
	{"user_2", 11477, true},
	{"user-1", 18788, true},
	{"", 52072, false}, // no X-User: "anonymous"
	{"user_123", 32330, false},
	{"ana", 75892, false},
	{"beta_tester_1", 78732, false},
}

// Every demo seeds new-checkout, a boolean flag with a 20% rollout to on:
// GET /checkout serves it from the first request, byte for byte the same
// on every framework, and the admin API lists it.
func TestDemoSeedsTheCheckoutFlag(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the demo programs")
	}
	seen := map[string]string{}
	for _, fw := range frameworks {
		t.Run(fw, func(t *testing.T) {
			base := start(t, fw)
			for _, u := range checkoutUsers {
				var hdr map[string]string
				if u.user != "" {
					hdr = map[string]string{"X-User": u.user}
				}
				res := do(t, "GET", base+"/checkout", hdr)
				want := `{"new_checkout":false}`
				if u.on {
					want = `{"new_checkout":true}`
				}
				if res.status != http.StatusOK || string(res.body) != want || res.header.Get("Content-Type") != "application/json" {
					t.Errorf("GET /checkout as %q (bucket %d): %d %s, want %s", u.user, u.bucket, res.status, res.body, want)
				}
				// The same flag over OFREP, as an OpenFeature SDK of any
				// language evaluates it.
				code, ans := ofrep(t, base, "Bearer "+demo.DefaultOFREPKey, `{"context":{"targetingKey":"`+u.user+`"}}`)
				if u.user == "" {
					if code != http.StatusBadRequest || ans["errorCode"] != "TARGETING_KEY_MISSING" {
						t.Errorf("OFREP without a targeting key: %d %v", code, ans)
					}
				} else if code != http.StatusOK || ans["value"] != u.on || ans["reason"] != "SPLIT" {
					t.Errorf("OFREP for %q: %d %v, want %v SPLIT", u.user, code, ans, u.on)
				}
				if first, found := seen[u.user]; found && first != string(res.body) {
					t.Errorf("GET /checkout as %q: %s, another framework answered %s", u.user, res.body, first)
				}
				seen[u.user] = string(res.body)
			}
			if code, ans := ofrep(t, base, "Bearer wrong-key-0123456789", `{}`); code != http.StatusUnauthorized {
				t.Errorf("OFREP with a wrong key: %d %v", code, ans)
			}
			api := login(t, base, "admin", "secret")
			code, body := api.do("GET", "/api/flags/"+"new-checkout", nil)
			var f flag.Flag
			if code != http.StatusOK || json.Unmarshal(body, &f) != nil {
				t.Fatalf("GET /api/flags/new-checkout: %d %s", code, body)
			}
			if f.Type != flag.TypeBoolean || !f.Enabled || len(f.Fallthrough.Rollout) != 2 || f.Fallthrough.Rollout[0] != (flag.WeightedVariation{Variation: "on", Weight: 20000}) {
				t.Errorf("the seeded flag: %s", body)
			}
		})
	}
}

// ofrep evaluates new-checkout on the demo's OFREP endpoint.
func ofrep(t *testing.T, base, auth, body string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, base+demo.AdminPrefix+"/ofrep/v1/evaluate/flags/"+demo.CheckoutFlag, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", auth)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
		t.Fatalf("OFREP answer: %v", err)
	}
	return res.StatusCode, out
}

// The demo seeds new-checkout only when it is absent: on a persistent
// backend a change made at runtime survives a restart.
func TestDemoSeedKeepsRuntimeChanges(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the demo programs")
	}
	state := "WAYGATE_BACKEND=file:" + filepath.Join(t.TempDir(), "state.json")
	t.Run("first run seeds, an operator turns it on for everyone", func(t *testing.T) {
		base := start(t, "echo", state)
		if res := do(t, "GET", base+"/checkout", map[string]string{"X-User": "ana"}); string(res.body) != `{"new_checkout":false}` {
			t.Fatalf("GET /checkout as ana with the seeded flag: %s", res.body)
		}
		api := login(t, base, "admin", "secret")
		if code, body := api.do("PATCH", "/api/flags/new-checkout", map[string]any{"fallthrough": "on"}); code != http.StatusOK {
			t.Fatalf("PATCH the flag: %d %s", code, body)
		}
		if res := do(t, "GET", base+"/checkout", map[string]string{"X-User": "ana"}); string(res.body) != `{"new_checkout":true}` {
			t.Fatalf("GET /checkout as ana after the change: %s", res.body)
		}
	}) // the demo stops here
	t.Run("restart keeps the change", func(t *testing.T) {
		base := start(t, "nethttp", state)
		if res := do(t, "GET", base+"/checkout", map[string]string{"X-User": "ana"}); string(res.body) != `{"new_checkout":true}` {
			t.Fatalf("GET /checkout as ana after a restart: %s, want the runtime change kept", res.body)
		}
	})
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
	// The demos seeded the flag: the operator replaces it.
	if _, err := ctl.SaveFlag(engine.WithActor(context.Background(), "ops", "cli"), f); err != nil {
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
