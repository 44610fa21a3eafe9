package scopelimit_test

// Flag parsing of the global and service rate-limit verbs.

import (
	"slices"
	"testing"

	"github.com/spf13/cobra"

	"github.com/waygate-go/waygate/cli/internal/cmd/scope"
	"github.com/waygate-go/waygate/cli/internal/cmd/scopelimit/get"
	"github.com/waygate-go/waygate/cli/internal/cmd/scopelimit/remove"
	"github.com/waygate-go/waygate/cli/internal/cmd/scopelimit/reset"
	"github.com/waygate-go/waygate/cli/internal/cmd/scopelimit/set"
	"github.com/waygate-go/waygate/cli/internal/cmd/scopelimit/toggle"
	"github.com/waygate-go/waygate/cli/internal/cmdtest"
	"github.com/waygate-go/waygate/cli/internal/cmdutil"
)

func bind[O any](s scope.Scope, f func(*cmdutil.Factory, scope.Scope, func(*O) error) *cobra.Command) func(*cmdutil.Factory, func(*O) error) *cobra.Command {
	return func(fac *cmdutil.Factory, runF func(*O) error) *cobra.Command { return f(fac, s, runF) }
}

func TestSet(t *testing.T) {
	cmdtest.RunCases(t, bind(scope.GlobalRateLimit, set.NewCmdSet), []cmdtest.Case[set.SetOptions]{
		{Name: "limit and flags", Args: []string{"1000/minute", "-a", "token_bucket", "-k", "api_key", "-b", "10", "--on-missing", "block", "-e", "/health"},
			Check: func(t *testing.T, o *set.SetOptions) {
				p := o.Policy.Patch(o.Limit)
				if o.Limit != "1000/minute" || p["algorithm"] != "token_bucket" || p["key_strategy"] != "api_key" || p["burst"] != int64(10) ||
					p["on_missing_key"] != "block" || !slices.Equal(o.Exempt, []string{"/health"}) {
					t.Fatalf("%+v %v", o, p)
				}
			}},
		{Name: "fields left out are not sent", Args: []string{"5/second"}, Check: func(t *testing.T, o *set.SetOptions) {
			if p := o.Policy.Patch(o.Limit); len(p) != 1 || o.SetExempt {
				t.Fatalf("%v", p)
			}
		}},
		{Name: "no limit", Usage: true},
		{Name: "bad limit", Args: []string{"fast"}, Usage: true},
		{Name: "bad algorithm", Args: []string{"5/second", "--algorithm", "leaky"}, Usage: true},
		{Name: "custom key is code-only", Args: []string{"5/second", "--key", "custom"}, Usage: true},
		{Name: "negative burst", Args: []string{"5/second", "--burst", "-1"}, Usage: true},
	})
	cmdtest.RunCases(t, bind(scope.ServiceRateLimit, set.NewCmdSet), []cmdtest.Case[set.SetOptions]{
		{Name: "service and limit", Args: []string{"payments", "50/minute"}, Check: func(t *testing.T, o *set.SetOptions) {
			if o.Service != "payments" || o.Scope.Path(o.Service, "") != "/api/services/payments/rate-limit" {
				t.Fatalf("%+v", o)
			}
		}},
		{Name: "limit without service", Args: []string{"50/minute"}, Usage: true},
	})
}

func TestOtherVerbs(t *testing.T) {
	cmdtest.RunCases(t, bind(scope.ServiceRateLimit, get.NewCmdGet), []cmdtest.Case[get.GetOptions]{
		{Name: "service", Args: []string{"payments", "-o", "json"}, Check: func(t *testing.T, o *get.GetOptions) {
			if o.Service != "payments" || !o.Output.JSON() {
				t.Fatalf("%+v", o)
			}
		}},
		{Name: "no service", Usage: true},
	})
	cmdtest.RunCases(t, bind(scope.GlobalRateLimit, remove.NewCmdDelete), []cmdtest.Case[remove.DeleteOptions]{
		{Name: "global"},
		{Name: "argument", Args: []string{"x"}, Usage: true},
	})
	cmdtest.RunCases(t, bind(scope.GlobalRateLimit, reset.NewCmdReset), []cmdtest.Case[reset.ResetOptions]{
		{Name: "global"},
	})
	cmdtest.RunCases(t, bind(scope.ServiceRateLimit, toggle.NewCmdDisable), []cmdtest.Case[toggle.ToggleOptions]{
		{Name: "pause", Args: []string{"payments"}, Check: func(t *testing.T, o *toggle.ToggleOptions) {
			if o.Enable || o.Service != "payments" {
				t.Fatalf("%+v", o)
			}
		}},
	})
	cmdtest.RunCases(t, bind(scope.GlobalRateLimit, toggle.NewCmdEnable), []cmdtest.Case[toggle.ToggleOptions]{
		{Name: "resume", Check: func(t *testing.T, o *toggle.ToggleOptions) {
			if !o.Enable {
				t.Fatalf("%+v", o)
			}
		}},
	})
}
