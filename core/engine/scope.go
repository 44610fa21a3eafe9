package engine

// Scope says what a maintenance or rate-limit operation applies to: every
// route ([GlobalScope]), the routes of one service ([ServiceScope]), or one
// route ([RouteScope]). A route's own maintenance is its status (see
// SetMaintenance and Enable), so maintenance operations take the global and
// service scopes; rate-limit operations take all three.
//
//	e.EnableMaintenance(ctx, engine.GlobalScope(), "database upgrade")
//	e.SetRateLimit(ctx, engine.ServiceScope("payments"), ratelimit.Patch{Limit: &limit})
//	e.ResetRateLimit(ctx, engine.RouteScope("GET:/posts"))
//
// The zero Scope names nothing; operations refuse it with ErrInvalid.
type Scope struct {
	kind scopeKind
	name string // the service name or route key
}

type scopeKind uint8

const (
	scopeNone scopeKind = iota
	scopeIsGlobal
	scopeIsService
	scopeIsRoute
)

// GlobalScope is every route of the engine.
func GlobalScope() Scope { return Scope{kind: scopeIsGlobal} }

// ServiceScope is every route of one service of a Waygate Server.
func ServiceScope(name string) Scope { return Scope{kind: scopeIsService, name: name} }

// RouteScope is one route, by key ("GET:/posts"); a bare path ("/posts")
// resolves to its one method key, as in every route operation.
func RouteScope(key string) Scope { return Scope{kind: scopeIsRoute, name: key} }

// IsGlobal reports whether s is the global scope.
func (s Scope) IsGlobal() bool { return s.kind == scopeIsGlobal }

// Service returns the service s names, or "".
func (s Scope) Service() string {
	if s.kind == scopeIsService {
		return s.name
	}
	return ""
}

// Route returns the route key s names, or "".
func (s Scope) Route() string {
	if s.kind == scopeIsRoute {
		return s.name
	}
	return ""
}

// String returns "global", "service:NAME" or the route key.
func (s Scope) String() string {
	switch s.kind {
	case scopeIsGlobal:
		return "global"
	case scopeIsService:
		return "service:" + s.name
	case scopeIsRoute:
		return s.name
	}
	return "(no scope)"
}

// check refuses the zero scope, a service scope without a name, and a
// route scope where routes is false.
func (s Scope) check(routes bool) error {
	switch s.kind {
	case scopeIsGlobal:
		return nil
	case scopeIsService:
		if s.name == "" {
			return invalid("service name is empty")
		}
		return nil
	case scopeIsRoute:
		if !routes {
			return invalid("a route's maintenance is its status: use SetMaintenance and Enable for %s", s.name)
		}
		return nil
	}
	return invalid("no scope given: use GlobalScope, ServiceScope or RouteScope")
}
