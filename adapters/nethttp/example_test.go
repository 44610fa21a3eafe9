package waygatehttp_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"

	waygatehttp "github.com/waygate-go/waygate/adapters/nethttp"
	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/ratelimit"
)

// Declare each route's state next to its handler; every route is known to
// the engine as soon as it is registered.
func ExampleNewServeMux() {
	ctx := context.Background()
	e, err := engine.New(ctx, engine.WithEnv("production"))
	if err != nil {
		panic(err)
	}
	defer e.Close()

	mux := waygatehttp.NewServeMux(e)
	mux.HandleFunc("GET /health", health, waygatehttp.ForceActive())
	mux.HandleFunc("GET /payments", payments, waygatehttp.Maintenance("DB migration"))
	mux.HandleFunc("GET /legacy/orders", orders, waygatehttp.Deprecated("2027-01-01", "/orders"))
	mux.HandleFunc("GET /debug", debug, waygatehttp.EnvOnly("dev", "staging"))

	admin := mux.Group("/admin", waygatehttp.Disabled("closed for the audit"))
	admin.HandleFunc("GET /users", users)

	for _, st := range e.Routes() {
		fmt.Println(st.Path, st.Status)
	}
	// Output:
	// GET:/admin/users disabled
	// GET:/debug env_gated
	// GET:/health active
	// GET:/legacy/orders deprecated
	// GET:/payments maintenance
}

// Middleware enforces the engine on any ServeMux-based router. A plain mux
// cannot list its routes, so each route is registered the first time it is
// matched; runtime changes by key then reach it.
func ExampleMiddleware() {
	ctx := context.Background()
	e, err := engine.New(ctx)
	if err != nil {
		panic(err)
	}
	defer e.Close()

	mux := http.NewServeMux()
	mux.HandleFunc("GET /orders", orders)
	mux.HandleFunc("GET /payments", payments)
	handler := waygatehttp.Middleware(e)(mux)

	for _, path := range []string{"/orders", "/payments"} {
		handler.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", path, nil))
	}
	if _, err := e.SetMaintenance(ctx, "GET:/payments", "DB migration"); err != nil {
		panic(err)
	}

	rec := httptest.NewRecorder()
	handler.ServeHTTP(rec, httptest.NewRequest("GET", "/payments", nil))
	fmt.Println(rec.Code, rec.Body.String())
	// Output: 503 {"error":{"code":"MAINTENANCE_MODE","message":"This endpoint is temporarily unavailable","reason":"DB migration","path":"/payments"}}
}

// Middleware can also wrap single handlers of a mux: the mux tells it the
// pattern it matched (r.Pattern).
func ExampleMiddleware_perRoute() {
	e, _ := engine.New(context.Background())
	defer e.Close()

	mw := waygatehttp.Middleware(e)
	mux := http.NewServeMux()
	mux.Handle("GET /orders/{id}", mw(http.HandlerFunc(orders)))
	mux.HandleFunc("GET /health", health) // not checked

	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest("GET", "/orders/42", nil))
	for _, st := range e.Routes() {
		fmt.Println(st.Path, st.Status)
	}
	// Output: GET:/orders/{id} active
}

// Blocked requests get a JSON body by default; WithResponder (app-wide) and
// Respond (per route) replace it.
func ExampleWithResponder() {
	e, _ := engine.New(context.Background())
	defer e.Close()

	plain := func(w http.ResponseWriter, r *http.Request, d engine.Decision) {
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(d.Status)
		fmt.Fprintf(w, "%s is unavailable: %s\n", r.URL.Path, d.Reason)
	}
	mux := waygatehttp.NewServeMux(e, waygatehttp.WithResponder(plain, engine.BlockMaintenance))
	mux.HandleFunc("GET /payments", payments, waygatehttp.Maintenance("DB migration"))

	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest("GET", "/payments", nil))
	fmt.Print(rec.Code, " ", rec.Body.String())
	// Output: 503 /payments is unavailable: DB migration
}

