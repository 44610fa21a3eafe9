// Package demo holds what the four demo programs share: configuration from
// the environment, the engine, graceful serving and the response payloads.
// Each program declares the same routes in its own framework's dialect, so
// one black-box test (demo_test.go) can drive all four.
package demo

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/waygate-go/waygate/core/backend/redisbackend"

	"github.com/waygate-go/waygate/admin"
	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/flag"
	"github.com/waygate-go/waygate/core/ratelimit"
)

// The demo's declared state, shared so the four programs cannot drift.
const (
	PaymentsReason   = "DB migration — back at 04:00 UTC"
	OldReportsReason = "Replaced by /reports"
	LegacySunset     = "2027-01-01"
	LegacySuccessor  = "/orders"
)

// DebugEnvs are the environments GET /debug is served in.
var DebugEnvs = []string{"dev", "staging"}

// PostsLimit is the per-IP limit of GET /posts.
const PostsLimit = "5/minute"

// Reports is the tiered limit of GET /reports, counted per user: free 2,
// pro 10 a minute (the base limit is the free one).
const ReportsLimit = "2/minute"

// ReportsOptions are the options of GET /reports' limit.
var ReportsOptions = []ratelimit.Option{
	ratelimit.By(ratelimit.KeyUser),
	ratelimit.Tiers(ratelimit.Tier{Name: "free", Limit: "2/minute"}, ratelimit.Tier{Name: "pro", Limit: "10/minute"}),
}

// The demo's stand-in for an auth layer: the user comes from X-User and the
// plan (the tier attribute) from X-Plan.
const (
	UserHeader = "X-User"
	PlanHeader = "X-Plan"
	PlanAttr   = "plan"
)

// DefaultPort is the demos' port when $PORT is not set.
const DefaultPort = "8080"

// Addr returns the listen address: $HOST (default 127.0.0.1, this
// machine only; 0.0.0.0 for every interface) and $PORT (default 8080).
func Addr() string { return ListenAddr(DefaultPort) }

// ListenAddr is Addr with another default port (the server demo's is
// 8000).
func ListenAddr(defaultPort string) string {
	return net.JoinHostPort(cmp.Or(os.Getenv("HOST"), "127.0.0.1"), cmp.Or(os.Getenv("PORT"), defaultPort))
}

// Logger is the demos' logger: slog's text format on stderr, one
// key=value line per event, the same in every demo and the server demo.
func Logger() *slog.Logger { return slog.New(slog.NewTextHandler(os.Stderr, nil)) }

// Timeouts are the demos' server timeouts, each from its environment
// variable (a Go duration) or its default. A request's headers must arrive
// within ReadHeader and the whole request within Read; a response must be
// written within Write (event streams lift it for themselves); an idle
// keep-alive connection is closed after Idle.
type Timeouts struct {
	ReadHeader time.Duration // $READ_HEADER_TIMEOUT, default 5s
	Read       time.Duration // $READ_TIMEOUT, default 30s
	Write      time.Duration // $WRITE_TIMEOUT, default 60s
	Idle       time.Duration // $IDLE_TIMEOUT, default 2m
}

// ServerTimeouts reads the timeouts from the environment.
func ServerTimeouts() (Timeouts, error) {
	var t Timeouts
	for _, v := range []struct {
		env string
		to  *time.Duration
		def time.Duration
	}{
		{"READ_HEADER_TIMEOUT", &t.ReadHeader, 5 * time.Second},
		{"READ_TIMEOUT", &t.Read, 30 * time.Second},
		{"WRITE_TIMEOUT", &t.Write, 60 * time.Second},
		{"IDLE_TIMEOUT", &t.Idle, 2 * time.Minute},
	} {
		*v.to = v.def
		if s := os.Getenv(v.env); s != "" {
			d, err := time.ParseDuration(s)
			if err != nil || d <= 0 {
				return t, fmt.Errorf("$%s=%q: want a positive duration like 30s", v.env, s)
			}
			*v.to = d
		}
	}
	return t, nil
}

