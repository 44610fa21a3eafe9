package admin_test

// The admin API's OpenAPI document is checked with the real Redocly CLI,
// pinned in devtools/redocly. Like the Redis and browser tests, the check
// skips loudly when the CLI is not installed, unless WAYGATE_REQUIRE_NODE=1
// (CI), where a missing CLI fails the run.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// redoclyInstall says how to install the pinned Redocly CLI.
const redoclyInstall = "install it with `cd devtools/redocly && npm ci` (Node.js 20.19+ or 22.12+)"

// redoclyTimeout bounds one Redocly run; it takes about a second.
const redoclyTimeout = 2 * time.Minute

// The document the handler serves passes Redocly's spec ruleset (structure
// and OpenAPI 3.0 rules such as nullable-type-sibling) with no problem.
func TestOpenAPIPassesRedoclySpecRuleset(t *testing.T) {
	cli := needRedocly(t)
	f := newFixture(t)
	r := f.call("GET", "/api/openapi.json", "", "")
	want(t, r, http.StatusOK)

	report := cli.lint(t, r.body)
	served := report.Totals.Errors
	if report.Version != cli.pinned {
		t.Errorf("Redocly CLI %s is installed, devtools/redocly/package.json pins %s: run `cd devtools/redocly && npm ci`",
			report.Version, cli.pinned)
	}
	if report.Totals.Errors != 0 || report.Totals.Warnings != 0 || !report.passed {
		t.Errorf("redocly lint --extends=spec: %d errors, %d warnings, exit ok %v\n%s",
			report.Totals.Errors, report.Totals.Warnings, report.passed, report)
	}

	// The check catches what it is there for: the same document with a
	// nullable schema that has no type fails.
	var doc map[string]any
	r.json(t, &doc)
	components, _ := doc["components"].(map[string]any)
	schemas, _ := components["schemas"].(map[string]any)
	if schemas == nil {
		t.Fatalf("the served document has no components.schemas: %.300s", r.body)
	}
	schemas["LintProbe"] = map[string]any{"description": "nullable without type", "nullable": true}
	broken, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	report = cli.lint(t, broken)
	if report.passed || report.Totals.Errors != served+1 || !report.has("nullable-type-sibling", "#/components/schemas/LintProbe/nullable") {
		t.Errorf("a nullable schema without type: want one nullable-type-sibling error and a failed run, got exit ok %v\n%s",
			report.passed, report)
	}
}

// redocly is the installed Redocly CLI and the version package.json pins.
type redocly struct {
	bin    string
	pinned string
}

// needRedocly finds devtools/redocly/node_modules/.bin/redocly under the
// repository root (the directory holding go.work). Without it, or without
// node, the test is skipped with a loud message saying how to install it —
// or fails, when WAYGATE_REQUIRE_NODE=1, as in CI.
func needRedocly(t *testing.T) redocly {
	t.Helper()
	missing := func(why string) {
		t.Helper()
		if os.Getenv("WAYGATE_REQUIRE_NODE") == "1" {
			t.Fatal("FAILING (WAYGATE_REQUIRE_NODE=1): " + why)
		}
		t.Skip("SKIPPING: " + why)
	}
	if _, err := exec.LookPath("node"); err != nil {
		missing("this test needs Node.js to run Redocly CLI: apt-get install nodejs npm, then " + redoclyInstall)
	}
	root, err := repoRoot()
	if err != nil {
		missing(err.Error())
	}
	dir := filepath.Join(root, "devtools", "redocly")
	bin := filepath.Join(dir, "node_modules", ".bin", "redocly")
	if _, err := os.Stat(bin); err != nil {
		missing("this test needs Redocly CLI at " + bin + ": " + redoclyInstall)
	}
	raw, err := os.ReadFile(filepath.Join(dir, "package.json"))
	if err != nil {
		t.Fatal(err)
	}
	var pkg struct {
		DevDependencies map[string]string `json:"devDependencies"`
	}
	if err := json.Unmarshal(raw, &pkg); err != nil {
		t.Fatalf("devtools/redocly/package.json: %v", err)
	}
	pinned := pkg.DevDependencies["@redocly/cli"]
	if pinned == "" {
		t.Fatal("devtools/redocly/package.json pins no @redocly/cli")
	}
	return redocly{bin: bin, pinned: pinned}
}

// repoRoot walks up from the working directory to the one holding go.work.
func repoRoot() (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for dir := wd; ; dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "go.work")); err == nil {
			return dir, nil
		}
		if filepath.Dir(dir) == dir {
			return "", fmt.Errorf("no go.work above %s: run the test inside the Waygate repository, where devtools/redocly is", wd)
		}
	}
}

// lintReport is Redocly's --format=json output, plus how the run ended.
type lintReport struct {
	Version string `json:"version"`
	Totals  struct {
		Errors   int `json:"errors"`
		Warnings int `json:"warnings"`
	} `json:"totals"`
	Problems []struct {
		RuleID   string `json:"ruleId"`
		Severity string `json:"severity"`
		Message  string `json:"message"`
		Location []struct {
			Pointer string `json:"pointer"`
		} `json:"location"`
	} `json:"problems"`

	passed bool   // redocly exited with status 0
	stderr string // what Redocly printed besides the report
}

// has reports whether a problem of rule is reported at pointer.
func (r lintReport) has(rule, pointer string) bool {
	for _, p := range r.Problems {
		for _, l := range p.Location {
			if p.RuleID == rule && l.Pointer == pointer {
				return true
			}
		}
	}
	return false
}

// String lists the problems one a line, then Redocly's other output.
func (r lintReport) String() string {
	var b strings.Builder
	for _, p := range r.Problems {
		pointer := ""
		if len(p.Location) > 0 {
			pointer = p.Location[0].Pointer
		}
		fmt.Fprintf(&b, "  %s %s at %s: %s\n", p.Severity, p.RuleID, pointer, p.Message)
	}
	if s := strings.TrimSpace(r.stderr); s != "" {
		fmt.Fprintf(&b, "redocly stderr:\n%s\n", s)
	}
	return b.String()
}

// lint runs `redocly lint --extends=spec --format=json` on doc, written to
// a temporary file, from an empty directory so that no redocly.yaml applies.
func (c redocly) lint(t *testing.T, doc []byte) lintReport {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "openapi.json")
	if err := os.WriteFile(path, doc, 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), redoclyTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, c.bin, "lint", "--extends=spec", "--format=json", path)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "REDOCLY_TELEMETRY=off", "REDOCLY_SUPPRESS_UPDATE_NOTICE=true", "NO_COLOR=1")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("run %s: %v\n%s", c.bin, err, stderr.String())
	}
	var report lintReport
	if jerr := json.Unmarshal(stdout.Bytes(), &report); jerr != nil || report.Version == "" {
		t.Fatalf("redocly lint gave no JSON report (%v, exit %v): %s\nstderr:\n%s", jerr, err, stdout.String(), stderr.String())
	}
	report.passed, report.stderr = err == nil, stderr.String()
	return report
}