func health(w http.ResponseWriter, _ *http.Request)   { fmt.Fprint(w, `{"status":"ok"}`) }
func payments(w http.ResponseWriter, _ *http.Request) { fmt.Fprint(w, `{"payments":[]}`) }
func orders(w http.ResponseWriter, _ *http.Request)   { fmt.Fprint(w, `{"orders":[]}`) }
func debug(w http.ResponseWriter, _ *http.Request)    { fmt.Fprint(w, `{"debug":true}`) }
func users(w http.ResponseWriter, _ *http.Request)    { fmt.Fprint(w, `{"users":[]}`) }

// Rate limits are declared next to the route; the app's auth layer tells
// Waygate who the user is and which plan they are on.
func ExampleRateLimit() {
	e, _ := engine.New(context.Background(), engine.WithTrustedProxies("10.0.0.0/8"))
	defer e.Close()

	mux := waygatehttp.NewServeMux(e)
	mux.HandleFunc("GET /posts", posts, waygatehttp.RateLimit("5/minute"))
	mux.HandleFunc("GET /reports", reports, waygatehttp.RateLimit("2/minute",
		ratelimit.By(ratelimit.KeyUser),
		ratelimit.Tiers(ratelimit.Tier{Name: "pro", Limit: "10/minute"}),
		ratelimit.ExemptRoles("admin"),
	))
	mux.HandleFunc("GET /search", search, waygatehttp.RateLimit("10/second;500/hour",
		ratelimit.Algo(ratelimit.TokenBucket), ratelimit.Burst(20)))

	auth := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			r = waygatehttp.SetUser(r, r.Header.Get("X-User"))
			r = waygatehttp.SetAttr(r, "plan", r.Header.Get("X-Plan"))
			next.ServeHTTP(w, r)
		})
	}
	handler := auth(mux)

	for i := range 3 {
		req := httptest.NewRequest("GET", "/reports", nil)
		req.Header.Set("X-User", "alice")
		rec := httptest.NewRecorder()
		handler.ServeHTTP(rec, req)
		fmt.Printf("%d %d remaining=%s retry=%q\n", i+1, rec.Code, rec.Header().Get("X-RateLimit-Remaining"), rec.Header().Get("Retry-After"))
	}
	// Output:
	// 1 200 remaining=1 retry=""
	// 2 200 remaining=0 retry=""
	// 3 429 remaining=0 retry="60"
}

func posts(w http.ResponseWriter, _ *http.Request)   { fmt.Fprint(w, `{"posts":[]}`) }
func reports(w http.ResponseWriter, _ *http.Request) { fmt.Fprint(w, `{"reports":[]}`) }
func search(w http.ResponseWriter, _ *http.Request)  { fmt.Fprint(w, `{"results":[]}`) }

// An env-gated route outside its environments answers exactly like a path
// the app does not serve: nothing tells a client the route exists. An app
// whose clients need the JSON shape asks for it with WithJSONNotFound.
func ExampleWithJSONNotFound() {
	e, _ := engine.New(context.Background(), engine.WithEnv("production"))
	defer e.Close()

	hidden := waygatehttp.NewServeMux(e)
	hidden.HandleFunc("GET /debug", debug, waygatehttp.EnvOnly("dev"))
	json := waygatehttp.NewServeMux(e, waygatehttp.WithJSONNotFound())
	json.HandleFunc("GET /debug", debug, waygatehttp.EnvOnly("dev"))

	for _, tc := range []struct {
		mux  http.Handler
		path string
	}{{hidden, "/debug"}, {hidden, "/nope"}, {json, "/debug"}} {
		rec := httptest.NewRecorder()
		tc.mux.ServeHTTP(rec, httptest.NewRequest("GET", tc.path, nil))
		fmt.Printf("%s %d %s %q\n", tc.path, rec.Code, rec.Header().Get("Content-Type"), rec.Body.String())
	}
	// Output:
	// /debug 404 text/plain; charset=utf-8 "404 page not found\n"
	// /nope 404 text/plain; charset=utf-8 "404 page not found\n"
	// /debug 404 application/json "{\"error\":{\"code\":\"NOT_FOUND\",\"message\":\"Not Found\",\"path\":\"/debug\"}}"
}
