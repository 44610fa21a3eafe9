package main

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// A chart is what the flags say about the drawing.
type chart struct {
	title, subtitle string
	xLabel, yLabel  string
	logx, logy      bool
	labels          bool // a value label next to every point
	width, height   int
}

// The look: Okabe–Ito colours (told apart with colour blindness too, and
// each series has its own marker shape as well), system fonts, grey
// furniture.
var palette = []string{"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"}

const (
	fontStack   = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
	inkStrong   = "#1f2328"
	inkSoft     = "#59636e"
	gridColor   = "#e4e7eb"
	axisColor   = "#8c959f"
	edge        = 16.0 // the canvas's padding
	titleSize   = 17.0
	textSize    = 13.0
	tickSize    = 12.0
	valueSize   = 11.5
	markerR     = 4.5
	xInset      = 14.0 // keeps the first and last points off the plot's sides
	headroom    = 18.0 // above the plot, for the labels of its highest points
	labelMargin = 2.0  // around a value label, for collisions
)

// A box is a rectangle in canvas coordinates.
type box struct{ x0, y0, x1, y1 float64 }

func (b box) overlaps(o box) bool { return b.x0 < o.x1 && o.x0 < b.x1 && b.y0 < o.y1 && o.y0 < b.y1 }

func (b box) contains(x, y float64) bool { return x >= b.x0 && x <= b.x1 && y >= b.y0 && y <= b.y1 }

func (b box) inside(o box) bool { return b.x0 >= o.x0 && b.x1 <= o.x1 && b.y0 >= o.y0 && b.y1 <= o.y1 }

// layout is the chart's geometry once the axes are known.
type layout struct {
	c                  chart
	x, y               axis
	left, right        float64 // the plot area
	top, bottom        float64
	legendTop          float64
	legendRows         [][]int // series indexes per legend row
	subtitleBaseline   float64
	yLabelX, xLabelY   float64
	xTickY, yTickRight float64
}

// px and py place a data point on the canvas.
func (l *layout) px(v float64) float64 {
	return l.left + xInset + l.x.frac(v)*(l.right-l.left-2*xInset)
}

func (l *layout) py(v float64) float64 { return l.bottom - l.y.frac(v)*(l.bottom-l.top) }

// render draws the series as an SVG document.
func render(c chart, data []series) []byte {
	l := newLayout(c, data)
	var w svgWriter
	w.printf(`<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" role="img" aria-labelledby="chart-title chart-desc" font-family="%s">`+"\n",
		c.width, c.height, c.width, c.height, fontStack)
	w.printf("<title id=\"chart-title\">%s</title>\n", esc(c.title))
	w.printf("<desc id=\"chart-desc\">%s</desc>\n", esc(describe(c, l, data)))
	w.printf(`<rect width="%d" height="%d" fill="#ffffff"/>`+"\n", c.width, c.height)
	l.drawHeading(&w, data)
	l.drawAxes(&w)
	l.drawSeries(&w, data)
	if c.labels && countPoints(data) <= maxLabelled {
		l.drawValues(&w, data)
	}
	w.printf("</svg>\n")
	return []byte(w.String())
}

