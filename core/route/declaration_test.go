package route_test

import (
	"errors"
	"testing"
	"time"

	"github.com/waygate-go/waygate/core/route"
)

func TestDeclareLaterOptionsOverride(t *testing.T) {
	var d route.Declaration
	d.Apply(route.Disabled("group"))    // a group's option
	d.Apply(route.Maintenance("route")) // the route's own option
	st := d.State("GET:/x")
	if st.Status != route.StatusMaintenance || st.Reason != "route" {
		t.Fatalf("state = %s %q, want maintenance %q", st.Status, st.Reason, "route")
	}
}

func TestDeclareDeprecated(t *testing.T) {
	d, err := route.Declare(route.Deprecated("2027-01-01", "/v2"), route.DeprecatedSince("Mon, 01 Jun 2026 00:00:00 GMT"))
	if err != nil {
		t.Fatal(err)
	}
	st := d.State("GET:/v1")
	if st.Status != route.StatusDeprecated || st.SunsetDate != "2027-01-01T00:00:00Z" || st.SuccessorPath != "/v2" || st.DeprecatedAt != "2026-06-01T00:00:00Z" {
		t.Fatalf("state = %+v", st)
	}
}

func TestDeclareRejectsBadInput(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := map[string]route.Option{
		"sunset not a date":     route.Deprecated("next tuesday", ""),
		"window ends first":     route.MaintenanceWindow("x", now, now.Add(-time.Hour)),
		"window without end":    route.MaintenanceWindow("x", now, time.Time{}),
		"env only without envs": route.EnvOnly(),
		"empty env":             route.EnvOnly("dev", " "),
		"since not a date":      route.DeprecatedSince("2026-13-45"),
		// A successor sends clients somewhere: never to another host by a
		// spelling that reads like a path.
		"scheme-relative successor": route.Deprecated("", "//evil.example/v2"),
		"backslash successor":       route.Deprecated("", "/\\evil.example/v2"),
		"javascript successor":      route.Deprecated("", "javascript://alert(1)"),
		"hostless URL successor":    route.Deprecated("", "https:///v2"),
		"other scheme successor":    route.Deprecated("", "ftp://files.example/v2"),
		"relative successor":        route.Deprecated("", "v2/orders"),
	}
	for name, opt := range tests {
		if _, err := route.Declare(opt); !errors.Is(err, route.ErrInvalidDeclaration) {
			t.Errorf("%s: error = %v, want ErrInvalidDeclaration", name, err)
		}
	}
}

func TestSuccessorsThatAreAccepted(t *testing.T) {
	for _, s := range []string{"/v2/orders", "/v2/orders?x=1", "https://api.example.com/v2/orders", "http://localhost:8080/v2"} {
		if err := route.ValidateSuccessor(s); err != nil {
			t.Errorf("%s: %v", s, err)
		}
	}
}

func TestStatusUnmarshalRejectsUnknown(t *testing.T) {
	var s route.Status
	if err := s.UnmarshalText([]byte("paused")); err == nil {
		t.Fatal("accepted unknown status")
	}
	if err := s.UnmarshalText([]byte("env_gated")); err != nil || s != route.StatusEnvGated {
		t.Fatalf("env_gated: %v %q", err, s)
	}
}

// Deprecated takes an optional since-date: one, valid, at most.
func TestDeprecatedSince(t *testing.T) {
	d, err := route.Declare(route.Deprecated("2027-01-01", "/v2", "2026-06-01"))
	if err != nil || !d.DeprecatedAt.Equal(time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("Deprecated with a since-date: %v, %v", d.DeprecatedAt, err)
	}
	for _, since := range [][]string{{"someday"}, {"2026-06-01", "2026-07-01"}} {
		if _, err := route.Declare(route.Deprecated("", "", since...)); !errors.Is(err, route.ErrInvalidDeclaration) {
			t.Errorf("Deprecated(since %q): %v, want ErrInvalidDeclaration", since, err)
		}
	}
}
