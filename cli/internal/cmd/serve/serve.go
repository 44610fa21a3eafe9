// Package serve implements "waygate serve": a standalone Waygate server —
// an engine on a backend plus the admin REST API — so the CLI binary is
// also the control-plane binary. It is the only command that runs the
// engine; every other command is a client of the admin API.
package serve

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/waygate-go/waygate/core/backend/redisbackend"

	"github.com/spf13/cobra"

	"github.com/waygate-go/waygate/admin"
	"github.com/waygate-go/waygate/cli/internal/build"
	"github.com/waygate-go/waygate/cli/internal/cmdutil"
	"github.com/waygate-go/waygate/cli/internal/iostreams"
	"github.com/waygate-go/waygate/core/engine"
	waygateprom "github.com/waygate-go/waygate/otel/prom"
)

// Environment variables serve reads when the matching flag is not given.
const (
	EnvAddr           = "WAYGATE_ADDR"
	EnvAdminPassword  = "WAYGATE_ADMIN_PASSWORD"  //nolint:gosec // G101: a name, not a credential
	EnvViewerPassword = "WAYGATE_VIEWER_PASSWORD" //nolint:gosec // G101: a name, not a credential
	EnvAdminSecret    = "WAYGATE_ADMIN_SECRET"    //nolint:gosec // G101: a name, not a credential
	// EnvServiceTokens lists SDK service tokens: "payments=SECRET,orders=SECRET".
	EnvServiceTokens = "WAYGATE_SERVICE_TOKENS"
	// EnvOFREPKeys lists OFREP evaluation keys, comma-separated.
	EnvOFREPKeys = "WAYGATE_OFREP_KEYS"
	// EnvOFREPOrigins lists the browser origins allowed to call OFREP.
	EnvOFREPOrigins = "WAYGATE_OFREP_ORIGINS"
)

// ServeOptions are the inputs of serve.
type ServeOptions struct {
	IO *iostreams.IOStreams

	// Addr is the listen address ("localhost:8000"; port 0 picks one).
	Addr string
	// Prefix is where the admin API is mounted ("/waygate").
	Prefix string
	// MetricsPath serves the engine's metrics to Prometheus ("/metrics");
	// empty serves none.
	MetricsPath string
	// Backend is a WAYGATE_BACKEND spec: memory, file:/path, redis://...
	Backend string
	// Env is the engine's environment (WAYGATE_ENV); empty keeps the default.
	Env string
	// AdminUser logs in with AdminPassword as an admin.
	AdminUser, AdminPassword string
	// ViewerPassword, if set, adds the read-only user "viewer".
	ViewerPassword string
	// Secret signs session tokens (32 bytes or more); empty means random.
	Secret string
	// TokenTTL is how long a login lasts.
	TokenTTL time.Duration
	// Open serves without authentication (development only).
	Open bool
	// ServiceTokens maps services to the secrets their SDKs connect with.
	ServiceTokens map[string]string
	// OFREPKeys are read-only keys for the OFREP endpoints; OFREPHeader
	// carries them ("Authorization" as a bearer token); OFREPOrigins are
	// the browser origins allowed to call them.
	OFREPKeys    []string
	OFREPHeader  string
	OFREPOrigins []string
	// The server's timeouts: request headers must arrive within
	// ReadHeaderTimeout and the whole request within ReadTimeout; a
	// response must be written within WriteTimeout (event streams lift it
	// for themselves); an idle keep-alive connection is closed after
	// IdleTimeout.
	ReadHeaderTimeout, ReadTimeout, WriteTimeout, IdleTimeout time.Duration
}

