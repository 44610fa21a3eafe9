package schedule

import (
	"testing"
	"time"

	"github.com/spf13/cobra"
	"github.com/waygate-go/waygate/cli/internal/cmd/route/unschedule"
	"github.com/waygate-go/waygate/cli/internal/cmdtest"
	"github.com/waygate-go/waygate/cli/internal/cmdutil"
)

func TestNewCmdSchedule(t *testing.T) {
	cmdtest.RunCases(t, NewCmdSchedule, []cmdtest.Case[ScheduleOptions]{
		{Name: "window", Args: []string{"GET:/payments", "--start", "1h", "--end", "3h", "-r", "upgrade"}, Check: func(t *testing.T, o *ScheduleOptions) {
			if !o.Start.Equal(cmdtest.Now.Add(time.Hour)) || !o.End.Equal(cmdtest.Now.Add(3*time.Hour)) || o.Reason != "upgrade" || o.Disable {
				t.Fatalf("%+v", o)
			}
		}},
		{Name: "disable window", Args: []string{"GET:/payments", "--start", "now", "--end", "1d", "--disable"}, Check: func(t *testing.T, o *ScheduleOptions) {
			if !o.Disable {
				t.Fatalf("%+v", o)
			}
		}},
		{Name: "start is required", Args: []string{"GET:/payments", "--end", "1h"}, Usage: true},
		{Name: "end is required", Args: []string{"GET:/payments", "--start", "1h"}, Usage: true},
		{Name: "empty window", Args: []string{"GET:/payments", "--start", "1h", "--end", "1h"}, Usage: true},
	})
}

func TestCancel(t *testing.T) {
	newCancel := func(f *cmdutil.Factory, runF func(*unschedule.UnscheduleOptions) error) *cobra.Command {
		return unschedule.NewCmdUnschedule(f, runF, "cancel ROUTE")
	}
	cmdtest.RunCases(t, newCancel, []cmdtest.Case[unschedule.UnscheduleOptions]{
		{Name: "route", Args: []string{"delete:/x"}, Check: func(t *testing.T, o *unschedule.UnscheduleOptions) {
			if o.Route != "DELETE:/x" {
				t.Fatalf("%+v", o)
			}
		}},
		{Name: "no route", Usage: true},
	})
}
