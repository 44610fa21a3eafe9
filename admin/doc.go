// Package admin is Waygate's admin REST API: one [http.Handler], mountable
// under any prefix, that offers everything the engine can do — route state,
// scheduled windows, global and per-service maintenance, rate limits,
// feature flags and segments, the audit log, webhooks, health counters and
// live change and evaluation streams. The CLI, the dashboard and CI
// pipelines talk to it.
//
//	h, err := admin.New(e, admin.WithUser("alice", password, admin.RoleAdmin))
//	if err != nil { ... }
//	defer h.Close()
//	mux.Handle("/waygate/", http.StripPrefix("/waygate", h))
//
// # Paths and bodies
//
// Paths are relative to the mount: behind [http.StripPrefix] the handler
// finds its mount path from the request (for cookie paths and the OpenAPI
// server URL); with [WithPrefix] it strips the prefix itself. The API is
// described by GET /api/openapi.json (OpenAPI 3). Route keys
// ("GET:/payments") travel in URL segments as unpadded base64url
// ([EncodeRouteKey]); flag and segment keys as they are.
//
// Bodies are JSON objects, at most [MaxBodyBytes]. Malformed JSON, arrays
// where an object is expected, unknown fields and fields of the wrong type
// are answered 400 with a message naming the problem; bad input never
// reaches a 500. Errors are {"error": "message"}: 401 without valid
// credentials, 403 for viewers on mutations (and for missing CSRF tokens or
// cross-origin browser requests), 404 for unknown routes, flags and
// segments, 409 for ambiguous bare paths (with "ambiguous_matches"),
// force-active routes and existing resources, 413 for oversized bodies, 429
// for throttled logins and 503 when the backend cannot take a write.
//
// # Authentication
//
// Users are configured in code with [WithUser] (or [WithUserHash] with a
// hash from [HashPassword]); passwords are kept as PBKDF2-SHA256 hashes and
// compared in constant time. [RoleAdmin] may change state; [RoleViewer]
// may only read. POST /api/auth/login returns an HMAC-SHA256-signed,
// expiring session token, sent back in the [TokenHeader] header or, for
// browsers, the [SessionCookie] cookie (HttpOnly, SameSite=Strict, Secure
// over TLS). Cookie sessions must echo the [CSRFCookie] cookie in the
// [CSRFHeader] header on unsafe requests (double submit, bound to the
// session); header-token clients are exempt. Cross-origin browser requests
// are refused ([http.CrossOriginProtection]).
//
// Tokens are signed with [WithSecret] (give every instance the same one)
// and a fingerprint of the configured users, so changing a password
// invalidates existing tokens. Logout revokes the token; revocations are
// stored in the engine's backend until the token expires, so they survive
// restarts on persistent backends and reach other instances. Only the exact
// paths POST /api/auth/login and GET /api/openapi.json are public. Failed
// logins are throttled per user name and client IP ([WithLoginThrottle]).
// [WithOpenAccess] serves without authentication, for development only.
//
// Every mutation is stamped server-side with the authenticated user as the
// audit actor and the platform from the [PlatformHeader] header (cli,
// dashboard, api or sdk; otherwise the one given at login, else api).
//
// # Feature flags and segments
//
// /api/flags and /api/segments create (POST, 409 when the key exists),
// read, replace (PUT, 404 when missing: PUT never creates), delete and, for
// flags, patch fields and switch them on and off. Every write is validated
// by the engine (400 with what to fix). POST /api/flags/{key}/evaluate is
// the debugger, open to viewers; a missing flag is 404, and the request's
// default is the value when the flag serves none. GET
// /api/flags/{key}/metrics counts this instance's evaluations by
// variation, and GET /api/flags/stream streams them as Server-Sent Events.
// POST /api/segments/{key}/include and /exclude move context keys between
// a segment's lists.
//
// # Change stream and webhooks
//
// GET /api/events streams every engine change as Server-Sent Events: the
// event name is the change kind (route, global, service, rate_limit, flag,
// segment, resync) and the data a webhook.Event as JSON; a keepalive
// comment is sent every 15 seconds ([WithKeepAlive]).
//
// Webhooks are an engine subscriber of their own (package
// github.com/waygate-go/waygate/core/webhook). The handler serves a
// dispatcher's webhooks ([WithWebhooks], else one it makes on the engine):
// GET /api/webhooks lists them with their delivery counters, POST and
// DELETE add and remove webhooks stored through the engine, and GET
// /api/health sums their deliveries.
//
// # Layout
//
// The handler is assembled from parts, each its own package under
// internal/: auth (users, tokens, CSRF, revocations), api (the REST
// endpoints), dashboard (the web UI, which calls the engine as the API
// does) and hub (the Waygate Server's SDK endpoints, on with
// [WithServiceToken]). They register their endpoints with the Handler,
// which authenticates each request for the access its endpoint needs.
package admin
