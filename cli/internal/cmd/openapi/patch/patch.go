// Package patch implements "waygate openapi patch": rewrite an OpenAPI or
// swag document so it matches the state of a running server or of a state
// file, for CI pipelines that publish docs.
package patch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/waygate-go/waygate/cli/internal/api"
	"github.com/waygate-go/waygate/cli/internal/cmdutil"
	"github.com/waygate-go/waygate/cli/internal/config"
	"github.com/waygate-go/waygate/cli/internal/iostreams"
	"github.com/waygate-go/waygate/core/route"
	"github.com/waygate-go/waygate/openapi"
)

// PatchOptions are the inputs of openapi patch.
type PatchOptions struct {
	IO     *iostreams.IOStreams
	Config func() (*config.Config, error)
	Now    func() time.Time

	// Input is the document: a file, or "-" for standard input.
	Input string
	// State is where the state comes from: an admin API URL
	// (http://host/waygate), a state file, or "-" for standard input.
	State string
	// Output is the file to write; empty writes standard output.
	Output string
	// Format is "json" or "yaml"; empty means Output's extension, else the
	// input's format.
	Format string
	// Env replaces the state's environment when EnvSet.
	Env    string
	EnvSet bool
	// Service matches the routes of one service on a Waygate Server.
	Service string
	// BasePath is joined to every document path when BasePathSet.
	BasePath    string
	BasePathSet bool
	// IncludeForceActive banners force-active routes during global
	// maintenance too.
	IncludeForceActive bool
	// AllowUnmatched writes the document even when none of the state's
	// routes matches one of its operations.
	AllowUnmatched bool
	// SummaryEmoji starts the maintenance banner of summaries with 🔧.
	SummaryEmoji bool
}

// NewCmdPatch returns the patch command.
func NewCmdPatch(f *cmdutil.Factory, runF func(*PatchOptions) error) *cobra.Command {
	opts := &PatchOptions{IO: f.IOStreams, Config: f.Config, Now: f.Now}
	var service string
	cmd := &cobra.Command{
		Use:   "patch DOCUMENT --state SOURCE",
		Short: "Rewrite an OpenAPI or swag document to match the routes' state",
		Long: "Rewrite DOCUMENT (Swagger 2.0 from swag init, or OpenAPI 3.0/3.1; JSON or YAML; - for\n" +
			"standard input) so it matches the runtime state: disabled operations and env-gated ones\n" +
			"outside their environments are removed, deprecated ones marked, those in maintenance\n" +
			"bannered, and global maintenance noted in info.description.\n\n" +
			"--state is where the state comes from:\n" +
			"  - an admin API URL (http://host:8080/waygate): the routes, global maintenance and\n" +
			"    environment of that server, read with your stored login (waygate login);\n" +
			"  - a state file: {\"env\": ..., \"routes\": [...], \"global\": {...}}, where routes is what\n" +
			"    GET /api/routes answers and global what GET /api/global answers (a bare routes\n" +
			"    array works too); - reads it from standard input.\n\n" +
			"An operation's route key is its method and path, the path joined to the document's\n" +
			"prefix: the Swagger 2.0 basePath, or the path of the OpenAPI 3 document's first server\n" +
			"URL (https://api.example.com/api/v1 gives /api/v1); --base-path replaces it. Route keys\n" +
			"in a state file may be written as gin, echo or fiber write routes (GET:/users/:name).\n" +
			"When the state names routes and none of them matches an operation of the document,\n" +
			"nothing would be patched: the command fails and lists them, unless --allow-unmatched.\n\n" +
			"The result goes to --output (JSON or YAML by its extension) or standard output, in the\n" +
			"input's format unless --format says otherwise.",
		Example: "  waygate openapi patch docs/swagger.json --state http://localhost:8080/waygate -o public/openapi.json\n" +
			"  waygate openapi patch docs/swagger.yaml --state state.json --env production -o public/openapi.yaml\n" +
			"  curl -s ... | waygate openapi patch - --state state.json --format json",
		Args: cmdutil.ExactArgs(1, "DOCUMENT (a file, or - for standard input)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Input = args[0]
			if strings.TrimSpace(opts.State) == "" {
				return cmdutil.FlagErrorf("--state is required: an admin API URL (http://host:8080/waygate) or a state file")
			}
			if opts.Input == "-" && opts.State == "-" {
				return cmdutil.FlagErrorf("the document and --state cannot both come from standard input")
			}
			opts.EnvSet = cmd.Flags().Changed("env")
			opts.BasePathSet = cmd.Flags().Changed("base-path")
			if opts.BasePathSet && opts.BasePath != "" && !strings.HasPrefix(opts.BasePath, "/") {
				return cmdutil.FlagErrorf("--base-path %q must start with /", opts.BasePath)
			}
			opts.Service = f.Service(service, cmd.Flags().Changed("service"))
			if opts.Format == "" && opts.Output != "" {
				format, err := formatOf(opts.Output)
				if err != nil {
					return err
				}
				opts.Format = format
			}
			if runF != nil {
				return runF(opts)
			}
			return patchRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.State, "state", "", "where the state comes from: `SOURCE` is an admin API URL, a state file, or - (required)")
	cmd.Flags().StringVarP(&opts.Output, "output", "o", "", "write the result to `FILE` (.json, .yaml or .yml); default standard output")
	cmd.Flags().Var(formatFlag{&opts.Format}, "format", "output format: json or yaml (default: the output file's extension, else the input's format)")
	cmd.Flags().StringVar(&opts.Env, "env", "", "`ENV` env-gated routes are compared against (default: the server's, or the state file's)")
	cmd.Flags().StringVarP(&service, "service", "s", "", "match the routes of service `NAME` on a Waygate Server (default $WAYGATE_SERVICE)")
	cmd.Flags().StringVar(&opts.BasePath, "base-path", "", "`PREFIX` joined to every document path before matching routes; / for none (default: the Swagger 2.0 basePath, or the path of the OpenAPI 3 servers[0].url)")
	cmd.Flags().BoolVar(&opts.IncludeForceActive, "include-force-active", false, "during global maintenance, banner force-active routes too")
	cmd.Flags().BoolVar(&opts.AllowUnmatched, "allow-unmatched", false, "write the document even when none of the state's routes matches one of its operations")
	cmd.Flags().BoolVar(&opts.SummaryEmoji, "summary-emoji", false, "start the maintenance banner of summaries with 🔧 (descriptions always have it)")
	_ = cmd.RegisterFlagCompletionFunc("format", func(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective) {
		return []cobra.Completion{"json", "yaml"}, cobra.ShellCompDirectiveNoFileComp
	})
	return cmd
}

// formatFlag is --format: json or yaml.
type formatFlag struct{ v *string }

func (f formatFlag) String() string {
	if f.v == nil {
		return ""
	}
	return *f.v
}

func (f formatFlag) Set(s string) error {
	switch s {
	case "json", "yaml":
		*f.v = s
		return nil
	case "yml":
		*f.v = "yaml"
		return nil
	}
	return fmt.Errorf("unknown format %q: use json or yaml", s)
}

func (formatFlag) Type() string { return "format" }

// formatOf is the format an output file's extension asks for.
func formatOf(path string) (string, error) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".json":
		return "json", nil
	case ".yaml", ".yml":
		return "yaml", nil
	}
	return "", cmdutil.FlagErrorf("--output %q: name a .json, .yaml or .yml file, or say --format json|yaml", path)
}

