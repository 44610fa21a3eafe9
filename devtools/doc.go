// Package devtools holds the tools the repository's scripts run: a Go
// module proxy built from the working tree (install checks without
// publishing), the documentation's snippet builder, the test runner of
// every module (cmd/testall) and the benchmark charts of
// docs/benchmarks.md (cmd/benchchart). Nothing here is imported by
// Waygate's modules.
package devtools
