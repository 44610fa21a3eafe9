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
//     with a banner ("Maintenance: <reason>" in the summary, with the 🔧
//     emoji only under WithSummaryEmoji; "> 🔧 Maintenance: <reason>" in
//     the description) and sets x-waygate-status, x-waygate-reason and,
//     when a window that put the route in maintenance ends later,
//     x-waygate-retry-after (RFC 3339);
//   - during global maintenance adds a banner to info.description and
//     annotates every operation except exempt paths and force-active routes
//     (unless the maintenance includes force-active routes);
//   - leaves out the empty host, basePath and schemes swag writes for an
//     API without @host, @BasePath or @schemes.
//
// An operation's route key is its method and path, the path joined to the
// document's prefix: a Swagger 2.0 basePath, or the path of an OpenAPI 3
// document's first server URL (https://api.example.com/api/v1 or /api/v1
// give /api/v1; server variables take their defaults). WithBasePath sets
// the prefix instead. Route keys in the state may be written in a
// framework's syntax (GET:/users/:name). When the state names routes and
// none of them matches an operation, Patch returns an *UnmatchedError
// rather than a document it did not patch; AllowUnmatched accepts it.
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
