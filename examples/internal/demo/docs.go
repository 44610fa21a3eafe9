package demo

import (
	"fmt"
	"net/http"

	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/openapi"
	"github.com/waygate-go/waygate/openapi/swagdoc"
)

// Where the demos serve their API documentation (SPEC §14).
const (
	// SpecPath serves the OpenAPI document patched with the live state.
	SpecPath = "/openapi.json"
	// DocsPath serves Swagger UI over SpecPath.
	DocsPath = "/docs"
)

// NewDocs returns the handler of SpecPath and the Swagger UI of DocsPath.
// The document is the one swag generated from the demo's annotations,
// read from swag's registry (the demo imports its docs package), and
// follows the engine's state: routes in maintenance are bannered, disabled
// and env-gated ones left out. Waygate never checks either path, so the
// docs stay readable during maintenance. Close the handler on shutdown.
func NewDocs(e *engine.Engine) (*openapi.Handler, http.Handler, error) {
	doc, err := swagdoc.Read("")
	if err != nil {
		return nil, nil, err
	}
	spec, err := openapi.NewHandler(e, doc)
	if err != nil {
		return nil, nil, fmt.Errorf("the generated docs: %w (run go generate)", err)
	}
	e.Unguard(SpecPath)
	e.Unguard(DocsPath)
	ui := openapi.NewDocsHandler(SpecPath, openapi.WithTitle("Waygate demo shop — API"))
	return spec, ui, nil
}
