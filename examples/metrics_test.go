package examples_test

// GET /metrics (SPEC §14): every demo serves its engine's OpenTelemetry
// instruments through the Prometheus exporter, unguarded, so maintenance
// never hides the metrics that show it.

import (
	"bufio"
	"bytes"
	"net/http"
	"strconv"
	"strings"
	"testing"
)

// metrics is one scrape: every sample line, series → value.
type metrics map[string]float64

func scrapeMetrics(t *testing.T, url string) metrics {
	t.Helper()
	res := do(t, "GET", url, nil)
	if res.status != http.StatusOK {
		t.Fatalf("GET %s: %d %s", url, res.status, res.body)
	}
	if ct := res.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
		t.Fatalf("GET %s: Content-Type %q, want the Prometheus text format", url, ct)
	}
	out := metrics{}
	sc := bufio.NewScanner(bytes.NewReader(res.body))
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if i < 0 || err != nil {
			t.Fatalf("GET %s: unreadable sample %q", url, line)
		}
		out[line[:i]] = v
	}
	return out
}

// sum adds up the samples of name whose labels include every one given
// (`route="GET:/posts"`).
func (m metrics) sum(name string, labels ...string) float64 {
	var n float64
	for series, v := range m {
		rest, ok := strings.CutPrefix(series, name+"{")
		if !ok {
			continue
		}
		all := true
		for _, l := range labels {
			all = all && (strings.HasPrefix(rest, l) || strings.Contains(rest, ","+l))
		}
		if all {
			n += v
		}
	}
	return n
}

// series lists the series of name, for messages.
func (m metrics) series(name string) []string {
	var out []string
	for s := range m {
		if strings.HasPrefix(s, name+"{") {
			out = append(out, s)
		}
	}
	return out
}

func TestDemoMetrics(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the demo programs")
	}
	for _, fw := range frameworks {
		t.Run(fw, func(t *testing.T) {
			base := start(t, fw)
			before := scrapeMetrics(t, base+"/metrics")

			if res := do(t, "GET", base+"/payments", nil); res.status != http.StatusServiceUnavailable {
				t.Fatalf("GET /payments: %d", res.status)
			}
			for i := range 6 {
				want := http.StatusOK
				if i == 5 {
					want = http.StatusTooManyRequests
				}
				if res := do(t, "GET", base+"/posts", nil); res.status != want {
					t.Fatalf("GET /posts #%d: %d, want %d", i+1, res.status, want)
				}
			}
			do(t, "GET", base+"/orders/42", nil)
			do(t, "GET", base+"/checkout", map[string]string{"X-User": "user-1"})

			after := scrapeMetrics(t, base+"/metrics")
			for _, c := range []struct {
				name   string
				labels []string
				delta  float64
			}{
				{"waygate_requests_total", []string{`route="GET:/payments"`, `method="GET"`, `outcome="maintenance"`}, 1},
				{"waygate_requests_total", []string{`route="GET:/posts"`, `method="GET"`, `outcome="allow"`}, 5},
				{"waygate_requests_total", []string{`route="GET:/posts"`, `method="GET"`, `outcome="rate_limited"`}, 1},
				{"waygate_requests_total", []string{`route="GET:/orders/{id}"`, `outcome="allow"`}, 1},
				{"waygate_ratelimit_checks_total", []string{`route="GET:/posts"`, `result="allowed"`}, 5},
				{"waygate_ratelimit_checks_total", []string{`route="GET:/posts"`, `result="limited"`}, 1},
				{"waygate_flag_evaluations_total", []string{`flag="new-checkout"`}, 1},
				{"waygate_failopen_total", []string{`component="backend"`}, 0},
				{"waygate_failopen_total", []string{`component="ratelimit"`}, 0},
			} {
				if got := after.sum(c.name, c.labels...) - before.sum(c.name, c.labels...); got != c.delta {
					t.Errorf("%s%v moved by %v, want %v; series: %v", c.name, c.labels, got, c.delta, after.series(c.name))
				}
			}
			if _, ok := after[`waygate_failopen_total{component="backend"}`]; !ok {
				t.Errorf("no waygate_failopen_total for the backend before any failure: %v", after.series("waygate_failopen_total"))
			}
			// Route templates only, and the unguarded paths are not decided.
			for series := range after {
				if strings.Contains(series, "/orders/42") || strings.Contains(series, "/metrics") || strings.Contains(series, "/waygate") {
					t.Errorf("series %s names a concrete or unguarded path", series)
				}
			}

			// Global maintenance blocks the app, never the metrics.
			api := login(t, base, "admin", "secret")
			if code, b := api.do("POST", "/api/global/enable", map[string]string{"reason": "all hands"}); code != http.StatusOK {
				t.Fatalf("global enable: %d %s", code, b)
			}
			if res := do(t, "GET", base+"/orders", nil); res.status != http.StatusServiceUnavailable {
				t.Fatalf("GET /orders in global maintenance: %d", res.status)
			}
			during := scrapeMetrics(t, base+"/metrics")
			if got := during.sum("waygate_requests_total", `route="GET:/orders"`, `outcome="maintenance"`); got != 1 {
				t.Errorf("GET /orders in global maintenance counted %v times: %v", got, during.series("waygate_requests_total"))
			}
			if got := during.sum("waygate_admin_mutations_total", `action="global_maintenance_on"`); got != 1 {
				t.Errorf("the global maintenance change counted %v times: %v", got, during.series("waygate_admin_mutations_total"))
			}
		})
	}
}

// The server demo's Waygate Server and services serve /metrics too.
func TestServerDemoMetrics(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the demo programs")
	}
	server := startRole(t, "server", "", "", "WAYGATE_BACKEND=memory")
	payments := startRole(t, "payments", "", server.URL+"/waygate")
	payments.waitConnected()
	if res := do(t, "GET", payments.URL+"/payments/export", nil); res.status != http.StatusServiceUnavailable {
		t.Fatalf("GET /payments/export: %d", res.status)
	}
	m := scrapeMetrics(t, payments.URL+"/metrics")
	if got := m.sum("waygate_requests_total", `route="GET:/payments/export"`, `outcome="maintenance"`); got != 1 {
		t.Errorf("payments counted its blocked export %v times: %v", got, m.series("waygate_requests_total"))
	}
	api := login(t, server.URL, "admin", srvAdminPassword)
	if code, b := api.do("POST", "/api/global/enable", map[string]string{"reason": "all hands"}); code != http.StatusOK {
		t.Fatalf("global enable: %d %s", code, b)
	}
	m = scrapeMetrics(t, server.URL+"/metrics")
	if got := m.sum("waygate_admin_mutations_total", `action="global_maintenance_on"`); got != 1 {
		t.Errorf("the server counted the change %v times: %v", got, m.series("waygate_admin_mutations_total"))
	}
}
