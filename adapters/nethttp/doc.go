// Package waygatehttp brings Waygate to net/http (Go 1.22+ ServeMux
// patterns).
//
// [NewServeMux] returns a drop-in [http.ServeMux] wrapper. Every route
// registered through it is known to the engine at once, with the state its
// declaration gives, and every request to it is judged by the engine before
// the handler runs:
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
// http.ServeMux cannot list its routes, so registration goes through the
// wrapper: Handle and HandleFunc register the pattern with the engine
// (method and path template; the host part of a pattern is ignored) and
// wrap the handler with the check for that one route. The route's template
// is therefore known without a lookup per request, and routes that are
// never requested are still listed by the engine from startup.
//
// # What the adapter does and does not do
//
// The adapter only translates: it builds an engine.Request (method, the
// route's template, the concrete path), calls engine.Check and writes the
// decision. Allowed requests get the decision's headers (deprecation) set
// and reach the handler with the original http.ResponseWriter, so
// http.Flusher, http.Hijacker and http.ResponseController keep working.
// Blocked requests get the engine's JSON body, or a custom response (see
// [Respond] and [WithResponder]).
//
// A pattern with a method (GET /x) also serves HEAD, as http.ServeMux does;
// the check uses the pattern's method so HEAD requests are judged like GET.
//
// Declaring a route with invalid state (an unparsable sunset date, a window
// whose end precedes its start) panics at registration, like an invalid
// pattern does in http.ServeMux: it is a programming error found at
// startup, never at request time.
package waygatehttp
