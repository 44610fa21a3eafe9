package openapi_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/route"
	"github.com/waygate-go/waygate/openapi"
)

// Patch a document at build time with a known state: the disabled route
// disappears and the route in maintenance gets a banner.
func ExamplePatch() {
	doc := []byte(`{"openapi":"3.0.3","info":{"title":"Shop","version":"1.0"},"paths":{` +
		`"/payments":{"get":{"summary":"List payments","responses":{"200":{"description":"OK"}}}},` +
		`"/old-reports":{"get":{"responses":{"200":{"description":"OK"}}}}}}`)
	st := openapi.State{
		Routes: []route.State{
			{Path: "GET:/payments", Status: route.StatusMaintenance, Reason: "DB migration"},
			{Path: "GET:/old-reports", Status: route.StatusDisabled},
		},
		Env: "production",
	}
	out, err := openapi.Patch(doc, st)
	if err != nil {
		panic(err)
	}
	fmt.Println(string(out))
	// Output:
	// {"openapi":"3.0.3","info":{"title":"Shop","version":"1.0","x-waygate-global-maintenance":{"enabled":false}},"paths":{"/payments":{"get":{"summary":"Maintenance: DB migration — List payments","responses":{"200":{"description":"OK"}},"description":"> 🔧 Maintenance: DB migration","x-waygate-status":"maintenance","x-waygate-reason":"DB migration"}}}}
}

// The summary banner is plain text unless asked for: code generators turn
// summaries into identifiers and comments. The description's banner
// always starts with the emoji.
func ExampleWithSummaryEmoji() {
	doc := []byte(`{"openapi":"3.0.3","info":{"title":"Shop","version":"1.0"},"paths":{` +
		`"/payments":{"get":{"summary":"List payments","responses":{"200":{"description":"OK"}}}}}}`)
	st := openapi.State{Routes: []route.State{{Path: "GET:/payments", Status: route.StatusMaintenance, Reason: "DB migration"}}}
	for _, opts := range [][]openapi.Option{nil, {openapi.WithSummaryEmoji()}} {
		out, err := openapi.Patch(doc, st, opts...)
		if err != nil {
			panic(err)
		}
		var d struct {
			Paths map[string]map[string]struct{ Summary, Description string }
		}
		if err := json.Unmarshal(out, &d); err != nil {
			panic(err)
		}
		op := d.Paths["/payments"]["get"]
		fmt.Printf("%s | %s\n", op.Summary, op.Description)
	}
	// Output:
	// Maintenance: DB migration — List payments | > 🔧 Maintenance: DB migration
	// 🔧 Maintenance: DB migration — List payments | > 🔧 Maintenance: DB migration
}

// An OpenAPI 3 document's paths sit under the path of its first server
// URL: here /users/{id} is the route GET:/api/v1/users/{id}. A state whose
// routes match none of the document's operations is an error, so a wrong
// prefix cannot leave the document silently unpatched; AllowUnmatched
// accepts it.
func ExampleAllowUnmatched() {
	doc := []byte(`{"openapi":"3.1.0","info":{"title":"Users","version":"1.0"},` +
		`"servers":[{"url":"https://api.example.com/api/v1"}],"paths":{` +
		`"/users/{id}":{"delete":{"responses":{"204":{"description":"No Content"}}}}}}`)
	matching := openapi.State{Routes: []route.State{{Path: "DELETE:/api/v1/users/:id", Status: route.StatusDisabled}}}
	out, err := openapi.Patch(doc, matching)
	fmt.Println(string(out), err)

	other := openapi.State{Routes: []route.State{{Path: "GET:/reports", Status: route.StatusDisabled}}}
	_, err = openapi.Patch(doc, other)
	var unmatched *openapi.UnmatchedError
	if errors.As(err, &unmatched) {
		fmt.Println(unmatched.Keys, unmatched.Prefix, unmatched.PrefixSource)
	}
	_, err = openapi.Patch(doc, other, openapi.AllowUnmatched())
	fmt.Println(err)
	// Output:
	// {"openapi":"3.1.0","info":{"title":"Users","version":"1.0","x-waygate-global-maintenance":{"enabled":false}},"servers":[{"url":"https://api.example.com/api/v1"}],"paths":{}} <nil>
	// [GET:/reports] /api/v1 servers[0].url
	// <nil>
}

