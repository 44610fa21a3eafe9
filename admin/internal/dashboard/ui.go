package dashboard

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/waygate-go/waygate/admin/internal/auth"
	"github.com/waygate-go/waygate/admin/internal/hub"
	"github.com/waygate-go/waygate/admin/internal/traffic"
	"github.com/waygate-go/waygate/admin/internal/wire"
	"github.com/waygate-go/waygate/core/clock"
	"github.com/waygate-go/waygate/core/engine"
)

//go:embed ui/templates/*.html
var uiTemplates embed.FS

//go:embed ui/static/*.js ui/static/*.css ui/static/*.svg ui/static/*.LICENSE
var uiStatic embed.FS

// csrfField is the hidden form field carrying a dashboard form's CSRF token.
const csrfField = "csrf_token"

// flashCookie carries the one-line confirmation shown after a redirect.
const flashCookie = "waygate_flash"

// uiPages lists every page template; parsing checks each one exists and
// executes against the layout.
var uiPages = []string{"signin", "routes", "ratelimits", "blocked", "traffic", "flags", "flag", "segments", "segment",
	"audit", "services", "form", "error"}

// ui is the parsed templates and hashed static assets.
type ui struct {
	pages  map[string]*template.Template
	assets map[string]uiAsset
}

type uiAsset struct {
	body  []byte
	hash  string
	ctype string
}

// loadUI parses the embedded templates once per process; they never change
// after that, so every Handler shares them.
var loadUI = sync.OnceValues(parseUI)

func parseUI() (*ui, error) {
	u := &ui{pages: map[string]*template.Template{}, assets: map[string]uiAsset{}}
	entries, err := fs.ReadDir(uiStatic, "ui/static")
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		b, err := uiStatic.ReadFile("ui/static/" + e.Name())
		if err != nil {
			return nil, err
		}
		sum := sha256.Sum256(b)
		ctype := mime.TypeByExtension(path.Ext(e.Name()))
		if strings.HasSuffix(e.Name(), ".LICENSE") || ctype == "" {
			ctype = "text/plain; charset=utf-8"
		}
		u.assets[e.Name()] = uiAsset{body: b, hash: hex.EncodeToString(sum[:6]), ctype: ctype}
	}
	funcs := uiFuncs(u)
	for _, p := range uiPages {
		t, err := template.New(p).Funcs(funcs).ParseFS(uiTemplates, "ui/templates/layout.html", "ui/templates/partials.html", "ui/templates/"+p+".html")
		if err != nil {
			return nil, fmt.Errorf("dashboard template %s: %w", p, err)
		}
		if t.Lookup("content") == nil {
			return nil, fmt.Errorf("dashboard template %s defines no content", p)
		}
		u.pages[p] = t
	}
	return u, nil
}

// mustUI returns the parsed UI; the templates are embedded, so an error is
// a build mistake that the package's tests catch.
func mustUI() *ui {
	u, err := loadUI()
	if err != nil {
		panic("waygate admin: " + err.Error())
	}
	return u
}

// UI is the dashboard: server-rendered pages that read and change the
// engine directly, through the same calls as the REST API, and sign in
// through the same authenticator.
type UI struct {
	eng      *engine.Engine
	auth     *auth.Authenticator
	clock    clock.Clock
	log      *slog.Logger
	stream   wire.Stream
	mount    func(*http.Request) string
	statuses func() map[string]hub.ServiceStatus
	traffic  *traffic.Recorder // nil: the Traffic page says so
	reg      wire.Registrar    // where pages are registered, during Register
}

// Config is what the dashboard works with.
type Config struct {
	Engine    *engine.Engine
	Auth      *auth.Authenticator
	Clock     clock.Clock
	Log       *slog.Logger
	Stream    wire.Stream                // keepalives and end of the live updates
	MountPath func(*http.Request) string // links, cookies and redirects stay under the mount
	// Services reports the SDKs connected to this replica, for the
	// Services page of a Waygate Server; nil elsewhere.
	Services func() map[string]hub.ServiceStatus
	// Traffic is the recorder behind the Traffic page, sampled by its
	// owner; nil shows the page without charts.
	Traffic *traffic.Recorder
}

// New returns the dashboard. It fails only if the embedded templates do
// not parse, which the package's tests catch.
func New(cfg Config) (*UI, error) {
	if _, err := loadUI(); err != nil {
		return nil, err
	}
	statuses := cfg.Services
	if statuses == nil {
		statuses = func() map[string]hub.ServiceStatus { return nil }
	}
	return &UI{eng: cfg.Engine, auth: cfg.Auth, clock: cfg.Clock, log: cfg.Log, stream: cfg.Stream, mount: cfg.MountPath, statuses: statuses,
		traffic: cfg.Traffic}, nil
}

