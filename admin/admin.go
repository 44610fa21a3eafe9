package admin

import (
	"context"
	"crypto/hmac"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"path"
	"strings"
	"sync"

	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/webhook"
)

// Handler serves the admin REST API of one engine. Create it with New,
// mount it under any prefix, and Close it when the server stops.
type Handler struct {
	eng      *engine.Engine
	cfg      config
	log      *slog.Logger
	id       string // tags this handler's backend writes
	mux      *http.ServeMux
	access   map[string]access
	patterns []string
	auth     *authenticator
	hooks    *webhook.Dispatcher
	ownHooks bool // created by New, closed by Close
	cop      *http.CrossOriginProtection
	sdk      *sdkServer // the Waygate Server side of SDK connections
	// syncMu serialises additions and deletions of runtime webhooks.
	syncMu sync.Mutex

	ctx       context.Context
	cancel    context.CancelFunc
	wg        sync.WaitGroup
	closeOnce sync.Once
}

// access says who may call an endpoint.
type access uint8

const (
	accessPublic access = iota // no credentials: login and the OpenAPI document
	accessRead                 // any signed-in user
	accessUser                 // any signed-in user, unsafe method (logout, the flag debugger)
	accessAdmin                // admins only: every mutation
)

// apiFunc is an endpoint; a returned error is answered as JSON.
type apiFunc func(w http.ResponseWriter, r *http.Request) error

// New returns the admin handler of e. It needs users (WithUser) unless
// WithOpenAccess is given. It loads persisted webhooks and token
// revocations from e's backend and starts delivering webhooks; call Close
// to stop.
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
	a, err := newAuthenticator(&cfg)
	if err != nil {
		return nil, errJoin([]error{err})
	}
	h := &Handler{
		eng: e, cfg: cfg, log: cfg.logger, id: "admin-" + randomHex(8),
		mux: http.NewServeMux(), access: map[string]access{}, auth: a,
		cop: http.NewCrossOriginProtection(),
	}
	for _, o := range cfg.origins {
		if err := h.cop.AddTrustedOrigin(o); err != nil {
			return nil, errJoin([]error{fmt.Errorf("trusted origin %q: %w", o, err)})
		}
	}
	h.ctx, h.cancel = context.WithCancel(context.Background())
	if h.hooks = cfg.hooks; h.hooks == nil {
		if h.hooks, err = webhook.New(e, webhook.WithLogger(h.log)); err != nil {
			h.cancel()
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
	h.register()
	h.followRecords()
	return h, nil
}

// Close stops webhook delivery, ends open event streams and waits for
// background work. Deliveries still queued are abandoned.
func (h *Handler) Close() error {
	h.closeOnce.Do(func() {
		h.cancel()
		h.wg.Wait()
		if h.ownHooks {
			_ = h.hooks.Close()
		}
	})
	return nil
}

// handle registers an endpoint.
func (h *Handler) handle(pattern string, a access, f apiFunc) {
	h.access[pattern] = a
	h.patterns = append(h.patterns, pattern)
	h.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				h.log.Error("waygate admin: handler panicked", "pattern", pattern, "panic", v)
				writeJSON(w, http.StatusInternalServerError, map[string]string{"error": "internal error: see the server log"})
			}
		}()
		if err := f(w, r); err != nil {
			h.writeError(w, r, err)
		}
	})
}

// ServeHTTP authenticates the request, checks the user's role and CSRF
// protection, then serves the endpoint.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if h.cfg.prefix != "" {
		rest, found := strings.CutPrefix(r.URL.Path, h.cfg.prefix)
		if !found || (rest != "" && rest[0] != '/') {
			writeJSON(w, http.StatusNotFound, map[string]string{"error": "not found: the admin API is served under " + h.cfg.prefix})
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
		a = accessRead // unknown paths: sign in first, then 404, so nothing is revealed
	}
	unsafe := r.Method != http.MethodGet && r.Method != http.MethodHead && r.Method != http.MethodOptions
	if unsafe {
		if err := h.cop.Check(r); err != nil {
			writeJSON(w, http.StatusForbidden, map[string]string{"error": "cross-origin request refused: call the admin API from its own origin"})
			return
		}
	}
	if a != accessPublic {
		p, err := h.auth.authenticate(r)
		if err != nil {
			h.writeError(w, r, err)
			return
		}
		if unsafe && p.cookie && !h.csrfOK(r, p) {
			writeJSON(w, http.StatusForbidden, map[string]string{"error": "missing or wrong CSRF token: send the " + CSRFCookie + " cookie's value in the " + CSRFHeader + " header"})
			return
		}
		if a == accessAdmin && p.role != RoleAdmin {
			writeJSON(w, http.StatusForbidden, map[string]string{"error": "user " + p.user + " has the viewer role: only admins can change state"})
			return
		}
		p.platform = platformOf(r, p)
		r = r.WithContext(engine.WithActor(withPrincipal(r.Context(), p), p.user, p.platform))
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

// csrfOK checks the double-submit token of a cookie session: the header
// must equal the cookie, and both the token bound to the session.
func (h *Handler) csrfOK(r *http.Request, p principal) bool {
	c, err := r.Cookie(CSRFCookie)
	got := r.Header.Get(CSRFHeader)
	if err != nil || got == "" {
		return false
	}
	want := h.auth.signer.csrf(p.jti)
	return hmac.Equal([]byte(got), []byte(c.Value)) && hmac.Equal([]byte(got), []byte(want))
}

// unmatched answers a path no endpoint serves with a JSON 404, or 405 with
// Allow when the path exists for other methods.
func (h *Handler) unmatched(w http.ResponseWriter, r *http.Request) {
	rec := &headerRecorder{header: http.Header{}}
	h.mux.ServeHTTP(rec, r)
	if rec.status == http.StatusMethodNotAllowed {
		w.Header().Set("Allow", rec.header.Get("Allow"))
		writeJSON(w, http.StatusMethodNotAllowed, map[string]string{"error": "method " + r.Method + " is not allowed here; allowed: " + rec.header.Get("Allow")})
		return
	}
	writeJSON(w, http.StatusNotFound, map[string]string{"error": "not found: the endpoints are listed in GET /api/openapi.json"})
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
func (h *Handler) mountPath(r *http.Request) string {
	if h.cfg.prefix != "" {
		return h.cfg.prefix
	}
	orig := r.RequestURI
	if u, err := url.ParseRequestURI(orig); err == nil {
		orig = u.Path // also for the absolute form, GET http://host/waygate/x
	} else if i := strings.IndexAny(orig, "?#"); i >= 0 {
		orig = orig[:i]
	}
	if m, found := strings.CutSuffix(orig, r.URL.Path); found && strings.HasPrefix(m, "/") {
		return strings.TrimSuffix(m, "/")
	}
	return ""
}

func errJoin(errs []error) error {
	return errors.New("waygate admin: " + errors.Join(errs...).Error())
}