// Serve the document patched with the engine's live state, for example at
// /openapi.json.
func ExampleNewHandler() {
	ctx := context.Background()
	e, err := engine.New(ctx, engine.WithEnv("production"))
	if err != nil {
		panic(err)
	}
	defer e.Close()
	debug, _ := route.Declare(route.EnvOnly("dev", "staging"))
	err = e.Register(ctx,
		engine.Registration{Method: "GET", Template: "/orders"},
		engine.Registration{Method: "GET", Template: "/debug", Declaration: debug},
	)
	if err != nil {
		panic(err)
	}

	doc := []byte(`openapi: 3.1.0
info: {title: Shop, version: "1.0"}
paths:
  /orders: {get: {responses: {"200": {description: OK}}}}
  /debug: {get: {responses: {"200": {description: OK}}}}
`)
	docs, err := openapi.NewHandler(e, doc)
	if err != nil {
		panic(err)
	}
	defer docs.Close()
	mux := http.NewServeMux()
	mux.Handle("GET /openapi.json", docs)

	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest("GET", "/openapi.json", nil))
	fmt.Println(rec.Code, rec.Header().Get("Content-Type"))
	fmt.Print(rec.Body.String())
	// Output:
	// 200 application/json; charset=utf-8
	// {
	//   "openapi": "3.1.0",
	//   "info": {
	//     "title": "Shop",
	//     "version": "1.0",
	//     "x-waygate-global-maintenance": {
	//       "enabled": false
	//     }
	//   },
	//   "paths": {
	//     "/orders": {
	//       "get": {
	//         "responses": {
	//           "200": {
	//             "description": "OK"
	//           }
	//         }
	//       }
	//     }
	//   }
	// }
}

// StateFromEngine reads what Patch needs from a running engine, for
// example to write a patched document in a build step.
func ExampleStateFromEngine() {
	ctx := context.Background()
	e, err := engine.New(ctx, engine.WithEnv("production"))
	if err != nil {
		panic(err)
	}
	defer e.Close()
	if err := e.Register(ctx, engine.Registration{Method: "GET", Template: "/orders/:id"}); err != nil {
		panic(err)
	}
	if _, err := e.Disable(ctx, "GET:/orders/{id}", "inventory audit"); err != nil {
		panic(err)
	}

	doc := []byte("swagger: \"2.0\"\ninfo: {title: Shop, version: \"1.0\"}\nbasePath: /\npaths:\n  /orders/{id}:\n    get: {responses: {\"200\": {description: OK}}}\n")
	out, err := openapi.Patch(doc, openapi.StateFromEngine(e))
	if err != nil {
		panic(err)
	}
	fmt.Print(string(out))
	// Output:
	// swagger: "2.0"
	// info: {title: Shop, version: "1.0", x-waygate-global-maintenance: {enabled: false}}
	// basePath: /
	// paths: {}
}

// Serve the live document and Swagger UI over it with net/http: the page
// at /docs/ loads its scripts from below /docs/ and polls /openapi.json.
func ExampleNewDocsHandler() {
	ctx := context.Background()
	e, err := engine.New(ctx, engine.WithEnv("production"))
	if err != nil {
		panic(err)
	}
	defer e.Close()
	doc := []byte(`{"swagger":"2.0","info":{"title":"Shop","version":"1.0"},"paths":{}}`)

	docs, err := openapi.NewHandler(e, doc)
	if err != nil {
		panic(err)
	}
	defer docs.Close()
	mux := http.NewServeMux()
	mux.Handle("GET /openapi.json", docs)
	mux.Handle("/docs/", http.StripPrefix("/docs", openapi.NewDocsHandler("/openapi.json", openapi.WithTitle("Shop API"))))

	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest("GET", "/docs/", nil))
	fmt.Println(rec.Code, rec.Header().Get("Content-Type"))
	fmt.Println(strings.Contains(rec.Body.String(), `<script src="./swagger-ui-bundle.js?v=`))
	// Output:
	// 200 text/html; charset=utf-8
	// true
}

// Write a patched document in YAML from a state file, as waygate openapi
// patch --state state.json does.
func ExampleParseState() {
	state := []byte(`{"env": "production", "routes": [
  {"path": "GET:/old-reports", "status": "disabled", "reason": "Replaced by /reports"}
]}`)
	doc := []byte(`{"swagger":"2.0","info":{"title":"Shop","version":"1.0"},"paths":{` +
		`"/orders":{"get":{"responses":{"200":{"description":"OK"}}}},` +
		`"/old-reports":{"get":{"responses":{"200":{"description":"OK"}}}}}}`)

	st, err := openapi.ParseState(state)
	if err != nil {
		panic(err)
	}
	out, err := openapi.Patch(doc, st, openapi.AsYAML())
	if err != nil {
		panic(err)
	}
	fmt.Print(string(out))
	// Output:
	// swagger: "2.0"
	// info:
	//   title: Shop
	//   version: "1.0"
	//   x-waygate-global-maintenance:
	//     enabled: false
	// paths:
	//   /orders:
	//     get:
	//       responses:
	//         "200":
	//           description: OK
}
