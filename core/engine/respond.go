package engine

// Responders resolves the custom response for a blocked request: the route's
// own responder declared in code, else the app-wide responder for the
// outcome, else the app-wide responder for every outcome, else none (the
// default JSON body). F is the adapter's responder function type, so every
// adapter shares this resolution.
type Responders[F any] struct {
	all       *F
	byOutcome map[Outcome]F
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