func patchRun(ctx context.Context, opts *PatchOptions) error {
	doc, err := readSource(opts.IO, opts.Input)
	if err != nil {
		return fmt.Errorf("read the document: %w", err)
	}
	st, from, err := loadState(ctx, opts)
	if err != nil {
		return err
	}
	if opts.EnvSet {
		st.Env = opts.Env
	}
	if opts.IncludeForceActive {
		st.Maintenance.IncludeForceActive = true
	}
	var po []openapi.Option
	if opts.Service != "" {
		po = append(po, openapi.WithService(opts.Service))
	}
	if opts.BasePathSet {
		po = append(po, openapi.WithBasePath(opts.BasePath))
	}
	if opts.AllowUnmatched {
		po = append(po, openapi.AllowUnmatched())
	}
	if opts.SummaryEmoji {
		po = append(po, openapi.WithSummaryEmoji())
	}
	switch opts.Format {
	case "json":
		po = append(po, openapi.AsJSON())
	case "yaml":
		po = append(po, openapi.AsYAML())
	}
	out, err := openapi.Patch(doc, st, po...)
	var unmatched *openapi.UnmatchedError
	if errors.As(err, &unmatched) {
		return &unmatchedError{doc: displayName(opts.Input), state: from, err: unmatched}
	}
	if err != nil {
		return fmt.Errorf("%s: %w", displayName(opts.Input), err)
	}
	if opts.Output == "" {
		_, err := opts.IO.Out.Write(out)
		return err
	}
	if err := writeFile(opts.Output, out); err != nil {
		return err
	}
	env := st.Env
	if env == "" {
		env = "none"
	}
	fmt.Fprintf(opts.IO.ErrOut, "Patched %s with %d route states from %s (environment %s) → %s\n",
		displayName(opts.Input), len(st.Routes), from, env, opts.Output)
	return nil
}

// maxListedKeys bounds the route keys an unmatched error lists.
const maxListedKeys = 20

