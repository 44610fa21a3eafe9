package main

import (
	"bytes"
	"encoding/xml"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden.svg from the current output")

const routesInput = `p50 10 54.14
p50 100 53.76
p50 1000 58.85
p50 10000 59.41
p99 10 81
p99 100 83
p99 1000 95
p99 10000 102
`

func routesChart() chart {
	return chart{
		title: "Decision cost against registered routes", subtitle: "engine.Check, one allowed request",
		xLabel: "routes", yLabel: "ns per decision", logx: true, labels: true, width: 720, height: 400,
	}
}

func mustRender(t *testing.T, c chart, in string) []byte {
	t.Helper()
	data, err := parsePoints(strings.NewReader(in), c.logx, c.logy)
	if err != nil {
		t.Fatal(err)
	}
	return render(c, data)
}

// svgFacts is what a test reads back from a rendered chart.
type svgFacts struct {
	root          xml.StartElement
	title, desc   string
	texts         []string // every text element's content, in order
	markers       int      // elements of class "marker"
	legendMarkers int
	series        []string // data-series of the series groups
}

// readSVG decodes doc as XML, failing the test if it is not well-formed.
func readSVG(t *testing.T, doc []byte) svgFacts {
	t.Helper()
	var f svgFacts
	d := xml.NewDecoder(bytes.NewReader(doc))
	var stack []string
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v\n%s", err, doc)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			if len(stack) == 0 {
				f.root = tok.Copy()
			}
			stack = append(stack, tok.Name.Local)
			for _, a := range tok.Attr {
				if strings.Contains(a.Value, "NaN") || strings.Contains(a.Value, "Inf") {
					t.Errorf("<%s %s=%q>: not a number", tok.Name.Local, a.Name.Local, a.Value)
				}
				switch {
				case a.Name.Local == "class" && a.Value == "marker":
					f.markers++
				case a.Name.Local == "class" && a.Value == "legend-marker":
					f.legendMarkers++
				case a.Name.Local == "data-series":
					f.series = append(f.series, a.Value)
				}
			}
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			switch {
			case len(stack) == 2 && stack[1] == "title":
				f.title += string(tok)
			case len(stack) == 2 && stack[1] == "desc":
				f.desc += string(tok)
			case len(stack) > 0 && stack[len(stack)-1] == "text":
				f.texts = append(f.texts, string(tok))
			}
		}
	}
	return f
}

