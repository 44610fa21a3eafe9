package maintscope_test

// Flag parsing of the maintenance verbs, for both scopes.

import (
	"slices"
	"testing"

	"github.com/spf13/cobra"

	"github.com/waygate-go/waygate/cli/internal/cmd/maintscope/disable"
	"github.com/waygate-go/waygate/cli/internal/cmd/maintscope/enable"
	"github.com/waygate-go/waygate/cli/internal/cmd/maintscope/exempt"
	"github.com/waygate-go/waygate/cli/internal/cmd/maintscope/status"
	"github.com/waygate-go/waygate/cli/internal/cmd/scope"
	"github.com/waygate-go/waygate/cli/internal/cmdtest"
	"github.com/waygate-go/waygate/cli/internal/cmdutil"
)

func bind[O any](s scope.Scope, f func(*cmdutil.Factory, scope.Scope, func(*O) error) *cobra.Command) func(*cmdutil.Factory, func(*O) error) *cobra.Command {
	return func(fac *cmdutil.Factory, runF func(*O) error) *cobra.Command { return f(fac, s, runF) }
}

func TestEnable(t *testing.T) {
	cmdtest.RunCases(t, bind(scope.GlobalMaintenance, enable.NewCmdEnable), []cmdtest.Case[enable.EnableOptions]{
		{Name: "reason, exempt paths normalised", Args: []string{"-r", "upgrade", "-e", "/health", "--exempt", "get:/status,metrics", "--include-force-active"},
			Check: func(t *testing.T, o *enable.EnableOptions) {
				if o.Reason != "upgrade" || !o.SetExempt || !slices.Equal(o.Exempt, []string{"/health", "GET:/status", "/metrics"}) || !o.IncludeForceActive {
					t.Fatalf("%+v", o)
				}
			}},
		{Name: "exempt paths kept when not given", Check: func(t *testing.T, o *enable.EnableOptions) {
			if o.SetExempt {
				t.Fatalf("%+v", o)
			}
		}},
		{Name: "global takes no service", Args: []string{"payments"}, Usage: true},
		{Name: "bad exempt path", Args: []string{"--exempt", "FETCH:/x"}, Usage: true},
	})
	cmdtest.RunCases(t, bind(scope.ServiceMaintenance, enable.NewCmdEnable), []cmdtest.Case[enable.EnableOptions]{
		{Name: "service", Args: []string{"payments", "--reason", "db"}, Check: func(t *testing.T, o *enable.EnableOptions) {
			if o.Service != "payments" || o.Scope.Path(o.Service, "/enable") != "/api/services/payments/maintenance/enable" {
				t.Fatalf("%+v", o)
			}
		}},
		{Name: "service is required", Usage: true},
		{Name: "bad service", Args: []string{"a/b"}, Usage: true},
	})
}

func TestStatusAndDisable(t *testing.T) {
	cmdtest.RunCases(t, bind(scope.GlobalMaintenance, status.NewCmdStatus), []cmdtest.Case[status.StatusOptions]{
		{Name: "json", Args: []string{"-o", "json"}, Check: func(t *testing.T, o *status.StatusOptions) {
			if !o.Output.JSON() || o.Scope.Path("", "") != "/api/global" {
				t.Fatalf("%+v", o)
			}
		}},
		{Name: "argument", Args: []string{"x"}, Usage: true},
	})
	cmdtest.RunCases(t, bind(scope.ServiceMaintenance, disable.NewCmdDisable), []cmdtest.Case[disable.DisableOptions]{
		{Name: "service", Args: []string{"payments"}, Check: func(t *testing.T, o *disable.DisableOptions) {
			if o.Service != "payments" {
				t.Fatalf("%+v", o)
			}
		}},
		{Name: "two services", Args: []string{"a", "b"}, Usage: true},
	})
}

func TestExempt(t *testing.T) {
	cmdtest.RunCases(t, bind(scope.GlobalMaintenance, exempt.NewCmdAdd), []cmdtest.Case[exempt.ExemptOptions]{
		{Name: "paths", Args: []string{"/health", "post:/hooks"}, Check: func(t *testing.T, o *exempt.ExemptOptions) {
			if o.Remove || !slices.Equal(o.Paths, []string{"/health", "POST:/hooks"}) {
				t.Fatalf("%+v", o)
			}
		}},
		{Name: "no path", Usage: true},
	})
	cmdtest.RunCases(t, bind(scope.ServiceMaintenance, exempt.NewCmdRemove), []cmdtest.Case[exempt.ExemptOptions]{
		{Name: "service and path", Args: []string{"payments", "/health"}, Check: func(t *testing.T, o *exempt.ExemptOptions) {
			if !o.Remove || o.Service != "payments" || !slices.Equal(o.Paths, []string{"/health"}) {
				t.Fatalf("%+v", o)
			}
		}},
		{Name: "service without path", Args: []string{"payments"}, Usage: true},
	})
}
