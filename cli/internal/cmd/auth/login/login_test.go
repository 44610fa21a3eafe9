package login

import (
	"testing"

	"github.com/waygate-go/waygate/cli/internal/cmdtest"
)

func TestNewCmdLogin(t *testing.T) {
	cmdtest.RunCases(t, NewCmdLogin, []cmdtest.Case[LoginOptions]{
		{Name: "user and stdin", Args: []string{"alice", "--password-stdin"}, Check: func(t *testing.T, o *LoginOptions) {
			if o.Username != "alice" || !o.PasswordStdin {
				t.Fatalf("%+v", o)
			}
		}},
		{Name: "prompts for the user on a terminal", TTY: true, Check: func(t *testing.T, o *LoginOptions) {
			if o.Username != "" {
				t.Fatalf("%+v", o)
			}
		}},
		{Name: "no user off a terminal", Usage: true},
		{Name: "no user with stdin", Args: []string{"--password-stdin"}, TTY: true, Usage: true},
		{Name: "password flag does not exist", Args: []string{"alice", "--password", "x"}, Usage: true},
		{Name: "two users", Args: []string{"alice", "bob"}, Usage: true},
	})
}
