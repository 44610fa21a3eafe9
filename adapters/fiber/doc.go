// Package waygatefiber brings Waygate to fiber v2 (gofiber/fiber/v2).
//
// It offers the same names as every Waygate adapter: [Middleware] returns
// the enforcing fiber.Handler; [Register] discovers the app's routes at
// startup; the declarations ([Declare], [Maintenance], [MaintenanceWindow],
// [Disabled], [EnvOnly], [Deprecated], [ForceActive], [RateLimit],
// [Respond]) are fiber.Handlers; [Mount] serves the admin handler; [SetUser],
// [SetRoles] and [SetAttr] tell Waygate who is calling. Package
// waygatefibertest runs the core conformance table on fiber.
//
// Declare route state with the wrappers, which are ordinary fiber handlers
// placed among a route's handlers or passed to app.Group or app.Use; then
// hand the middleware from [Middleware] to [Register] once the routes are
// declared:
//
//	app := fiber.New()
//	app.Get("/orders", orders)
//	app.Get("/payments", waygatefiber.Maintenance("DB migration"), payments)
//	admin := app.Group("/admin", waygatefiber.Disabled("closed for audit"))
//	admin.Get("/users", users)
//	if err := waygatefiber.Register(ctx, app, waygatefiber.Middleware(e)); err != nil {
//		log.Fatal(err)
//	}
//	app.Listen(":8080")
//
// Every route of the app, wrapped or plain, is then known to the engine
// with its declared state, and every request to it is judged by the engine
// before the route's handlers run.
//
// # How routes are discovered
//
// Register reads fiber's own route table after the routes are declared:
// app.Stack() gives the routes with their handler chains, in the order
// fiber matches them, and app.GetRoutes(true) tells routes from app.Use
// and group middleware. The wrappers are recognised among the handlers by
// their code pointer (core's route.Markers) and asked for their
// declaration; no other handler is ever called, so application handlers
// and middleware (auth, for example) do not run, and a wrapper may sit
// behind them. A group's declaration is
// the one passed to app.Group or app.Use for a prefix of the route's path,
// registered before the route (fiber would not run it otherwise); the
// route's own wrappers override it. Mounted apps are included: Register
// has fiber merge them into the stack first (app.Handler), as it does
// before serving.
//
// Routes from one All call (one handler chain for every method) are folded
// into one all-methods route by core's engine.MergeAllMethods, with the
// chain as the registration's Origin and the app's RequestMethods as the
// methods.
//
// fiber's Hooks().OnRoute sees routes one at a time as they are added, so
// it cannot know that a HEAD route is the twin fiber adds for a GET route,
// that nine routes come from one All call, or whether a route is
// middleware; and mounted apps' routes are merged without hooks. Reading
// the finished table has none of these gaps, so discovery reads the table;
// the hooks cover routes added after Register. Register installs an
// OnRoute hook that logs, once per route added (through log/slog, as a
// warning), that the route is not checked until Register runs again, and
// an OnListen hook that runs Register again when the app starts listening.
// The usual order — routes, Register, more routes, app.Listen — therefore
// checks every route. An app served without fiber's Listen methods
// (app.Handler, app.Test) runs no OnListen hook: call Register again after
// adding routes.
//
// # Where the check runs
//
// fiber runs app.Use middleware before it has matched the route (inside
// such middleware c.Route() is the middleware's own entry), so the check
// cannot be an app.Use middleware: Register puts the middleware at the
// head of each route's handlers, where c.Route() is the matched route. It
// judges the request with engine.Check (method, the route's raw fiber
// template such as "/items/:id", and the concrete path), then writes the
// decision: a blocked request gets the custom responder if one applies
// (the route's [Respond], else [WithResponder] for the outcome, else
// WithResponder for every outcome) or the engine's JSON body; an allowed
// one gets the decision's headers (deprecation) and continues with
// c.Next. Middleware given to app.Use or app.Group (logger, recover,
// auth) therefore runs before the check, as middleware wrapping a net/http
// mux does; handlers passed to the route run after it. To put the check
// later in one route's chain (after its auth, say), place the middleware
// there yourself; Register then adds no second one. Mounted with app.Use,
// the middleware only calls c.Next.
//
// # Route keys
//
// Keys use the template normalised by core: "/items/:id" is
// "GET:/items/{id}", "/files/*" is "GET:/files/{*}", "/opt/:id?" is
// "GET:/opt/{id}". The raw fiber template is registered as an alias, so
// requests are looked up without normalising. A route added with All is
// registered once with the all-methods key ("/anything"); fiber's HEAD
// twin of a GET route is judged as the GET route and not registered; a
// route added with Head alone keeps its HEAD key.
//
// # Rate limits and who is calling
//
// [RateLimit] declares a rate limit on a route or a group like any other
// state. The middleware shows the engine the socket peer (fasthttp's
// RemoteAddr, as Request.Peer; the engine trusts X-Forwarded-For only from proxies it is
// told to trust), the request headers (X-API-Key, custom keys) and the
// fiber locals (c.Locals), where [SetUser] and [SetRoles] put the caller's
// identity and [SetAttr] any other attribute, such as the "plan" a tiered
// limit reads. Set them in middleware that runs before the route's handlers
// (app.Use or the group's).
//
// # fasthttp memory
//
// fiber's strings (c.Path(), c.Method(), c.Get()) are views into fasthttp's
// buffers or fiber's pooled context, reused once the handler returns. The
// middleware passes the engine the route's method and template, which fiber
// keeps for the app's lifetime, and c.Path(), which engine.Check only reads
// (a blocked body is a fresh copy). Header values and string locals are
// copied when the engine reads them, because a rate-limit counter keyed by
// them outlives the request; SetUser, SetRoles and SetAttr store copies.
// The decision given to a ResponseFunc belongs to the engine and may be
// kept; the *fiber.Ctx must not be, as in any fiber handler. The middleware
// keeps nothing from a request, and allocates nothing on an allowed request
// to a route without a rate limit (the peer is passed as a netip.AddrPort).
//
// # Limitations
//
// Register the app that serves, not an app mounted into it: fiber serves
// copies of a mounted app's routes. Routes added after the app started
// listening are not registered or checked. Static routes (file servers,
// which fiber keeps as middleware) are not routes to Waygate. A wrapper is
// only seen where fiber stores it: one called from inside another handler
// is invisible. A group prefix matches the
// route's path by whole segments (fiber itself matches app.Use prefixes
// by plain string prefix) and parameter names must be spelled alike.
package waygatefiber
