// Package engine is Waygate's decision point. An Engine holds every route's
// runtime state in an in-process snapshot, decides each request's outcome
// with [Engine.Check], and offers every mutation (maintenance, disable,
// environment gating, deprecation, scheduled windows, global and
// per-service maintenance) as a method safe for concurrent use.
//
// Adapters for gin, echo, fiber and net/http translate a request into a
// [Request], call Check, and translate the [Decision] back. They never
// decide anything themselves, so a request is judged the same way by every
// framework.
//
// # State and persistence
//
// Routes are registered at startup with the state declared in code
// ([Engine.Register]). A state already persisted in the backend wins over
// the declaration, so runtime changes survive restarts; force-active is
// owned by code and always refreshed from it. Every mutation is written to
// the backend first, then applied to the snapshot, audited and broadcast to
// subscribers ([Engine.Subscribe]). The request path never reads the
// backend.
//
// # Fail open
//
// When the backend cannot be reached, requests keep being judged against
// the last known state, mutations report the error, and the failure is
// logged (at most once per interval) and counted ([Engine.Stats]). The
// engine keeps retrying and resynchronises when the backend returns.
//
// # Time
//
// Maintenance windows are driven by the engine's clock ([WithClock]); tests
// use clock.Fake and never sleep.
package engine
