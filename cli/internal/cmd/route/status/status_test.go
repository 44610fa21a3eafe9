package status

import (
	"testing"

	"github.com/waygate-go/waygate/cli/internal/cmdtest"
)

func TestNewCmdStatus(t *testing.T) {
	cmdtest.RunCases(t, NewCmdStatus, []cmdtest.Case[StatusOptions]{
		{Name: "all routes", Args: nil, Check: func(t *testing.T, o *StatusOptions) {
			if o.Route != "" || o.Service != "" || o.Output.JSON() {
				t.Fatalf("%+v", o)
			}
		}},
		{Name: "one route, method upper-cased", Args: []string{"get:/payments", "-o", "json"}, Check: func(t *testing.T, o *StatusOptions) {
			if o.Route != "GET:/payments" || !o.Output.JSON() {
				t.Fatalf("%+v", o)
			}
		}},
		{Name: "service from the environment scopes the route", Args: []string{"GET:/pay"}, Env: map[string]string{"WAYGATE_SERVICE": "payments"},
			Check: func(t *testing.T, o *StatusOptions) {
				if o.Route != "payments:GET:/pay" || o.Service != "payments" {
					t.Fatalf("%+v", o)
				}
			}},
		{Name: "flag wins over the environment", Args: []string{"--service", "billing"}, Env: map[string]string{"WAYGATE_SERVICE": "payments"},
			Check: func(t *testing.T, o *StatusOptions) {
				if o.Service != "billing" {
					t.Fatalf("%+v", o)
				}
			}},
		{Name: "no slash", Args: []string{"payments"}, Usage: true},
		{Name: "unknown method", Args: []string{"FETCH:/x"}, Usage: true},
		{Name: "two routes", Args: []string{"/a", "/b"}, Usage: true},
		{Name: "bad output", Args: []string{"-o", "yaml"}, Usage: true},
		{Name: "unknown flag", Args: []string{"--page", "2"}, Usage: true},
	})
}
