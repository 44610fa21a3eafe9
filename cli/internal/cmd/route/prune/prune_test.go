package prune

import (
	"testing"

	"github.com/waygate-go/waygate/cli/internal/cmdtest"
)

func TestNewCmdPrune(t *testing.T) {
	cmdtest.RunCases(t, NewCmdPrune, []cmdtest.Case[PruneOptions]{
		{Name: "no arguments", Args: []string{"-o", "json"}, Check: func(t *testing.T, o *PruneOptions) {
			if !o.Output.JSON() {
				t.Fatalf("%+v", o)
			}
		}},
		{Name: "argument", Args: []string{"GET:/x"}, Usage: true},
	})
}
