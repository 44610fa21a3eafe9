// Package waygatetest helps applications test code that runs behind
// Waygate: switch the engine's checks off for one test, or build an engine
// on a fake clock and an in-memory backend.
package waygatetest

import (
	"context"
	"testing"

	"github.com/waygate-go/waygate/core/backend"
	"github.com/waygate-go/waygate/core/clock"
	"github.com/waygate-go/waygate/core/conformance"
	"github.com/waygate-go/waygate/core/engine"
)

// Bypass switches the engine's lifecycle checks (maintenance, disabled,
// env gating, global maintenance) and rate limits off for the rest of the
// test; the previous settings are restored when the test ends. It affects
// only e.
func Bypass(t testing.TB, e *engine.Engine) {
	t.Helper()
	BypassOnly(t, e, true, true)
}

// BypassOnly switches off only the checks asked for, for the rest of the
// test.
func BypassOnly(t testing.TB, e *engine.Engine, lifecycle, rateLimits bool) {
	t.Helper()
	prevL, prevR := e.SetBypass(lifecycle, rateLimits)
	t.Cleanup(func() { e.SetBypass(prevL, prevR) })
}

// NewEngine returns an engine on a fresh in-memory backend and a fake clock
// set to conformance.Start, closed when the test ends. opts are applied
// after those defaults.
func NewEngine(t testing.TB, opts ...engine.Option) (*engine.Engine, *clock.Fake) {
	t.Helper()
	clk := clock.NewFake(conformance.Start)
	all := append([]engine.Option{engine.WithBackend(backend.NewMemory()), engine.WithClock(clk)}, opts...)
	e, err := engine.New(context.Background(), all...)
	if err != nil {
		t.Fatalf("waygatetest: %v", err)
	}
	t.Cleanup(func() { e.Close() })
	return e, clk
}
