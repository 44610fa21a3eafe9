package flag

import (
	"context"
	"fmt"

	"github.com/open-feature/go-sdk/openfeature"
)

// ProviderName is the OpenFeature provider name reported in Metadata.
const ProviderName = "waygate"

// Domain is the OpenFeature domain Waygate registers its provider under.
const Domain = "waygate"

// providerEventBuffer holds configuration-changed events until the SDK's
// event executor reads them; when it is full further events are dropped
// (an event already queued tells listeners the configuration changed).
const providerEventBuffer = 64

var (
	_ openfeature.FeatureProvider = (*Provider)(nil)
	_ openfeature.StateHandler    = (*Provider)(nil)
	_ openfeature.EventHandler    = (*Provider)(nil)
)

// Provider is an OpenFeature provider (github.com/open-feature/go-sdk)
// evaluating a Store. It emits PROVIDER_CONFIGURATION_CHANGED on every
// Store write. Register it under a named domain:
//
//	openfeature.SetNamedProviderAndWait(flag.Domain, flag.NewProvider(store))
//	client := openfeature.NewClient(flag.Domain)
//
// The OpenFeature targeting key is the context key (none: see Resolution), the
// "kind" attribute the context kind, every attribute a clause attribute.
type Provider struct {
	store  *Store
	events chan openfeature.Event
}

// NewProvider returns a provider serving store's flags.
func NewProvider(store *Store) *Provider {
	p := &Provider{store: store, events: make(chan openfeature.Event, providerEventBuffer)}
	store.Watch(p.changed)
	return p
}

// Store returns the store the provider evaluates.
func (p *Provider) Store() *Store { return p.store }

// Update replaces every flag and segment; the provider then emits
// PROVIDER_CONFIGURATION_CHANGED naming every flag key before and after.
func (p *Provider) Update(flags []Flag, segments []Segment) { p.store.Replace(flags, segments) }

func (p *Provider) changed(c Change) {
	select {
	case p.events <- openfeature.Event{
		ProviderName: ProviderName,
		EventType:    openfeature.ProviderConfigChange,
		ProviderEventDetails: openfeature.ProviderEventDetails{
			Message:       "flag configuration changed",
			FlagChanges:   c.Flags,
			EventMetadata: map[string]any{"segments": c.Segments},
		},
	}:
	default:
	}
}

// Metadata returns the provider name "waygate".
func (p *Provider) Metadata() openfeature.Metadata { return openfeature.Metadata{Name: ProviderName} }

// Hooks returns no provider hooks.
func (p *Provider) Hooks() []openfeature.Hook { return nil }

// Init makes the provider ready; the store is already usable.
func (p *Provider) Init(openfeature.EvaluationContext) error { return nil }

// Shutdown does nothing: the store belongs to the caller, and the provider
// keeps emitting change events if it is registered again.
func (p *Provider) Shutdown() {}

// EventChannel returns the channel of configuration-changed events.
func (p *Provider) EventChannel() <-chan openfeature.Event { return p.events }

// BooleanEvaluation resolves a boolean flag.
func (p *Provider) BooleanEvaluation(_ context.Context, key string, def bool, flat openfeature.FlattenedContext) openfeature.BoolResolutionDetail {
	f, o, d, ok := p.resolve(key, flat, TypeBoolean)
	if !ok {
		return openfeature.BoolResolutionDetail{Value: def, ProviderResolutionDetail: d}
	}
	return openfeature.BoolResolutionDetail{Value: f.variations[o.variation].b, ProviderResolutionDetail: d}
}

// StringEvaluation resolves a string flag.
func (p *Provider) StringEvaluation(_ context.Context, key string, def string, flat openfeature.FlattenedContext) openfeature.StringResolutionDetail {
	f, o, d, ok := p.resolve(key, flat, TypeString)
	if !ok {
		return openfeature.StringResolutionDetail{Value: def, ProviderResolutionDetail: d}
	}
	return openfeature.StringResolutionDetail{Value: f.variations[o.variation].s, ProviderResolutionDetail: d}
}

