package engine

import (
	"errors"
	"fmt"
	"strings"
)

// Errors returned by engine operations. Test with errors.Is.
var (
	// ErrRouteNotFound: the key names no registered route.
	ErrRouteNotFound = errors.New("route not found")
	// ErrRouteProtected: the route is force-active, which code owns.
	ErrRouteProtected = errors.New("route is force-active and cannot be changed at runtime")
	// ErrInvalid: an argument failed validation; the message says why.
	ErrInvalid = errors.New("invalid argument")
	// ErrNoWindow: the route has no scheduled window to cancel.
	ErrNoWindow = errors.New("route has no scheduled window")
	// ErrExists: a flag or segment with that key exists already.
	ErrExists = errors.New("already exists")
	// ErrBackend: the backend refused or could not take a write; nothing
	// changed.
	ErrBackend = errors.New("backend write failed")
)

// AmbiguousRouteError is returned when a bare path given to a mutation
// matches a route under several methods.
type AmbiguousRouteError struct {
	Key     string
	Matches []string
}

func (e *AmbiguousRouteError) Error() string {
	return fmt.Sprintf("route %q is ambiguous: it matches %s; name one of them", e.Key, strings.Join(e.Matches, ", "))
}

func notFound(key string) error {
	return fmt.Errorf("%w: %q is not a registered route (keys look like GET:/payments; list them with `waygate status`)", ErrRouteNotFound, key)
}

func protected(key string) error {
	return fmt.Errorf("%w: %q (remove ForceActive from its declaration to manage it)", ErrRouteProtected, key)
}

func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalid, fmt.Sprintf(format, args...))
}
