// Package waygateecho brings Waygate to echo (github.com/labstack/echo/v4).
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
//	app.Use(middleware.Recover(), identify, waygateecho.Middleware(eng))
//	r := waygateecho.Wrap(eng, app)
//	app.GET("/orders/:id", getOrder)
//	app.POST("/payments", pay, waygateecho.Maintenance("DB migration"))
//	admin := app.Group("/admin", requireToken, waygateecho.Disabled("closed for audit"))
//	admin.GET("/users", listUsers)
//	if err := r.Register(ctx); err != nil { ... }
//	app.Start(":8080")
//
// # How routes are discovered
//
// Wrap sets Echo.OnAddRouteHandler (calling a hook set before it first).
// Echo calls the hook synchronously for every route added to the instance,
// its groups and its hosts, with the route's method, path template and its
// full middleware list (the group's, then the route's own). The Router
// picks the declarations out of that list and merges them in order, so a
// route's declaration overrides its group's. It never calls the
// application's middleware or handlers to do so: declarations are told
// apart by their code address (the way echo itself names handlers), and
// only they are asked for what they declare. An auth middleware in front
// of a declaration is therefore never run at startup, and nothing depends
// on echo's debug mode. The hook leaves the route's handler as echo stored
// it.
//
// Registration with the engine waits for [Router.Register] because echo
// adds an Any route one method at a time: once every route is in, a path
// that has every method Echo.Any registers, all with the same
// declarations, becomes one all-methods route with the bare key "/path", as
// the route key rules ask. Register also reads echo's own route tables
// (Echo.Routes and the host routers) and reports routes the hook never saw
// — added before Wrap or after the application replaced the hook — as
// [ErrUnguardedRoute]. Routes added after Register are registered by the
// hook as they are added, so a late route is never unenforced (an Any
// added then is registered one method at a time). Until Register runs, the
// routes are only recorded: call it before serving.
//
// Echo.Routes alone would not do: it gives method, path and handler name,
// not the middleware that carries the declarations.
//
// # How requests are judged
//
// echo v4 runs Echo.Use middleware after routing, so the middleware reads
// the matched route's raw echo template from c.Path() ("/orders/:id",
// "/files/*"); the engine resolves it through the aliases kept at
// registration, and keys are normalised ("GET:/orders/{id}",
// "GET:/files/{*}"). The check runs where the middleware sits among the
// Use middleware, and before group and route middleware (auth), so a
// blocked request never reaches them.
//
// echo v4 applies Use middleware anew on every request, and a middleware
// that wraps the next handler in a closure allocates one per request. The
// middleware instead keeps, per route, the route's handler behind the
// check, made on the route's first request: an allowed request to a route
// without rate limits allocates nothing, as long as the Waygate middleware
// is the last one added with Use (else each request pays the closure, as
// with any echo middleware). Declarations return the next handler
// unchanged and cost nothing either.
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
//   - Make the Router before adding routes; keep its OnAddRouteHandler.
//   - Declarations belong on routes and groups (Group arguments or
//     Group.Use). Passed to Echo.Use or Echo.Pre, or hidden inside another
//     middleware, they are not seen.
//   - Adding a route whose declaration is invalid (an unparsable sunset
//     date, a window ending before it starts, EnvOnly without environments,
//     a bad rate limit) panics at the route definition, naming the route.
//   - Requests matching no route (echo's 404 and 405 answers) pass through
//     the middleware too: global maintenance answers them, otherwise echo's
//     answer stands.
//   - Route keys have no host: the same method and path on two hosts share
//     one key.
//   - A route key cannot name a method outside HTTP's standard set, so
//     PROPFIND, REPORT and custom methods are not registered on their own;
//     they are covered when they are part of an all-methods (Any) route.
//
// # Conformance
//
// The adapter passes the core conformance table. Its harness is the package
// waygateechotest of this module, so tests elsewhere can run the table on
// echo too: conformance.Run(t, waygateechotest.Harness{}).
package waygateecho
