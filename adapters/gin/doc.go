// Package waygategin brings Waygate to gin (v1.12).
//
// [Middleware] has the engine judge every request; a [Router], made by
// [Wrap], registers routes on gin and declares their state with the engine
// as they are added; [Router.Register] registers the rest of gin's routes
// before serving:
//
//	e, _ := engine.New(ctx)
//	g := gin.New()
//	g.Use(gin.Recovery(), waygategin.Middleware(e))
//	r := waygategin.Wrap(e, g)
//	r.GET("/payments", waygategin.Maintenance("DB migration"), payments)
//	admin := r.Group("/admin", requireToken, waygategin.Disabled("closed for audit"))
//	admin.GET("/users", users)
//	if err := r.Register(ctx); err != nil {
//		log.Fatal(err)
//	}
//	g.Run(":8080")
//
// # Declarations are handlers
//
// Maintenance, MaintenanceWindow, Disabled, EnvOnly, Deprecated,
// ForceActive, RateLimit, Respond and the generic Declare return a
// gin.HandlerFunc, so they go where gin middleware goes: among a route's
// handlers, a group's handlers or a group's Use. They apply in chain order:
// the group's first, then the route's own, so a route overrides its group.
// The Router takes them out of the chain before handing the route to gin,
// so they cost nothing per request.
//
// # How routes are discovered
//
// gin offers no hook on route registration, and its route table
// (Engine.Routes) reports each route's method, path and last handler only:
// the handler chain, where declarations sit, is unexported. So discovery
// has two parts, both at startup and neither running any handler:
//
//   - The Router is a thin wrapper with gin's own method set (it is a
//     gin.IRoutes). For each route it recognises the declarations among the
//     handlers, registers the route with the engine with its declaration
//     (and its group's), then delegates to the real gin group.
//     Declarations are recognised by their code pointer, never by calling
//     a handler: application handlers and middleware never run, whatever
//     their order (an auth middleware in front of a declaration is fine).
//   - [Router.Register] walks gin's real route table and registers, as
//     plain routes, those not added through the Router: routes added to the
//     gin.Engine directly, by another library, or before Wrap. Call it once
//     all routes are added; calling it again registers only new routes.
//
// Neither depends on gin's debug mode (gin.DebugPrintRouteFunc is only
// called in debug mode, so it was not an option).
//
// Each route is registered with gin's raw template ("/orders/:id",
// "/files/*path"), which is what c.FullPath reports at request time, so the
// middleware passes it to the engine as is; the engine lists the route
// under its normalised key ("GET:/orders/{id}", "GET:/files/{path}").
//
//   - Any through the Router registers one all-methods key ("/path") that
//     runtime changes address as a whole; gin.Engine.Any called directly is
//     found by Register as the nine per-method routes gin creates.
//   - Match registers one route per method; StaticFile, StaticFileFS,
//     Static and StaticFS register the GET and HEAD routes gin adds, with
//     the group's declaration.
//
// # What the middleware does and does not do
//
// The middleware only translates: it builds an engine.Request (method,
// c.FullPath(), the concrete path, the client address, the request headers
// and the attributes set with [SetUser], [SetRoles], [SetAttr] or gin's
// c.Set), calls engine.Check and writes the decision. Allowed requests get
// the decision's headers (deprecation, rate limits) and go on down the
// chain; blocked ones are aborted and get the engine's JSON body, or a
// custom response ([Respond] per route, [WithResponder] app-wide).
//
// Add it with Use before registering routes: gin composes each route's
// chain when the route is added. gin also runs Use middleware for requests
// that match no route, so those are judged too: global maintenance answers
// them, otherwise gin's 404 stands.
//
// # Errors
//
// An invalid declaration (an unparsable sunset date, a window that ends
// before it starts, a bad rate limit) panics when the route or group is
// added, as gin does for an invalid path: it is a programming error found
// at startup, never at request time.
//
// # Limitations
//
// A declaration given to gin itself instead of a Router (for example
// g.GET("/x", waygategin.Maintenance("..."), h) on the gin.Engine, or a
// group made with gin's own Group) cannot be seen at startup: the route is
// registered as plain, and the declaration, when it runs, adds
// [ErrDeclarationIgnored] to c.Errors (gin's Logger prints it).
//
// # Conformance
//
// The adapter passes the core conformance table. Its harness is the package
// waygategintest of this module, so tests elsewhere can run the table on
// gin too: conformance.Run(t, waygategintest.Harness{}).
package waygategin