// NewCmdServe returns the serve command.
func NewCmdServe(f *cmdutil.Factory, runF func(*ServeOptions) error) *cobra.Command {
	opts := &ServeOptions{IO: f.IOStreams}
	var passwordFile, tokensFile string
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run a standalone Waygate server (engine + admin API)",
		Long: "Run a Waygate server: an engine on --backend with the admin REST API mounted at --prefix\n" +
			"and its Prometheus metrics at --metrics-path (default /metrics).\n" +
			"It is also the Waygate Server of SDK services: give each service a token in\n" +
			"$WAYGATE_SERVICE_TOKENS (\"payments=SECRET,orders=SECRET\") or --service-tokens-file.\n" +
			"It serves the flags to OpenFeature SDKs of every language over OFREP at\n" +
			"--prefix/ofrep/v1/evaluate/flags: give them read-only keys in $WAYGATE_OFREP_KEYS\n" +
			"(comma-separated; service tokens work too) and browser origins in --ofrep-origins.\n" +
			"The admin password comes from $WAYGATE_ADMIN_PASSWORD or --admin-password-file\n" +
			"(--admin-password works too, but shows in process listings). Give every replica the same\n" +
			"$WAYGATE_ADMIN_SECRET so sessions survive restarts. Stops gracefully on SIGINT or SIGTERM.",
		Example: "  WAYGATE_ADMIN_PASSWORD=s3cret waygate serve --addr :8000 --backend redis://localhost:6379/0\n" +
			"  waygate serve --backend file:/var/lib/waygate/state.json --admin-password-file /run/secrets/waygate",
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if !cmd.Flags().Changed("addr") && f.Getenv(EnvAddr) != "" {
				opts.Addr = f.Getenv(EnvAddr)
			}
			if !cmd.Flags().Changed("backend") {
				opts.Backend = f.Getenv(engine.EnvBackend)
			}
			if !cmd.Flags().Changed("env") {
				opts.Env = f.Getenv(engine.EnvEnvironment)
			}
			if passwordFile != "" {
				b, err := os.ReadFile(passwordFile) //nolint:gosec // G304: the file the operator named
				if err != nil {
					return fmt.Errorf("--admin-password-file: %w", err)
				}
				opts.AdminPassword = strings.TrimRight(string(b), "\r\n")
			}
			if opts.AdminPassword == "" {
				opts.AdminPassword = f.Getenv(EnvAdminPassword)
			}
			opts.ViewerPassword, opts.Secret = f.Getenv(EnvViewerPassword), f.Getenv(EnvAdminSecret)
			spec, from := f.Getenv(EnvServiceTokens), "$"+EnvServiceTokens
			if tokensFile != "" {
				b, err := os.ReadFile(tokensFile) //nolint:gosec // G304: the file the operator named
				if err != nil {
					return fmt.Errorf("--service-tokens-file: %w", err)
				}
				spec, from = string(b), "--service-tokens-file"
			}
			tokens, err := parseServiceTokens(spec)
			if err != nil {
				return cmdutil.FlagErrorf("%s: %v", from, err)
			}
			opts.ServiceTokens = tokens
			opts.OFREPKeys = splitList(f.Getenv(EnvOFREPKeys))
			if !cmd.Flags().Changed("ofrep-origins") {
				opts.OFREPOrigins = splitList(f.Getenv(EnvOFREPOrigins))
			}
			if opts.AdminPassword == "" && !opts.Open {
				return cmdutil.FlagErrorf("no admin password: set %s, or pass --admin-password-file FILE (or --open on a development machine)", EnvAdminPassword)
			}
			if opts.Open && opts.AdminPassword != "" {
				return cmdutil.FlagErrorf("--open serves without authentication: do not combine it with an admin password")
			}
			if opts.TokenTTL <= 0 {
				return cmdutil.FlagErrorf("--token-ttl %s must be positive", opts.TokenTTL)
			}
			for name, d := range map[string]time.Duration{"--read-header-timeout": opts.ReadHeaderTimeout,
				"--read-timeout": opts.ReadTimeout, "--write-timeout": opts.WriteTimeout, "--idle-timeout": opts.IdleTimeout} {
				if d <= 0 {
					return cmdutil.FlagErrorf("%s %s must be positive", name, d)
				}
			}
			if err := checkMetricsPath(opts); err != nil {
				return err
			}
			if err := checkExposure(opts); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return serveRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Addr, "addr", "localhost:8000", "listen address (default $WAYGATE_ADDR or localhost:8000; :8000 for every interface)")
	fl.StringVar(&opts.Prefix, "prefix", "/waygate", "path the admin API is mounted at")
	fl.StringVar(&opts.MetricsPath, "metrics-path", waygateprom.Path, `path of the Prometheus metrics, unauthenticated like any scrape target ("" serves none)`)
	fl.StringVar(&opts.Backend, "backend", "", "state backend: memory, file:/path/state.json or redis://host:6379/0 (default $WAYGATE_BACKEND or memory)")
	fl.StringVar(&opts.Env, "env", "", "environment name for env-gated routes (default $WAYGATE_ENV)")
	fl.StringVar(&opts.AdminUser, "admin-user", "admin", "name of the admin user")
	fl.StringVar(&opts.AdminPassword, "admin-password", "", "admin password (prefer $WAYGATE_ADMIN_PASSWORD: flags show in process listings)")
	fl.StringVar(&passwordFile, "admin-password-file", "", "read the admin password from this file")
	fl.StringVar(&tokensFile, "service-tokens-file", "", "read SDK service tokens (service=secret, one per line or comma-separated) from this file (default $WAYGATE_SERVICE_TOKENS)")
	fl.StringVar(&opts.OFREPHeader, "ofrep-header", "Authorization", `request header carrying the OFREP key ("Authorization" as "Bearer KEY", or e.g. X-API-Key)`)
	fl.StringSliceVar(&opts.OFREPOrigins, "ofrep-origins", nil, "browser origins allowed to call OFREP, such as https://app.example.com, or * (default $WAYGATE_OFREP_ORIGINS)")
	fl.DurationVar(&opts.TokenTTL, "token-ttl", 24*time.Hour, "how long a login lasts")
	fl.BoolVar(&opts.Open, "open", false, "serve without authentication (development only; refused beyond localhost)")
	fl.DurationVar(&opts.ReadHeaderTimeout, "read-header-timeout", 5*time.Second, "close a connection whose request headers take longer")
	fl.DurationVar(&opts.ReadTimeout, "read-timeout", 30*time.Second, "close a connection whose request, body included, takes longer")
	fl.DurationVar(&opts.WriteTimeout, "write-timeout", time.Minute, "give up on a response that takes longer to write (event streams excepted)")
	fl.DurationVar(&opts.IdleTimeout, "idle-timeout", 2*time.Minute, "close an idle keep-alive connection after this long")
	return cmd
}

