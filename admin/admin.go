package admin

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"path"
	"strings"
	"sync"

	"github.com/waygate-go/waygate/admin/internal/api"
	"github.com/waygate-go/waygate/admin/internal/auth"
	"github.com/waygate-go/waygate/admin/internal/dashboard"
	"github.com/waygate-go/waygate/admin/internal/hub"
	"github.com/waygate-go/waygate/admin/internal/ofrep"
	"github.com/waygate-go/waygate/admin/internal/traffic"
	"github.com/waygate-go/waygate/admin/internal/wire"
	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/webhook"
)

// Handler serves the admin REST API, the dashboard and, with service
// tokens, the Waygate Server's SDK endpoints of one engine. Create it with
// New, mount it under any prefix, and Close it when the server stops.
type Handler struct {
	cfg      config
	log      *slog.Logger
	mux      *http.ServeMux
	access   map[string]wire.Access
	patterns []string // the REST API's endpoints, as openapi.json lists them
	auth     *auth.Authenticator
	hooks    *webhook.Dispatcher
	ownHooks bool // created by New, closed by Close
	hub      *hub.Hub
	cop      *http.CrossOriginProtection

	done      chan struct{} // closed by Close: ends event streams
	stop      []func()      // background work to stop on Close
	closeOnce sync.Once
}

// New returns the admin handler of e. It needs users (WithUser) unless
// WithOpenAccess is given. It follows the revocations stored through e,
// serves a webhook dispatcher (WithWebhooks, else one of its own) and adds
// an observer to e that counts its decisions per route for the
// dashboard's Traffic page; call Close to stop.
func New(e *engine.Engine, opts ...Option) (*Handler, error) {
	if e == nil {
		return nil, errors.New("waygate admin: the engine is nil")
	}
	cfg := defaultConfig()
	for _, o := range opts {
		if o != nil {
			o.apply(&cfg)
		}
	}
	if len(cfg.errs) > 0 {
		return nil, errJoin(cfg.errs)
	}
	if cfg.logger == nil {
		cfg.logger = engine.InternalsOf(e).Logger()
	}
	h := &Handler{cfg: cfg, log: cfg.logger, mux: http.NewServeMux(), access: map[string]wire.Access{},
		cop: http.NewCrossOriginProtection(), done: make(chan struct{})}
	for _, o := range cfg.origins {
		if err := h.cop.AddTrustedOrigin(o); err != nil {
			return nil, errJoin([]error{fmt.Errorf("trusted origin %q: %w", o, err)})
		}
	}
	a, err := auth.New(auth.Config{Users: cfg.users, Open: cfg.open, Secret: cfg.secret, TTL: cfg.tokenTTL, Clock: cfg.clock,
		ThrottleMax: cfg.throttleMax, ThrottleEvery: cfg.throttleEvery, Iterations: cfg.iterations, Log: cfg.logger,
		Engine: e, MountPath: h.mountPath, SecureCookies: cfg.secureCookies})
	if err != nil {
		return nil, errJoin([]error{err})
	}
	h.auth = a
	streams := wire.NewStreamLimit(cfg.maxStreams) // one cap for every stream of the handler
	stream := wire.Stream{KeepAlive: cfg.keepAlive, Done: h.done, Log: cfg.logger, Limit: streams}
	rec := traffic.New(cfg.clock, e.Flags().Recorder())
	ui, err := dashboard.New(dashboard.Config{Engine: e, Auth: a, Clock: cfg.clock, Log: cfg.logger, Stream: stream,
		MountPath: h.mountPath, Services: func() map[string]hub.ServiceStatus { return h.hub.Statuses() }, Traffic: rec})
	if err != nil {
		return nil, errJoin([]error{err})
	}
	if h.hooks = cfg.hooks; h.hooks == nil {
		if h.hooks, err = webhook.New(e, webhook.WithLogger(h.log)); err != nil {
			return nil, errJoin([]error{err})
		}
		h.ownHooks = true
	}
	switch {
	case cfg.open:
		h.log.Warn("WAYGATE ADMIN IS OPEN: every request is served without authentication, as an admin. Use WithOpenAccess only on a development machine.")
	case cfg.secret == nil:
		h.log.Warn("waygate admin: no token secret configured (WithSecret): a random one is used, so sessions end when the process restarts and are not shared between instances")
	}
	if svc, scoped := engine.InternalsOf(e).Service(); scoped {
		h.log.Info("waygate admin: the engine's state is on a Waygate Server; this handler keeps its sessions' revocations and its webhooks in this process", "service", svc)
	}
	h.hub = hub.New(hub.Config{Engine: e, Hooks: h.hooks, Clock: cfg.clock, Log: cfg.logger, KeepAlive: cfg.keepAlive, Tokens: cfg.serviceTokens, Streams: streams})
	// The dashboard's Traffic page counts the engine's decisions from now
	// on (one atomic add per request) and samples them every minute.
	engine.InternalsOf(e).AddObserver(rec)
	rec.Start()
	h.stop = append(h.stop, a.Follow(), h.hub.Close, rec.Stop)

	a.Register(h)
	api.New(api.Config{Engine: e, Hooks: h.hooks, Clock: cfg.clock, Log: cfg.logger, Stream: stream, MountPath: h.mountPath}).Register(h)
	ui.Register(h)
	h.hub.Register(h)
	// OFREP authenticates its own credential (a key or a service token,
	// never a cookie), so cross-origin protection does not apply: CORS
	// says which browser origins may call it.
	ofrep.New(ofrep.Config{Engine: e, Keys: cfg.ofrepKeys, ServiceToken: h.hub.IsToken, Header: cfg.ofrepHeader,
		Origins: cfg.ofrepOrigins, Clock: cfg.clock, Log: cfg.logger}).Register(h)
	h.cop.AddInsecureBypassPattern("POST " + ofrep.FlagPath)
	h.cop.AddInsecureBypassPattern("POST " + ofrep.FlagsPath)
	return h, nil
}

