package flag_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/open-feature/go-sdk/openfeature"
	"github.com/open-feature/go-sdk/openfeature/isolated"

	"github.com/waygate-go/waygate/core/flag"
)

// A boolean flag rolled out to 20 % of users, with enterprise customers
// always in, evaluated on the allocation-free hot path.
func Example() {
	f := flag.NewBoolean("new-checkout")
	f.Fallthrough = flag.Fallthrough{Rollout: []flag.WeightedVariation{{Variation: "on", Weight: 20000}, {Variation: "off", Weight: 80000}}}
	f.Rules = []flag.Rule{{
		ID:        "enterprise",
		Clauses:   []flag.Clause{{Attribute: "plan", Operator: flag.OpIs, Values: []any{"enterprise"}}},
		Variation: "on",
	}}
	if err := f.Validate(); err != nil {
		fmt.Println(err)
		return
	}
	store := flag.NewStore()
	store.Replace([]flag.Flag{f}, nil)

	fmt.Println(store.Bool("new-checkout", flag.EvaluationContext{Key: "user_2"}, false))
	fmt.Println(store.Bool("new-checkout", flag.EvaluationContext{Key: "user_123"}, false))
	fmt.Println(store.Bool("new-checkout", flag.EvaluationContext{Key: "user_123", Attributes: map[string]any{"plan": "enterprise"}}, false))
	// Output:
	// true
	// false
	// true
}

// Evaluate explains a result, as the admin debugger shows it.
func ExampleSnapshot_Evaluate() {
	f := flag.NewBoolean("new-checkout")
	f.Targets = map[string][]string{"on": {"beta_tester_1"}}
	snap := flag.NewSnapshot([]flag.Flag{f}, nil)

	r, _ := snap.Evaluate("new-checkout", flag.EvaluationContext{Key: "beta_tester_1"})
	fmt.Println(r.Variation, r.Reason)
	_, err := snap.Evaluate("old-checkout", flag.EvaluationContext{})
	fmt.Println(errors.Is(err, flag.ErrNotFound))
	// Output:
	// on TARGET_MATCH
	// true
}

// Validation lists every problem with the field to fix.
func ExampleFlag_Validate() {
	f := flag.NewBoolean("new-checkout")
	f.Fallthrough = flag.Fallthrough{Rollout: []flag.WeightedVariation{{Variation: "on", Weight: 20000}, {Variation: "off", Weight: 70000}}}
	err := f.Validate()
	fmt.Println(errors.Is(err, flag.ErrInvalid))
	fmt.Println(err)
	// Output:
	// true
	// flag "new-checkout": fallthrough: weights sum to 90000 (90%); they must sum to 100000 (100%)
}

// Prerequisite cycles are rejected on write.
func ExampleCheckPrerequisites() {
	a, b := flag.NewBoolean("a"), flag.NewBoolean("b")
	b.Prerequisites = []flag.Prerequisite{{FlagKey: "a", Variation: "on"}}
	a.Prerequisites = []flag.Prerequisite{{FlagKey: "b", Variation: "on"}}
	err := flag.CheckPrerequisites(a, map[string]flag.Flag{"a": flag.NewBoolean("a"), "b": b})
	fmt.Println(errors.Is(err, flag.ErrPrerequisiteCycle))
	fmt.Println(err)
	// Output:
	// true
	// flag "a": prerequisites: prerequisites form a cycle: a → b → a; remove one of its links
}

// The bucket is bit-exact with the reference: SHA-1 of "flagKey:kind:key"
// modulo 100000.
func ExampleBucket() {
	fmt.Println(flag.Bucket("new-checkout", "user", "user_123"))
	// Output: 32330
}

// The OpenFeature provider is registered under a named domain; this example
// uses an isolated API so that it leaves the global one untouched. With the
// global API: openfeature.SetNamedProviderAndWait(flag.Domain, provider)
// and openfeature.NewClient(flag.Domain).
func ExampleProvider() {
	store := flag.NewStore()
	f := flag.NewBoolean("new-checkout")
	f.Targets = map[string][]string{"on": {"alice"}}
	store.Replace([]flag.Flag{f}, nil)

	api := isolated.NewAPI()
	defer func() { _ = api.Shutdown(context.Background()) }()
	if err := api.SetProviderAndWait(context.Background(), flag.NewProvider(store), openfeature.WithDomain(flag.Domain)); err != nil {
		fmt.Println(err)
		return
	}
	client := api.NewClient(openfeature.WithDomain(flag.Domain))

	d, _ := client.BooleanValueDetails(context.Background(), "new-checkout", false, openfeature.NewEvaluationContext("alice", nil))
	fmt.Println(d.Value, d.Variant, d.Reason)
	_, err := client.StringValueDetails(context.Background(), "new-checkout", "x", openfeature.NewEvaluationContext("alice", nil))
	fmt.Println(err)
	// Output:
	// true on TARGETING_MATCH
	// error code: TYPE_MISMATCH: flag "new-checkout" is a boolean flag, not string; call the matching evaluation method
}

// A Recorder counts evaluations by variation and streams them.
func ExampleRecorder() {
	rec := flag.NewRecorder(100)
	store := flag.NewStore(flag.WithRecorder(rec))
	f := flag.NewBoolean("new-checkout")
	f.Targets = map[string][]string{"on": {"alice"}}
	store.Replace([]flag.Flag{f}, nil)

	events, cancel := rec.Subscribe(10)
	defer cancel()
	store.Bool("new-checkout", flag.EvaluationContext{Key: "alice"}, false)
	store.Bool("new-checkout", flag.EvaluationContext{Key: "bob"}, false)

	e := <-events
	fmt.Println(e.FlagKey, e.ContextKey, e.Variation, e.Reason)
	fmt.Println(rec.Counts("new-checkout"))
	for _, t := range rec.Tallies() {
		fmt.Println(t.Flag, t.Variation, t.Reason, t.Count)
	}
	// Output:
	// new-checkout alice on TARGET_MATCH
	// map[off:1 on:1]
	// new-checkout off FALLTHROUGH 1
	// new-checkout on TARGET_MATCH 1
}

// Scheduled changes due at a time are applied to a copy the engine saves.
func ExampleApplyDue() {
	start := time.Date(2025, 6, 1, 2, 0, 0, 0, time.UTC)
	f := flag.NewBoolean("new-checkout")
	f.Enabled = false
	f.ScheduledChanges = []flag.ScheduledChange{
		flag.ScheduleEnable(start),
		flag.ScheduleFallthrough(start.Add(time.Hour), flag.Fallthrough{Variation: "on"}),
	}
	next, _ := flag.NextChange(f)
	fmt.Println("next change:", next.Action, next.ExecuteAt.Format(time.RFC3339))

	f, applied, err := flag.ApplyDue(f, start.Add(time.Minute))
	fmt.Println(len(applied), err, f.Enabled, len(f.ScheduledChanges))
	// Output:
	// next change: enable 2025-06-01T02:00:00Z
	// 1 <nil> true 1
}
