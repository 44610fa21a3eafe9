package openapi

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/waygate-go/waygate/core/route"
)

// serverDoc is an OpenAPI document of version with the given servers
// (a JSON array, "" for none) and the operations GET /users/{id} and
// DELETE /users/{id}.
func serverDoc(version, servers string) []byte {
	s := ""
	if servers != "" {
		s = `"servers":` + servers + `,`
	}
	return fmt.Appendf(nil, `{"openapi":%q,"info":{"title":"t","version":"1"},%s"paths":{"/users/{id}":{`+
		`"parameters":[{"name":"id","in":"path","required":true,"schema":{"type":"string"}}],`+
		`"get":{"summary":"Get a user","responses":{"200":{"description":"OK"}}},`+
		`"delete":{"summary":"Delete a user","responses":{"204":{"description":"No Content"}}}}}}`, version, s)
}

// TestPatchServersPrefix: an OpenAPI 3 document's paths sit under the path
// of its first server URL, as a Swagger 2.0 document's sit under basePath.
func TestPatchServersPrefix(t *testing.T) {
	tests := []struct {
		name    string
		servers string
		opts    []Option
		key     string // the route key GET /users/{id} must match
	}{
		{"relative", `[{"url":"/api/v1"}]`, nil, "/api/v1/users/{id}"},
		{"relative with a trailing slash", `[{"url":"/api/v1/"}]`, nil, "/api/v1/users/{id}"},
		{"absolute", `[{"url":"https://api.example.com/api/v1"}]`, nil, "/api/v1/users/{id}"},
		{"absolute with a port, query and fragment", `[{"url":"http://localhost:8080/api/v1?x=1#top"}]`, nil, "/api/v1/users/{id}"},
		{"scheme-relative", `[{"url":"//api.example.com/api/v1"}]`, nil, "/api/v1/users/{id}"},
		{"percent-encoded", `[{"url":"https://api.example.com/api%2Dv1"}]`, nil, "/api-v1/users/{id}"},
		{"absolute without a path", `[{"url":"https://api.example.com"}]`, nil, "/users/{id}"},
		{"root", `[{"url":"/"}]`, nil, "/users/{id}"},
		{"relative to the document: no prefix", `[{"url":"v1"}]`, nil, "/users/{id}"},
		{"no servers", ``, nil, "/users/{id}"},
		{"empty servers", `[]`, nil, "/users/{id}"},
		{"variable for the base path", `[{"url":"https://api.example.com/{basePath}","variables":{"basePath":{"default":"api/v1","enum":["api/v1","api/v2"]}}}]`, nil, "/api/v1/users/{id}"},
		{"variables everywhere", `[{"url":"{scheme}://{host}/api/{version}","variables":{"scheme":{"default":"https"},"host":{"default":"api.example.com"},"version":{"default":"v2"}}}]`, nil, "/api/v2/users/{id}"},
		{"a variable holding the whole path", `[{"url":"https://api.example.com{base}","variables":{"base":{"default":"/api/v1"}}}]`, nil, "/api/v1/users/{id}"},
		{"several servers: the first counts", `[{"url":"https://api.example.com/api/v1"},{"url":"https://sandbox.example.com/sandbox/v1"}]`, nil, "/api/v1/users/{id}"},
		{"WithBasePath wins", `[{"url":"/api/v1"}]`, []Option{WithBasePath("/internal")}, "/internal/users/{id}"},
		{"WithBasePath / means none", `[{"url":"/api/v1"}]`, []Option{WithBasePath("/")}, "/users/{id}"},
	}
	for _, version := range []string{"3.0.3", "3.1.0"} {
		for _, tt := range tests {
			t.Run(version+"/"+tt.name, func(t *testing.T) {
				st := State{Routes: []route.State{
					{Path: "GET:" + tt.key, Status: route.StatusDisabled},
					{Path: "DELETE:" + tt.key, Status: route.StatusMaintenance, Reason: "audit"},
				}}
				got, err := Patch(serverDoc(version, tt.servers), st, tt.opts...)
				if err != nil {
					t.Fatal(err)
				}
				ops := operations(t, got)
				if _, ok := ops["GET /users/{id}"]; ok {
					t.Errorf("GET %s did not match the document's GET /users/{id}:\n%s", tt.key, got)
				}
				if ops["DELETE /users/{id}"][ExtStatus] != "maintenance" {
					t.Errorf("DELETE %s did not match the document's DELETE /users/{id}:\n%s", tt.key, got)
				}
				validate(t, got)
			})
		}
	}
}

