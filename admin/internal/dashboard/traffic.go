package dashboard

import (
	"fmt"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/waygate-go/waygate/admin/internal/traffic"
	"github.com/waygate-go/waygate/core/engine"
)

func (h *UI) registerTrafficPages() {
	h.page("GET /traffic", false, h.trafficPage)
}

// maxTrafficRows bounds the routes the Traffic page charts, busiest first;
// the totals count them all.
const maxTrafficRows = 200

// blockedOutcomes are the outcomes of a blocked request, in the order the
// page lists them, with their labels.
var blockedOutcomes = []struct {
	outcome engine.Outcome
	label   string
}{
	{engine.BlockMaintenance, "maintenance"},
	{engine.BlockDisabled, "disabled"},
	{engine.BlockNotFound, "not found"},
	{engine.BlockRateLimited, "rate limited"},
}

type trafficData struct {
	From, To string // the window's first and current minute, "15:04 UTC"
	Off      bool   // no recorder: the handler was built without one
	Total    traffic.Counts
	Now      traffic.Counts // the current minute, every route
	Blocked  []outcomeCount // the window's blocked requests by outcome
	Routes   []trafficRoute
	Hidden   int // routes with traffic past maxTrafficRows, not shown
	Quiet    int // registered routes without a request in the window
	Flags    []trafficFlag
	FlagsNow uint64 // evaluations in the current minute
}

type outcomeCount struct {
	Name  string // the outcome's name, for CSS ("rate_limited")
	Label string
	N     uint64
}

type trafficRoute struct {
	Key     string
	Total   traffic.Counts
	Now     traffic.Counts
	Blocked []outcomeCount
	Spark   spark
}

type trafficFlag struct {
	Key        string
	Known      bool // the flag exists: its name links to its page
	Total      uint64
	Now        uint64
	Variations []variationShare
	Spark      spark
}

type variationShare struct {
	Name  string
	Label string // the name, or what "" and traffic.Other stand for
	Class string // its colour in the chart and the legend
	N     uint64 // in the window
	Share string // of the window's evaluations, "20%"
}

// trafficPage charts the requests per route and the evaluations per flag
// of the last hour, per minute, from the handler's traffic recorder.
func (h *UI) trafficPage(w http.ResponseWriter, r *http.Request, v *view) error {
	v.Page, v.Title = "traffic", "Traffic"
	d := trafficData{Off: h.traffic == nil}
	if d.Off {
		h.render(w, r, v, http.StatusOK, "traffic", d)
		return nil
	}
	// The page refreshes when the sampler has moved on a minute; only
	// pages that show traffic ask the stream for those events.
	v.Live, v.Events = []string{"traffic"}, v.Prefix+"/events"+query("traffic", "1")
	win := h.traffic.Window()
	d.From = win.Start.Format("15:04 UTC")
	d.To = win.Start.Add((traffic.Minutes - 1) * time.Minute).Format("15:04 UTC")
	seen := map[string]bool{}
	for _, rt := range win.Routes {
		seen[rt.Key] = true
		d.Total.Add(rt.Total)
		now := rt.Minutes[traffic.Minutes-1]
		d.Now.Add(now)
		if len(d.Routes) == maxTrafficRows {
			d.Hidden++
			continue
		}
		var allowed, blocked [traffic.Minutes]uint64
		for i, c := range rt.Minutes {
			allowed[i], blocked[i] = c.Allowed(), c.Blocked()
		}
		row := trafficRoute{Key: rt.Key, Total: rt.Total, Now: now, Blocked: byOutcome(rt.Total)}
		label := fmt.Sprintf("%s, last hour: %d allowed, %d blocked%s; this minute: %d allowed, %d blocked",
			rt.Key, rt.Total.Allowed(), rt.Total.Blocked(), outcomeList(row.Blocked), now.Allowed(), now.Blocked())
		row.Spark = stack(label, "requests", []string{"allowed", "blocked"}, allowed, blocked)
		d.Routes = append(d.Routes, row)
	}
	d.Blocked = byOutcome(d.Total)
	for _, st := range h.eng.Routes() {
		if !seen[st.Path] {
			d.Quiet++
		}
	}
	for _, ft := range win.Flags {
		d.Flags = append(d.Flags, h.flagTraffic(ft))
		d.FlagsNow += d.Flags[len(d.Flags)-1].Now
	}
	h.render(w, r, v, http.StatusOK, "traffic", d)
	return nil
}

