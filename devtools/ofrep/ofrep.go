package ofrep

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// ErrNoNode is returned when node or npm is not on PATH.
var ErrNoNode = errors.New("ofrep: node and npm not found on PATH: install Node.js 20 or later (apt-get install nodejs npm)")

// ErrNoChromium is returned by [Browser] when no Chromium is found.
var ErrNoChromium = errors.New("ofrep: no Chromium found: apt-get install chromium, or set WAYGATE_CHROMIUM")

// Input is the document both runners read: where the OFREP server is, the
// headers every request carries and the evaluations to make, in order.
type Input struct {
	// BaseURL is the URL the /ofrep/v1/... paths are appended to.
	BaseURL string `json:"baseURL"`
	// Headers are sent with every OFREP request, e.g. Authorization.
	Headers map[string]string `json:"headers,omitempty"`
	// Cases are evaluated in order.
	Cases []Case `json:"cases"`
}

// Case is one flag evaluation.
type Case struct {
	// Flag is the flag key.
	Flag string `json:"flag"`
	// Type picks the client method: "boolean", "string", "number" or "object".
	Type string `json:"type"`
	// Default is the default value; its JSON type must match Type.
	Default any `json:"default"`
	// Context is the evaluation context, e.g. {"targetingKey": "alice"}.
	Context map[string]any `json:"context,omitempty"`
}

// Result is the evaluation details the OpenFeature SDK returned for a Case.
// Numbers decode as float64, as encoding/json does; an empty FlagMetadata
// is nil.
type Result struct {
	Flag         string         `json:"flag"`
	Value        any            `json:"value"`
	Variant      string         `json:"variant,omitempty"`
	Reason       string         `json:"reason,omitempty"`
	ErrorCode    string         `json:"errorCode,omitempty"`
	ErrorMessage string         `json:"errorMessage,omitempty"`
	FlagMetadata map[string]any `json:"flagMetadata,omitempty"`
}

// output is the document the runners print (node) or resolve to (browser).
type output struct {
	Results []Result `json:"results"`
}

// stampFile, in node_modules, holds the hash of the package-lock.json that
// node_modules was installed from.
const stampFile = ".waygate-ofrep-lock.sha256"

// Install installs the vendored packages into dir/node_modules with
// `npm ci --offline` when node_modules is missing or was installed from
// another package-lock.json. It installs into a temporary directory first
// and renames it into place, so concurrent test binaries never see a half
// installed tree.
func Install(dir string) error {
	lock, err := os.ReadFile(filepath.Join(dir, "package-lock.json"))
	if err != nil {
		return fmt.Errorf("ofrep: read the lock file (is %s devtools/ofrep?): %w", dir, err)
	}
	sum := sha256.Sum256(lock)
	want := hex.EncodeToString(sum[:])
	modules := filepath.Join(dir, "node_modules")
	if installed(modules, want) {
		return nil
	}
	npm, err := exec.LookPath("npm")
	if err != nil {
		return ErrNoNode
	}
	tmp, err := os.MkdirTemp(dir, ".install-")
	if err != nil {
		return fmt.Errorf("ofrep: %w", err)
	}
	defer os.RemoveAll(tmp)
	for _, name := range []string{"package.json", "package-lock.json"} {
		raw, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return fmt.Errorf("ofrep: %w", err)
		}
		if err := os.WriteFile(filepath.Join(tmp, name), raw, 0o644); err != nil {
			return fmt.Errorf("ofrep: %w", err)
		}
	}
	vendor, err := filepath.Abs(filepath.Join(dir, "vendor"))
	if err != nil {
		return fmt.Errorf("ofrep: %w", err)
	}
	if err := os.Symlink(vendor, filepath.Join(tmp, "vendor")); err != nil {
		return fmt.Errorf("ofrep: %w", err)
	}
	cmd := exec.Command(npm, "ci", "--offline", "--no-audit", "--no-fund")
	cmd.Dir = tmp
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("ofrep: npm ci --offline in %s: %w\n%s", dir, err, out.String())
	}
	if err := os.WriteFile(filepath.Join(tmp, "node_modules", stampFile), []byte(want+"\n"), 0o644); err != nil {
		return fmt.Errorf("ofrep: %w", err)
	}
	if installed(modules, want) { // another process got there first
		return nil
	}
	old := modules + ".old"
	_ = os.RemoveAll(old)
	if err := os.Rename(modules, old); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("ofrep: move the stale node_modules aside: %w", err)
	}
	if err := os.Rename(filepath.Join(tmp, "node_modules"), modules); err != nil {
		if installed(modules, want) {
			return nil
		}
		return fmt.Errorf("ofrep: %w", err)
	}
	_ = os.RemoveAll(old)
	return nil
}

// installed reports whether node_modules was installed from the lock file
// whose hash is want.
func installed(modules, want string) bool {
	got, err := os.ReadFile(filepath.Join(modules, stampFile))
	return err == nil && strings.TrimSpace(string(got)) == want
}

// Node evaluates in.Cases with the OpenFeature server SDK and the OFREP
// server provider, running dir/node-eval.mjs (dir is devtools/ofrep, with
// the packages installed by [Install]).
func Node(ctx context.Context, dir string, in Input) ([]Result, error) {
	node, err := exec.LookPath("node")
	if err != nil {
		return nil, ErrNoNode
	}
	doc, err := json.Marshal(in)
	if err != nil {
		return nil, fmt.Errorf("ofrep: encode the input: %w", err)
	}
	cmd := exec.CommandContext(ctx, node, "node-eval.mjs")
	cmd.Dir = dir
	cmd.Stdin = bytes.NewReader(doc)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("ofrep: node node-eval.mjs: %w: %s", err, strings.TrimSpace(stderr.String()))
	}
	var out output
	if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
		return nil, fmt.Errorf("ofrep: node-eval.mjs printed no results document: %w\nstdout: %s\nstderr: %s", err, stdout.String(), stderr.String())
	}
	return tidy(out.Results), nil
}

// tidy makes an empty flag metadata nil: the server SDK reports {} where
// the web SDK reports nothing.
func tidy(results []Result) []Result {
	for i := range results {
		if len(results[i].FlagMetadata) == 0 {
			results[i].FlagMetadata = nil
		}
	}
	return results
}

// PageHandler serves the browser runner: web/index.html and its scripts
// under /web/, and the installed packages the page imports under
// /node_modules/@openfeature/. Mount it on the OFREP server's mux (under a
// prefix with [http.StripPrefix]) to make the page same-origin with the
// OFREP endpoints; then pass the page's URL to [Browser].
func PageHandler(dir string) http.Handler {
	web := http.FileServer(http.Dir(filepath.Join(dir, "web")))
	modules := http.FileServer(http.Dir(filepath.Join(dir, "node_modules", "@openfeature")))
	mux := http.NewServeMux()
	mux.Handle("GET /web/", http.StripPrefix("/web", web))
	mux.Handle("GET /node_modules/@openfeature/", http.StripPrefix("/node_modules/@openfeature", modules))
	return mux
}
