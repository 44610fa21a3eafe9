package disable

import (
	"testing"

	"github.com/waygate-go/waygate/cli/internal/cmdtest"
)

func TestNewCmdDisable(t *testing.T) {
	cmdtest.RunCases(t, NewCmdDisable, []cmdtest.Case[DisableOptions]{
		{Name: "for good", Args: []string{"GET:/orders", "-r", "broken"}, Check: func(t *testing.T, o *DisableOptions) {
			if o.Route != "GET:/orders" || o.Reason != "broken" || o.Until != "" {
				t.Fatalf("%+v", o)
			}
		}},
		{Name: "until a duration", Args: []string{"GET:/orders", "--until", "2h"}, Check: func(t *testing.T, o *DisableOptions) {
			if o.Until != "2026-03-10T03:00:00Z" {
				t.Fatalf("until %q", o.Until)
			}
		}},
		{Name: "until days", Args: []string{"GET:/orders", "--until", "1d"}, Check: func(t *testing.T, o *DisableOptions) {
			if o.Until != "2026-03-11T01:00:00Z" {
				t.Fatalf("until %q", o.Until)
			}
		}},
		{Name: "until a time", Args: []string{"GET:/orders", "--until", "2026-03-10T04:30:00+01:00"}, Check: func(t *testing.T, o *DisableOptions) {
			if o.Until != "2026-03-10T03:30:00Z" {
				t.Fatalf("until %q", o.Until)
			}
		}},
		{Name: "until the past", Args: []string{"GET:/orders", "--until", "2020-01-01T00:00Z"}, Usage: true},
		{Name: "until nonsense", Args: []string{"GET:/orders", "--until", "later"}, Usage: true},
		{Name: "negative duration", Args: []string{"GET:/orders", "--until", "-2h"}, Usage: true},
	})
}