func serveRun(ctx context.Context, opts *ServeOptions) error {
	b, err := engine.OpenBackend(opts.Backend)
	if err != nil {
		return fmt.Errorf("--backend %q: %w", opts.Backend, err)
	}
	defer b.Close()
	logger := slog.New(slog.NewTextHandler(opts.IO.ErrOut, nil))
	redisbackend.SetClientLogger(logger) // a line per back-off step from the engine, not one per dial
	eopts := []engine.Option{engine.WithBackend(b), engine.WithLogger(logger)}
	if opts.Env != "" {
		eopts = append(eopts, engine.WithEnv(opts.Env))
	}
	e, err := engine.New(ctx, eopts...)
	if err != nil {
		return err
	}
	defer e.Close()
	prefix := "/" + strings.Trim(opts.Prefix, "/")
	aopts := []admin.Option{admin.WithPrefix(prefix), admin.WithTokenTTL(opts.TokenTTL), admin.WithLogger(logger)}
	if opts.Open {
		aopts = append(aopts, admin.WithOpenAccess())
	} else {
		aopts = append(aopts, admin.WithUser(opts.AdminUser, opts.AdminPassword, admin.RoleAdmin))
	}
	if opts.ViewerPassword != "" {
		aopts = append(aopts, admin.WithUser("viewer", opts.ViewerPassword, admin.RoleViewer))
	}
	if opts.Secret != "" {
		aopts = append(aopts, admin.WithSecret(opts.Secret))
	}
	for service, secret := range opts.ServiceTokens {
		aopts = append(aopts, admin.WithServiceToken(service, secret))
	}
	for _, k := range opts.OFREPKeys {
		aopts = append(aopts, admin.WithOFREPKey(k))
	}
	if len(opts.OFREPOrigins) > 0 {
		aopts = append(aopts, admin.WithOFREPOrigins(opts.OFREPOrigins...))
	}
	if opts.OFREPHeader != "" && opts.OFREPHeader != "Authorization" {
		aopts = append(aopts, admin.WithOFREPHeader(opts.OFREPHeader))
	}
	h, err := admin.New(e, aopts...)
	if err != nil {
		return err
	}
	defer h.Close()
	ln, err := net.Listen("tcp", opts.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", opts.Addr, err)
	}
	var handler http.Handler = h
	if opts.MetricsPath != "" {
		metrics, err := waygateprom.New(e)
		if err != nil {
			return err
		}
		defer metrics.Close()
		mux := http.NewServeMux()
		mux.Handle("GET "+opts.MetricsPath, metrics)
		mux.Handle("/", h)
		handler = mux
	}
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: opts.ReadHeaderTimeout, ReadTimeout: opts.ReadTimeout,
		WriteTimeout: opts.WriteTimeout, IdleTimeout: opts.IdleTimeout}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	url := "http://" + displayAddr(ln.Addr()) + prefix
	logger.Info("waygate server starting", "version", build.Version(), "env", e.Env())
	fmt.Fprintf(opts.IO.ErrOut, "Waygate server listening on %s\nPoint the CLI at it with: waygate config set-url %s\n", url, url)
	if opts.MetricsPath != "" {
		fmt.Fprintf(opts.IO.ErrOut, "Prometheus metrics at http://%s%s\n", displayAddr(ln.Addr()), opts.MetricsPath)
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	fmt.Fprintln(opts.IO.ErrOut, "Shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	h.Close() // ends event streams so Shutdown does not wait for them
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// parseServiceTokens reads "service=secret" pairs separated by commas or
// new lines.
func parseServiceTokens(spec string) (map[string]string, error) {
	out := map[string]string{}
	for _, part := range strings.FieldsFunc(spec, func(r rune) bool { return r == ',' || r == '\n' || r == '\r' }) {
		part = strings.TrimSpace(part)
		if part == "" || strings.HasPrefix(part, "#") {
			continue
		}
		name, secret, ok := strings.Cut(part, "=")
		name, secret = strings.TrimSpace(name), strings.TrimSpace(secret)
		if !ok || name == "" || secret == "" {
			return nil, fmt.Errorf("write service=secret pairs separated by commas or new lines")
		}
		if _, dup := out[name]; dup {
			return nil, fmt.Errorf("service %q has two tokens", name)
		}
		out[name] = secret
	}
	return out, nil
}

// displayAddr turns a listen address into one a client can dial.
func displayAddr(a net.Addr) string {
	host, port, err := net.SplitHostPort(a.String())
	if err != nil {
		return a.String()
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		host = "localhost"
	}
	return net.JoinHostPort(host, port)
}

// metricsPath is what --metrics-path accepts: an absolute path of plain
// segments (a ServeMux pattern must not see wildcards).
var metricsPath = regexp.MustCompile(`^(/[A-Za-z0-9._~-]+)+$`)

// checkMetricsPath refuses a metrics path that is not a plain absolute
// path or that falls under the admin prefix.
func checkMetricsPath(opts *ServeOptions) error {
	p := opts.MetricsPath
	if p == "" {
		return nil
	}
	if !metricsPath.MatchString(p) {
		return cmdutil.FlagErrorf("--metrics-path %q: give an absolute path like /metrics, or \"\" to serve no metrics", p)
	}
	prefix := "/" + strings.Trim(opts.Prefix, "/")
	if p == prefix || strings.HasPrefix(p, prefix+"/") {
		return cmdutil.FlagErrorf("--metrics-path %s is under the admin prefix %s: pick a path outside it", p, prefix)
	}
	return nil
}

// checkExposure refuses, on an address other machines can reach, open
// access and weak passwords (admin.CheckPassword).
func checkExposure(opts *ServeOptions) error {
	if opts.Open {
		if !admin.Loopback(opts.Addr) {
			return cmdutil.FlagErrorf("--open serves without authentication and --addr %s is reachable from other machines: listen on localhost, or set %s", opts.Addr, EnvAdminPassword)
		}
		return nil
	}
	if err := admin.CheckPassword(opts.Addr, opts.AdminPassword); err != nil {
		return cmdutil.FlagErrorf("%s: %v (or listen on localhost only)", EnvAdminPassword, err)
	}
	if opts.ViewerPassword != "" {
		if err := admin.CheckPassword(opts.Addr, opts.ViewerPassword); err != nil {
			return cmdutil.FlagErrorf("%s: %v", EnvViewerPassword, err)
		}
	}
	return nil
}

// splitList splits a comma-separated list, dropping blanks.
func splitList(s string) []string {
	var out []string
	for part := range strings.SplitSeq(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}