// FloatEvaluation resolves a float flag (integer flags convert).
func (p *Provider) FloatEvaluation(_ context.Context, key string, def float64, flat openfeature.FlattenedContext) openfeature.FloatResolutionDetail {
	f, o, d, ok := p.resolve(key, flat, TypeFloat)
	if !ok {
		return openfeature.FloatResolutionDetail{Value: def, ProviderResolutionDetail: d}
	}
	return openfeature.FloatResolutionDetail{Value: f.variations[o.variation].f, ProviderResolutionDetail: d}
}

// IntEvaluation resolves an integer flag.
func (p *Provider) IntEvaluation(_ context.Context, key string, def int64, flat openfeature.FlattenedContext) openfeature.IntResolutionDetail {
	f, o, d, ok := p.resolve(key, flat, TypeInteger)
	if !ok {
		return openfeature.IntResolutionDetail{Value: def, ProviderResolutionDetail: d}
	}
	return openfeature.IntResolutionDetail{Value: f.variations[o.variation].i, ProviderResolutionDetail: d}
}

// ObjectEvaluation resolves a json flag to a deep copy of its value.
func (p *Provider) ObjectEvaluation(_ context.Context, key string, def any, flat openfeature.FlattenedContext) openfeature.InterfaceResolutionDetail {
	f, o, d, ok := p.resolve(key, flat, TypeJSON)
	if !ok {
		return openfeature.InterfaceResolutionDetail{Value: def, ProviderResolutionDetail: d}
	}
	return openfeature.InterfaceResolutionDetail{Value: cloneValue(f.variations[o.variation].value), ProviderResolutionDetail: d}
}

// resolve evaluates key for a flattened OpenFeature context. On success the
// outcome serves a variation of f; otherwise d carries the error.
func (p *Provider) resolve(key string, flat openfeature.FlattenedContext, want Type) (*compiledFlag, outcome, openfeature.ProviderResolutionDetail, bool) {
	var d openfeature.ProviderResolutionDetail
	snap := p.store.Snapshot()
	f := snap.flags[key]
	switch {
	case f == nil:
		d.Reason = openfeature.ErrorReason
		d.ResolutionError = openfeature.NewFlagNotFoundResolutionError(fmt.Sprintf("flag %q not found", key))
		return nil, outcome{}, d, false
	case f.invalid != nil:
		d.Reason = openfeature.ErrorReason
		d.ResolutionError = openfeature.NewParseErrorResolutionError(f.invalidMsg, f.invalid)
		return nil, outcome{}, d, false
	case f.typ != want && !(want == TypeFloat && f.typ == TypeInteger):
		d.Reason = openfeature.ErrorReason
		d.ResolutionError = openfeature.NewTypeMismatchResolutionError(
			fmt.Sprintf("flag %q is a %s flag, not %s; call the matching evaluation method", key, f.typ, want))
		return nil, outcome{}, d, false
	}
	ctx := contextOf(flat)
	normalize(&ctx)
	o := snap.eval(f, &ctx, 0)
	if p.store.rec != nil {
		p.store.rec.record(f, &o, ctx.Key)
	}
	r := resolution(key, f, &o, false)
	d.Reason, d.Variant = r.Reason, r.Variant
	// The metadata maps are shared and read-only; the SDK copies them.
	d.FlagMetadata = r.Metadata
	if r.ErrorCode != "" {
		d.ResolutionError = resolutionError(r.ErrorCode, r.ErrorMessage)
		return nil, outcome{}, d, false
	}
	return f, o, d, true
}

// resolutionError is the go-sdk error for an OpenFeature error code.
func resolutionError(code openfeature.ErrorCode, msg string) openfeature.ResolutionError {
	switch code {
	case openfeature.TargetingKeyMissingCode:
		return openfeature.NewTargetingKeyMissingResolutionError(msg)
	case openfeature.ParseErrorCode:
		return openfeature.NewParseErrorResolutionError(msg)
	case openfeature.FlagNotFoundCode:
		return openfeature.NewFlagNotFoundResolutionError(msg)
	}
	return openfeature.NewGeneralResolutionError(msg)
}

// contextOf maps an OpenFeature context without copying: the targeting key
// is the key, attribute "kind" the kind, the map itself the attributes.
func contextOf(flat openfeature.FlattenedContext) EvaluationContext {
	key, _ := flat[openfeature.TargetingKey].(string)
	kind, _ := flat["kind"].(string)
	return EvaluationContext{Key: key, Kind: kind, Attributes: flat}
}
