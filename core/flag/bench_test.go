package flag

import (
	"context"
	"testing"

	"github.com/open-feature/go-sdk/openfeature"
	"github.com/open-feature/go-sdk/openfeature/isolated"
	"github.com/open-feature/go-sdk/openfeature/memprovider"
)

// benchOneRule is a boolean flag with one rule: plan is enterprise → on.
func benchOneRule() Flag {
	f := NewBoolean("one-rule")
	f.Rules = []Rule{{ID: "r1", Clauses: []Clause{{Attribute: "plan", Operator: OpIs, Values: []any{"enterprise"}}}, Variation: "on"}}
	return f
}

// benchComplex is a flag with a prerequisite, three rules (the second one a
// segment test) and a percentage-rollout fallthrough, plus what it needs.
func benchComplex() ([]Flag, []Segment) {
	pre := NewBoolean("checkout-enabled")
	pre.Fallthrough = Fallthrough{Variation: "on"}

	f := NewBoolean("complex")
	f.Prerequisites = []Prerequisite{{FlagKey: "checkout-enabled", Variation: "on"}}
	f.Targets = map[string][]string{"on": {"vip-1", "vip-2"}}
	f.Rules = []Rule{
		{ID: "r1", Clauses: []Clause{{Attribute: "country", Operator: OpIn, Values: []any{"FR", "DE", "NL"}}}, Variation: "on"},
		{ID: "r2", Clauses: []Clause{{Operator: OpInSegment, Values: []any{"beta"}}}, Variation: "on"},
		{ID: "r3", Clauses: []Clause{
			{Attribute: "plan", Operator: OpIs, Values: []any{"enterprise"}},
			{Attribute: "app_version", Operator: OpSemverGt, Values: []any{"2.0.0"}},
		}, Variation: "on"},
	}
	f.Fallthrough = Fallthrough{Rollout: []WeightedVariation{{"on", 20000}, {"off", 80000}}}

	seg := Segment{Key: "beta", Included: []string{"user-1", "user-2"}, Excluded: []string{"user-3"},
		Rules: []SegmentRule{{ID: "s1", Clauses: []Clause{{Attribute: "email", Operator: OpEndsWith, Values: []any{"@example.com"}}}}}}
	return []Flag{pre, f}, []Segment{seg}
}

var sinkBool bool

func BenchmarkBucket(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		_ = Bucket("new-checkout", "user", "user_123")
	}
}

// BenchmarkEvaluate measures the native typed API. Budgets: OneRule ≤ 250 ns
// and 0 allocs; Complex (3 rules + a segment + a prerequisite) ≤ 1 µs.
func BenchmarkEvaluate(b *testing.B) {
	one := NewSnapshot([]Flag{benchOneRule()}, nil)
	flags, segs := benchComplex()
	complexSnap := NewSnapshot(flags, segs)
	match := EvaluationContext{Key: "user-42", Attributes: map[string]any{"plan": "enterprise", "country": "US", "app_version": "2.1.0"}}
	miss := EvaluationContext{Key: "user-42", Attributes: map[string]any{"plan": "free", "country": "US", "email": "x@corp.test", "app_version": "1.0.0"}}

	b.Run("OneRule/match", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			sinkBool = one.Bool("one-rule", match, false)
		}
	})
	b.Run("OneRule/fallthrough", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			sinkBool = one.Bool("one-rule", miss, false)
		}
	})
	b.Run("Complex/rule3", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			sinkBool = complexSnap.Bool("complex", match, false)
		}
	})
	b.Run("Complex/rollout", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			sinkBool = complexSnap.Bool("complex", miss, false)
		}
	})
}

// BenchmarkStore measures evaluation through a Store without a recorder,
// with counts only, and with a 1000-event ring.
func BenchmarkStore(b *testing.B) {
	ctx := EvaluationContext{Key: "user-42", Attributes: map[string]any{"plan": "enterprise"}}
	for _, tc := range []struct {
		name string
		opts []StoreOption
	}{
		{"NoRecorder", nil},
		{"Counts", []StoreOption{WithRecorder(NewRecorder(0))}},
		{"CountsAndRing", []StoreOption{WithRecorder(NewRecorder(1000))}},
	} {
		s := NewStore(tc.opts...)
		s.SetFlag(benchOneRule())
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				sinkBool = s.Bool("one-rule", ctx, false)
			}
		})
	}
}

// BenchmarkOpenFeature compares client.Boolean through Provider with the
// go-sdk in-memory provider, both under a named domain of one isolated API.
// Target: Waygate within 1.2× of InMemory.
func BenchmarkOpenFeature(b *testing.B) {
	api := isolated.NewAPI()
	defer func() { _ = api.Shutdown(context.Background()) }()

	store := NewStore()
	f := NewBoolean("static")
	f.Fallthrough = Fallthrough{Variation: "on"}
	store.Replace([]Flag{f, benchOneRule()}, nil)
	if err := api.SetProviderAndWait(context.Background(), NewProvider(store), openfeature.WithDomain("waygate-bench")); err != nil {
		b.Fatal(err)
	}
	mem := memprovider.NewInMemoryProvider(map[string]memprovider.InMemoryFlag{
		"static": {Key: "static", State: memprovider.Enabled, DefaultVariant: "on", Variants: map[string]any{"on": true, "off": false}},
	})
	if err := api.SetProviderAndWait(context.Background(), mem, openfeature.WithDomain("memory-bench")); err != nil {
		b.Fatal(err)
	}
	ours := api.NewClient(openfeature.WithDomain("waygate-bench"))
	theirs := api.NewClient(openfeature.WithDomain("memory-bench"))
	evalCtx := openfeature.NewEvaluationContext("user-42", map[string]any{"plan": "enterprise"})
	ctx := context.Background()

	b.Run("InMemory/static", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			sinkBool = theirs.Boolean(ctx, "static", false, evalCtx)
		}
	})
	b.Run("Waygate/static", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			sinkBool = ours.Boolean(ctx, "static", false, evalCtx)
		}
	})
	b.Run("Waygate/one-rule", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			sinkBool = ours.Boolean(ctx, "one-rule", false, evalCtx)
		}
	})
}