// newLayout sizes the margins around the plot from the text they hold.
func newLayout(c chart, data []series) *layout {
	l := &layout{c: c}
	xlo, xhi, ylo, yhi := bounds(data)
	top := edge + titleSize + 4
	if c.subtitle != "" {
		l.subtitleBaseline = top + textSize + 2
		top = l.subtitleBaseline + 4
	}
	if len(data) > 1 {
		l.legendTop = top + 8
		l.legendRows = legendRows(data, float64(c.width)-2*edge)
		top = l.legendTop + 20*float64(len(l.legendRows))
	}
	l.top = top + headroom
	l.bottom = float64(c.height) - edge - tickSize - 10
	if c.xLabel != "" {
		l.bottom -= textSize + 10
	}
	if c.logy {
		l.y = logAxis(ylo, yhi)
	} else {
		l.y = linearAxis(ylo, yhi, max(3, int((l.bottom-l.top)/55)+1), true)
	}
	widest := 0.0
	for _, t := range l.y.ticks {
		widest = max(widest, textWidth(l.y.label(t), tickSize))
	}
	l.left = edge + widest + 10
	if c.yLabel != "" {
		l.yLabelX = edge + textSize*0.8
		l.left += textSize + 8
	}
	l.yTickRight = l.left - 8
	// The x axis's ticks depend on the plot's width, and its right margin
	// on the last tick's label: one pass with a guess is enough.
	l.right = float64(c.width) - edge - 12
	if c.logx {
		l.x = logAxis(xlo, xhi)
	} else {
		l.x = linearAxis(xlo, xhi, max(3, int((l.right-l.left)/100)+1), false)
	}
	last := l.x.ticks[len(l.x.ticks)-1]
	if overhang := textWidth(l.x.label(last), tickSize)/2 - xInset; overhang > 12 {
		l.right = float64(c.width) - edge - overhang
	}
	l.xTickY = l.bottom + 8 + tickSize
	l.xLabelY = l.xTickY + textSize + 10
	return l
}

// bounds are the extremes of the data.
func bounds(data []series) (xlo, xhi, ylo, yhi float64) {
	xlo, ylo = math.Inf(1), math.Inf(1)
	xhi, yhi = math.Inf(-1), math.Inf(-1)
	for _, s := range data {
		for _, p := range s.points {
			xlo, xhi = min(xlo, p.x), max(xhi, p.x)
			ylo, yhi = min(ylo, p.y), max(yhi, p.y)
		}
	}
	return xlo, xhi, ylo, yhi
}

// legendRows fills rows of the legend no wider than width.
func legendRows(data []series, width float64) [][]int {
	rows := [][]int{nil}
	used := 0.0
	for i, s := range data {
		w := legendItemWidth(s.name)
		if used > 0 && used+w > width {
			rows = append(rows, nil)
			used = 0
		}
		rows[len(rows)-1] = append(rows[len(rows)-1], i)
		used += w
	}
	return rows
}

func legendItemWidth(name string) float64 { return 24 + 6 + textWidth(name, textSize) + 20 }

func (l *layout) drawHeading(w *svgWriter, data []series) {
	w.printf(`<text x="%s" y="%s" font-size="%s" font-weight="600" fill="%s">%s</text>`+"\n",
		num(edge), num(edge+titleSize-3), num(titleSize), inkStrong, esc(l.c.title))
	if l.c.subtitle != "" {
		w.printf(`<text x="%s" y="%s" font-size="%s" fill="%s">%s</text>`+"\n",
			num(edge), num(l.subtitleBaseline), num(textSize), inkSoft, esc(l.c.subtitle))
	}
	if len(l.legendRows) == 0 {
		return
	}
	w.printf("<g class=\"legend\" font-size=\"%s\" fill=\"%s\">\n", num(textSize), inkStrong)
	for r, row := range l.legendRows {
		x, y := edge, l.legendTop+20*float64(r)+10
		for _, i := range row {
			color := palette[i%len(palette)]
			w.printf(`<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="2.5" stroke-linecap="round"/>`+"\n",
				num(x), num(y), num(x+24), num(y), color)
			w.printf("%s\n", markerShape(i, x+12, y, color, "legend-marker", ""))
			w.printf(`<text x="%s" y="%s">%s</text>`+"\n", num(x+30), num(y+textSize*0.35), esc(data[i].name))
			x += legendItemWidth(data[i].name)
		}
	}
	w.printf("</g>\n")
}

