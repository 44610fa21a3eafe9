package services

import (
	"testing"
	"time"

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

func TestAgo(t *testing.T) {
	for d, want := range map[time.Duration]string{
		0: "just now", 42 * time.Second: "42s ago", 5 * time.Minute: "5m ago", 3 * time.Hour: "3h ago", 72 * time.Hour: "3d ago",
	} {
		if got := ago(d); got != want {
			t.Errorf("ago(%v) = %q, want %q", d, got, want)
		}
	}
}