// TestPatchUnmatched: a state whose routes match no operation of the
// document is an error that lists them, unless AllowUnmatched.
func TestPatchUnmatched(t *testing.T) {
	prefixed := serverDoc("3.1.0", `[{"url":"https://api.example.com/api/v1"}]`)
	bare := serverDoc("3.0.3", "")
	swagger := []byte(`{"swagger":"2.0","info":{"title":"t","version":"1"},"basePath":"/api","paths":{"/users/{id}":{"get":{"responses":{"200":{"description":"OK"}}}}}}`)
	routes := func(keys ...string) State {
		st := State{}
		for _, k := range keys {
			st.Routes = append(st.Routes, route.State{Path: k, Status: route.StatusDisabled})
		}
		return st
	}
	tests := []struct {
		name  string
		doc   []byte
		st    State
		opts  []Option
		want  *UnmatchedError // nil: no error
		words []string        // in the message
	}{
		{"routes without the servers prefix", prefixed, routes("GET:/users/{id}", "/health"), nil,
			&UnmatchedError{Keys: []string{"GET:/users/{id}", "/health"}, Prefix: "/api/v1", PrefixSource: "servers[0].url", NoneUnderPrefix: true},
			[]string{"none of the 2 route states", `"/api/v1", from servers[0].url`, "GET:/users/{id}, /health", `WithBasePath("/")`, "AllowUnmatched"}},
		{"routes under the prefix, other paths", prefixed, routes("GET:/api/v1/accounts", "GET:/api/v1/users"), nil,
			&UnmatchedError{Keys: []string{"GET:/api/v1/accounts", "GET:/api/v1/users"}, Prefix: "/api/v1", PrefixSource: "servers[0].url"},
			[]string{"check the prefix (WithBasePath) and the service (WithService)"}},
		{"no prefix", bare, routes("GET:/api/v1/users/{id}"), nil,
			&UnmatchedError{Keys: []string{"GET:/api/v1/users/{id}"}},
			[]string{"matches an operation of the document: GET:/api/v1/users/{id}; if the service serves the document's paths under a prefix"}},
		{"swagger basePath", swagger, routes("GET:/users/{id}"), nil,
			&UnmatchedError{Keys: []string{"GET:/users/{id}"}, Prefix: "/api", PrefixSource: "basePath", NoneUnderPrefix: true},
			[]string{`"/api", from basePath`}},
		{"WithBasePath", bare, routes("GET:/users/{id}"), []Option{WithBasePath("/v2")},
			&UnmatchedError{Keys: []string{"GET:/users/{id}"}, Prefix: "/v2", PrefixSource: "WithBasePath", NoneUnderPrefix: true},
			nil},
		{"many keys are counted, not all listed", bare, routes("/a", "/b", "/c", "/d", "/e", "/f", "/g", "/h", "/i", "/j", "/k", "/l"), nil,
			&UnmatchedError{Keys: []string{"/a", "/b", "/c", "/d", "/e", "/f", "/g", "/h", "/i", "/j", "/k", "/l"}},
			[]string{"/i, /j and 2 more;"}},
		{"AllowUnmatched", prefixed, routes("GET:/users/{id}"), []Option{AllowUnmatched()}, nil, nil},
		{"one match is enough", prefixed, routes("GET:/api/v1/users/{id}", "GET:/health", "GET:/metrics"), nil, nil, nil},
		{"a bare key matches every method", prefixed, routes("/api/v1/users/{id}"), nil, nil, nil},
		{"framework syntax matches", prefixed, routes("DELETE:/api/v1/users/:name"), nil, nil, nil},
		{"empty state", prefixed, State{}, nil, nil, nil},
		{"only exempt paths and global maintenance", prefixed, State{Maintenance: route.MaintenanceConfig{Enabled: true, ExemptPaths: []string{"/health"}}}, nil, nil, nil},
		{"another service's routes only", prefixed, routes("billing:GET:/pay"), nil, nil, nil},
		{"the document's service", prefixed, routes("billing:GET:/pay", "GET:/api/v1/users/{id}"), []Option{WithService("billing")},
			&UnmatchedError{Keys: []string{"billing:GET:/pay"}, Prefix: "/api/v1", PrefixSource: "servers[0].url", NoneUnderPrefix: true}, nil},
		{"a document without operations", []byte(`{"openapi":"3.0.3","info":{"title":"t","version":"1"},"paths":{}}`), routes("GET:/a"), nil, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := Patch(tt.doc, tt.st, tt.opts...)
			if tt.want == nil {
				if err != nil {
					t.Fatalf("err = %v, want none", err)
				}
				validate(t, out)
				return
			}
			var ue *UnmatchedError
			if !errors.As(err, &ue) || !errors.Is(err, ErrUnmatched) || errors.Is(err, ErrInvalidDocument) || out != nil {
				t.Fatalf("err = %v, want an *UnmatchedError and no output", err)
			}
			if !slices.Equal(ue.Keys, tt.want.Keys) || ue.Prefix != tt.want.Prefix || ue.PrefixSource != tt.want.PrefixSource || ue.NoneUnderPrefix != tt.want.NoneUnderPrefix {
				t.Errorf("got %+v, want %+v", *ue, *tt.want)
			}
			msg := err.Error()
			for _, w := range tt.words {
				if !strings.Contains(msg, w) {
					t.Errorf("message %q lacks %q", msg, w)
				}
			}
			if msg != strings.ToLower(msg[:1])+msg[1:] || strings.HasSuffix(msg, ".") {
				t.Errorf("message %q: start lower-case, end without a period", msg)
			}
			// The same call with AllowUnmatched writes the document.
			if _, err := Patch(tt.doc, tt.st, append(tt.opts, AllowUnmatched())...); err != nil {
				t.Errorf("with AllowUnmatched: %v", err)
			}
		})
	}
}

