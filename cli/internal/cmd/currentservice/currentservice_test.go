package currentservice

import (
	"testing"

	"github.com/waygate-go/waygate/cli/internal/cmdtest"
)

func TestNewCmdCurrentService(t *testing.T) {
	cmdtest.RunCases(t, NewCmdCurrentService, []cmdtest.Case[CurrentServiceOptions]{
		{Name: "from the environment", Env: map[string]string{"WAYGATE_SERVICE": " shop "}, Check: func(t *testing.T, o *CurrentServiceOptions) {
			if o.Service != "shop" {
				t.Fatalf("%q", o.Service)
			}
		}},
		{Name: "argument", Args: []string{"x"}, Usage: true},
	})
}
