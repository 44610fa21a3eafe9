package maintenance

import (
	"testing"
	"time"

	"github.com/waygate-go/waygate/cli/internal/cmdtest"
)

func TestNewCmdMaintenance(t *testing.T) {
	at := func(h, m int) time.Time { return time.Date(2026, 3, 10, h, m, 0, 0, time.UTC) }
	cmdtest.RunCases(t, NewCmdMaintenance, []cmdtest.Case[MaintenanceOptions]{
		{Name: "now", Args: []string{"GET:/payments", "--reason", "DB migration"}, Check: func(t *testing.T, o *MaintenanceOptions) {
			if o.Route != "GET:/payments" || o.Reason != "DB migration" || !o.Start.IsZero() || !o.End.IsZero() {
				t.Fatalf("%+v", o)
			}
		}},
		{Name: "window", Args: []string{"GET:/payments", "--start", "2026-03-10T02:00Z", "--end", "2026-03-10 04:00"}, Check: func(t *testing.T, o *MaintenanceOptions) {
			if !o.Start.Equal(at(2, 0)) || !o.End.Equal(at(4, 0)) {
				t.Fatalf("%v → %v", o.Start, o.End)
			}
		}},
		{Name: "end alone starts now", Args: []string{"GET:/payments", "--end", "30m"}, Check: func(t *testing.T, o *MaintenanceOptions) {
			if !o.Start.Equal(at(1, 0)) || !o.End.Equal(at(1, 30)) {
				t.Fatalf("%v → %v", o.Start, o.End)
			}
		}},
		{Name: "start alone", Args: []string{"GET:/payments", "--start", "now"}, Usage: true},
		{Name: "end before start", Args: []string{"GET:/payments", "--start", "2h", "--end", "1h"}, Usage: true},
		{Name: "bad time", Args: []string{"GET:/payments", "--end", "tomorrow"}, Usage: true},
		{Name: "no route", Usage: true},
	})
}