// NewServer returns the http.Server of a demo: h on Addr with every
// timeout set.
func NewServer(h http.Handler) (*http.Server, error) {
	t, err := ServerTimeouts()
	if err != nil {
		return nil, err
	}
	return &http.Server{Addr: Addr(), Handler: h, ReadHeaderTimeout: t.ReadHeader, ReadTimeout: t.Read,
		WriteTimeout: t.Write, IdleTimeout: t.Idle}, nil
}

// NewEngine starts the engine with the backend from $WAYGATE_BACKEND
// (default memory) and the environment from $WAYGATE_ENV (default
// production), and seeds the demo's flags (SeedFlags). It makes Logger
// the default logger first, so everything the demo logs has one format.
func NewEngine(ctx context.Context) (*engine.Engine, error) {
	slog.SetDefault(Logger())
	// With Redis down, go-redis would print a line per dial; the engine
	// logs one per back-off step.
	redisbackend.SetClientLogger(slog.Default())
	e, err := engine.New(ctx)
	if err != nil {
		return nil, err
	}
	slog.Info("waygate engine ready", "version", engine.Version(), "env", e.Env())
	SeedFlags(ctx, e, slog.Default())
	return e, nil
}

// Run serves h on Addr until SIGINT or SIGTERM, then shuts down gracefully.
func Run(name string, h http.Handler) error {
	srv, err := NewServer(h)
	if err != nil {
		return err
	}
	return Serve(name, srv.Serve, srv.Shutdown)
}

// Serve listens on Addr, says so once the port is bound, and serves on
// that listener with serve until a signal arrives; then it calls
// shutdown. It is shared by servers that are not an http.Server (fiber's
// app.Listener). A port that cannot be bound is an error, and nothing
// claims the demo is listening.
func Serve(name string, serve func(net.Listener) error, shutdown func(context.Context) error) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ln, err := net.Listen("tcp", Addr())
	if err != nil {
		return err
	}
	slog.Info("demo listening", "framework", name, "addr", ln.Addr().String())
	errc := make(chan error, 1)
	go func() { errc <- serve(ln) }()
	select {
	case err := <-errc:
		if errors.Is(err, http.ErrServerClosed) {
			return nil
		}
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return shutdown(sctx)
}

// Fatal logs err and exits.
func Fatal(err error) {
	fmt.Fprintln(os.Stderr, "demo:", err)
	os.Exit(1)
}

// Payloads, identical across frameworks.
var (
	Health     = map[string]any{"status": "ok"}
	Payments   = map[string]any{"payments": []string{}}
	Orders     = map[string]any{"orders": []string{}}
	Created    = map[string]any{"created": true}
	Legacy     = map[string]any{"orders": []string{}, "legacy": true}
	Debug      = map[string]any{"debug": true}
	OldReports = map[string]any{"reports": []string{}, "old": true}
	Posts      = map[string]any{"posts": []string{}}
	Reports    = map[string]any{"reports": []string{}}
)

// JSON encodes a payload. The demos write these bytes as they are, so every
// framework answers byte for byte the same body.
func JSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // the payloads above always encode
	}
	return b
}

// ContentType is the demos' JSON content type.
const ContentType = "application/json"

// AdminPrefix is where the demos mount the admin dashboard and REST API.
const AdminPrefix = "/waygate"

// DefaultOFREPKey is the demos' OFREP evaluation key when
// $WAYGATE_OFREP_KEY is not set (refused beyond this machine).
const DefaultOFREPKey = "demo-flags-key"

