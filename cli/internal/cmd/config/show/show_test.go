package show

import (
	"testing"

	"github.com/waygate-go/waygate/cli/internal/cmdtest"
)

func TestNewCmdShow(t *testing.T) {
	cmdtest.RunCases(t, NewCmdShow, []cmdtest.Case[ShowOptions]{
		{Name: "service", Env: map[string]string{"WAYGATE_SERVICE": "shop"}, Check: func(t *testing.T, o *ShowOptions) {
			if o.Service != "shop" {
				t.Fatalf("%+v", o)
			}
		}},
		{Name: "argument", Args: []string{"x"}, Usage: true},
	})
}