// unmatchedError is openapi.UnmatchedError told in the CLI's terms: the
// route keys one a line, and the flags that fix it.
type unmatchedError struct {
	doc, state string
	err        *openapi.UnmatchedError
}

// Error lists the keys one a line and names the flags that fix it.
func (e *unmatchedError) Error() string {
	u := e.err
	var b strings.Builder
	fmt.Fprintf(&b, "%s: none of the %d route states from %s matches an operation of the document", e.doc, len(u.Keys), e.state)
	if u.Prefix != "" {
		from := u.PrefixSource
		if from == "WithBasePath" {
			from = "--base-path"
		}
		fmt.Fprintf(&b, " (its paths are joined to %s, from %s)", u.Prefix, from)
	}
	b.WriteString(":\n")
	for i, k := range u.Keys {
		if i == maxListedKeys {
			fmt.Fprintf(&b, "  … and %d more\n", len(u.Keys)-i)
			break
		}
		fmt.Fprintf(&b, "  %s\n", k)
	}
	switch {
	case u.NoneUnderPrefix:
		fmt.Fprintf(&b, "no route key starts with %s: if the service serves the document's paths without it, pass --base-path /;\n", u.Prefix)
	case u.Prefix == "":
		b.WriteString("if the service serves the document's paths under a prefix, pass it with --base-path;\n")
	default:
		b.WriteString("check --base-path and --service;\n")
	}
	b.WriteString("if the state is another API's, pass --allow-unmatched to write the document anyway")
	return b.String()
}

// Unwrap returns the library's error, so errors.Is(err, openapi.ErrUnmatched) holds.
func (e *unmatchedError) Unwrap() error { return e.err }

func displayName(p string) string {
	if p == "-" {
		return "standard input"
	}
	return p
}

// readSource reads a file, or standard input for "-".
func readSource(ios *iostreams.IOStreams, p string) ([]byte, error) {
	if p == "-" {
		return io.ReadAll(io.LimitReader(ios.In, 256<<20))
	}
	return os.ReadFile(filepath.Clean(p))
}

// isURL reports whether the state source is an admin API.
func isURL(s string) bool {
	return strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://")
}

// loadState reads the state and says where it came from.
func loadState(ctx context.Context, opts *PatchOptions) (openapi.State, string, error) {
	if !isURL(opts.State) {
		b, err := readSource(opts.IO, opts.State)
		if err != nil {
			return openapi.State{}, "", fmt.Errorf("read the state: %w", err)
		}
		st, err := openapi.ParseState(b)
		if err != nil {
			return openapi.State{}, "", fmt.Errorf("%s: %w", displayName(opts.State), err)
		}
		return st, displayName(opts.State), nil
	}
	u, err := url.Parse(opts.State)
	if err != nil || u.Host == "" {
		return openapi.State{}, "", cmdutil.FlagErrorf("--state %q is not a URL: give the admin API's URL, like http://localhost:8080/waygate", opts.State)
	}
	cfg, err := opts.Config()
	if err != nil {
		return openapi.State{}, "", err
	}
	c := *cfg
	c.ServerURL = strings.TrimRight(opts.State, "/")
	st, err := fetchState(ctx, cmdutil.ClientFor(&c, opts.Now()), opts.Service)
	if err != nil {
		return openapi.State{}, "", err
	}
	return st, c.ServerURL, nil
}

// fetchState reads the routes, global maintenance and environment of a
// running server through its admin API. On a Waygate Server, a service's
// own maintenance stands in for the global one while that is off, as the
// service's SDK enforces it.
func fetchState(ctx context.Context, c *api.Client, service string) (openapi.State, error) {
	var st openapi.State
	routes := "/api/routes"
	if service != "" {
		routes += "?service=" + url.QueryEscape(service)
	}
	if err := c.Get(ctx, routes, &st.Routes); err != nil {
		return st, err
	}
	if err := c.Get(ctx, "/api/global", &st.Maintenance); err != nil {
		return st, err
	}
	if service != "" && !st.Maintenance.Enabled {
		var sm route.MaintenanceConfig
		if err := c.Get(ctx, "/api/services/"+api.Escape(service)+"/maintenance", &sm); err != nil {
			return st, err
		}
		if sm.Enabled {
			st.Maintenance = sm
		}
	}
	var health struct {
		Env  string    `json:"env"`
		Time time.Time `json:"time"`
	}
	if err := c.Get(ctx, "/api/health", &health); err != nil {
		return st, err
	}
	st.Env, st.Now = health.Env, health.Time
	return st, nil
}

// writeFile replaces path with b: written beside it, then renamed, so a
// failed run never leaves half a document.
func writeFile(path string, b []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".waygate-openapi-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