// TestNewHandlerServesUnmatched: the live handler serves what matches,
// never an error: an engine's routes come and go while it runs. The
// summary banner follows WithSummaryEmoji there too.
func TestNewHandlerServesUnmatched(t *testing.T) {
	e := demoEngine(t) // routes without the document's /api/v1
	h, err := NewHandler(e, serverDoc("3.0.3", `[{"url":"/api/v1"}]`))
	if err != nil {
		t.Fatal(err)
	}
	rec := fetch(t, h, "")
	h.Close()
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"summary": "Get a user"`) {
		t.Errorf("%d\n%s", rec.Code, rec.Body)
	}
	h, err = NewHandler(e, []byte(`{"openapi":"3.0.3","info":{"title":"t","version":"1"},"paths":{"/payments":{"get":{"summary":"List payments","responses":{"200":{"description":"OK"}}}}}}`), WithSummaryEmoji())
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	if body := fetch(t, h, "").Body.String(); !strings.Contains(body, `"summary": "🔧 Maintenance: DB migration — back at 04:00 UTC — List payments"`) {
		t.Errorf("WithSummaryEmoji on the handler:\n%s", body)
	}
}

// TestStateKeysInFrameworkSyntax: route keys and exempt paths written the
// way gin, echo and fiber write routes name the same routes.
func TestStateKeysInFrameworkSyntax(t *testing.T) {
	doc := []byte(`{"openapi":"3.0.3","info":{"title":"t","version":"1"},"servers":[{"url":"/api"}],"paths":{` +
		`"/users/{name}":{"get":{"summary":"User","responses":{"200":{"description":"OK"}}}},` +
		`"/files/{path}":{"get":{"responses":{"200":{"description":"OK"}}},"put":{"responses":{"200":{"description":"OK"}}}},` +
		`"/orders/{id}/items/{item}":{"get":{"responses":{"200":{"description":"OK"}}}},` +
		`"/health":{"get":{"responses":{"200":{"description":"OK"}}}}}}`)
	st, err := ParseState([]byte(`{"routes":[
  {"path":"GET:/api/users/:name","status":"disabled"},
  {"path":"/api/files/*path","status":"maintenance","reason":"storage move"},
  {"path":"GET:/api/orders/:id/items/:item<int>","status":"deprecated","successor_path":"/api/v2/orders"}
], "global": {"enabled": true, "exempt_paths": ["GET:/api/health", "/api/orders/:id/items/:item"]}}`))
	if err != nil {
		t.Fatal(err)
	}
	wantKeys := []string{"GET:/api/users/{name}", "/api/files/{path}", "GET:/api/orders/{id}/items/{item}"}
	for i, rs := range st.Routes {
		if rs.Path != wantKeys[i] {
			t.Errorf("routes[%d].path = %q, want %q", i, rs.Path, wantKeys[i])
		}
	}
	if !slices.Equal(st.Maintenance.ExemptPaths, []string{"GET:/api/health", "/api/orders/{id}/items/{item}"}) {
		t.Errorf("exempt paths = %q", st.Maintenance.ExemptPaths)
	}
	// A State built in Go is read the same way.
	goState := State{Routes: []route.State{
		{Path: "GET:/api/users/:name", Status: route.StatusDisabled},
		{Path: "/api/files/*", Status: route.StatusMaintenance, Reason: "storage move"},
		{Path: "GET:/api/orders/:id/items/:item", Status: route.StatusDeprecated, SuccessorPath: "/api/v2/orders"},
	}, Maintenance: route.MaintenanceConfig{Enabled: true, ExemptPaths: []string{"GET:/api/health", "/api/orders/:id/items/:item"}}}
	for name, st := range map[string]State{"state file": st, "go": goState} {
		t.Run(name, func(t *testing.T) {
			out, err := Patch(doc, st)
			if err != nil {
				t.Fatal(err)
			}
			ops := operations(t, out)
			if _, ok := ops["GET /users/{name}"]; ok {
				t.Error("GET /users/{name} is still documented")
			}
			for _, k := range []string{"GET /files/{path}", "PUT /files/{path}"} {
				if ops[k][ExtReason] != "storage move" {
					t.Errorf("%s = %v", k, ops[k])
				}
			}
			if op := ops["GET /orders/{id}/items/{item}"]; op["deprecated"] != true || op[ExtStatus] != nil {
				t.Errorf("GET /orders/{id}/items/{item} = %v, want deprecated and exempt", op)
			}
			if ops["GET /health"][ExtStatus] != nil {
				t.Errorf("exempt GET /health = %v", ops["GET /health"])
			}
		})
	}
	for in, want := range map[string]string{
		`[{"path":"GET:/a/:","status":"active"}]`:                           `routes[0].path "GET:/a/:"`,
		`[{"path":"GET:/a/{id","status":"active"}]`:                         "unclosed {",
		`{"global":{"enabled":true,"exempt_paths":["/ok","/num/:id<int"]}}`: `global.exempt_paths[1] "/num/:id<int"`,
	} {
		if _, err := ParseState([]byte(in)); err == nil || !strings.Contains(err.Error(), want) || !errors.Is(err, route.ErrInvalidKey) {
			t.Errorf("ParseState(%s) = %v, want an error containing %q", in, err, want)
		}
	}
}

// TestServerURLPath: the path part of every form a server URL takes.
func TestServerURLPath(t *testing.T) {
	for in, want := range map[string]string{
		"/api/v1": "/api/v1", "https://api.example.com/api/v1": "/api/v1", "http://h:8080/x?y=1": "/x",
		"//h/x": "/x", "https://h": "", "h/x": "", "v1": "", ".": "", "": "", "/": "/", "ws+tls://h/x": "/x",
		"1http://h/x": "", "/a?b=/c": "/a", "/#/x": "/", "://h/x": "",
	} {
		if got := urlPath(in); got != want {
			t.Errorf("urlPath(%q) = %q, want %q", in, got, want)
		}
	}
}