// flagTraffic charts one flag: its variations in the order the flag
// defines them (those not served in the window too, unless the flag has
// more than the recorder charts one by one), then any others.
func (h *UI) flagTraffic(ft traffic.FlagTraffic) trafficFlag {
	out := trafficFlag{Key: ft.Key, Total: ft.Total}
	byName := map[string]traffic.VariationTraffic{}
	for _, vt := range ft.Variations {
		byName[vt.Name] = vt
	}
	var names []string
	if f, found := h.eng.Flags().Flag(ft.Key); found {
		out.Known = true
		for _, fv := range f.Variations {
			if _, served := byName[fv.Name]; served || len(f.Variations) <= traffic.MaxVariations {
				names = append(names, fv.Name)
			}
		}
	}
	for _, vt := range ft.Variations { // sorted by name
		if !slices.Contains(names, vt.Name) && vt.Name != "" && vt.Name != traffic.Other {
			names = append(names, vt.Name)
		}
	}
	for _, special := range []string{traffic.Other, ""} {
		if _, found := byName[special]; found {
			names = append(names, special)
		}
	}
	series := make([][traffic.Minutes]uint64, 0, len(names))
	classes := make([]string, 0, len(names))
	var parts []string
	for i, name := range names {
		vt := byName[name]
		vs := variationShare{Name: name, Label: name, Class: "v" + strconv.Itoa(i%8), N: vt.Total, Share: share(vt.Total, ft.Total)}
		switch name {
		case "":
			vs.Label, vs.Class = "no variation (error)", "v-none"
		case traffic.Other:
			vs.Label, vs.Class = "other variations", "v-none"
		}
		out.Now += vt.Minutes[traffic.Minutes-1]
		out.Variations = append(out.Variations, vs)
		series = append(series, vt.Minutes)
		classes = append(classes, vs.Class)
		parts = append(parts, fmt.Sprintf("%s %d (%s)", vs.Label, vs.N, vs.Share))
	}
	label := fmt.Sprintf("%s, last hour: %d evaluations: %s; this minute: %d", ft.Key, ft.Total, strings.Join(parts, ", "), out.Now)
	out.Spark = stack(label, "evaluations", classes, series...)
	return out
}

// byOutcome lists the blocked requests of c by outcome, leaving out
// outcomes with none.
func byOutcome(c traffic.Counts) []outcomeCount {
	var out []outcomeCount
	for _, o := range blockedOutcomes {
		if n := c[o.outcome]; n > 0 {
			out = append(out, outcomeCount{Name: o.outcome.String(), Label: o.label, N: n})
		}
	}
	return out
}

// outcomeList is " (maintenance 3, rate limited 1)", or "" without blocks.
func outcomeList(l []outcomeCount) string {
	if len(l) == 0 {
		return ""
	}
	parts := make([]string, len(l))
	for i, o := range l {
		parts[i] = o.Label + " " + strconv.FormatUint(o.N, 10)
	}
	return " (" + strings.Join(parts, ", ") + ")"
}

// share is n of total as a percentage: "20%", "33.3%".
func share(n, total uint64) string {
	if total == 0 {
		return "0%"
	}
	s := strconv.FormatFloat(float64(n)*100/float64(total), 'f', 1, 64)
	return strings.TrimSuffix(s, ".0") + "%"
}

// Sparkline geometry, in SVG user units (pixels at the default size).
const (
	sparkBar   = 3                            // width of a minute's bar
	sparkPitch = 4                            // bar plus gap
	sparkH     = 32                           // height of the busiest minute
	sparkW     = sparkPitch * traffic.Minutes // every minute of the window
)

// spark is an inline SVG chart: one bar per minute, its layers stacked.
type spark struct {
	W, H   int
	Label  string // what the chart shows, in words: its title and aria-label
	NowX   int    // where the current minute's bar starts
	BaseY  int    // where the base line is drawn, under the bars
	Layers []sparkLayer
}

// sparkLayer is one series of a chart: one path of bars.
type sparkLayer struct {
	Class string
	D     string
}

// stack draws the series as stacked bars, the first at the bottom, scaled
// to the busiest minute, which the label ends with (in unit). A series
// with a count in a minute gets at least one unit of height there, so a
// single blocked request among thousands still shows.
func stack(label, unit string, classes []string, series ...[traffic.Minutes]uint64) spark {
	var peak uint64
	for i := range traffic.Minutes {
		var t uint64
		for _, ser := range series {
			t += ser[i]
		}
		peak = max(peak, t)
	}
	label += fmt.Sprintf("; busiest minute: %d %s", peak, unit)
	s := spark{W: sparkW, H: sparkH, Label: label, NowX: (traffic.Minutes - 1) * sparkPitch, BaseY: sparkH - 1}
	paths := make([]strings.Builder, len(series))
	for i := range traffic.Minutes {
		var acc uint64
		top := 0 // height drawn so far
		for j, ser := range series {
			if ser[i] == 0 || peak == 0 {
				continue
			}
			acc += ser[i]
			y := int(math.Ceil(float64(acc) * sparkH / float64(peak)))
			y = min(max(y, top+1), sparkH)
			if y <= top {
				continue // no room left: the bar is full
			}
			fmt.Fprintf(&paths[j], "M%d %dh%dv%dh-%dz", i*sparkPitch, sparkH-y, sparkBar, y-top, sparkBar)
			top = y
		}
	}
	for j, p := range paths {
		if p.Len() > 0 {
			s.Layers = append(s.Layers, sparkLayer{Class: classes[j], D: p.String()})
		}
	}
	return s
}
