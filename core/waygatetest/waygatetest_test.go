package waygatetest_test

import (
	"context"
	"testing"

	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/route"
	"github.com/waygate-go/waygate/core/waygatetest"
)

func TestBypassRestoresAfterTheTest(t *testing.T) {
	e, _ := waygatetest.NewEngine(t)
	d, _ := route.Declare(route.Maintenance("down"))
	if err := e.Register(context.Background(), engine.Registration{Method: "GET", Template: "/x", Declaration: d}); err != nil {
		t.Fatal(err)
	}
	req := &engine.Request{Method: "GET", Route: "/x", Path: "/x"}
	t.Run("bypassed", func(t *testing.T) {
		waygatetest.Bypass(t, e)
		if d := e.Check(context.Background(), req); d.Outcome != engine.Allow {
			t.Fatalf("outcome = %v under bypass, want allow", d.Outcome)
		}
	})
	if d := e.Check(context.Background(), req); d.Outcome != engine.BlockMaintenance || d.Status != 503 {
		t.Fatalf("after the subtest: outcome = %v status %d, want maintenance 503", d.Outcome, d.Status)
	}
	if s := e.Stats(); s.BypassLifecycle || s.BypassRateLimits {
		l, r := s.BypassLifecycle, s.BypassRateLimits
		t.Fatalf("bypass still (%v, %v) after the subtest", l, r)
	}
}
