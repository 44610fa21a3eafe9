// Package flag is Waygate's feature-flag model and evaluator: flags,
// segments, validation, a compiled allocation-free evaluator, an OpenFeature
// provider, per-flag evaluation counts with a live event stream, and
// scheduled flag changes. It imports no web framework and nothing from the
// engine; the engine persists, audits and broadcasts flags and keeps a
// Store fresh.
//
// # Model
//
// [Flag] and [Segment] carry the reference's JSON field names exactly
// (key, name, type, variations, off_variation, fallthrough, enabled,
// prerequisites, targets, rules, scheduled_changes, status, temporary,
// maintainer, created_at, updated_at, created_by). A flag has one of five
// types — boolean, string, integer, float, json — and at least two
// variations whose values match it. The fallthrough is a variation name or
// a percentage rollout of weighted variations in 1/100000 units that sum to
// [TotalWeight]. Timestamps are aware UTC; naive reference timestamps are
// read as UTC.
//
// # Validation
//
// [Flag.Validate] and [Segment.Validate] check one item; [CheckPrerequisites]
// and [CheckSegmentReferences] check it against the others (missing
// prerequisite flags or variations, cycles, chains deeper than
// [MaxPrerequisiteDepth] or [MaxSegmentDepth]); [ValidateAll] and
// [ValidateSegments] check whole sets. Errors are *[ValidationError] values
// listing every problem with its JSON path and what to do; they match
// [ErrInvalid], and graph problems also match [ErrPrerequisiteCycle],
// [ErrPrerequisiteDepth], [ErrSegmentCycle] or [ErrSegmentDepth].
// [Flag.FillDefaults] assigns ids and timestamps before validation.
//
// # Evaluation order
//
// As in the reference (§4.2), for a flag at prerequisite depth d:
//
//  1. d > 10: the off variation, reason ERROR ("prerequisite depth limit
//     exceeded").
//  2. Disabled: the off variation, reason OFF.
//  3. Each prerequisite in order: missing, or serving another variation
//     than required (it is evaluated with the same context at d+1) → the off
//     variation, reason PREREQUISITE_FAIL with the prerequisite key.
//  4. Targets: the context key listed under a variation → TARGET_MATCH.
//  5. Rules top to bottom: the first whose clauses all match (no clauses
//     match everything) → its variation or bucketed rollout, RULE_MATCH with
//     the rule id.
//  6. The fallthrough variation or bucketed rollout, reason FALLTHROUGH.
//
// A flag that fails validation when compiled serves no value with reason
// ERROR and the validation message; a missing flag gives reason DEFAULT and
// the caller's default. An EvaluationContext with an empty kind is "user";
// with an empty key, targets and clauses see "anonymous", but a rollout
// cannot place it: an evaluation that reaches one serves no value, reason
// ERROR (OpenFeature's TARGETING_KEY_MISSING).
//
// # Bucketing
//
// [Bucket] is bit-exact with the reference: SHA-1 of "flagKey:kind:key",
// read as an unsigned big-endian integer, modulo 100000. A rollout serves
// the first variation whose cumulative weight exceeds the bucket, the last
// one if the weights fall short.
//
// # Clause semantics
//
// The attribute is looked up in Attributes first (they win, including
// "key" and "kind"), then Key and Kind. Values are classified into
// canonical kinds: null (missing or nil), boolean, number (every Go integer
// and float type and json.Number, compared as float64), string, time
// (time.Time) and other (arrays, objects). The reference's Python rules are
// replaced by these:
//
//   - Missing or null attribute: is_not and not_in hold unless the values
//     contain null; every other operator fails (including not_contains and
//     not_matches). negate applies afterwards.
//   - is, in: equal to any value; is_not, not_in: equal to none. Equality
//     needs the same kind: numbers numerically (1 == 1.0), strings and
//     booleans exactly, other values by their JSON encoding. A string never
//     equals a number or a boolean ("5" ≠ 5, true ≠ 1), unlike Python's
//     True == 1.
//   - contains, not_contains, starts_with, ends_with, matches, not_matches
//     work on the canonical string form: strings as they are, booleans
//     "true"/"false", numbers as JSON writes them (1, 1.5, 1e+21), times in
//     RFC 3339, other values as JSON. Positive operators OR their values,
//     negative ones hold when no value matches. Regular expressions use Go's
//     RE2 syntax and search unanchored.
//   - gt, gte, lt, lte compare numbers; a string attribute is parsed as a
//     decimal number (surrounding spaces allowed), booleans are not numbers.
//     Only one value is allowed. Anything unparsable fails.
//   - before, after: when the value is an RFC 3339 timestamp or a
//     YYYY-MM-DD date and the attribute is one too (or a time.Time), the
//     instants are compared; otherwise the canonical strings are compared
//     byte-wise, as the reference does.
//   - semver_eq, semver_lt, semver_gt compare MAJOR[.MINOR[.PATCH]]
//     [-PRERELEASE][+BUILD] versions with an optional leading "v": missing
//     components are 0 ("1.0" equals "1.0.0"), pre-releases order as in
//     SemVer 2.0 and precede their release, build metadata is ignored. PEP
//     440 forms such as "1.0b1" or four components do not parse and fail.
//   - in_segment, not_in_segment ignore the attribute and test the context
//     key: in any / none of the listed segments. Membership: unknown
//     segment → no; excluded → no (exclusion beats inclusion and rules);
//     included → yes; any segment rule matching → yes. Segment clauses
//     inside segment rules are evaluated recursively, failing beyond
//     MaxSegmentDepth levels.
//
// # Hot path
//
// A [Snapshot] is an immutable compiled set of flags and segments;
// variation names are resolved, rollouts accumulated and regular
// expressions, numbers, versions and timestamps parsed once. A [Store]
// swaps snapshots atomically and serialises writes. Snapshot.Bool, String,
// Int, Float and Evaluate do not allocate unless a clause has to turn a
// non-string attribute into a string, parse a non-numeric string as a
// number, or a json flag value is copied (Object).
//
// # OpenFeature
//
// [Provider] implements the go-sdk FeatureProvider, StateHandler and
// EventHandler. Register it under a named domain ([Domain]) rather than as
// the default provider. Its resolution details are [Resolution]'s, the
// same in every path that answers in OpenFeature's terms (OFREP, the admin
// API's evaluate, the CLI): STATIC for a flag that serves one value to
// everybody, TARGETING_MATCH for a target or a rule's variation, SPLIT
// when a percentage rollout placed the context, DEFAULT for the
// fallthrough of a flag with targets or rules, DISABLED for an off flag,
// PREREQUISITE_FAILED (metadata "prerequisite_key") for a failed
// prerequisite. Errors return the caller's default with reason ERROR and
// FLAG_NOT_FOUND, TYPE_MISMATCH (a flag of another type; integer flags
// may be read as floats), PARSE_ERROR (a flag that failed validation),
// TARGETING_KEY_MISSING (a rollout reached without a targeting key) or
// GENERAL. The flag metadata has "flagSetId" ([WithFlagSet]), "version" (a
// digest of the flag's definition) and "rule_id" when a rule decided.
//
// # Evaluation stream
//
// A [Recorder] attached with [WithRecorder] counts every evaluation made
// through the Store by variation and reason ([Recorder.Counts] adds the
// reasons up, [Recorder.Tallies] lists them, as metrics exporters read
// them) and keeps a bounded ring of [Event] values that subscribers also
// receive.
//
// # Scheduled changes
//
// [DueChanges] returns the changes due at a given time, [ApplyChange] and
// [ApplyDue] apply them to a copy of the flag, [NextChange] gives the time
// to arm the next timer. The engine saves the result, audits it and
// broadcasts it.
package flag
