// Package waygatehttp brings Waygate to net/http (Go 1.22+ ServeMux
// patterns).
//
// It offers the same names as every Waygate adapter: [Middleware] enforces
// the engine on any ServeMux-based router; [NewServeMux] is a drop-in
// [http.ServeMux] wrapper that also declares state and registers every
// route at startup; the declarations ([Maintenance], [Disabled],
// [EnvOnly], [Deprecated], [ForceActive], [RateLimit], [Respond],
// [MaintenanceWindow]) are [RouteOption]s, which are core route options;
// [ServeMux.Mount] serves the admin handler; [SetUser], [SetRoles] and
// [SetAttr] tell Waygate who is calling.
//
//	e, _ := engine.New(ctx)
//	mux := waygatehttp.NewServeMux(e)
//	mux.HandleFunc("GET /payments", payments, waygatehttp.Maintenance("DB migration"))
//	admin := mux.Group("/admin", waygatehttp.Disabled("closed for audit"))
//	admin.HandleFunc("GET /users", users)
//	http.ListenAndServe(":8080", mux)
//
// # How routes are discovered
//
// http.ServeMux cannot list its routes, so NewServeMux registers them as
// they are added: Handle and HandleFunc register the pattern with the
// engine (method and path template; the host part of a pattern is
// ignored), with the state the route and its group declare, and add the
// handler behind the check. Routes that are never requested are listed by
// the engine from startup.
//
// [Middleware] works on a mux it did not build (Middleware(e)(mux)) or on
// single handlers (mux.Handle("GET /x", mw(h))). It cannot declare state,
// and it learns a route only when the route is first matched: a route the
// engine does not know yet is then registered without declarations (a
// route already registered, by NewServeMux or engine.Register, keeps its
// declaration). Use NewServeMux to declare state and to have every route
// listed before the first request.
//
// # What the adapter does and does not do
//
// The adapter only translates: it reads the route from the ServeMux
// pattern that matched the request (r.Pattern, or the wrapped mux's
// Handler method), builds an engine.Request (method, the pattern's path
// template, the concrete path), calls engine.Check and writes the
// decision. NewServeMux and Middleware share that code. Allowed requests
// get the decision's headers (deprecation) set and reach the handler with
// the original http.ResponseWriter, so http.Flusher, http.Hijacker and
// http.ResponseController keep working. Blocked requests get the engine's
// JSON body, or a custom response (see [Respond] and [WithResponder]).
// Requests that match no pattern (the mux's 404 and 405) are not judged.
//
// A pattern with a method (GET /x) also serves HEAD, as http.ServeMux does;
// the check uses the pattern's method so HEAD requests are judged like GET.
//
// Declaring a route with invalid state (an unparsable sunset date, a window
// whose end precedes its start) panics at registration, like an invalid
// pattern does in http.ServeMux: it is a programming error found at
// startup, never at request time.
package waygatehttp