// NewAdmin returns the admin handler: user "admin" with the password from
// $WAYGATE_ADMIN_PASSWORD (default "secret"), plus a read-only user
// "viewer" when $WAYGATE_VIEWER_PASSWORD is set. Tokens are signed with
// $WAYGATE_ADMIN_SECRET when set (so they survive restarts), else a random
// per-process key. OFREP (…/ofrep/v1/evaluate/flags) takes
// "Authorization: Bearer $WAYGATE_OFREP_KEY" (default "demo-flags-key").
// On an address other machines can reach ($HOST), the default password and
// key and ones under 12 characters are refused.
func NewAdmin(e *engine.Engine) (*admin.Handler, error) {
	pw := cmp.Or(os.Getenv("WAYGATE_ADMIN_PASSWORD"), "secret")
	if err := admin.CheckPassword(Addr(), pw); err != nil {
		return nil, fmt.Errorf("$WAYGATE_ADMIN_PASSWORD: %w (or listen on this machine only: unset $HOST)", err)
	}
	opts := []admin.Option{admin.WithUser("admin", pw, admin.RoleAdmin)}
	if v := os.Getenv("WAYGATE_VIEWER_PASSWORD"); v != "" {
		if err := admin.CheckPassword(Addr(), v); err != nil {
			return nil, fmt.Errorf("$WAYGATE_VIEWER_PASSWORD: %w", err)
		}
		opts = append(opts, admin.WithUser("viewer", v, admin.RoleViewer))
	}
	if s := os.Getenv("WAYGATE_ADMIN_SECRET"); s != "" {
		opts = append(opts, admin.WithSecret(s))
	}
	ofrep, err := OFREPKey(Addr())
	if err != nil {
		return nil, err
	}
	return admin.New(e, append(opts, ofrep)...)
}

// OFREPKey is the admin option of the demos' OFREP key: the flags for
// OpenFeature SDKs of every language, with "Authorization: Bearer
// $WAYGATE_OFREP_KEY" (default DefaultOFREPKey, refused on an address
// other machines can reach).
func OFREPKey(addr string) (admin.Option, error) {
	key := cmp.Or(os.Getenv("WAYGATE_OFREP_KEY"), DefaultOFREPKey)
	if err := admin.CheckPassword(addr, key); err != nil {
		return nil, fmt.Errorf("$WAYGATE_OFREP_KEY: %w (or listen on this machine only: unset $HOST)", err)
	}
	return admin.WithOFREPKey(key), nil
}

// Order is the payload of GET /orders/{id}.
func Order(id string) map[string]any { return map[string]any{"id": id} }

// CheckoutFlag is the boolean flag GET /checkout reads.
const CheckoutFlag = "new-checkout"

// CheckoutRollout is the share of users the seeded new-checkout flag
// serves "on", in thousandths of a percent (20%).
const CheckoutRollout = 20_000

// NewCheckoutFlag is the new-checkout flag as the demo seeds it: boolean,
// "on" for 20% of users by the reference's bucketing, "off" for the rest.
func NewCheckoutFlag() flag.Flag {
	f := flag.NewBoolean(CheckoutFlag)
	f.Name = "New checkout"
	f.Description = "The new checkout flow, rolled out to 20% of users (seeded by the demo)."
	f.Tags = []string{"checkout"}
	f.Fallthrough = flag.Fallthrough{Rollout: []flag.WeightedVariation{
		{Variation: "on", Weight: CheckoutRollout}, {Variation: "off", Weight: 100_000 - CheckoutRollout}}}
	return f
}

// SeedFlags creates the demo's flags that do not exist yet, so GET
// /checkout and the dashboard's Flags page show something out of the box.
// A flag that exists is left alone: a change made at runtime survives a
// restart on a persistent backend. It seeds once the engine has loaded the
// persisted state — at once when the backend answers, else in the
// background once it is back — and logs a failure rather than stopping
// the demo.
func SeedFlags(ctx context.Context, e *engine.Engine, log *slog.Logger) {
	seed := func() {
		if _, found := e.Flags().Flag(CheckoutFlag); found {
			return
		}
		_, err := e.CreateFlag(ctx, NewCheckoutFlag())
		switch {
		case err == nil:
			log.Info("demo flag seeded", "flag", CheckoutFlag)
		case !errors.Is(err, engine.ErrExists): // another instance was first
			log.Warn("demo flag not seeded", "flag", CheckoutFlag, "err", err)
		}
	}
	select {
	case <-e.Synced():
		seed()
	default:
		go func() {
			select {
			case <-e.Synced():
				seed()
			case <-ctx.Done():
			}
		}()
	}
}

// Checkout is the payload of GET /checkout: the new-checkout flag for the
// user (off while the flag does not exist: SeedFlags creates it).
func Checkout(e *engine.Engine, user string) map[string]any {
	on := e.Flags().Bool(CheckoutFlag, flag.EvaluationContext{Key: user}, false)
	return map[string]any{"new_checkout": on}
}
