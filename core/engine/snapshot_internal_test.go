package engine

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/waygate-go/waygate/core/backend"
	"github.com/waygate-go/waygate/core/route"
)

// dumpSnapshot lists what Check reads of every route in a snapshot, one
// line per template and entry, sorted.
func dumpSnapshot(s *snapshot) []string {
	var out []string
	line := func(t string, en *entry) string {
		return fmt.Sprintf("%s|%s|%s|%s|%s|%v|%v|%v|%v|%v", t, en.method, en.key, en.template, en.status, en.reason,
			en.forceActive, en.envAllowed, en.maintEnd, en.allow)
	}
	for t, set := range s.byTemplate {
		if set.any != nil {
			out = append(out, line(t, set.any))
		}
		for _, en := range set.methods {
			out = append(out, line(t, en))
		}
	}
	slices.Sort(out)
	return out
}

// A route change updates the snapshot in place of a full rebuild
// (commitRouteLocked); what Check reads must be exactly what a full
// rebuild gives, aliases, all-methods routes and other routes included.
func TestIncrementalSnapshotEqualsFullRebuild(t *testing.T) {
	ctx := context.Background()
	e, err := New(ctx, WithBackend(backend.NewMemory()), WithEnv("production"))
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	decl := func(opts ...route.Option) route.Declaration {
		d, err := route.Declare(opts...)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	if err := e.Register(ctx,
		Registration{Method: "GET", Template: "/orders/:id"},   // gin's form: an alias of /orders/{id}
		Registration{Method: "POST", Template: "/orders/{id}"}, // same template, another method
		Registration{Method: "", Template: "/anything"},        // every method
		Registration{Method: "GET", Template: "/legacy", Declaration: decl(route.Deprecated("2027-01-01", "/v2"))},
		Registration{Method: "GET", Template: "/debug", Declaration: decl(route.EnvOnly("dev"))},
		Registration{Method: "GET", Template: "/health", Declaration: decl(route.ForceActive())},
	); err != nil {
		t.Fatal(err)
	}
	steps := []func() error{
		func() error { _, err := e.Disable(ctx, "GET:/orders/{id}", "broken"); return err },
		func() error { _, err := e.SetMaintenance(ctx, "/anything", "moving"); return err },
		func() error { _, err := e.Deprecate(ctx, "POST:/orders/{id}", "2027-06-01", "/v2/orders"); return err },
		func() error { _, err := e.SetEnvOnly(ctx, "GET:/legacy", []string{"production"}); return err },
		func() error { _, err := e.Enable(ctx, "GET:/orders/{id}"); return err },
		func() error { _, err := e.SetEnvOnly(ctx, "GET:/debug", []string{"staging"}); return err },
		func() error { _, err := e.Enable(ctx, "/anything"); return err },
	}
	for i, step := range steps {
		if err := step(); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		e.mu.Lock()
		full := dumpSnapshot(e.buildSnapshot())
		e.mu.Unlock()
		if got := dumpSnapshot(e.snap.Load()); !slices.Equal(got, full) {
			t.Fatalf("after step %d the snapshot differs from a full rebuild:\ngot  %q\nwant %q", i, got, full)
		}
	}
}
