package logout

import (
	"testing"

	"github.com/waygate-go/waygate/cli/internal/cmdtest"
)

func TestNewCmdLogout(t *testing.T) {
	cmdtest.RunCases(t, NewCmdLogout, []cmdtest.Case[LogoutOptions]{
		{Name: "no arguments"},
		{Name: "argument", Args: []string{"alice"}, Usage: true},
	})
}
