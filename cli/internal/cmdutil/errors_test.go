package cmdutil

import (
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"
)

// A flag value of the wrong type is a usage error that says what to write,
// without strconv's words.
func TestFlagErrorFuncSaysWhatToWrite(t *testing.T) {
	for args, want := range map[string]string{
		"--limit abc":                  `--limit "abc": want a whole number`,
		"-n 1.5":                       `--limit "1.5": want a whole number`,
		"--wait soon":                  `--wait "soon": want a duration like 90s, 5m or 2h`,
		"--limit 99999999999999999999": `--limit "99999999999999999999": too large`,
	} {
		cmd := &cobra.Command{Use: "x", RunE: func(*cobra.Command, []string) error { return nil }}
		cmd.Flags().IntP("limit", "n", 20, "")
		cmd.Flags().Duration("wait", time.Second, "")
		cmd.SetFlagErrorFunc(FlagErrorFunc)
		cmd.SetOut(io.Discard)
		cmd.SetErr(io.Discard)
		cmd.SetArgs(strings.Fields(args))
		err := cmd.Execute()
		var fe *FlagError
		if !errors.As(err, &fe) {
			t.Errorf("%s: %v is not a usage error", args, err)
			continue
		}
		if err.Error() != want {
			t.Errorf("%s: %q, want %q", args, err, want)
		}
	}
}
