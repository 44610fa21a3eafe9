// Package devtools holds the tools the repository's scripts run: a Go
// module proxy built from the working tree (install checks without
// publishing) and the documentation's snippet builder. Nothing here is
// imported by Waygate's modules.
package devtools
