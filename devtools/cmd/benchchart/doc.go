// Command benchchart draws benchmark curves as a self-contained SVG line
// chart: cost against routes, subscribers or rate-limit keys, for the
// Scale section of docs/benchmarks.md (scripts/bench.sh runs it).
//
//	go run ./devtools/cmd/benchchart -title "Decision cost against registered routes" \
//		-x routes -y "ns per decision" -logx -out docs/img/scale-routes.svg < points.txt
//
// The input (standard input, or the file named after the flags) has one
// point a line, "SERIES X Y": the series name, then x, then y, separated by
// spaces or tabs, for example
//
//	p50 1000 58.9
//	p99 1000 112
//
// The name may contain spaces (the last two fields are the numbers); blank
// lines and lines starting with # are skipped. Series keep the order they
// first appear in; each is drawn in x order. A legend appears when there
// are several series.
//
// The chart has a title and a description (the data in words, for screen
// readers), labelled axes with round-number ticks (-logx and -logy for
// decades), a marker on every point with its value next to it (up to 60
// points, where there is room), and no external font, style sheet or
// script. The same input gives the same bytes. A malformed
// input is reported with its line number and the command exits 1; nothing
// is written.
package main
