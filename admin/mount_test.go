package admin_test

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/waygate-go/waygate/admin"
	"github.com/waygate-go/waygate/core/waygatetest"
)

// The OpenAPI document describes exactly the registered endpoints.
func TestOpenAPIListsEveryEndpoint(t *testing.T) {
	f := newFixture(t)
	r := f.call("GET", "/api/openapi.json", "", "")
	want(t, r, http.StatusOK)
	var doc struct {
		OpenAPI string                               `json:"openapi"`
		Servers []struct{ URL string }               `json:"servers"`
		Paths   map[string]map[string]map[string]any `json:"paths"`
	}
	r.json(t, &doc)
	if !strings.HasPrefix(doc.OpenAPI, "3.") || len(doc.Servers) != 1 || doc.Servers[0].URL != "/waygate" {
		t.Errorf("openapi %q servers %+v", doc.OpenAPI, doc.Servers)
	}
	registered := map[string]bool{}
	for _, p := range admin.Patterns(f.h) {
		method, path, _ := strings.Cut(p, " ")
		registered[strings.ToLower(method)+" "+path] = true
		op, found := doc.Paths[path][strings.ToLower(method)]
		if !found {
			t.Errorf("%s is not in openapi.json", p)
			continue
		}
		if _, found := op["responses"]; !found {
			t.Errorf("%s has no responses", p)
		}
		security, declared := op["security"].([]any)
		// Public to the handler: no credentials at all, or OFREP's key,
		// which its endpoints check themselves.
		ownKey := len(security) == 1 && fmt.Sprint(security[0]) == "map[ofrepKey:[]]"
		if public := admin.IsPublic(f.h, p); public != (declared && (len(security) == 0 || ownKey)) {
			t.Errorf("%s: public %v, but openapi security is %v", p, public, op["security"])
		}
	}
	for path, ops := range doc.Paths {
		for method := range ops {
			if !registered[method+" "+path] {
				t.Errorf("openapi.json documents %s %s, which is not served", method, path)
			}
		}
	}
	// Every $ref resolves.
	raw, _ := os.ReadFile("internal/api/openapi.json")
	var all map[string]any
	if err := json.Unmarshal(raw, &all); err != nil {
		t.Fatal(err)
	}
	for _, ref := range refs(all) {
		parts := strings.Split(strings.TrimPrefix(ref, "#/"), "/")
		var node any = all
		for _, p := range parts {
			m, _ := node.(map[string]any)
			node = m[p]
		}
		if node == nil {
			t.Errorf("$ref %s does not resolve", ref)
		}
	}
}

func refs(v any) []string {
	var out []string
	switch x := v.(type) {
	case map[string]any:
		for k, c := range x {
			if s, isString := c.(string); k == "$ref" && isString {
				out = append(out, s)
			}
			out = append(out, refs(c)...)
		}
	case []any:
		for _, c := range x {
			out = append(out, refs(c)...)
		}
	}
	return out
}

// The handler works under any prefix: behind http.StripPrefix, where it
// finds its mount path itself, or with WithPrefix and no stripping.
func TestMountedUnderAnyPrefix(t *testing.T) {
	eng, clk := waygatetest.NewEngine(t)
	registerDemo(t, eng)
	quiet := admin.WithLogger(slog.New(slog.DiscardHandler))
	users := admin.WithUser("admin", adminPass, admin.RoleAdmin)
	stripped, err := admin.New(eng, users, quiet, admin.WithClock(clk), admin.WithIterations(1000))
	if err != nil {
		t.Fatal(err)
	}
	defer stripped.Close()
	prefixed, err := admin.New(eng, users, quiet, admin.WithClock(clk), admin.WithIterations(1000), admin.WithPrefix("/waygate/"))
	if err != nil {
		t.Fatal(err)
	}
	defer prefixed.Close()
	mux := http.NewServeMux()
	mux.Handle("/ops/waygate/", http.StripPrefix("/ops/waygate", stripped))
	mux.Handle("/waygate/", prefixed)
	mux.Handle("/elsewhere/", prefixed)
	srv := httptest.NewServer(mux)
	defer srv.Close()

	for _, mount := range []string{"/ops/waygate", "/waygate"} {
		resp, err := http.Post(srv.URL+mount+"/api/auth/login", "application/json",
			strings.NewReader(`{"username":"admin","password":"`+adminPass+`"}`))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: login %d", mount, resp.StatusCode)
		}
		i := slices.IndexFunc(resp.Cookies(), func(c *http.Cookie) bool { return c.Name == admin.SessionCookie })
		if i < 0 || resp.Cookies()[i].Path != mount {
			t.Errorf("%s: session cookie %v", mount, resp.Cookies())
			continue
		}
		req, _ := http.NewRequest("GET", srv.URL+mount+"/api/routes/"+key("GET:/orders"), nil)
		req.AddCookie(resp.Cookies()[i])
		got, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		got.Body.Close()
		if got.StatusCode != http.StatusOK {
			t.Errorf("%s: GET route %d", mount, got.StatusCode)
		}
		got, _ = http.Get(srv.URL + mount + "/api/openapi.json")
		body, _ := io.ReadAll(got.Body)
		got.Body.Close()
		if !strings.Contains(string(body), `"servers":[{"url":"`+mount+`"}]`) {
			t.Errorf("%s: openapi servers in %.200s", mount, body)
		}
	}
	// With WithPrefix, paths outside the prefix are not served.
	got, _ := http.Get(srv.URL + "/elsewhere/api/openapi.json")
	got.Body.Close()
	if got.StatusCode != http.StatusNotFound {
		t.Errorf("outside the prefix: %d", got.StatusCode)
	}
}
