package swagdoc_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/swaggo/swag"

	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/route"
	"github.com/waygate-go/waygate/openapi"
	"github.com/waygate-go/waygate/openapi/swagdoc"
)

// The template swag init writes into docs.go, cut down to two paths.
const docTemplate = `{
    "schemes": {{ marshal .Schemes }},
    "swagger": "2.0",
    "info": {
        "description": "{{escape .Description}}",
        "title": "{{.Title}}",
        "contact": {},
        "version": "{{.Version}}"
    },
    "host": "{{.Host}}",
    "basePath": "{{.BasePath}}",
    "paths": {
        "/payments": {"get": {"summary": "List payments", "responses": {"200": {"description": "OK"}}}},
        "/old-reports": {"get": {"responses": {"200": {"description": "OK"}}}}
    }
}`

// init does what a generated docs package's init does, for the default
// instance and a named one (swag's registry refuses a second Register).
func init() {
	for name, title := range map[string]string{"swagger": "Shop", "admin": "Admin"} {
		info := &swag.Spec{
			Version: "1.0", BasePath: "/api", Title: title, Description: "The shop.",
			InfoInstanceName: name, SwaggerTemplate: docTemplate, LeftDelim: "{{", RightDelim: "}}",
		}
		swag.Register(info.InstanceName(), info)
	}
}

func TestReadFollowsTheRegistry(t *testing.T) {
	doc, err := swagdoc.Read("")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(doc), `"title": "Shop"`) || !strings.Contains(string(doc), `"basePath": "/api"`) {
		t.Fatalf("default instance:\n%s", doc)
	}
	if other, err := swagdoc.Read("admin"); err != nil || !strings.Contains(string(other), `"title": "Admin"`) {
		t.Fatalf("named instance: %v\n%s", err, other)
	}

	_, err = swagdoc.Read("missing")
	if !errors.Is(err, swagdoc.ErrNotRegistered) || !strings.Contains(err.Error(), `"missing"`) || !strings.Contains(err.Error(), "import") {
		t.Fatalf("missing instance: err = %v", err)
	}

	// The registered document patches like a file: basePath /api joins the
	// route keys.
	ctx := context.Background()
	e, err := engine.New(ctx, engine.WithEnv("production"))
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	pay, _ := route.Declare(route.Maintenance("DB migration"))
	old, _ := route.Declare(route.Disabled("gone"))
	if err := e.Register(ctx,
		engine.Registration{Method: "GET", Template: "/api/payments", Declaration: pay},
		engine.Registration{Method: "GET", Template: "/api/old-reports", Declaration: old},
	); err != nil {
		t.Fatal(err)
	}
	h, err := openapi.NewHandler(e, doc)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/openapi.json", nil))
	body := rec.Body.String()
	if rec.Code != 200 || !strings.Contains(body, "\"Maintenance: DB migration — List payments\"") || strings.Contains(body, "/old-reports") {
		t.Fatalf("patched swag document: %d\n%s", rec.Code, body)
	}
}
