package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// startServe runs waygate serve on a free port with args and returns the
// admin URL it printed and, when wantMetrics, the metrics URL.
func startServe(t *testing.T, wantMetrics bool, args ...string) (adminURL, metricsURL string) {
	t.Helper()
	return startServeEnv(t, nil, wantMetrics, args...)
}

// startServeEnv is startServe with more environment variables.
func startServeEnv(t *testing.T, env []string, wantMetrics bool, args ...string) (adminURL, metricsURL string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	srv := exec.CommandContext(ctx, binary, append([]string{"serve", "--addr", "127.0.0.1:0", "--backend", "memory"}, args...)...)
	srv.Env = append([]string{"WAYGATE_ADMIN_PASSWORD=" + adminPassword, "PATH=" + os.Getenv("PATH")}, env...)
	stderr, err := srv.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Process.Signal(os.Interrupt); srv.Wait() })
	sc := bufio.NewScanner(stderr)
	for (adminURL == "" || wantMetrics && metricsURL == "") && sc.Scan() {
		if u, ok := strings.CutPrefix(sc.Text(), "Waygate server listening on "); ok {
			adminURL = u
		}
		if u, ok := strings.CutPrefix(sc.Text(), "Prometheus metrics at "); ok {
			metricsURL = u
		}
	}
	if adminURL == "" || wantMetrics && metricsURL == "" {
		t.Fatalf("waygate serve did not say where it listens (%q) and serves metrics (%q)", adminURL, metricsURL)
	}
	go func() {
		for sc.Scan() {
		}
	}()
	return adminURL, metricsURL
}

func getBody(t *testing.T, url string) (int, string) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// waygate serve serves its engine's metrics to Prometheus at /metrics,
// without a login: a change made through the CLI is counted by action.
func TestServeMetrics(t *testing.T) {
	adminURL, metricsURL := startServe(t, true)
	if !strings.HasSuffix(metricsURL, "/metrics") || strings.TrimSuffix(metricsURL, "/metrics") != strings.TrimSuffix(adminURL, "/waygate") {
		t.Fatalf("metrics at %q, admin at %q: want /metrics beside the admin mount", metricsURL, adminURL)
	}
	code, body := getBody(t, metricsURL)
	if code != http.StatusOK || !strings.Contains(body, `waygate_failopen_total{component="backend"} 0`) {
		t.Fatalf("GET /metrics before any change: %d\n%s", code, body)
	}
	if strings.Contains(body, "waygate_admin_mutations_total{") {
		t.Fatalf("a change counted before any was made:\n%s", body)
	}

	c := newCLI(t)
	c.ok("config", "set-url", adminURL)
	if r := c.runIn(adminPassword, "login", "admin", "--password-stdin"); r.code != 0 {
		t.Fatalf("login:\n%s", r)
	}
	c.ok("global", "enable", "--reason", "all hands")
	code, body = getBody(t, metricsURL)
	if code != http.StatusOK || !strings.Contains(body, `waygate_admin_mutations_total{action="global_maintenance_on"} 1`) {
		t.Fatalf("GET /metrics after waygate global enable: %d\n%s", code, body)
	}
	// The admin API is still where it was.
	if code, _ := getBody(t, adminURL+"/api/openapi.json"); code != http.StatusOK {
		t.Errorf("admin API beside the metrics: %d", code)
	}
}

// --metrics-path moves the metrics; "" serves none.
func TestServeMetricsPath(t *testing.T) {
	_, metricsURL := startServe(t, true, "--metrics-path", "/internal/prom")
	if !strings.HasSuffix(metricsURL, "/internal/prom") {
		t.Fatalf("metrics at %q", metricsURL)
	}
	if code, body := getBody(t, metricsURL); code != http.StatusOK || !strings.Contains(body, "waygate_failopen_total") {
		t.Fatalf("GET /internal/prom: %d\n%s", code, body)
	}
	if code, _ := getBody(t, strings.TrimSuffix(metricsURL, "/internal/prom")+"/metrics"); code != http.StatusNotFound {
		t.Errorf("GET /metrics with --metrics-path /internal/prom: %d, want 404", code)
	}

	adminURL, _ := startServe(t, false, "--metrics-path", "")
	if code, _ := getBody(t, strings.TrimSuffix(adminURL, "/waygate")+"/metrics"); code != http.StatusNotFound {
		t.Errorf("GET /metrics with --metrics-path \"\": %d, want 404", code)
	}
}
