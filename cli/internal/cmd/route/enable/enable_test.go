package enable

import (
	"testing"

	"github.com/waygate-go/waygate/cli/internal/cmdtest"
)

func TestNewCmdEnable(t *testing.T) {
	cmdtest.RunCases(t, NewCmdEnable, []cmdtest.Case[EnableOptions]{
		{Name: "route", Args: []string{"GET:/orders"}, Check: func(t *testing.T, o *EnableOptions) {
			if o.Route != "GET:/orders" || o.Flags.All || o.Flags.Command != "enable" {
				t.Fatalf("%+v", o)
			}
		}},
		{Name: "bare path with --all", Args: []string{"/orders", "--all", "-s", "shop"}, Check: func(t *testing.T, o *EnableOptions) {
			if o.Route != "shop:/orders" || !o.Flags.All {
				t.Fatalf("%+v", o)
			}
		}},
		{Name: "service in the key", Args: []string{"shop:post:/orders"}, Check: func(t *testing.T, o *EnableOptions) {
			if o.Route != "shop:POST:/orders" {
				t.Fatalf("%+v", o)
			}
		}},
		{Name: "conflicting services", Args: []string{"shop:GET:/x", "--service", "other"}, Usage: true},
		{Name: "missing route", Args: nil, Usage: true},
		{Name: "extra argument", Args: []string{"/a", "/b"}, Usage: true},
		{Name: "reason is not a flag of enable", Args: []string{"/a", "--reason", "x"}, Usage: true},
	})
}
