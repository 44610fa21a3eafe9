// Package sdk connects a service to a Waygate Server: it is a
// [backend.Backend] (and [backend.Watcher]) whose state lives on the server.
//
// Give it to an engine and attach the engine to gin, echo, fiber or net/http
// exactly as in embedded mode:
//
//	b, err := sdk.New("http://waygate.internal:8000/waygate", "payments", os.Getenv("WAYGATE_SERVICE_TOKEN"))
//	e, err := engine.New(ctx, engine.WithBackend(b), engine.WithService("payments"))
//
// The engine keeps deciding every request from its in-process snapshot, so
// requests cost no network call. The SDK fills that snapshot:
//
//   - Load returns the service's view of the server: its routes (keys
//     without the "payments:" prefix), global and its own maintenance, the
//     global, its service's and its routes' rate-limit policies, every flag
//     and segment.
//   - Watch holds a server-sent-event stream open. Every connection starts
//     with a full versioned snapshot, then deltas whose base must equal the
//     version the SDK holds; a gap, a silent stream (no keepalive within
//     three intervals) or a dropped connection makes the SDK reconnect with
//     jittered exponential backoff and resync from a fresh snapshot.
//   - Write sends the engine's writes (route registration with the state
//     declared in code, runtime changes of the service's own routes, service
//     maintenance and rate limits) to the server, which stores them under the
//     service's identity, taken from the token and never from the body.
//   - Append (audit entries and rate-limit hits) is buffered and forwarded in
//     batches in the background; a full buffer drops its oldest entries and
//     counts them. Tail and Claim ask the server.
//
// It fails open: if the server is down when the service starts, Load fails,
// the engine enforces the state declared in code and syncs as soon as the
// stream connects; if the server goes away later, the last snapshot keeps
// being enforced. The wire protocol is documented in docs/server.md; the
// types in this package ([Snapshot], [Delta], [Record]) are its JSON.
package sdk