// view is what every page template gets: who is signed in, where the
// dashboard is mounted, and the page's own data.
type view struct {
	Prefix   string
	Page     string // nav entry to highlight
	Title    string
	User     string
	Role     auth.Role
	CanEdit  bool
	Open     bool
	CSRF     string
	Version  string // signed-in users only, like Env and Sync
	Env      string
	Sync     syncView
	Flash    string
	Error    string
	Self     string   // this page's URL, for live refreshes and back links
	Live     []string // change kinds that refresh the page's live region
	Events   string   // the SSE URL of this page
	Services []string
	Service  string // the selected service filter
	Data     any
}

// syncView is the footer's account of the engine's backend sync, as
// /api/health gives it.
type syncView struct {
	Synced   bool
	LastSync string // "15:04:05 UTC", or "" before the first
	Lag      string // of the last change another engine wrote, or ""
}

func newSyncView(s engine.Stats) syncView {
	v := syncView{Synced: s.Synced}
	if !s.LastSync.IsZero() {
		v.LastSync = s.LastSync.UTC().Format("15:04:05 UTC")
	}
	if s.Lag > 0 {
		v.Lag = s.Lag.Round(10 * time.Microsecond).String()
	}
	return v
}

// pageFunc serves one dashboard page or action.
type pageFunc func(w http.ResponseWriter, r *http.Request, v *view) error

// page registers a dashboard endpoint. It is public to the handler's gate
// and authenticates in servePage; adminOnly endpoints change state.
// Dashboard endpoints are not part of the REST API or openapi.json.
func (h *UI) page(pattern string, adminOnly bool, f pageFunc) {
	h.reg.HandleFunc(pattern, wire.Public, func(w http.ResponseWriter, r *http.Request) {
		h.servePage(w, r, adminOnly, f)
	})
}

// servePage authenticates a dashboard request (token header or session
// cookie), checks the CSRF token of unsafe requests made with the cookie
// and the role, then serves it. Failures render an HTML page with the
// reason; a missing session redirects to the sign-in page.
func (h *UI) servePage(w http.ResponseWriter, r *http.Request, adminOnly bool, f pageFunc) {
	v := h.newView(w, r)
	defer func() {
		if x := recover(); x != nil {
			if x == http.ErrAbortHandler {
				panic(x)
			}
			h.log.Error("waygate admin: dashboard page panicked", "path", r.URL.Path, "panic", x)
			h.renderError(w, r, v, errors.New("internal error"))
		}
	}()
	p, err := h.auth.Authenticate(r)
	if err != nil {
		h.toSignIn(w, r, v)
		return
	}
	v.User, v.Role, v.CanEdit, v.Open = p.User, p.Role, p.Role == auth.RoleAdmin, h.auth.Open()
	// The deployment's details are for signed-in users only.
	v.Version, v.Env, v.Sync = engine.Version(), h.eng.Env(), newSyncView(h.eng.Stats())
	v.CSRF = h.auth.CSRF(p)
	if unsafe := r.Method != http.MethodGet && r.Method != http.MethodHead; unsafe {
		r.Body = http.MaxBytesReader(w, r.Body, wire.MaxBodyBytes)
		if err := r.ParseForm(); err != nil {
			h.renderError(w, r, v, wire.BadRequest("could not read the form: %v", err))
			return
		}
		if (p.Cookie || h.auth.Open()) && !h.pageCSRFOK(r, p) {
			h.renderError(w, r, v, wire.Errorf(http.StatusForbidden, "this form has no valid CSRF token: reload the page and submit it again"))
			return
		}
	}
	if adminOnly && p.Role != auth.RoleAdmin {
		h.renderError(w, r, v, wire.Errorf(http.StatusForbidden, "user %s has the viewer role: only admins can change state", p.User))
		return
	}
	p.Platform = "dashboard"
	r = r.WithContext(engine.WithActor(auth.WithPrincipal(r.Context(), p), p.User, p.Platform))
	if err := f(w, r, v); err != nil {
		h.renderError(w, r, v, err)
	}
}

// pageCSRFOK checks the token in the form field, or in the CSRF header.
func (h *UI) pageCSRFOK(r *http.Request, p auth.Principal) bool {
	got := r.PostFormValue(csrfField)
	if got == "" {
		got = r.Header.Get(auth.CSRFHeader)
	}
	return got != "" && hmac.Equal([]byte(got), []byte(h.auth.CSRF(p)))
}

