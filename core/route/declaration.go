package route

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/waygate-go/waygate/core/ratelimit"
)

// ErrInvalidDeclaration is returned (wrapped) when a route declaration in
// code is malformed, for example a sunset date that does not parse.
var ErrInvalidDeclaration = errors.New("invalid route declaration")

// Declaration is the state a program declares for a route in code. It is the
// route's initial state the first time the route is seen by a backend; after
// that the persisted state wins, except ForceActive which code owns.
type Declaration struct {
	Status       Status
	Reason       string
	Window       *Window
	AllowedEnvs  []string
	Sunset       time.Time
	DeprecatedAt time.Time
	Successor    string
	ForceActive  bool
	// Responder is an adapter-specific custom response for blocked requests
	// of this route; the engine hands it back in every Decision untouched.
	Responder any
	// RateLimit is the route's rate limit declared in code, if any.
	RateLimit *ratelimit.Declared

	errs []error
}

// Option declares one aspect of a route's state. Options apply in order, so
// a route's own options override the options of its group.
type Option interface{ apply(*Declaration) }

type optionFunc func(*Declaration)

func (f optionFunc) apply(d *Declaration) { f(d) }

// Declare applies opts to an empty declaration and reports the first
// malformed option.
func Declare(opts ...Option) (Declaration, error) {
	var d Declaration
	d.Apply(opts...)
	return d, d.Err()
}

// Apply applies opts on top of d.
func (d *Declaration) Apply(opts ...Option) {
	for _, o := range opts {
		if o != nil {
			o.apply(d)
		}
	}
}

// Err reports the malformed options applied to d, if any.
func (d *Declaration) Err() error { return errors.Join(d.errs...) }

// Clone returns a deep copy of d.
func (d Declaration) Clone() Declaration {
	d.AllowedEnvs = slices.Clone(d.AllowedEnvs)
	if d.Window != nil {
		w := *d.Window
		d.Window = &w
	}
	d.errs = slices.Clone(d.errs)
	if d.RateLimit != nil {
		rl := *d.RateLimit
		d.RateLimit = &rl
	}
	return d
}

// State returns the initial State for the route key.
func (d Declaration) State(key string) State {
	s := State{Path: key, Status: d.Status, Reason: d.Reason, ForceActive: d.ForceActive}
	if s.Status == "" {
		s.Status = StatusActive
	}
	s.AllowedEnvs = slices.Clone(d.AllowedEnvs)
	if d.Window != nil {
		w := *d.Window
		s.Window = &w
	}
	if !d.Sunset.IsZero() {
		s.SunsetDate = d.Sunset.UTC().Format(time.RFC3339)
	}
	if !d.DeprecatedAt.IsZero() {
		s.DeprecatedAt = d.DeprecatedAt.UTC().Format(time.RFC3339)
	}
	s.SuccessorPath = d.Successor
	return s
}

// Maintenance declares the route in maintenance with the given reason.
func Maintenance(reason string) Option {
	return optionFunc(func(d *Declaration) {
		d.Status, d.Reason, d.Window = StatusMaintenance, reason, nil
	})
}

// MaintenanceWindow declares a maintenance window: the route keeps its other
// declared status until start, is in maintenance until end, then returns.
func MaintenanceWindow(reason string, start, end time.Time) Option {
	return optionFunc(func(d *Declaration) {
		w := Window{Start: start.UTC(), End: end.UTC(), Reason: reason}
		if err := w.Validate(); err != nil {
			d.errs = append(d.errs, fmt.Errorf("%w: maintenance window: %w", ErrInvalidDeclaration, err))
			return
		}
		d.Window = &w
	})
}

// Disabled declares the route disabled with the given reason.
func Disabled(reason string) Option {
	return optionFunc(func(d *Declaration) {
		d.Status, d.Reason = StatusDisabled, reason
	})
}

// EnvOnly serves the route only in the named environments; elsewhere it
// answers 404 as if it did not exist.
func EnvOnly(envs ...string) Option {
	return optionFunc(func(d *Declaration) {
		if len(envs) == 0 {
			d.errs = append(d.errs, fmt.Errorf("%w: EnvOnly needs at least one environment, e.g. EnvOnly(\"dev\")", ErrInvalidDeclaration))
			return
		}
		for _, e := range envs {
			if strings.TrimSpace(e) == "" {
				d.errs = append(d.errs, fmt.Errorf("%w: EnvOnly environment names must not be empty", ErrInvalidDeclaration))
				return
			}
		}
		d.Status, d.AllowedEnvs = StatusEnvGated, slices.Clone(envs)
	})
}

