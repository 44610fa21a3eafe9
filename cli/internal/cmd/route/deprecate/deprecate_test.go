package deprecate

import (
	"testing"

	"github.com/waygate-go/waygate/cli/internal/cmdtest"
)

func TestNewCmdDeprecate(t *testing.T) {
	cmdtest.RunCases(t, NewCmdDeprecate, []cmdtest.Case[DeprecateOptions]{
		{Name: "sunset and successor", Args: []string{"GET:/legacy", "--sunset", "2027-01-01", "--successor", "/orders"}, Check: func(t *testing.T, o *DeprecateOptions) {
			if o.Route != "GET:/legacy" || o.Sunset != "2027-01-01" || o.Successor != "/orders" {
				t.Fatalf("%+v", o)
			}
		}},
		{Name: "no route", Args: []string{"--sunset", "2027-01-01"}, Usage: true},
	})
}