// Close ends open event streams, stops following the engine and sampling
// its traffic and, if New made the webhook dispatcher, stops its
// deliveries (deliveries still queued are abandoned).
func (h *Handler) Close() error {
	h.closeOnce.Do(func() {
		close(h.done)
		for _, stop := range h.stop {
			stop()
		}
		if h.ownHooks {
			_ = h.hooks.Close()
		}
	})
	return nil
}

// Handle registers a REST endpoint (wire.Registrar).
func (h *Handler) Handle(pattern string, a wire.Access, f wire.HandlerFunc) {
	h.access[pattern] = a
	h.patterns = append(h.patterns, pattern)
	h.mux.HandleFunc(pattern, wire.Answer(h.log, pattern, f))
}

// HandleFunc registers an endpoint that answers for itself, outside the
// REST API (wire.Registrar).
func (h *Handler) HandleFunc(pattern string, a wire.Access, f http.HandlerFunc) {
	h.access[pattern] = a
	h.mux.HandleFunc(pattern, f)
}

// ServeHTTP authenticates the request, checks the user's role and CSRF
// protection, then serves the endpoint.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if h.cfg.prefix != "" {
		rest, found := strings.CutPrefix(r.URL.Path, h.cfg.prefix)
		if !found || (rest != "" && rest[0] != '/') {
			wire.WriteJSON(w, http.StatusNotFound, map[string]string{"error": "not found: the admin API is served under " + h.cfg.prefix})
			return
		}
		r2 := new(http.Request)
		*r2 = *r
		r2.URL = new(url.URL)
		*r2.URL = *r.URL
		r2.URL.Path, r2.URL.RawPath = rest, ""
		if rest == "" {
			r2.URL.Path = "/"
		}
		r = r2
	}
	if r.URL.Path == "" {
		// Mounted with http.StripPrefix and asked for without the trailing
		// slash: the dashboard is at the mount's "/" (the mux would
		// redirect to the host's "/").
		localRedirect(w, r, h.mountPath(r)+"/", "", http.StatusPermanentRedirect)
		return
	}
	if c := cleanPath(r.URL.Path); c != r.URL.Path {
		// The mux would redirect to the clean path without the mount
		// (gin, echo and fiber pass /./, // and .. through): keep it.
		localRedirect(w, r, h.mountPath(r)+c, r.URL.RawQuery, http.StatusTemporaryRedirect)
		return
	}
	_, pattern := h.mux.Handler(r)
	a, known := h.access[pattern]
	if !known {
		a = wire.Read // unknown paths: sign in first, then 404, so nothing is revealed
	}
	unsafe := r.Method != http.MethodGet && r.Method != http.MethodHead && r.Method != http.MethodOptions
	if unsafe {
		if err := h.cop.Check(r); err != nil {
			wire.WriteJSON(w, http.StatusForbidden, map[string]string{"error": "cross-origin request refused: call the admin API from its own origin"})
			return
		}
	}
	if a != wire.Public {
		p, err := h.auth.Authenticate(r)
		if err != nil {
			wire.WriteError(w, r, err, h.log)
			return
		}
		if unsafe && p.Cookie && !h.auth.CSRFOK(r, p) {
			wire.WriteJSON(w, http.StatusForbidden, map[string]string{"error": "missing or wrong CSRF token: send the " + CSRFCookie + " cookie's value in the " + CSRFHeader + " header"})
			return
		}
		if a == wire.Admin && p.Role != RoleAdmin {
			wire.WriteJSON(w, http.StatusForbidden, map[string]string{"error": "user " + p.User + " has the viewer role: only admins can change state"})
			return
		}
		p.Platform = auth.PlatformOf(r, p)
		r = r.WithContext(engine.WithActor(auth.WithPrincipal(r.Context(), p), p.User, p.Platform))
	}
	if !known {
		h.unmatched(w, r)
		return
	}
	h.mux.ServeHTTP(w, r)
}

