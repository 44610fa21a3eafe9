package seturl

import (
	"testing"

	"github.com/waygate-go/waygate/cli/internal/cmdtest"
)

func TestNewCmdSetURL(t *testing.T) {
	cmdtest.RunCases(t, NewCmdSetURL, []cmdtest.Case[SetURLOptions]{
		{Name: "trailing slash removed", Args: []string{"https://ops.example.com/waygate/"}, Check: func(t *testing.T, o *SetURLOptions) {
			if o.URL != "https://ops.example.com/waygate" {
				t.Fatalf("%q", o.URL)
			}
		}},
		{Name: "no scheme", Args: []string{"localhost:8000"}, Usage: true},
		{Name: "not http", Args: []string{"ftp://x/waygate"}, Usage: true},
		{Name: "missing", Usage: true},
	})
}
