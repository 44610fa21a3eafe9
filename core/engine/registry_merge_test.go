package engine_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/waygate-go/waygate/core/backend"
	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/route"
	"github.com/waygate-go/waygate/core/waygatetest"
)

func TestMergeAllMethods(t *testing.T) {
	anyMethods := []string{"GET", "POST", "PUT"}
	a, b := new(int), new(int)
	regs := []engine.Registration{
		{Method: "GET", Template: "/all", Origin: a},
		{Method: "GET", Template: "/one"},
		{Method: "POST", Template: "/all", Origin: a},
		{Method: "PUT", Template: "/all", Origin: a},
		// The same methods added by two calls stay apart.
		{Method: "GET", Template: "/two", Origin: a},
		{Method: "POST", Template: "/two", Origin: b},
		{Method: "PUT", Template: "/two", Origin: b},
		{Method: "PROPFIND", Template: "/dav"},
		{Method: "", Template: "/bare"},
	}
	got := engine.MergeAllMethods(regs, anyMethods)
	var keys []string
	for _, r := range got {
		keys = append(keys, r.Method+" "+r.Template)
	}
	want := []string{" /all", "GET /one", "GET /two", "POST /two", "PUT /two", "PROPFIND /dav", " /bare"}
	if !reflect.DeepEqual(keys, want) {
		t.Fatalf("merged %q, want %q", keys, want)
	}
	if got := engine.MergeAllMethods(regs[:1], nil); len(got) != 1 || got[0].Method != "GET" {
		t.Fatalf("without a methods list: %+v", got)
	}
}

// A learned route (found serving by a router that cannot list its routes)
// keeps a declaration made in code, and a stored route from an earlier run
// is current again once learned.
func TestLearnedRegistrationKeepsDeclarations(t *testing.T) {
	ctx := context.Background()
	b := backend.NewMemory()
	first, _ := waygatetest.NewEngine(t, engine.WithBackend(b))
	if err := first.Register(ctx, engine.Registration{Method: "GET", Template: "/a", Learned: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := first.Disable(ctx, "GET:/a", "by hand"); err != nil {
		t.Fatal(err)
	}

	e, _ := waygatetest.NewEngine(t, engine.WithBackend(b))
	d, err := route.Declare(route.RateLimit("1/minute"))
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Register(ctx, engine.Registration{Method: "GET", Template: "/b", Declaration: d}); err != nil {
		t.Fatal(err)
	}
	if st, _ := e.Route("GET:/a"); !st.Stale {
		t.Fatal("a stored route nothing registered is not listed stale")
	}
	if err := e.Register(ctx,
		engine.Registration{Method: "GET", Template: "/a", Learned: true},
		engine.Registration{Method: "GET", Template: "/b", Learned: true},
	); err != nil {
		t.Fatal(err)
	}
	if st, _ := e.Route("GET:/a"); st.Stale || st.Status != route.StatusDisabled || st.Reason != "by hand" {
		t.Fatalf("learned stored route %+v, want current and still disabled", st)
	}
	if p, found := e.RateLimit(engine.RouteScope("GET:/b")); !found || p.Limit != "1/minute" {
		t.Fatalf("after learning a declared route its limit is %+v (found %v), want the declared 1/minute", p, found)
	}
}