// localRedirect redirects to path p on this host. p comes from the
// request, so it is escaped (a backslash would read as a slash) and starts
// with exactly one slash: "//host" would send the browser elsewhere.
func localRedirect(w http.ResponseWriter, r *http.Request, p, rawQuery string, code int) {
	u := url.URL{Path: "/" + strings.TrimLeft(p, "/"), RawQuery: rawQuery}
	http.Redirect(w, r, u.String(), code) //nolint:gosec // G710: a path on this host, see above
}

// cleanPath is the path http.ServeMux redirects to: no ., .. or empty
// elements, a trailing slash kept.
func cleanPath(p string) string {
	if p == "" || p[0] != '/' {
		p = "/" + p
	}
	c := path.Clean(p)
	if p[len(p)-1] == '/' && c != "/" {
		c += "/"
	}
	return c
}

// unmatched answers a path no endpoint serves with a JSON 404, or 405 with
// Allow when the path exists for other methods.
func (h *Handler) unmatched(w http.ResponseWriter, r *http.Request) {
	rec := &headerRecorder{header: http.Header{}}
	h.mux.ServeHTTP(rec, r)
	if rec.status == http.StatusMethodNotAllowed {
		w.Header().Set("Allow", rec.header.Get("Allow"))
		wire.WriteJSON(w, http.StatusMethodNotAllowed, map[string]string{"error": "method " + r.Method + " is not allowed here; allowed: " + rec.header.Get("Allow")})
		return
	}
	wire.WriteJSON(w, http.StatusNotFound, map[string]string{"error": "not found: the endpoints are listed in GET /api/openapi.json"})
}

// headerRecorder captures the status and headers of the mux's own 404/405
// answers.
type headerRecorder struct {
	header http.Header
	status int
}

func (r *headerRecorder) Header() http.Header         { return r.header }
func (r *headerRecorder) Write(b []byte) (int, error) { return len(b), nil }
func (r *headerRecorder) WriteHeader(status int) {
	if r.status == 0 {
		r.status = status
	}
}

// mountPath is where the handler is mounted, for cookie paths and the
// OpenAPI server URL: the configured prefix, else what http.StripPrefix
// removed from the request path.
func (h *Handler) mountPath(r *http.Request) string { return wire.MountPath(r, h.cfg.prefix) }

func errJoin(errs []error) error {
	return errors.New("waygate admin: " + errors.Join(errs...).Error())
}