func attr(e xml.StartElement, name string) string {
	for _, a := range e.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// The chart is an accessible, self-contained SVG: title and description,
// the labels and ticks as text, one marker per point, a legend for
// several series, and nothing fetched from elsewhere.
func TestRenderRoutes(t *testing.T) {
	doc := mustRender(t, routesChart(), routesInput)
	f := readSVG(t, doc)
	if f.root.Name.Local != "svg" || f.root.Name.Space != "http://www.w3.org/2000/svg" {
		t.Errorf("root element %v, want svg in the SVG namespace", f.root.Name)
	}
	for name, want := range map[string]string{"role": "img", "aria-labelledby": "chart-title chart-desc", "viewBox": "0 0 720 400", "width": "720", "height": "400"} {
		if got := attr(f.root, name); got != want {
			t.Errorf("svg %s=%q, want %q", name, got, want)
		}
	}
	if f.title != "Decision cost against registered routes" {
		t.Errorf("title %q", f.title)
	}
	for _, want := range []string{"X axis: routes, logarithmic scale from 10 to 10k", "Y axis: ns per decision, linear scale from 0 to", "p50: 54.1 at 10, 53.8 at 100, 58.9 at 1,000, 59.4 at 10k.", "p99: 81 at 10,"} {
		if !strings.Contains(f.desc, want) {
			t.Errorf("desc %q does not contain %q", f.desc, want)
		}
	}
	texts := strings.Join(f.texts, "|")
	for _, want := range []string{"Decision cost against registered routes", "engine.Check, one allowed request", "routes (log scale)", "ns per decision",
		"|10|", "|100|", "|1,000|", "|10k|", "|p50|p99|", "|0|", "54.1", "102"} {
		if !strings.Contains("|"+texts+"|", want) {
			t.Errorf("text elements %q do not contain %q", texts, want)
		}
	}
	if f.markers != 8 {
		t.Errorf("%d markers, want one per point: 8", f.markers)
	}
	if f.legendMarkers != 2 || strings.Join(f.series, ",") != "p50,p99" {
		t.Errorf("%d legend markers, series %q; want 2 and p50,p99", f.legendMarkers, f.series)
	}
	for _, banned := range []string{"<script", "@import", "url(", "href", "<image", "<foreignObject"} {
		if bytes.Contains(doc, []byte(banned)) {
			t.Errorf("the SVG contains %q: it must stand alone", banned)
		}
	}
	if !bytes.Equal(doc, mustRender(t, routesChart(), routesInput)) {
		t.Error("two renderings of the same input differ")
	}
	golden := filepath.Join("testdata", "routes.golden.svg")
	if *update {
		if err := os.WriteFile(golden, doc, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (go test -update writes it)", err)
	}
	if !bytes.Equal(doc, want) {
		t.Errorf("the chart differs from %s; if the change is meant, view it and run go test -update", golden)
	}
}

// One series has no legend; -labels=false drops the values but keeps the
// markers; text from the flags is escaped.
func TestRenderVariants(t *testing.T) {
	c := chart{title: `Bytes per key <in-memory> & "sharded"`, xLabel: "keys", yLabel: "B/key", logx: true, width: 720, height: 400}
	f := readSVG(t, mustRender(t, c, "B/key 10000 208.3\nB/key 100000 199.7\nB/key 1000000 213.7\n"))
	if f.title != c.title {
		t.Errorf("title %q, want %q", f.title, c.title)
	}
	if f.legendMarkers != 0 || f.markers != 3 {
		t.Errorf("%d legend markers and %d markers, want 0 and 3", f.legendMarkers, f.markers)
	}
	if texts := strings.Join(f.texts, "|"); strings.Contains(texts, "208") {
		t.Errorf("values drawn without -labels: %q", texts)
	}
}

// Past maxLabelled points the values go (the markers stay).
func TestRenderDenseHasNoValues(t *testing.T) {
	var in strings.Builder
	for i := range maxLabelled + 1 {
		fmt.Fprintf(&in, "a %d 1234.5\n", i)
	}
	c := chart{title: "dense", labels: true, width: 720, height: 400}
	f := readSVG(t, mustRender(t, c, in.String()))
	if texts := strings.Join(f.texts, "|"); f.markers != maxLabelled+1 || strings.Contains(texts, "1,235") {
		t.Errorf("%d markers, texts %q; want %d markers and no values", f.markers, texts, maxLabelled+1)
	}
}

// Degenerate data still gives a well-formed chart: one point, equal
// values, negative and zero values, many series with long names.
func TestRenderEdgeCases(t *testing.T) {
	for _, tt := range []struct {
		name, in   string
		logx, logy bool
		points     int
	}{
		{"one point", "a 5 5\n", false, false, 1},
		{"one point log", "a 5 5\n", true, true, 1},
		{"flat zero", "a 1 0\na 2 0\na 3 0\n", false, false, 3},
		{"negative", "a -10 -5\na 0 3\na 10 -1\n", false, false, 3},
		{"same x", "a 10 1\na 10 2\na 10 3\n", true, false, 3},
		{"tiny", "a 1e-9 1e-12\na 2e-9 3e-12\n", true, true, 2},
		{"huge", "a 1 1e15\na 1e15 2e15\n", true, false, 2},
		{"extremes", "a -1e100 1e-100\na 1e100 -1e100\nb 1e-100 1e100\n", false, false, 3},
		{"extremes log", "a 1e-100 1e-100\na 1e100 1e100\n", true, true, 2},
		{"beyond float precision", "a 1e17 1e17\na 100000000000000016 100000000000000016\n", false, false, 2},
		{"many series", "a rather long series name number one 1 1\nanother long series name that wraps 2 2\nthird 3 3\nfourth 4 4\nfifth 5 5\nsixth 6 6\nseventh 7 7\neighth 8 8\nninth 9 9\n", false, false, 9},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := chart{title: "t", logx: tt.logx, logy: tt.logy, labels: true, width: 320, height: 200}
			if f := readSVG(t, mustRender(t, c, tt.in)); f.markers != tt.points {
				t.Errorf("%d markers, want %d", f.markers, tt.points)
			}
		})
	}
}
