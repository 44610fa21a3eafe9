// Package hub is the Waygate Server side of SDK connections, served by the
// admin handler: SDKs of many services authenticate with per-service tokens,
// get a versioned snapshot of their service's view and then deltas over
// Server-Sent Events, write their own routes' state, forward their audit
// entries and rate-limit hits, and claim scheduled transitions so each
// happens once. A service's identity comes from its token, never from a
// request body.
package hub
