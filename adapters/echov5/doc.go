// Package waygateechov5 brings Waygate to echo v5 (github.com/labstack/echo/v5).
//
// [Middleware], added with Echo.Use, has the engine judge every request; a
// [Router], made by [Wrap] before routes are added, discovers every route
// with the state it declares, and [Router.Register] registers them with
// the engine before serving. Route state is declared with route middleware
// — [Maintenance], [MaintenanceWindow], [Disabled], [EnvOnly],
// [Deprecated], [ForceActive], [RateLimit], [Respond] and the generic
// [Declare] — on a route or on a group, in echo's own way:
//
//	eng, _ := engine.New(ctx)
//	app := echo.New()
//	app.Use(middleware.Recover(), identify, waygateechov5.Middleware(eng))
//	r := waygateechov5.Wrap(eng, app)
//	app.GET("/orders/:id", getOrder)
//	app.POST("/payments", pay, waygateechov5.Maintenance("DB migration"))
//	admin := app.Group("/admin", requireToken, waygateechov5.Disabled("closed for audit"))
//	admin.GET("/users", listUsers)
//	if err := r.Register(ctx); err != nil { ... }
//	app.Start(":8080")
//
// # How routes are discovered
//
// Wrap sets Echo.OnAddRoute (calling a hook set before it first, and
// keeping a route it rejects out). Echo calls the hook synchronously for
// every route added to the instance and its groups, with the route's
// method, path template and its full middleware list (the group's, then
// the route's own). The Router picks the declarations out of that list and
// merges them in order, so a route's declaration overrides its group's. It
// never calls the application's middleware or handlers to do so:
// declarations are told apart by their code address (the way echo itself
// names handlers), and only they are asked for what they declare. An auth
// middleware in front of a declaration is therefore never run by Waygate.
// The hook leaves the route as echo received it.
//
// [Router.Register] then walks echo's route registry
// (Echo.Router().Routes()): every route there is registered with the
// declarations the hook recorded for it, so a route echo refused is never
// registered, and a route the hook never saw — added before Wrap or after
// the application replaced the hook — is reported as [ErrUnguardedRoute].
// Echo.Any adds one route for every method (echo.RouteAny), registered as
// one all-methods route with the bare key "/path", as the route key rules
// ask. The 404 routes echo adds for Group.Use (echo.RouteNotFound) are not
// routes of the API. Routes added after Register are registered by the
// hook as they are added, so a late route is never unenforced. Until
// Register runs, the routes are only recorded: call it before serving.
//
// The registry alone would not do: it gives method, path and name, not the
// middleware that carries the declarations.
//
// # How requests are judged
//
// echo runs Echo.Use middleware after routing, so the middleware reads the
// matched route's raw echo template from c.Path() ("/orders/:id",
// "/files/*"); the engine resolves it through the aliases kept at
// registration, and keys are normalised ("GET:/orders/{id}",
// "GET:/files/{*}"). The check runs where the middleware sits among the
// Use middleware, and before group and route middleware (auth), so a
// blocked request never reaches them. A HEAD request the router serves
// with a GET route (RouterConfig.AutoHandleHEAD) is judged as that GET
// route.
//
// echo v5 builds the Use chain once, when Use is called, and a route's
// middleware once, when the route is added: the check allocates nothing
// for an allowed request to a route without rate limits, and declarations
// return the next handler unchanged and cost nothing either.
//
// The request view carries the method, the template, the concrete path,
// the socket peer (RemoteAddr; the engine decides whether to trust
// X-Forwarded-For), the headers, and the attributes set with [SetUser],
// [SetRoles] and [SetAttr]. Those travel in the request's context and must
// be set before the check: from Echo.Pre middleware or Echo.Use middleware
// added before Waygate's (the app's auth), not from group or route
// middleware, which runs after it.
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
//   - Make the Router before adding routes; keep its Echo.OnAddRoute.
//   - Declarations belong on routes and groups (Group arguments or
//     Group.Use). Passed to Echo.Use or Echo.Pre, or hidden inside another
//     middleware, they are not seen.
//   - Adding a route whose declaration is invalid (an unparsable sunset
//     date, a window ending before it starts, EnvOnly without environments,
//     a bad rate limit) fails at the route definition, naming the route:
//     Echo.AddRoute returns the error (wrapping
//     route.ErrInvalidDeclaration), Echo.GET and the other shorthands panic
//     with it.
//   - Requests matching no route (echo's 404 and 405 answers, a group's
//     404 route) pass through the middleware too: global maintenance
//     answers them, otherwise echo's answer stands.
//   - A hidden route (EnvOnly outside its environments) answers
//     echo.ErrNotFound, which the app's HTTPErrorHandler renders as it
//     renders the router's 404; a RouterConfig.NotFoundHandler is not
//     called for it.
//   - Virtual hosts (echo.NewVirtualHostHandler) are one Echo each: wrap
//     each and add the middleware to each. Route keys have no host: the
//     same method and path on two hosts share one key.
//   - Register reads echo's route registry, so a custom Router must list
//     its routes in Routes.
//   - A route key cannot name a method outside HTTP's standard set, so
//     PROPFIND, REPORT, QUERY and custom methods are not registered on
//     their own; they are covered when they are part of an Any route.
//
// # Conformance
//
// The adapter passes the core conformance table. Its harness is the package
// waygateechov5test of this module, so tests elsewhere can run the table on
// echo v5 too: conformance.Run(t, waygateechov5test.Harness{}).
package waygateechov5
