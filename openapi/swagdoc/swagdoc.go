// Package swagdoc reads the Swagger 2.0 document that swag's generated docs
// package registers (docs.go, from swag init), so openapi.Patch and
// openapi.NewHandler can work on the document compiled into the program
// instead of a file next to it.
//
// It lives apart from package openapi so programs that only patch files
// (the waygate CLI, OpenAPI 3 users) do not link swag's parser.
package swagdoc

import (
	"errors"
	"fmt"
	"strings"

	"github.com/swaggo/swag"
)

// ErrNotRegistered is matched (errors.Is) when no document is registered
// under the requested name.
var ErrNotRegistered = errors.New("no swag document registered")

// Read returns the document registered under name: "" for swag's default
// instance ("swagger"), or the --instanceName given to swag init. The
// generated docs package registers it in its init function, so import it
// first, for example with import _ "example.com/shop/docs".
func Read(name string) ([]byte, error) {
	if name == "" {
		name = swag.Name
	}
	s := swag.GetSwagger(name)
	if s == nil {
		return nil, fmt.Errorf("%w as %q: import the package swag init generated (import _ \"yourmodule/docs\"), or pass the --instanceName it was generated with", ErrNotRegistered, name)
	}
	doc := s.ReadDoc()
	if strings.TrimSpace(doc) == "" {
		return nil, fmt.Errorf("swag document %q is empty: run swag init again", name)
	}
	return []byte(doc), nil
}
