// Package dashboard is the admin handler's web UI: server-rendered
// html/template pages with htmx for in-place updates and the htmx SSE
// extension for live changes, every asset embedded (nothing loaded from the
// internet). Pages read and change the engine through the same calls as the
// REST API, sign in through the same authenticator, carry CSRF tokens in
// their forms, and read without JavaScript.
//
// Dashboard pages authenticate themselves rather than through the
// handler's JSON gate: a browser without a session is sent to the sign-in
// page instead of getting a JSON 401, and forms carry their CSRF token in a
// hidden field, which works without JavaScript.
package dashboard
