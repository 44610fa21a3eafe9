package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestLoginConfigAndAuthErrors(t *testing.T) {
	s := newServer(t, serverOption{})
	c := newCLI(t)
	c.ok("config", "set-url", s.Admin+"/")
	c.fails(1, []string{"status"}, "not logged in: run: waygate login admin")
	c.fails(1, []string{"login", "admin", "--password-stdin"}, "standard input was empty")
	if r := c.runIn("wrong password\n", "login", "admin", "--password-stdin"); r.code != 1 || !strings.Contains(r.stderr, "wrong user name or password") {
		t.Fatalf("wrong password:\n%s", r)
	}
	c.fails(1, []string{"login", "admin"}, "no terminal to prompt for the password", "--password-stdin")
	c.login(s, "admin", adminPassword)

	path := filepath.Join(c.dir, "config", "waygate", "config.json")
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Fatalf("config file mode %v, want 0600", fi.Mode().Perm())
	}
	if di, _ := os.Stat(filepath.Dir(path)); di.Mode().Perm() != 0o700 {
		t.Fatalf("config directory mode %v, want 0700", di.Mode().Perm())
	}
	b, _ := os.ReadFile(path)
	if strings.Contains(string(b), adminPassword) || !strings.Contains(string(b), `"token"`) {
		t.Fatalf("config file should hold the token and never the password:\n%s", b)
	}

	var show map[string]any
	c.jsonOut(&show, "config", "show")
	if show["server_url"] != s.Admin || show["username"] != "admin" || show["logged_in"] != true || show["token"] != nil {
		t.Fatalf("config show: %v", show)
	}
	// The environment wins over the file, and config show says so.
	other := newCLI(t, "WAYGATE_SERVER_URL=http://example.invalid/waygate")
	contains(t, other.ok("config", "show"), "http://example.invalid/waygate", "env WAYGATE_SERVER_URL")

	// The token never goes to another server, even when the environment
	// points the CLI there.
	s2 := newServer(t, serverOption{})
	elsewhere := &cli{t: t, dir: c.dir, env: append(slices.Clone(c.env), "WAYGATE_SERVER_URL="+s2.Admin)}
	elsewhere.fails(1, []string{"status"}, "not logged in: run: waygate login admin")
	contains(t, elsewhere.ok("config", "show"), "not logged in")

	c.ok("logout")
	c.fails(1, []string{"status"}, "not logged in")
	c.ok("logout") // already logged out: still fine
}

func TestRouteCommands(t *testing.T) {
	s := newServer(t, serverOption{})
	c := newCLI(t)
	c.login(s, "admin", adminPassword)

	r := c.ok("status")
	contains(t, r, "ROUTE", "STATUS", "GET:/orders", "POST:/orders", "GET:/health", "active")
	var states []struct {
		Path   string `json:"path"`
		Status string `json:"status"`
	}
	c.jsonOut(&states, "status")
	if len(states) != 7 {
		t.Fatalf("status -o json: %d routes, want 7: %+v", len(states), states)
	}
	// "routes list" is the natural name of the same listing.
	if list := c.ok("routes", "list"); list.stdout != r.stdout {
		t.Fatalf("routes list printed\n%s\nwant what status prints\n%s", list.stdout, r.stdout)
	}
	// A key in gin's form is read in Waygate's (this app has no such route).
	c.fails(1, []string{"routes", "list", "GET:/orders/:id"}, `"GET:/orders/{id}" is not a registered route`)

	// Maintenance: the application answers 503 over HTTP.
	contains(t, c.ok("maintenance", "get:/orders", "--reason", "reindexing"), "GET:/orders → MAINTENANCE (reindexing)")
	if code, body := s.get("/orders"); code != 503 || !strings.Contains(body, "MAINTENANCE_MODE") {
		t.Fatalf("GET /orders after maintenance: %d %s", code, body)
	}
	contains(t, c.ok("status", "GET:/orders"), "Status:", "MAINTENANCE", "reindexing")
	var one struct {
		Status string `json:"status"`
		Reason string `json:"reason"`
	}
	c.jsonOut(&one, "status", "GET:/orders")
	if one.Status != "maintenance" || one.Reason != "reindexing" {
		t.Fatalf("status GET:/orders -o json: %+v", one)
	}
	if st, _ := s.Engine.Route("GET:/orders"); st.Status != "maintenance" {
		t.Fatalf("engine sees %s", st.Status)
	}
	contains(t, c.ok("enable", "GET:/orders"), "GET:/orders → ACTIVE")
	if code, _ := s.get("/orders"); code != 200 {
		t.Fatalf("GET /orders after enable: %d", code)
	}

	// A bare path matching two routes lists them; --all applies to each.
	c.fails(1, []string{"disable", "/orders"}, "/orders matches 2 routes", "GET:/orders", "POST:/orders", "--all")
	r = c.ok("disable", "/orders", "--all", "--reason", "incident 42", "--until", "2h")
	contains(t, r, "GET:/orders → DISABLED", "POST:/orders → DISABLED", "enabled again at")
	if code, body := s.get("/orders"); code != 503 || !strings.Contains(body, "ROUTE_DISABLED") {
		t.Fatalf("GET /orders after disable: %d %s", code, body)
	}
	c.ok("enable", "/orders", "--all")

	// Windows, environment gates, deprecation.
	r = c.ok("schedule", "GET:/payments", "--start", "2099-01-01T02:00Z", "--end", "2099-01-01T04:00Z", "--reason", "migration")
	contains(t, r, "GET:/payments → ACTIVE", "window maintenance 2099-01-01 02:00 UTC → 2099-01-01 04:00 UTC")
	contains(t, c.ok("status"), "maintenance 2099-01-01 02:00 UTC")
	contains(t, c.ok("schedule", "cancel", "GET:/payments"), "window cancelled")
	c.fails(1, []string{"unschedule", "GET:/payments"}, "no")
	contains(t, c.ok("env", "set", "GET:/status", "dev", "staging"), "ENV_GATED", "served in dev, staging")
	if code, _ := s.get("/status"); code != 404 {
		t.Fatalf("env-gated GET /status in production: %d", code)
	}
	c.ok("env", "clear", "GET:/status")
	contains(t, c.ok("deprecate", "GET:/payments", "--sunset", "2099-01-01", "--successor", "/v2/payments"), "DEPRECATED", "successor /v2/payments")
	c.ok("enable", "GET:/payments")

	// Errors from the server say what to do.
	c.fails(1, []string{"maintenance", "GET:/nope"}, "not a registered route")
	c.fails(1, []string{"maintenance", "GET:/health"}, "error:")

	// The audit log shows every action, by whom and from where.
	r = c.ok("log", "--limit", "50")
	contains(t, r, "maintenance_on", "GET:/orders", "admin", "cli", "reindexing", "disable", "schedule_set", "env_gate", "deprecate")
	var entries []struct {
		Action   string `json:"action"`
		Actor    string `json:"actor"`
		Platform string `json:"platform"`
	}
	c.jsonOut(&entries, "log", "--route", "GET:/orders", "--action", "maintenance_on")
	if len(entries) != 1 || entries[0].Actor != "admin" || entries[0].Platform != "cli" {
		t.Fatalf("log --route GET:/orders --action maintenance_on: %+v", entries)
	}
	c.jsonOut(&entries, "log", "--limit", "2", "--page", "2")
	if len(entries) != 2 {
		t.Fatalf("log page 2: %+v", entries)
	}
	contains(t, c.ok("routes", "prune"))
}

