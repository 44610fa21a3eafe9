package waygatecmd

import (
	"context"
	"strings"
	"testing"

	"github.com/waygate-go/waygate/cli/internal/iostreams"
)

func run(t *testing.T, env map[string]string, args ...string) (ExitCode, string, string) {
	t.Helper()
	ios, _, out, errOut := iostreams.Test()
	if env == nil {
		env = map[string]string{}
	}
	if _, ok := env["XDG_CONFIG_HOME"]; !ok {
		env["XDG_CONFIG_HOME"] = t.TempDir()
	}
	code := Run(context.Background(), args, ios, func(k string) string { return env[k] })
	return code, out.String(), errOut.String()
}

func TestExitCodes(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want ExitCode
		err  string
	}{
		{[]string{"version"}, ExitOK, ""},
		{[]string{"current-service"}, ExitOK, "No service selected"},
		{[]string{"global"}, ExitError, "cannot reach the Waygate server"}, // bare global shows the state
		{[]string{"nope"}, ExitUsage, `unknown command "nope" for "waygate"`},
		{[]string{"global", "stauts"}, ExitUsage, "did you mean status?"},
		{[]string{"status", "orders"}, ExitUsage, "usage: waygate status [ROUTE] [flags]"},
		{[]string{"schedule", "/x"}, ExitUsage, `required flag(s) "end", "start" not set`},
		{[]string{"status", "--bogus"}, ExitUsage, "unknown flag: --bogus"},
		{[]string{"status"}, ExitError, "cannot reach the Waygate server at http://127.0.0.1:1/waygate"},
		{[]string{"flags", "delete", "f"}, ExitUsage, "pass --yes"},
	} {
		code, _, stderr := run(t, map[string]string{"WAYGATE_SERVER_URL": "http://127.0.0.1:1/waygate"}, tc.args...)
		if code != tc.want || !strings.Contains(stderr, tc.err) {
			t.Errorf("waygate %s → %d, stderr %q; want %d and %q", strings.Join(tc.args, " "), code, stderr, tc.want, tc.err)
		}
	}
}

func TestHelpListsEveryGroup(t *testing.T) {
	code, out, _ := run(t, nil, "--help")
	if code != ExitOK {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{"Session and configuration:", "Routes:", "Global and service maintenance:", "Rate limits:", "Feature flags:", "Server and tooling:", "maintenance", "global-rate-limit", "segments", "serve", "completion"} {
		if !strings.Contains(out, want) {
			t.Errorf("--help lacks %q", want)
		}
	}
}

func TestInterruptedCommand(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	ios, _, _, errOut := iostreams.Test()
	env := map[string]string{"XDG_CONFIG_HOME": t.TempDir(), "WAYGATE_SERVER_URL": "http://127.0.0.1:1/waygate"}
	if code := Run(ctx, []string{"status"}, ios, func(k string) string { return env[k] }); code != ExitError || !strings.Contains(errOut.String(), "interrupted") {
		t.Fatalf("exit %d, %q", code, errOut)
	}
}
