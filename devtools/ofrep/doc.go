// Package ofrep runs real OpenFeature clients against an OFREP (OpenFeature
// Remote Evaluation Protocol) server, for tests: the Node.js server SDK
// with the OFREP server provider ([Node], one POST
// /ofrep/v1/evaluate/flags/{key} per evaluation) and the web SDK with the
// OFREP web provider in headless Chromium ([Browser], one bulk POST
// /ofrep/v1/evaluate/flags per context, with ETag / If-None-Match).
//
// The npm packages are vendored as tarballs under vendor/ and installed
// offline by [Install]; see README.md. A test of an OFREP server calls
// Install, then Node and Browser with the same [Input], and compares the
// []Result each returns with what the server should have served. For
// Browser the page must reach the OFREP endpoints: mount [PageHandler] on
// the server's own mux (same origin), or pass "" as the page URL and let
// the server answer CORS.
//
// [Node] and [Browser] return [ErrNoNode] and [ErrNoChromium] when the
// tools are missing, so tests can skip (or fail, in CI) on them.
package ofrep