func TestGlobalAndServiceMaintenance(t *testing.T) {
	s := newServer(t, serverOption{})
	c := newCLI(t)
	c.login(s, "admin", adminPassword)

	r := c.ok("global", "enable", "--reason", "upgrade", "--exempt", "GET:/status")
	contains(t, r, "Global maintenance is ON", "GET:/status")
	if code, _ := s.get("/orders"); code != 503 {
		t.Fatalf("GET /orders during global maintenance: %d", code)
	}
	if code, _ := s.get("/status"); code != 200 {
		t.Fatalf("exempt GET /status during global maintenance: %d", code)
	}
	contains(t, c.ok("global", "status"), "ON", "upgrade", "GET:/status")
	if bare := c.ok("global"); bare.stdout != c.ok("global", "status").stdout {
		t.Fatalf("bare global printed\n%s\nwant the state, as global status", bare.stdout)
	}
	contains(t, c.ok("global", "exempt", "add", "/payments"), "GET:/status, /payments")
	if code, _ := s.get("/payments"); code != 200 {
		t.Fatalf("newly exempt GET /payments: %d", code)
	}
	c.ok("global", "disable")
	// Changing exempt paths never switches maintenance on.
	c.ok("global", "exempt", "remove", "/payments")
	var g struct {
		Enabled     bool     `json:"enabled"`
		ExemptPaths []string `json:"exempt_paths"`
	}
	c.jsonOut(&g, "global", "status")
	if g.Enabled || len(g.ExemptPaths) != 1 || g.ExemptPaths[0] != "GET:/status" {
		t.Fatalf("after exempt remove while off: %+v", g)
	}
	if code, _ := s.get("/orders"); code != 200 {
		t.Fatalf("GET /orders after global disable: %d", code)
	}

	contains(t, c.ok("service-maintenance", "enable", "payments", "--reason", "db"), "Maintenance of service payments is ON")
	contains(t, c.ok("sm", "status", "payments"), "ON", "db")
	c.ok("sm", "exempt", "add", "payments", "/health")
	c.ok("sm", "disable", "payments")
	contains(t, c.ok("services"), "payments")
	c.fails(2, []string{"sm", "enable"}, "missing argument: SERVICE")
	contains(t, newCLI(t, "WAYGATE_SERVICE=billing").ok("current-service"), "billing")
}

func TestViewerCannotChangeState(t *testing.T) {
	s := newServer(t, serverOption{})
	c := newCLI(t)
	c.login(s, "viewer", viewerPassword)
	c.ok("status")
	c.fails(1, []string{"maintenance", "GET:/orders"}, "viewer role", "log in as an admin")
}
