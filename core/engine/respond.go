package engine

// Responders resolves the custom response for a blocked request: the route's
// own responder declared in code, else the app-wide responder for the
// outcome, else the app-wide responder for every outcome, else none (the
// default JSON body). F is the adapter's responder function type, so every
// adapter shares this resolution.
type Responders[F any] struct {
	all          *F
	byOutcome    map[Outcome]F
	jsonNotFound bool
}

// Set installs f for the given outcomes, or for every outcome when none are
// given.
func (r *Responders[F]) Set(f F, outcomes ...Outcome) {
	if len(outcomes) == 0 {
		r.all = &f
		return
	}
	if r.byOutcome == nil {
		r.byOutcome = map[Outcome]F{}
	}
	for _, o := range outcomes {
		r.byOutcome[o] = f
	}
}

// For returns the responder for d, if any.
func (r *Responders[F]) For(d *Decision) (F, bool) {
	if f, ok := d.Responder.(F); ok {
		return f, true
	}
	if f, ok := r.byOutcome[d.Outcome]; ok {
		return f, true
	}
	if r.all != nil {
		return *r.all, true
	}
	var zero F
	return zero, false
}

// NativeNotFound reports whether d is answered with the framework's own
// 404 for a path no route matches: a request blocked as not found (an
// env-gated route outside its environments) with no custom responder,
// unless WithJSONNotFound asked for the engine's JSON body. A hidden
// route then looks exactly like one that does not exist.
func (r *Responders[F]) NativeNotFound(d *Decision) bool {
	if d.Outcome != BlockNotFound || r.jsonNotFound {
		return false
	}
	_, custom := r.For(d)
	return !custom
}

// MiddlewareOption configures an adapter's middleware, F being the adapter's
// custom response function type. Every adapter's Option is this type, so
// option names and behaviour are the same on every framework.
type MiddlewareOption[F any] interface{ apply(*Responders[F]) }

type responderOption[F any] struct {
	f        F
	outcomes []Outcome
}

func (o responderOption[F]) apply(r *Responders[F]) { r.Set(o.f, o.outcomes...) }

// WithResponder answers blocked requests with f: for the given outcomes, or
// for every outcome when none are given. A route's own responder wins.
// Adapters wrap it in their own WithResponder.
func WithResponder[F any](f F, outcomes ...Outcome) MiddlewareOption[F] {
	return responderOption[F]{f: f, outcomes: outcomes}
}

type jsonNotFoundOption[F any] struct{}

func (jsonNotFoundOption[F]) apply(r *Responders[F]) { r.jsonNotFound = true }

// WithJSONNotFound answers env-gated routes outside their environments
// with the engine's JSON body ({"error":{"code":"NOT_FOUND",...}}) instead
// of the framework's own 404. That tells a client the route exists:
// choose it only when clients need the JSON shape. Adapters wrap it in
// their own WithJSONNotFound.
func WithJSONNotFound[F any]() MiddlewareOption[F] { return jsonNotFoundOption[F]{} }

// NewResponders applies middleware options.
func NewResponders[F any](opts []MiddlewareOption[F]) *Responders[F] {
	r := &Responders[F]{}
	for _, o := range opts {
		if o != nil {
			o.apply(r)
		}
	}
	return r
}