// newView starts the view of a request: mount path and the flash message
// of a preceding redirect. Nothing about the deployment: servePage adds
// that once the user is signed in.
func (h *UI) newView(w http.ResponseWriter, r *http.Request) *view {
	v := &view{Prefix: h.mount(r)}
	if strings.HasPrefix(v.Prefix, "//") || strings.ContainsAny(v.Prefix, "\\\r\n\"'<>") {
		v.Prefix = "" // never a scheme-relative or odd mount in links and redirects
	}
	v.Self = v.Prefix + r.URL.Path
	if r.URL.RawQuery != "" {
		v.Self += "?" + r.URL.RawQuery
	}
	v.Events = v.Prefix + "/events"
	// The flash is for the page a redirect leads to (a plain load or an
	// htmx-boosted one), not for a live region's refresh.
	whole := r.Header.Get("HX-Request") == "" || r.Header.Get("HX-Boosted") == "true"
	if c, err := r.Cookie(flashCookie); err == nil && r.Method == http.MethodGet && whole {
		if msg, err := url.QueryUnescape(c.Value); err == nil {
			v.Flash = msg
		}
		h.auth.SetCookie(w, r, flashCookie, "", time.Unix(0, 0), true)
	}
	return v
}

// toSignIn sends a visitor without a valid session to the sign-in page.
func (h *UI) toSignIn(w http.ResponseWriter, r *http.Request, v *view) {
	target := v.Prefix + "/sign-in"
	if r.Method == http.MethodGet && r.URL.Path != "/events" {
		target += "?next=" + url.QueryEscape(v.Self)
	}
	if r.Header.Get("HX-Request") != "" {
		w.Header().Set("HX-Redirect", target)
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		h.renderError(w, r, v, wire.Errorf(http.StatusUnauthorized, "your session has ended: sign in again"))
		return
	}
	http.Redirect(w, r, target, http.StatusSeeOther) //nolint:gosec // G710: the mount path plus a fixed path
}

// render executes a page into a buffer, so a template error becomes an
// error page rather than half a page, and writes it with status.
func (h *UI) render(w http.ResponseWriter, r *http.Request, v *view, status int, page string, data any) {
	v.Data = data
	t := mustUI().pages[page]
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", v); err != nil {
		h.log.Error("waygate admin: dashboard template failed", "page", page, "err", err)
		status = http.StatusInternalServerError
		buf.Reset()
		v.Data = errorPage{Status: status, Message: "internal error: the page could not be rendered; see the server log"}
		_ = mustUI().pages["error"].ExecuteTemplate(&buf, "layout", v)
	}
	hd := w.Header()
	hd.Set("Content-Type", "text/html; charset=utf-8")
	hd.Set("Cache-Control", "no-store")
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("X-Frame-Options", "DENY")
	hd.Set("Referrer-Policy", "same-origin")
	hd.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// errorPage is the data of the error page.
type errorPage struct {
	Status  int
	Message string
}

// renderError shows err on an error page with its status (4xx for bad
// input, never a blank page).
func (h *UI) renderError(w http.ResponseWriter, r *http.Request, v *view, err error) {
	status, body, header := wire.StatusOf(err)
	if status == http.StatusInternalServerError {
		h.log.Error("waygate admin: dashboard request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	for k, vals := range header {
		w.Header()[k] = vals
	}
	msg, _ := body["error"].(string)
	if v.Title == "" {
		v.Title = http.StatusText(status)
	}
	h.render(w, r, v, status, "error", errorPage{Status: status, Message: msg})
}

// done confirms a change: the message is shown once on the page the
// browser is sent back to.
func (h *UI) done(w http.ResponseWriter, r *http.Request, v *view, msg string) error {
	if len(msg) > 300 {
		msg = msg[:300]
	}
	h.auth.SetCookie(w, r, flashCookie, url.QueryEscape(msg), h.clock.Now().Add(time.Minute), true)
	http.Redirect(w, r, backTo(r, v, v.Prefix+"/"), http.StatusSeeOther) //nolint:gosec // G710: backTo keeps only paths under the mount
	return nil
}

// backTo is the page a form came from (its "back" field) when that is a
// dashboard page, else def.
func backTo(r *http.Request, v *view, def string) string {
	b := r.PostFormValue("back")
	if b == "" || strings.ContainsAny(b, "\\\r\n") || strings.Contains(b, "//") {
		return def
	}
	if v.Prefix == "" {
		if strings.HasPrefix(b, "/") {
			return b
		}
		return def
	}
	if b == v.Prefix || strings.HasPrefix(b, v.Prefix+"/") || strings.HasPrefix(b, v.Prefix+"?") {
		return b
	}
	return def
}

// serveAsset serves an embedded static file; URLs carry the file's hash,
// so a matching hash may be cached for a year.
func (h *UI) serveAsset(w http.ResponseWriter, r *http.Request) {
	a, found := mustUI().assets[r.PathValue("file")]
	if !found {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", a.ctype)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	if r.PathValue("hash") == a.hash {
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		w.Header().Set("Cache-Control", "no-cache")
	}
	_, _ = w.Write(a.body)
}
