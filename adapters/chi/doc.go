// Package waygatechi brings Waygate to go-chi/chi v5.
//
// It offers the same names as every Waygate adapter: [Middleware] enforces
// the engine (r.Use); [Register] registers every route of the router with
// the engine at startup; the declarations ([Maintenance],
// [MaintenanceWindow], [Disabled], [EnvOnly], [Deprecated], [ForceActive],
// [RateLimit], [Respond], [Declare]) are chi middleware, given to With on a
// route or to Use on a group, a Route or a mounted router; [Mount] serves
// the admin handler; [SetUser], [SetRoles] and [SetAttr] tell Waygate who
// is calling.
//
//	r := chi.NewRouter()
//	r.Use(waygatechi.Middleware(e))
//	r.With(waygatechi.Maintenance("DB migration")).Get("/payments", payments)
//	r.Route("/admin", func(r chi.Router) {
//		r.Use(waygatechi.Disabled("closed for audit"))
//		r.Get("/users", users)
//	})
//	waygatechi.Mount(r, e, "/waygate", adminHandler)
//	if err := waygatechi.Register(ctx, e, r); err != nil { ... }
//	http.ListenAndServe(":8080", r)
//
// # How routes are discovered
//
// Register reads chi's own route table with chi.Walk, so routes of groups,
// Route and Mount are listed with their full templates
// ("/api/v1/orders/{id}") and the middleware chi runs for them; the
// declarations among that middleware (the outer routers' first, then the
// route's own) are the route's state. chi builds each chain once, and a
// declaration adds nothing to it, so declarations cost nothing per request.
// A route added for every method (Handle) is one all-methods route. chi's
// catch-all "/*" is Waygate's "{*}".
//
// # How a request is judged
//
// A middleware added with Use runs before chi matches the route, so the
// Middleware asks the root router (chi's Find, with a pooled routing
// context) for the pattern the request will be routed to, on the path chi
// routes by: the escaped path when the URL has one, so /orders/a%2Fb is
// the route /orders/{id}, as chi serves it. It then builds an
// engine.Request (method, pattern, concrete path), calls engine.Check and
// writes the decision. Allowed requests get the decision's headers and
// reach the handler with the original http.ResponseWriter. Requests that
// match no route (chi's 404 and 405) are not judged.
//
// Declaring a route with invalid state (an unparsable sunset date, a
// window whose end precedes its start) makes Register fail: it is a
// programming error found at startup, never at request time.
package waygatechi