func (l *layout) drawAxes(w *svgWriter) {
	w.printf("<g class=\"grid\" stroke=\"%s\" stroke-width=\"1\" shape-rendering=\"crispEdges\">\n", gridColor)
	for _, t := range l.y.ticks[1:] {
		y := l.py(t)
		w.printf(`<line x1="%s" y1="%s" x2="%s" y2="%s"/>`+"\n", num(l.left), num(y), num(l.right), num(y))
	}
	for _, t := range l.x.ticks {
		x := l.px(t)
		w.printf(`<line x1="%s" y1="%s" x2="%s" y2="%s"/>`+"\n", num(x), num(l.top), num(x), num(l.bottom))
	}
	w.printf("</g>\n")
	w.printf("<g class=\"axes\" stroke=\"%s\" stroke-width=\"1\" shape-rendering=\"crispEdges\">\n", axisColor)
	w.printf(`<line x1="%s" y1="%s" x2="%s" y2="%s"/>`+"\n", num(l.left), num(l.bottom), num(l.right), num(l.bottom))
	for _, t := range l.x.ticks {
		x := l.px(t)
		w.printf(`<line x1="%s" y1="%s" x2="%s" y2="%s"/>`+"\n", num(x), num(l.bottom), num(x), num(l.bottom+5))
	}
	for _, t := range l.x.minor {
		x := l.px(t)
		w.printf(`<line x1="%s" y1="%s" x2="%s" y2="%s"/>`+"\n", num(x), num(l.bottom), num(x), num(l.bottom+3))
	}
	w.printf("</g>\n")
	w.printf("<g class=\"ticks\" font-size=\"%s\" fill=\"%s\">\n", num(tickSize), inkSoft)
	for _, t := range l.x.ticks {
		w.printf(`<text x="%s" y="%s" text-anchor="middle">%s</text>`+"\n", num(l.px(t)), num(l.xTickY), esc(l.x.label(t)))
	}
	for _, t := range l.y.ticks {
		w.printf(`<text x="%s" y="%s" text-anchor="end">%s</text>`+"\n", num(l.yTickRight), num(l.py(t)+tickSize*0.35), esc(l.y.label(t)))
	}
	w.printf("</g>\n")
	if l.c.xLabel != "" {
		label := l.c.xLabel
		if l.c.logx {
			label += " (log scale)"
		}
		w.printf(`<text x="%s" y="%s" font-size="%s" fill="%s" text-anchor="middle">%s</text>`+"\n",
			num((l.left+l.right)/2), num(l.xLabelY), num(textSize), inkStrong, esc(label))
	}
	if l.c.yLabel != "" {
		label := l.c.yLabel
		if l.c.logy {
			label += " (log scale)"
		}
		cy := (l.top + l.bottom) / 2
		w.printf(`<text x="%s" y="%s" font-size="%s" fill="%s" text-anchor="middle" transform="rotate(-90 %s %s)">%s</text>`+"\n",
			num(l.yLabelX), num(cy), num(textSize), inkStrong, num(l.yLabelX), num(cy), esc(label))
	}
}

func (l *layout) drawSeries(w *svgWriter, data []series) {
	for i, s := range data {
		color := palette[i%len(palette)]
		w.printf("<g class=\"series\" data-series=\"%s\">\n", esc(s.name))
		if len(s.points) > 1 {
			var pts []string
			for _, p := range s.points {
				pts = append(pts, num(l.px(p.x))+","+num(l.py(p.y)))
			}
			w.printf(`<polyline points="%s" fill="none" stroke="%s" stroke-width="2.5" stroke-linejoin="round" stroke-linecap="round"/>`+"\n",
				strings.Join(pts, " "), color)
		}
		for _, p := range s.points {
			tip := fmt.Sprintf("%s: %s at %s %s", s.name, valueWithUnit(p.y, l.c.yLabel), formatValue(p.x), l.c.xLabel)
			w.printf("%s\n", markerShape(i, l.px(p.x), l.py(p.y), color, "marker", strings.TrimSpace(tip)))
		}
		w.printf("</g>\n")
	}
}

