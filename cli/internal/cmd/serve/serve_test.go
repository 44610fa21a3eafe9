package serve

import (
	"testing"
	"time"

	"github.com/waygate-go/waygate/cli/internal/cmdtest"
)

func TestNewCmdServe(t *testing.T) {
	cmdtest.RunCases(t, NewCmdServe, []cmdtest.Case[ServeOptions]{
		{Name: "from the environment", Env: map[string]string{"WAYGATE_ADMIN_PASSWORD": "a long passphrase", "WAYGATE_BACKEND": "memory", "WAYGATE_ADDR": ":9000", "WAYGATE_ENV": "staging", "WAYGATE_ADMIN_SECRET": "s"},
			Check: func(t *testing.T, o *ServeOptions) {
				if o.AdminPassword != "a long passphrase" || o.Backend != "memory" || o.Addr != ":9000" || o.Env != "staging" || o.Secret != "s" ||
					o.Prefix != "/waygate" || o.AdminUser != "admin" || o.TokenTTL != 24*time.Hour {
					t.Fatalf("%+v", o)
				}
			}},
		{Name: "flags win", Env: map[string]string{"WAYGATE_BACKEND": "memory", "WAYGATE_ADDR": ":9000"},
			Args: []string{"--backend", "file:/tmp/x.json", "--addr", "127.0.0.1:0", "--admin-password", "pw", "--prefix", "/ops", "--token-ttl", "1h"},
			Check: func(t *testing.T, o *ServeOptions) {
				if o.Backend != "file:/tmp/x.json" || o.Addr != "127.0.0.1:0" || o.Prefix != "/ops" || o.TokenTTL != time.Hour {
					t.Fatalf("%+v", o)
				}
			}},
		{Name: "open access", Args: []string{"--open"}, Check: func(t *testing.T, o *ServeOptions) {
			if !o.Open {
				t.Fatalf("%+v", o)
			}
		}},
		{Name: "no password", Usage: true},
		{Name: "open with a password", Args: []string{"--open", "--admin-password", "pw"}, Usage: true},
		{Name: "missing password file", Args: []string{"--admin-password-file", "/nonexistent"}, Fails: true},
		{Name: "service tokens", Env: map[string]string{"WAYGATE_ADMIN_PASSWORD": "pw", "WAYGATE_SERVICE_TOKENS": " payments = p-secret , orders=o-secret"},
			Check: func(t *testing.T, o *ServeOptions) {
				if len(o.ServiceTokens) != 2 || o.ServiceTokens["payments"] != "p-secret" || o.ServiceTokens["orders"] != "o-secret" {
					t.Fatalf("%+v", o.ServiceTokens)
				}
			}},
		{Name: "OFREP keys and origins", Env: map[string]string{"WAYGATE_ADMIN_PASSWORD": "pw", "WAYGATE_OFREP_KEYS": " browser-key-0123456789 ,, node-key-0123456789abc ",
			"WAYGATE_OFREP_ORIGINS": "https://app.example.com"}, Args: []string{"--ofrep-header", "X-API-Key"},
			Check: func(t *testing.T, o *ServeOptions) {
				if len(o.OFREPKeys) != 2 || o.OFREPKeys[0] != "browser-key-0123456789" || o.OFREPKeys[1] != "node-key-0123456789abc" ||
					len(o.OFREPOrigins) != 1 || o.OFREPOrigins[0] != "https://app.example.com" || o.OFREPHeader != "X-API-Key" {
					t.Fatalf("%+v", o)
				}
			}},
		{Name: "OFREP origins flag wins", Env: map[string]string{"WAYGATE_ADMIN_PASSWORD": "pw", "WAYGATE_OFREP_ORIGINS": "https://a.example.com"},
			Args: []string{"--ofrep-origins", "https://b.example.com,https://c.example.com"},
			Check: func(t *testing.T, o *ServeOptions) {
				if len(o.OFREPOrigins) != 2 || o.OFREPOrigins[0] != "https://b.example.com" || o.OFREPHeader != "Authorization" {
					t.Fatalf("%+v", o)
				}
			}},
		{Name: "malformed service tokens", Env: map[string]string{"WAYGATE_ADMIN_PASSWORD": "pw", "WAYGATE_SERVICE_TOKENS": "payments"}, Usage: true},
		{Name: "duplicate service token", Env: map[string]string{"WAYGATE_ADMIN_PASSWORD": "pw", "WAYGATE_SERVICE_TOKENS": "a=1,a=2"}, Usage: true},
		// Safe by default: beyond this machine, no open access and no weak password.
		{Name: "short password on every interface", Env: map[string]string{"WAYGATE_ADMIN_PASSWORD": "pw"}, Args: []string{"--addr", ":8000"}, Usage: true},
		{Name: "default password on every interface", Env: map[string]string{"WAYGATE_ADMIN_PASSWORD": "secret"}, Args: []string{"--addr", "0.0.0.0:8000"}, Usage: true},
		{Name: "short viewer password on every interface", Env: map[string]string{"WAYGATE_ADMIN_PASSWORD": "a long passphrase", "WAYGATE_VIEWER_PASSWORD": "view"},
			Args: []string{"--addr", ":8000"}, Usage: true},
		{Name: "open on every interface", Args: []string{"--open", "--addr", ":8000"}, Usage: true},
		{Name: "short password on localhost", Env: map[string]string{"WAYGATE_ADMIN_PASSWORD": "pw"}, Args: []string{"--addr", "localhost:8000"},
			Check: func(t *testing.T, o *ServeOptions) {
				if o.AdminPassword != "pw" || o.ReadHeaderTimeout != 5*time.Second || o.ReadTimeout != 30*time.Second ||
					o.WriteTimeout != time.Minute || o.IdleTimeout != 2*time.Minute {
					t.Fatalf("%+v", o)
				}
			}},
		{Name: "timeouts", Env: map[string]string{"WAYGATE_ADMIN_PASSWORD": "pw"},
			Args: []string{"--read-header-timeout", "1s", "--read-timeout", "2s", "--write-timeout", "3s", "--idle-timeout", "4s"},
			Check: func(t *testing.T, o *ServeOptions) {
				if o.ReadHeaderTimeout != time.Second || o.ReadTimeout != 2*time.Second || o.WriteTimeout != 3*time.Second || o.IdleTimeout != 4*time.Second {
					t.Fatalf("%+v", o)
				}
			}},
		{Name: "zero timeout", Env: map[string]string{"WAYGATE_ADMIN_PASSWORD": "pw"}, Args: []string{"--idle-timeout", "0s"}, Usage: true},
		{Name: "missing service tokens file", Args: []string{"--admin-password", "pw", "--service-tokens-file", "/nonexistent"}, Fails: true},
		{Name: "metrics at /metrics by default", Env: map[string]string{"WAYGATE_ADMIN_PASSWORD": "pw"},
			Check: func(t *testing.T, o *ServeOptions) {
				if o.MetricsPath != "/metrics" {
					t.Fatalf("MetricsPath %q", o.MetricsPath)
				}
			}},
		{Name: "metrics elsewhere", Env: map[string]string{"WAYGATE_ADMIN_PASSWORD": "pw"}, Args: []string{"--metrics-path", "/internal/prom"},
			Check: func(t *testing.T, o *ServeOptions) {
				if o.MetricsPath != "/internal/prom" {
					t.Fatalf("MetricsPath %q", o.MetricsPath)
				}
			}},
		{Name: "no metrics", Env: map[string]string{"WAYGATE_ADMIN_PASSWORD": "pw"}, Args: []string{"--metrics-path", ""},
			Check: func(t *testing.T, o *ServeOptions) {
				if o.MetricsPath != "" {
					t.Fatalf("MetricsPath %q", o.MetricsPath)
				}
			}},
		{Name: "metrics path not absolute", Env: map[string]string{"WAYGATE_ADMIN_PASSWORD": "pw"}, Args: []string{"--metrics-path", "metrics"}, Usage: true},
		{Name: "metrics path with a wildcard", Env: map[string]string{"WAYGATE_ADMIN_PASSWORD": "pw"}, Args: []string{"--metrics-path", "/{x}"}, Usage: true},
		{Name: "metrics under the admin prefix", Env: map[string]string{"WAYGATE_ADMIN_PASSWORD": "pw"}, Args: []string{"--metrics-path", "/waygate/metrics"}, Usage: true},
	})
}
