package benchcmp_test

import (
	"context"
	"testing"

	"github.com/open-feature/go-sdk/openfeature"
	"github.com/open-feature/go-sdk/openfeature/isolated"
	"github.com/open-feature/go-sdk/openfeature/memprovider"

	"github.com/waygate-go/waygate/core/flag"
)

var sink bool

// BenchmarkFlagCheck evaluates one enabled boolean flag that serves "on"
// to everyone, the only kind of flag the go-sdk in-memory provider knows,
// four ways (benchstat -col /path; the in-memory provider through the
// OpenFeature client is the base):
//
//   - openfeature-inmemory: client.Boolean, go-sdk in-memory provider.
//   - openfeature-waygate: client.Boolean, Waygate's provider.
//   - inmemory-direct: the in-memory provider's BooleanEvaluation, no client.
//   - waygate-native: Waygate's typed evaluator, Store.Bool.
func BenchmarkFlagCheck(b *testing.B) {
	ctx := context.Background()
	api := isolated.NewAPI()
	defer func() { _ = api.Shutdown(ctx) }()

	store := flag.NewStore()
	f := flag.NewBoolean("static")
	f.Fallthrough = flag.Fallthrough{Variation: "on"}
	store.Replace([]flag.Flag{f}, nil)
	if err := api.SetProviderAndWait(ctx, flag.NewProvider(store), openfeature.WithDomain("waygate")); err != nil {
		b.Fatal(err)
	}
	mem := memprovider.NewInMemoryProvider(map[string]memprovider.InMemoryFlag{
		"static": {Key: "static", State: memprovider.Enabled, DefaultVariant: "on", Variants: map[string]any{"on": true, "off": false}},
	})
	if err := api.SetProviderAndWait(ctx, mem, openfeature.WithDomain("inmemory")); err != nil {
		b.Fatal(err)
	}
	attrs := map[string]any{"plan": "enterprise"}
	evalCtx := openfeature.NewEvaluationContext("user-42", attrs)
	flatCtx := openfeature.FlattenedContext{"targetingKey": "user-42", "plan": "enterprise"}
	native := flag.EvaluationContext{Key: "user-42", Attributes: attrs}

	client := func(domain string) func(b *testing.B) {
		return func(b *testing.B) {
			c := api.NewClient(openfeature.WithDomain(domain))
			b.ReportAllocs()
			for b.Loop() {
				if sink = c.Boolean(ctx, "static", false, evalCtx); !sink {
					b.Fatal("off")
				}
			}
		}
	}
	b.Run("path=openfeature-inmemory", client("inmemory"))
	b.Run("path=openfeature-waygate", client("waygate"))
	b.Run("path=inmemory-direct", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if sink = mem.BooleanEvaluation(ctx, "static", false, flatCtx).Value; !sink {
				b.Fatal("off")
			}
		}
	})
	b.Run("path=waygate-native", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if sink = store.Bool("static", native, false); !sink {
				b.Fatal("off")
			}
		}
	})
}
