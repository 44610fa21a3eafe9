package flag

import (
	"fmt"

	"github.com/open-feature/go-sdk/openfeature"
)

// ReasonPrerequisiteFailed is the OpenFeature reason of a flag that served
// its off variation because a prerequisite was missing or served another
// variation; the metadata's "prerequisite_key" names the prerequisite.
// OpenFeature allows reasons of a provider's own beside its standard ones.
const ReasonPrerequisiteFailed openfeature.Reason = "PREREQUISITE_FAILED"

// Resolution is the OpenFeature resolution details of one evaluation, the
// same in every path that answers in OpenFeature's terms: the Go provider,
// OFREP, the admin API's evaluate and the CLI.
//
//   - STATIC: the flag serves one value to everybody (no prerequisites,
//     targets, rules or rollout).
//   - TARGETING_MATCH: a target or a rule with one variation matched.
//   - SPLIT: a percentage rollout placed the context (a rule's or the
//     fallthrough's).
//   - DEFAULT: the flag has targets or rules and none matched; its
//     fallthrough variation is served.
//   - DISABLED: the flag is off and serves its off variation.
//   - PREREQUISITE_FAILED: a prerequisite failed; the off variation is
//     served.
//   - ERROR: no variation is served and ErrorCode says why:
//     FLAG_NOT_FOUND, PARSE_ERROR (the stored flag is invalid),
//     TARGETING_KEY_MISSING (a rollout was reached without a targeting
//     key), TYPE_MISMATCH (the Go provider only) or GENERAL (the
//     prerequisite depth limit).
type Resolution struct {
	// Key is the flag's key.
	Key string
	// Value is the served variation's value; nil when ErrorCode is set.
	Value        any
	Variant      string
	Reason       openfeature.Reason
	ErrorCode    openfeature.ErrorCode
	ErrorMessage string
	// Metadata has "flagSetId" and "version" (a digest of the flag's
	// definition), and "rule_id" or "prerequisite_key" when a rule or a
	// prerequisite decided. Shared and read-only: copy it to change it.
	Metadata map[string]any
}

// Resolve evaluates a flag for ctx and answers in OpenFeature's terms.
// Values are deep copies. It is not recorded (see Store.Resolve).
func (s *Snapshot) Resolve(key string, ctx EvaluationContext) Resolution {
	f, o := s.resolve(key, &ctx)
	return resolution(key, f, &o, true)
}

// Resolve is Snapshot.Resolve recorded like every evaluation through the
// store: counted by variation and reason and sent to the evaluation stream.
func (s *Store) Resolve(key string, ctx EvaluationContext) Resolution {
	return s.cur.Load().resolveRecorded(key, ctx, s.rec)
}

// ResolveAll resolves every flag of one snapshot for ctx, in key order,
// recorded like Resolve.
func (s *Store) ResolveAll(ctx EvaluationContext) []Resolution {
	snap := s.cur.Load()
	keys := sortedKeys(snap.flags)
	out := make([]Resolution, len(keys))
	for i, k := range keys {
		out[i] = snap.resolveRecorded(k, ctx, s.rec)
	}
	return out
}

func (s *Snapshot) resolveRecorded(key string, ctx EvaluationContext, rec *Recorder) Resolution {
	f, o := s.resolve(key, &ctx)
	if f != nil && rec != nil {
		rec.record(f, &o, ctx.Key)
	}
	return resolution(key, f, &o, true)
}

// resolution maps an outcome to OpenFeature's reasons and error codes,
// copying the value when withValue is set (the provider reads typed
// values itself).
func resolution(key string, f *compiledFlag, o *outcome, withValue bool) Resolution {
	switch {
	case f == nil:
		return Resolution{Key: key, Reason: openfeature.ErrorReason, ErrorCode: openfeature.FlagNotFoundCode,
			ErrorMessage: fmt.Sprintf("flag %q not found", key)}
	case f.invalid != nil:
		return Resolution{Key: key, Reason: openfeature.ErrorReason, ErrorCode: openfeature.ParseErrorCode, ErrorMessage: f.invalidMsg}
	case o.noKey:
		return Resolution{Key: key, Reason: openfeature.ErrorReason, ErrorCode: openfeature.TargetingKeyMissingCode,
			ErrorMessage: noKeyMessage, Metadata: metaOf(f, o)}
	case o.reason == ReasonError || o.variation < 0:
		msg := o.err
		if msg == "" {
			msg = fmt.Sprintf("flag %q served no variation", key)
		}
		return Resolution{Key: key, Reason: openfeature.ErrorReason, ErrorCode: openfeature.GeneralCode, ErrorMessage: msg, Metadata: metaOf(f, o)}
	}
	r := Resolution{Key: key, Variant: f.variations[o.variation].name, Reason: reasonOf(f, o), Metadata: metaOf(f, o)}
	if withValue {
		r.Value = cloneValue(f.variations[o.variation].value)
	}
	return r
}

// reasonOf is the OpenFeature reason of an outcome that served a variation.
func reasonOf(f *compiledFlag, o *outcome) openfeature.Reason {
	switch o.reason {
	case ReasonOff:
		return openfeature.DisabledReason
	case ReasonPrerequisiteFail:
		return ReasonPrerequisiteFailed
	case ReasonTargetMatch:
		return openfeature.TargetingMatchReason
	}
	switch {
	case o.split:
		return openfeature.SplitReason
	case o.reason == ReasonRuleMatch:
		return openfeature.TargetingMatchReason
	case f.static:
		return openfeature.StaticReason
	}
	return openfeature.DefaultReason
}

func metaOf(f *compiledFlag, o *outcome) map[string]any {
	switch {
	case o.rule != nil:
		return o.rule.meta
	case o.prereq != nil:
		return o.prereq.meta
	}
	return f.meta
}
