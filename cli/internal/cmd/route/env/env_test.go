package env

import (
	"slices"
	"testing"

	"github.com/waygate-go/waygate/cli/internal/cmd/route/enable"
	"github.com/waygate-go/waygate/cli/internal/cmdtest"
)

func TestNewCmdSet(t *testing.T) {
	cmdtest.RunCases(t, NewCmdSet, []cmdtest.Case[SetOptions]{
		{Name: "envs", Args: []string{"GET:/debug", "dev", "staging,qa"}, Check: func(t *testing.T, o *SetOptions) {
			if o.Route != "GET:/debug" || !slices.Equal(o.Envs, []string{"dev", "staging", "qa"}) {
				t.Fatalf("%+v", o)
			}
		}},
		{Name: "no envs", Args: []string{"GET:/debug"}, Usage: true},
		{Name: "only commas", Args: []string{"GET:/debug", ","}, Usage: true},
	})
}

func TestNewCmdClear(t *testing.T) {
	cmdtest.RunCases(t, NewCmdClear, []cmdtest.Case[enable.EnableOptions]{
		{Name: "route", Args: []string{"GET:/debug"}, Check: func(t *testing.T, o *enable.EnableOptions) {
			if o.Route != "GET:/debug" || o.Flags.Command != "clear" {
				t.Fatalf("%+v", o)
			}
		}},
		{Name: "no route", Usage: true},
	})
}
