package cmdutil

import (
	"testing"
	"time"
)

func TestRouteKey(t *testing.T) {
	for _, tc := range []struct {
		arg, service, want string
		usage              bool
	}{
		{"/payments", "", "/payments", false},
		{"GET:/payments", "", "GET:/payments", false},
		{"get:/payments/{id}", "", "GET:/payments/{id}", false},
		{"GET:/users/:name", "", "GET:/users/{name}", false}, // gin, echo, fiber
		{"GET:/files/*path", "", "GET:/files/{path}", false},
		{"shop:GET:/static/{rest...}", "", "shop:GET:/static/{rest}", false}, // net/http
		{"GET:/users/:", "", "", true},
		{" delete:/x ", "", "DELETE:/x", false},
		{"/payments", "shop", "shop:/payments", false},
		{"POST:/payments", "shop", "shop:POST:/payments", false},
		{"shop:post:/payments", "", "shop:POST:/payments", false},
		{"shop:GET:/payments", "shop", "shop:GET:/payments", false},
		{"shop:GET:/payments", "other", "", true},
		{"payments", "", "", true},
		{"", "", "", true},
		{"FETCH:/x", "", "", true},
		{"GET/x", "", "", true},
		{"a:b:GET:/x", "", "", true},
		{"GET:/x y", "", "", true},
		{"GET:/x?y=1", "", "", true},
	} {
		got, err := RouteKey(tc.arg, tc.service)
		if tc.usage {
			if !IsUsageError(err) {
				t.Errorf("RouteKey(%q, %q) = %q, %v; want a usage error", tc.arg, tc.service, got, err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("RouteKey(%q, %q) = %q, %v; want %q", tc.arg, tc.service, got, err, tc.want)
		}
	}
}

func TestExemptPath(t *testing.T) {
	for in, want := range map[string]string{"health": "/health", "/health": "/health", "get:/status": "GET:/status"} {
		if got, err := ExemptPath(in); err != nil || got != want {
			t.Errorf("ExemptPath(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "FETCH:/x", "a b"} {
		if _, err := ExemptPath(bad); !IsUsageError(err) {
			t.Errorf("ExemptPath(%q): want a usage error, got %v", bad, err)
		}
	}
}

func TestParseTime(t *testing.T) {
	now := time.Date(2026, 3, 10, 1, 0, 0, 0, time.UTC)
	for in, want := range map[string]time.Time{
		"now":                       now,
		"90m":                       now.Add(90 * time.Minute),
		"+2h":                       now.Add(2 * time.Hour),
		"1d":                        now.Add(24 * time.Hour),
		"2026-03-10T02:00:00Z":      time.Date(2026, 3, 10, 2, 0, 0, 0, time.UTC),
		"2026-03-10T04:00:00+02:00": time.Date(2026, 3, 10, 2, 0, 0, 0, time.UTC),
		"2026-03-10T02:00Z":         time.Date(2026, 3, 10, 2, 0, 0, 0, time.UTC),
		"2026-03-10T02:00":          time.Date(2026, 3, 10, 2, 0, 0, 0, time.UTC),
		"2026-03-10 02:00:30":       time.Date(2026, 3, 10, 2, 0, 30, 0, time.UTC),
		"2026-03-11":                time.Date(2026, 3, 11, 0, 0, 0, 0, time.UTC),
	} {
		got, err := ParseTime("start", in, now)
		if err != nil || !got.Equal(want) || got.Location() != time.UTC {
			t.Errorf("ParseTime(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "tomorrow", "0d", "-1h", "0s", "2026-13-01", "3650000d"} {
		if _, err := ParseTime("start", bad, now); !IsUsageError(err) {
			t.Errorf("ParseTime(%q): want a usage error, got %v", bad, err)
		}
	}
}

func TestSplitListAndPlural(t *testing.T) {
	if got := SplitList([]string{"a,b", " c ", ",", ""}); len(got) != 3 || got[2] != "c" {
		t.Errorf("SplitList = %q", got)
	}
	if Plural(1, "route") != "1 route" || Plural(2, "route") != "2 routes" {
		t.Error("Plural")
	}
	if FormatTime(time.Time{}) != "" || FormatTime(time.Date(2026, 3, 10, 2, 0, 0, 0, time.FixedZone("x", 3600))) != "2026-03-10 01:00 UTC" {
		t.Error("FormatTime")
	}
}
