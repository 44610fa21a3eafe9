package route_test

import (
	"testing"

	"github.com/waygate-go/waygate/core/route"
)

// handler is a framework's handler type in miniature.
type handler func(probe *route.Carrier) string

type marker route.Carrier

func (m *marker) serve(probe *route.Carrier) string {
	if probe != nil {
		*probe = route.Carrier(*m)
		return "probed"
	}
	return "served"
}

var markers = route.NewMarkers(
	func(c *route.Carrier) handler { return (*marker)(c).serve },
	func(h handler) *route.Carrier {
		var c route.Carrier
		h(&c)
		return &c
	},
)

func TestMarkersSplitWithoutCallingOtherHandlers(t *testing.T) {
	called := 0
	app := handler(func(*route.Carrier) string { called++; return "app" })
	group := markers.Declare(route.Disabled("group"))
	own := markers.Declare(route.Maintenance("route"))
	plain, opts := markers.Split([]handler{group, app, nil, own})
	if called != 0 {
		t.Fatalf("an application handler was called %d times", called)
	}
	if len(plain) != 2 || plain[0] == nil || plain[1] != nil {
		t.Fatalf("plain handlers %d, want the application's and the nil one in order", len(plain))
	}
	d, err := route.Declare(opts...)
	if err != nil || d.Status != route.StatusMaintenance || d.Reason != "route" {
		t.Fatalf("declaration %+v, %v: want the route's option applied after the group's", d, err)
	}
	if got := own(nil); got != "served" {
		t.Fatalf("a marker called as a handler answered %q", got)
	}
	if _, ok := markers.Options(app); ok {
		t.Fatal("an application handler was taken for a marker")
	}
}

func TestJoinAppliesInOrder(t *testing.T) {
	d, err := route.Declare(route.Join(route.Disabled("first"), route.Maintenance("second")), route.ForceActive())
	if err != nil {
		t.Fatal(err)
	}
	if d.Status != route.StatusMaintenance || d.Reason != "second" || !d.ForceActive {
		t.Fatalf("joined declaration %+v", d)
	}
}