// markerShape is series i's marker at (x, y): a circle, square, triangle
// or diamond, white-edged so it stands out of the lines.
func markerShape(i int, x, y float64, color, class, tip string) string {
	title := ""
	if tip != "" {
		title = "<title>" + esc(tip) + "</title>"
	}
	attrs := fmt.Sprintf(`class="%s" fill="%s" stroke="#ffffff" stroke-width="1.5"`, class, color)
	r := markerR
	var el string
	switch i % 4 {
	case 0:
		el = fmt.Sprintf(`<circle %s cx="%s" cy="%s" r="%s"`, attrs, num(x), num(y), num(r))
		return el + closeWith(title, "circle")
	case 1:
		s := r * 0.9
		el = fmt.Sprintf(`<rect %s x="%s" y="%s" width="%s" height="%s"`, attrs, num(x-s), num(y-s), num(2*s), num(2*s))
		return el + closeWith(title, "rect")
	case 2:
		s := r * 1.25
		el = fmt.Sprintf(`<path %s d="M%s %sL%s %sL%s %sZ"`, attrs, num(x), num(y-s), num(x+s*0.95), num(y+s*0.7), num(x-s*0.95), num(y+s*0.7))
	default:
		s := r * 1.25
		el = fmt.Sprintf(`<path %s d="M%s %sL%s %sL%s %sL%s %sZ"`, attrs, num(x), num(y-s), num(x+s), num(y), num(x), num(y+s), num(x-s), num(y))
	}
	return el + closeWith(title, "path")
}

func closeWith(title, name string) string {
	if title == "" {
		return "/>"
	}
	return ">" + title + "</" + name + ">"
}

// maxLabelled is the most points whose values are written next to them;
// a denser chart is read from its axes.
const maxLabelled = 60

func countPoints(data []series) int {
	n := 0
	for _, s := range data {
		n += len(s.points)
	}
	return n
}

// drawValues writes each point's value next to it, where it covers no
// marker, line or other label; a point with no free place goes without
// (its value stays in the marker's tooltip and the description).
func (l *layout) drawValues(w *svgWriter, data []series) {
	var markers []box
	var segments [][2][2]float64
	for _, s := range data {
		for j, p := range s.points {
			x, y := l.px(p.x), l.py(p.y)
			markers = append(markers, box{x - markerR - 1, y - markerR - 1, x + markerR + 1, y + markerR + 1})
			if j > 0 {
				q := s.points[j-1]
				segments = append(segments, [2][2]float64{{l.px(q.x), l.py(q.y)}, {x, y}})
			}
		}
	}
	area := box{l.left - 4, l.top - headroom + 2, float64(l.c.width) - 4, l.bottom - 2}
	var placed []box
	w.printf("<g class=\"values\" font-size=\"%s\" fill=\"%s\" stroke=\"#ffffff\" stroke-width=\"3\" stroke-linejoin=\"round\" paint-order=\"stroke\">\n", num(valueSize), inkStrong)
	for _, s := range data {
		for _, p := range s.points {
			text := formatValue(p.y)
			x, y := l.px(p.x), l.py(p.y)
			for _, strict := range []bool{true, false} {
				c, ok := placeValue(text, x, y, area, markers, segments, placed, strict)
				if !ok {
					continue
				}
				placed = append(placed, c.box)
				w.printf(`<text x="%s" y="%s" text-anchor="%s">%s</text>`+"\n", num(c.x), num(c.baseline), c.anchor, esc(text))
				break
			}
		}
	}
	w.printf("</g>\n")
}

// A spot is one place a value label can go.
type spot struct {
	box         box
	x, baseline float64
	anchor      string
}

// placeValue finds the first free spot around (x, y): above, below, then
// the diagonals and the sides. strict also keeps the label off the lines.
func placeValue(text string, x, y float64, area box, markers []box, segments [][2][2]float64, placed []box, strict bool) (spot, bool) {
	w, h := textWidth(text, valueSize), valueSize*0.75 // digits: cap height, no descent
	const clear = 4.0                                  // between the label and its marker
	near, far := markerR+clear, markerR+clear+h        // from the point to the box's near and far edges
	for _, c := range []struct {
		anchor string
		x0, y0 float64 // the box's top left corner, relative to the point
	}{
		{"middle", -w / 2, -far},      // above
		{"middle", -w / 2, near},      // below
		{"end", -w - clear, -far + 1}, // above left
		{"start", clear, near - 1},    // below right
		{"start", clear, -far + 1},    // above right
		{"end", -w - clear, near - 1}, // below left
		{"start", near, -h / 2},       // right
		{"end", -near - w, -h / 2},    // left
	} {
		b := box{x + c.x0, y + c.y0, x + c.x0 + w, y + c.y0 + h}
		pad := box{b.x0 - labelMargin, b.y0 - labelMargin, b.x1 + labelMargin, b.y1 + labelMargin}
		if !b.inside(area) || hitsAny(pad, markers) || hitsAny(pad, placed) || strict && crossesAny(pad, segments) {
			continue
		}
		ax := map[string]float64{"middle": (b.x0 + b.x1) / 2, "start": b.x0, "end": b.x1}[c.anchor]
		return spot{box: pad, x: ax, baseline: b.y1, anchor: c.anchor}, true
	}
	return spot{}, false
}

