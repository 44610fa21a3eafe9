package route_test

import (
	"testing"
	"time"

	"github.com/waygate-go/waygate/core/route"
)

func TestWindowMaintenanceEnd(t *testing.T) {
	end := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	win := func(during, prev route.Status) *route.Window {
		return &route.Window{Start: end.Add(-time.Hour), End: end, During: during, PreviousStatus: prev}
	}
	tests := []struct {
		name   string
		w      *route.Window
		status route.Status
		want   time.Time
	}{
		{"window set maintenance over an active route", win("", route.StatusActive), route.StatusMaintenance, end},
		{"no previous status means active", win("", ""), route.StatusMaintenance, end},
		{"window over a disabled route", win(route.StatusMaintenance, route.StatusDisabled), route.StatusMaintenance, end},
		{"maintenance by hand outlasts the window", win("", route.StatusMaintenance), route.StatusMaintenance, time.Time{}},
		{"a pending window over an active route", win("", route.StatusActive), route.StatusActive, time.Time{}},
		{"a disable-until window", win(route.StatusDisabled, route.StatusActive), route.StatusDisabled, time.Time{}},
		{"no window", nil, route.StatusMaintenance, time.Time{}},
	}
	for _, tt := range tests {
		if got := tt.w.MaintenanceEnd(tt.status); !got.Equal(tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
}
