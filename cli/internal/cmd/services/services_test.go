package services

import (
	"testing"

	"github.com/waygate-go/waygate/cli/internal/cmdtest"
)

func TestNewCmdServices(t *testing.T) {
	cmdtest.RunCases(t, NewCmdServices, []cmdtest.Case[ServicesOptions]{
		{Name: "json", Args: []string{"-o", "json"}, Check: func(t *testing.T, o *ServicesOptions) {
			if !o.Output.JSON() {
				t.Fatalf("%+v", o)
			}
		}},
		{Name: "argument", Args: []string{"x"}, Usage: true},
	})
}
