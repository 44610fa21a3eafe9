package cmdutil

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// FuzzTimeAndDurationArgs: whatever a user types for --start, --end,
// --until or --duration, the CLI answers with a time, a positive duration
// or a usage error naming the flag (exit code 2) — never a panic.
func FuzzTimeAndDurationArgs(f *testing.F) {
	for _, s := range []string{"now", "90m", "+2h", "1d", "3650d", "3651d", "-1h", "0s", "2025-03-10T02:00:00Z",
		"2025-03-10T02:00", "2025-03-10 02:00", "2025-13-40T99:99", "1h30m", "d", "+", "", " 2h ", "9223372036854775807ns"} {
		f.Add(s)
	}
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		usage := func(err error) {
			var fe *FlagError
			if !errors.As(err, &fe) || !strings.Contains(err.Error(), "--at") && !strings.Contains(err.Error(), "--for") {
				t.Fatalf("%q: error %v is not a usage error naming the flag", s, err)
			}
		}
		if at, err := ParseTime("at", s, now); err != nil {
			usage(err)
		} else if at.Location() != time.UTC {
			t.Fatalf("%q: time %v is not in UTC", s, at)
		}
		if d, err := ParseDuration("for", s); err != nil {
			usage(err)
		} else if d <= 0 {
			t.Fatalf("%q: accepted a duration of %v, want only positive ones", s, d)
		}
	})
}