func hitsAny(b box, others []box) bool {
	for _, o := range others {
		if b.overlaps(o) {
			return true
		}
	}
	return false
}

// crossesAny reports whether a line segment passes through b, sampled
// every pixel.
func crossesAny(b box, segments [][2][2]float64) bool {
	for _, s := range segments {
		if max(s[0][0], s[1][0]) < b.x0 || min(s[0][0], s[1][0]) > b.x1 || max(s[0][1], s[1][1]) < b.y0 || min(s[0][1], s[1][1]) > b.y1 {
			continue
		}
		dx, dy := s[1][0]-s[0][0], s[1][1]-s[0][1]
		n := int(math.Ceil(math.Hypot(dx, dy))) + 1
		for k := 0; k <= n; k++ {
			f := float64(k) / float64(n)
			if b.contains(s[0][0]+f*dx, s[0][1]+f*dy) {
				return true
			}
		}
	}
	return false
}

// describe is the chart in words, for the desc element: the axes, then
// every series's values.
func describe(c chart, l *layout, data []series) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Line chart. X axis: %s, %s scale from %s to %s. Y axis: %s, %s scale from %s to %s.",
		orDefault(c.xLabel, "x"), scaleName(c.logx), l.x.label(l.x.lo), l.x.label(l.x.hi),
		orDefault(c.yLabel, "y"), scaleName(c.logy), l.y.label(l.y.lo), l.y.label(l.y.hi))
	for _, s := range data {
		fmt.Fprintf(&b, " %s:", s.name)
		for j, p := range s.points {
			sep := ","
			if j == len(s.points)-1 {
				sep = "."
			}
			fmt.Fprintf(&b, " %s at %s%s", formatValue(p.y), formatValue(p.x), sep)
		}
	}
	return b.String()
}

func scaleName(log bool) string {
	if log {
		return "logarithmic"
	}
	return "linear"
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// valueWithUnit is v followed by the y axis's label, for a tooltip.
func valueWithUnit(v float64, label string) string {
	return strings.TrimSpace(formatValue(v) + " " + label)
}

// textWidth estimates how wide text is at a font size, on the wide side
// of common sans-serif fonts (Helvetica and Segoe UI are narrower than
// DejaVu Sans): it only sizes margins and keeps labels apart.
func textWidth(s string, size float64) float64 {
	em := 0.0
	for _, r := range s {
		switch {
		case strings.ContainsRune(".,:;'|!il ", r):
			em += 0.3
		case strings.ContainsRune("fjrt()-/", r):
			em += 0.4
		case strings.ContainsRune("mwMW", r):
			em += 0.9
		case r >= 'A' && r <= 'Z':
			em += 0.7
		default:
			em += 0.62
		}
	}
	return em * size
}

// num writes a coordinate with at most one decimal.
func num(v float64) string { return trimZeros(strconv.FormatFloat(v, 'f', 1, 64)) }

// esc escapes text for XML content and attribute values.
func esc(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '"':
			b.WriteString("&quot;")
		case '\'':
			b.WriteString("&#39;")
		default:
			if r < 0x20 && r != '\t' || r == 0xFFFD {
				continue // not allowed in XML, or a broken byte
			}
			b.WriteRune(r)
		}
	}
	return b.String()
}

// svgWriter collects the document.
type svgWriter struct{ strings.Builder }

func (w *svgWriter) printf(format string, args ...any) { fmt.Fprintf(&w.Builder, format, args...) }
