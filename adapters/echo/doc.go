// Package waygateecho brings Waygate to echo (github.com/labstack/echo/v4).
//
// [New] installs a [Gate] on an *echo.Echo. Route state is declared with
// route middleware — [Maintenance], [MaintenanceWindow], [Disabled],
// [EnvOnly], [Deprecated], [ForceActive], [RateLimit], [Respond] and the
// generic [Declare] — on a route or on a group, in echo's own way;
// [Gate.Register] lists every route with the engine before serving:
//
//	eng, _ := engine.New(ctx)
//	app := echo.New()
//	gate := waygateecho.New(app, eng)
//	app.GET("/orders/:id", getOrder)
//	app.POST("/payments", pay, waygateecho.Maintenance("DB migration"))
//	admin := app.Group("/admin", requireToken, waygateecho.Disabled("closed for audit"))
//	admin.GET("/users", listUsers)
//	if err := gate.Register(ctx); err != nil { ... }
//	app.Start(":8080")
//
// # How routes are discovered
//
// New sets Echo.OnAddRouteHandler (calling a hook set before it first).
// Echo calls the hook synchronously for every route added to the instance,
// its groups and its hosts, with the route's method, path template, handler
// and its full middleware list (the group's, then the route's own). The
// Gate scans that list for its own wrappers and merges their declarations
// in order, so a route's declaration overrides its group's. It never calls
// the application's middleware or handlers to do so: the wrappers are told
// apart by their code address (the way echo itself names handlers), and
// only they are asked for their declaration. An auth middleware in front of
// the wrappers is therefore never run at startup, and nothing depends on
// echo's debug mode.
//
// Registration with the engine waits for [Gate.Register] because echo adds
// an Any route one method at a time: once every route is in, a path that
// has every method Echo.Any registers, all with the same declarations,
// becomes one all-methods route with the bare key "/path", as the route key
// rules ask. Register also reads echo's own route tables (Echo.Routes and
// the host routers) and reports routes the hook never saw — added before New
// or after the application replaced the hook — as [ErrUnguardedRoute]. If
// Register was forgotten, or routes are added after it, the routes are
// registered before the next request is judged (a forgotten Register is
// logged as a warning), so a declared state is never learned from a
// request.
//
// Echo.Routes alone would not do: it gives method, path and handler name,
// not the middleware that carries the declarations.
//
// # How requests are judged
//
// The hook also replaces the route's handler, through the host's
// Router.Add, with a guard: the engine check in front of exactly what echo
// had stored (the route's middleware applied to its handler on every
// request). The check therefore runs after Echo.Use middleware (logging,
// recovery, CORS) and before group and route middleware (auth). The guard
// knows its route's raw echo template ("/orders/:id", "/files/*"), so it
// builds the engine.Request without a lookup; the engine resolves it
// through the aliases kept at registration, and keys are normalised
// ("GET:/orders/{id}", "GET:/files/{*}").
//
// Per-route guards rather than an Echo.Use middleware because echo v4
// applies middleware on every request: any Use middleware allocates a
// closure per request, while the guard is built once and allocates
// nothing of its own on an active route. The declaration wrappers return
// the next handler unchanged and cost nothing either.
//
// The request view carries the method, the template, the concrete path,
// the socket peer (RemoteAddr; the engine decides whether to trust
// X-Forwarded-For), the headers, and the attributes set with [SetUser],
// [SetRoles] and [SetAttr]. Those travel in the request's context and must
// be set before the check: from Echo.Use or Echo.Pre middleware (the app's
// auth), not from group or route middleware, which runs after it.
//
// The adapter only translates: it calls engine.Check and writes the
// decision. Allowed requests get the decision's headers (deprecation, rate
// limit) and continue with echo's own context and response. Blocked
// requests get a custom response ([Respond] on the route or group, else
// [WithResponder] for the outcome, else for every outcome) or the engine's
// JSON body.
//
// # Rules and limits
//
//   - Create the Gate before adding routes; keep its OnAddRouteHandler.
//   - Declarations belong on routes and groups (Group arguments or
//     Group.Use). Passed to Echo.Use or Echo.Pre, or hidden inside another
//     middleware, they are not seen.
//   - Adding a route whose declaration is invalid (an unparsable sunset
//     date, a window ending before it starts, EnvOnly without environments,
//     a bad rate limit) panics at the route definition, naming the route.
//   - Requests matching no route (echo's 404 and 405 answers) are not
//     judged, as with the net/http adapter.
//   - Route keys have no host: the same method and path on two hosts share
//     one key.
//   - A route key cannot name a method outside HTTP's standard set, so
//     PROPFIND, REPORT and custom methods are not registered on their own;
//     they are covered when they are part of an all-methods (Any) route.
package waygateecho
