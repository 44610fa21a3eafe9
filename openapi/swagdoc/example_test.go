package swagdoc_test

import (
	"context"
	"fmt"
	"net/http"

	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/openapi"
	"github.com/waygate-go/waygate/openapi/swagdoc"
)

// Serve the document swag's generated docs package registered (a program
// imports it, e.g. import _ "example.com/shop/docs"), patched live.
func ExampleRead() {
	e, err := engine.New(context.Background(), engine.WithEnv("production"))
	if err != nil {
		panic(err)
	}
	defer e.Close()

	doc, err := swagdoc.Read("") // swag's default instance
	if err != nil {
		panic(err)
	}
	spec, err := openapi.NewHandler(e, doc)
	if err != nil {
		panic(err)
	}
	defer spec.Close()
	mux := http.NewServeMux()
	mux.Handle("GET /openapi.json", spec)

	_, err = swagdoc.Read("billing")
	fmt.Println(err)
	// Output:
	// no swag document registered as "billing": import the package swag init generated (import _ "yourmodule/docs"), or pass the --instanceName it was generated with
}
