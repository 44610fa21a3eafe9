package main

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/waygate-go/waygate/core/clock"
)

func TestExpiredSessionSaysLogInAgain(t *testing.T) {
	// The server's clock moves past the token's expiry while the CLI still
	// believes in it: the server answers 401.
	fake := clock.NewFake(time.Now())
	s := newServer(t, serverOption{adminClock: fake, tokenTTL: time.Hour})
	c := newCLI(t)
	c.login(s, "admin", adminPassword)
	c.ok("status")
	fake.Advance(2 * time.Hour)
	r := c.fails(1, []string{"status"}, "your session expired or was revoked (session token expired)", "run: waygate login admin")
	if strings.Contains(r.stderr, "POST /") {
		t.Fatalf("the CLI repeats the API's HTTP login path instead of its own command:\n%s", r)
	}

	// The server's clock is a day behind: the token it issues has already
	// expired by the CLI's clock, which says so without asking the server.
	past := clock.NewFake(time.Now().Add(-25 * time.Hour))
	s2 := newServer(t, serverOption{adminClock: past})
	c2 := newCLI(t)
	c2.login(s2, "admin", adminPassword)
	c2.fails(1, []string{"status"}, "your session expired: run: waygate login admin")
	contains(t, c2.ok("config", "show"), "expired")

	// A revoked token (the same session logged out elsewhere) reads the
	// same.
	s3 := newServer(t, serverOption{})
	c3 := newCLI(t)
	c3.login(s3, "admin", adminPassword)
	c5 := newCLI(t)
	cfg, err := os.ReadFile(filepath.Join(c3.dir, "config", "waygate", "config.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(c5.dir, "config", "waygate"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(c5.dir, "config", "waygate", "config.json"), cfg, 0o600); err != nil {
		t.Fatal(err)
	}
	c5.ok("status")
	c3.ok("logout")
	c5.fails(1, []string{"status"}, "your session expired or was revoked (session token was revoked by logout)", "run: waygate login admin")
}

func TestUsageErrorsExitTwo(t *testing.T) {
	c := newCLI(t, "WAYGATE_SERVER_URL=http://127.0.0.1:1/waygate")
	for _, args := range [][]string{
		{"nope"},
		{"status", "orders"},
		{"status", "-o", "yaml"},
		{"maintenance"},
		{"maintenance", "FETCH:/orders"},
		{"maintenance", "GET:/orders", "--start", "now"},
		{"maintenance", "GET:/orders", "--end", "yesterday-ish"},
		{"disable", "GET:/orders", "--until", "soon"},
		{"schedule", "GET:/orders", "--start", "1h"},
		{"schedule", "GET:/orders", "--start", "3h", "--end", "1h"},
		{"enable", "GET:/orders", "extra"},
		{"env", "set", "GET:/debug"},
		{"global", "enable", "--exempt", "bad path"},
		{"global", "frobnicate"},
		{"rl", "set", "GET:/posts"},
		{"rl", "hits", "--limit", "0"},
		{"log", "--page", "0"},
		{"flags", "create", "bad key"},
		{"flags", "edit", "f"},
		{"flags", "eval", "f", "--attr", "novalue"},
		{"flags", "add-rule", "f", "--variation", "on"},
		{"segments", "add-rule", "s", "--attribute", "a", "--operator", "like", "--values", "x"},
		{"login", "--password-stdin"},
		{"serve", "--token-ttl", "0s"},
		{"config", "set-url", "localhost"},
		{"--no-such-flag"},
	} {
		r := c.run(args...)
		if r.code != 2 || !strings.Contains(r.stderr, "error: ") || !strings.Contains(r.stderr, "--help' for usage") {
			t.Errorf("expected a usage error (exit 2):\n%s", r)
		}
	}
}

func TestHelpVersionCompletion(t *testing.T) {
	c := newCLI(t)
	r := c.ok("--help")
	for _, group := range []string{"Session and configuration:", "Routes:", "Global and service maintenance:", "Rate limits:", "Feature flags:", "Server and tooling:"} {
		if !strings.Contains(r.stdout, group) {
			t.Errorf("--help lacks the group %q", group)
		}
	}
	for _, cmd := range []string{"config", "login", "logout", "status", "enable", "disable", "maintenance", "schedule", "unschedule", "env", "deprecate", "routes", "log", "global", "service-maintenance", "services", "current-service", "rl", "global-rate-limit", "service-rate-limit", "flags", "segments", "serve", "version", "completion"} {
		if !regexp.MustCompile(`(?m)^  ` + regexp.QuoteMeta(cmd) + ` `).MatchString(r.stdout) {
			t.Errorf("--help lacks the command %q", cmd)
		}
	}
	contains(t, c.ok("version"), "waygate version ")
	contains(t, c.ok("--version"), "waygate version ")
	for _, shell := range []string{"bash", "zsh", "fish", "powershell"} {
		if r := c.ok("completion", shell); len(r.stdout) < 100 {
			t.Errorf("completion %s printed %q", shell, r.stdout)
		}
	}
	c.fails(1, []string{"status"}, "cannot reach the Waygate server at http://localhost:8080/waygate", "waygate config set-url")
}

func TestServeIsAControlPlane(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	dir := t.TempDir()
	srv := exec.CommandContext(ctx, binary, "serve", "--addr", "127.0.0.1:0", "--backend", "file:"+dir+"/state.json")
	srv.Env = []string{"WAYGATE_ADMIN_PASSWORD=" + adminPassword, "PATH=" + os.Getenv("PATH")}
	stderr, err := srv.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	defer srv.Process.Kill()
	url, started := "", ""
	sc := bufio.NewScanner(stderr)
	for url == "" && sc.Scan() {
		if u, found := strings.CutPrefix(sc.Text(), "Waygate server listening on "); found {
			url = u
		}
		if strings.Contains(sc.Text(), `msg="waygate server starting"`) {
			started = sc.Text()
		}
	}
	if url == "" {
		t.Fatal("waygate serve did not say where it listens")
	}
	// Built by go build from the working tree: no module version.
	if !strings.Contains(started, " version=dev env=production") {
		t.Errorf("waygate serve's start line is %q, want its version and environment", started)
	}
	go func() {
		for sc.Scan() {
		}
	}()

	c := newCLI(t)
	c.ok("config", "set-url", url)
	if r := c.runIn(adminPassword, "login", "admin", "--password-stdin"); r.code != 0 {
		t.Fatalf("login to waygate serve:\n%s", r)
	}
	c.ok("global", "enable", "--reason", "from the control plane", "--exempt", "/health")
	c.ok("grl", "set", "1000/minute")
	contains(t, c.ok("global", "status"), "ON", "from the control plane")
	contains(t, c.ok("log"), "global_maintenance_on", "global_rl_set")

	if err := srv.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	if err := srv.Wait(); err != nil {
		t.Fatalf("waygate serve should stop cleanly on SIGINT: %v", err)
	}
	state, err := os.ReadFile(dir + "/state.json")
	if err != nil || !strings.Contains(string(state), "from the control plane") {
		t.Fatalf("the file backend holds no state: %v\n%s", err, state)
	}
	c.fails(2, []string{"serve"}, "no admin password")
}
