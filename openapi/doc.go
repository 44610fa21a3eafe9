// Package openapi makes an API's OpenAPI document tell the truth about the
// runtime state Waygate enforces.
//
// Patch is a pure post-processor over Swagger 2.0 (swag's swagger.json and
// swagger.yaml) and OpenAPI 3.0/3.1 documents, in JSON or YAML. Given the
// route states, the global maintenance switch and the current environment
// it
//
//   - removes disabled operations, and env-gated operations outside their
//     environments, and drops paths left without operations;
//   - marks deprecated operations deprecated: true, appends the sunset date
//     and successor to their description and sets x-waygate-sunset and
//     x-waygate-successor;
//   - prefixes the summary and description of operations in maintenance
//     with a banner and sets x-waygate-status, x-waygate-reason and, when a
//     window that put the route in maintenance ends later,
//     x-waygate-retry-after (RFC 3339);
//   - during global maintenance adds a banner to info.description and
//     annotates every operation except exempt paths and force-active routes
//     (unless the maintenance includes force-active routes);
//   - leaves out the empty host and basePath swag writes for an API
//     without @host or @BasePath, which the Swagger 2.0 schema rejects.
//
// Everything else is kept as it was, key order included, and the output has
// the input's format (AsJSON and AsYAML convert). ParseState reads the state
// from a state file: the JSON the admin API answers for the routes and the
// global maintenance, as waygate openapi patch --state takes it.
//
// Handler serves the document patched with an engine's live state,
// rebuilt only when the engine reports a change, with an ETag.
// DocsHandler serves Swagger UI (embedded, pinned from npm) over that
// document, with a banner of what is in maintenance; the page polls the
// document with If-None-Match and re-renders when the state changes.
//
// Package swagdoc reads the document swag's generated docs package
// registers, for programs that compile their docs in.
package openapi
