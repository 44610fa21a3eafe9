package route

import "fmt"

// Status is the lifecycle status of a route.
type Status string

// The route statuses.
const (
	// StatusActive serves the route normally.
	StatusActive Status = "active"
	// StatusMaintenance answers 503 MAINTENANCE_MODE.
	StatusMaintenance Status = "maintenance"
	// StatusDisabled answers 503 ROUTE_DISABLED.
	StatusDisabled Status = "disabled"
	// StatusEnvGated serves the route only in the allowed environments and
	// answers 404 elsewhere, as if the route did not exist.
	StatusEnvGated Status = "env_gated"
	// StatusDeprecated serves the route with Deprecation, Sunset and Link
	// headers.
	StatusDeprecated Status = "deprecated"
)

// Valid reports whether s is one of the known statuses.
func (s Status) Valid() bool {
	switch s {
	case StatusActive, StatusMaintenance, StatusDisabled, StatusEnvGated, StatusDeprecated:
		return true
	}
	return false
}

// UnmarshalText rejects unknown statuses so a hand-edited state file or a bad
// request body fails with a clear message.
func (s *Status) UnmarshalText(b []byte) error {
	v := Status(b)
	if !v.Valid() {
		return fmt.Errorf("unknown route status %q: use active, maintenance, disabled, env_gated or deprecated", string(b))
	}
	*s = v
	return nil
}