// Deprecated marks the route deprecated. sunset is the date the route goes
// away ("2027-01-01", RFC 3339 or an HTTP-date; "" when unknown) and
// successor the path clients should move to ("" when none). since, if
// given, is the date the route was deprecated, sent as the RFC 9745
// Deprecation header; without it the engine sends the time it first
// registered the deprecation, kept with the route's state.
func Deprecated(sunset, successor string, since ...string) Option {
	return optionFunc(func(d *Declaration) {
		if err := ValidateSuccessor(successor); err != nil {
			d.errs = append(d.errs, fmt.Errorf("%w: %w", ErrInvalidDeclaration, err))
			return
		}
		switch len(since) {
		case 0:
		case 1:
			t, err := ParseDate(since[0])
			if err != nil {
				d.errs = append(d.errs, fmt.Errorf("%w: deprecated since: %w", ErrInvalidDeclaration, err))
				return
			}
			d.DeprecatedAt = t
		default:
			d.errs = append(d.errs, fmt.Errorf("%w: Deprecated takes one since-date at most, got %d", ErrInvalidDeclaration, len(since)))
			return
		}
		var t time.Time
		if sunset != "" {
			var err error
			if t, err = ParseDate(sunset); err != nil {
				d.errs = append(d.errs, fmt.Errorf("%w: sunset: %w", ErrInvalidDeclaration, err))
				return
			}
		}
		d.Status, d.Sunset, d.Successor = StatusDeprecated, t, successor
	})
}

// DeprecatedSince records when the route was deprecated; it is sent as the
// RFC 9745 Deprecation date. Use it with Deprecated (or give Deprecated its
// since argument).
func DeprecatedSince(date string) Option {
	return optionFunc(func(d *Declaration) {
		t, err := ParseDate(date)
		if err != nil {
			d.errs = append(d.errs, fmt.Errorf("%w: deprecated since: %w", ErrInvalidDeclaration, err))
			return
		}
		d.DeprecatedAt = t
	})
}

// ForceActive exempts the route from every check (unless global maintenance
// is enabled with IncludeForceActive) and protects it from mutations.
func ForceActive() Option {
	return optionFunc(func(d *Declaration) { d.ForceActive = true })
}

// Join makes one option of several, applied in order.
func Join(opts ...Option) Option {
	opts = slices.Clone(opts)
	return optionFunc(func(d *Declaration) { d.Apply(opts...) })
}

// Respond attaches an adapter-specific custom response to the route. Use the
// adapter's own Respond option, which passes a typed function here.
func Respond(responder any) Option {
	return optionFunc(func(d *Declaration) { d.Responder = responder })
}

// httpDate is net/http's TimeFormat, repeated so this leaf package imports
// no HTTP code.
const httpDate = "Mon, 02 Jan 2006 15:04:05 GMT"

// ParseDate parses a date given as "2006-01-02", RFC 3339 or an HTTP-date,
// returning it in UTC.
func ParseDate(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.DateOnly, time.RFC3339, time.RFC3339Nano, httpDate} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("date %q: write 2027-01-01, 2027-01-01T00:00:00Z or an HTTP-date", s)
}

// HTTPDate formats t as an HTTP-date (RFC 9110), as used by Sunset.
func HTTPDate(t time.Time) string { return t.UTC().Format(httpDate) }

// RateLimit limits the route: limit is "100/minute", "5 per 2 minutes",
// several joined by ";" or "unlimited"; opts choose the algorithm, key,
// burst, tiers and exemptions. The limit is validated at registration.
func RateLimit(limit string, opts ...ratelimit.Option) Option {
	return optionFunc(func(d *Declaration) {
		rl := &ratelimit.Declared{Policy: ratelimit.Policy{Limit: limit}}
		for _, o := range opts {
			o(rl)
		}
		rl.Policy = rl.Policy.WithDefaults()
		if _, err := ratelimit.Compile(rl.Policy, rl.KeyFunc); err != nil {
			d.errs = append(d.errs, fmt.Errorf("%w: rate limit: %w", ErrInvalidDeclaration, err))
			return
		}
		d.RateLimit = rl
	})
}
