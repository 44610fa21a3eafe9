package log

import (
	"testing"

	"github.com/waygate-go/waygate/cli/internal/cmdtest"
)

func TestNewCmdLog(t *testing.T) {
	cmdtest.RunCases(t, NewCmdLog, []cmdtest.Case[LogOptions]{
		{Name: "defaults", Check: func(t *testing.T, o *LogOptions) {
			if o.Limit != 20 || o.Page != 1 || o.Route != "" {
				t.Fatalf("%+v", o)
			}
		}},
		{Name: "filters", Args: []string{"--route", "get:/orders", "--action", "disable", "--actor", "alice", "-n", "5", "-p", "3"},
			Check: func(t *testing.T, o *LogOptions) {
				if o.Route != "GET:/orders" || o.Action != "disable" || o.Actor != "alice" || o.Limit != 5 || o.Page != 3 {
					t.Fatalf("%+v", o)
				}
			}},
		{Name: "pseudo path", Args: []string{"--route", "__global__"}, Check: func(t *testing.T, o *LogOptions) {
			if o.Route != "__global__" {
				t.Fatalf("%+v", o)
			}
		}},
		{Name: "a flag's entries", Args: []string{"--route", "flag:new-checkout"}, Check: func(t *testing.T, o *LogOptions) {
			if o.Route != "flag:new-checkout" {
				t.Fatalf("%+v", o)
			}
		}},
		{Name: "a segment's entries", Args: []string{"--route", "segment:beta"}, Check: func(t *testing.T, o *LogOptions) {
			if o.Route != "segment:beta" {
				t.Fatalf("%+v", o)
			}
		}},
		{Name: "service from the environment", Env: map[string]string{"WAYGATE_SERVICE": "shop"}, Args: []string{"--route", "/x"},
			Check: func(t *testing.T, o *LogOptions) {
				if o.Service != "shop" || o.Route != "shop:/x" {
					t.Fatalf("%+v", o)
				}
			}},
		{Name: "limit too big", Args: []string{"--limit", "5000"}, Usage: true},
		{Name: "page zero", Args: []string{"--page", "0"}, Usage: true},
		{Name: "bad route", Args: []string{"--route", "orders"}, Usage: true},
		{Name: "argument", Args: []string{"orders"}, Usage: true},
	})
}
