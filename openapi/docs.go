package openapi

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"html/template"
	"net/http"
	"net/url"
	"path"
	"strings"
	"sync"
	"time"
)

// The Swagger UI page: our template, script and styles, and Swagger UI's
// bundle and styles vendored from npm (ui/swagger-ui/README.md).
//
//go:embed ui/index.html ui/waygate-docs.js ui/waygate-docs.css
//go:embed ui/swagger-ui/swagger-ui-bundle.js ui/swagger-ui/swagger-ui.css
var uiFiles embed.FS

// uiAsset is one static file of the page.
type uiAsset struct {
	body  []byte
	ctype string
	hash  string // content hash: the ETag and the ?v= of its URL
}

// ui holds the page's files, loaded on first use. No package-level
// initializer touches uiFiles, so programs that only patch documents (the
// CLI) do not carry Swagger UI: the linker drops what nothing reachable
// uses.
var ui struct {
	once   sync.Once
	assets map[string]*uiAsset // by the file name the page requests
	page   *template.Template
}

// loadUI reads the embedded files and parses the page template.
func loadUI() {
	ui.once.Do(func() {
		files := map[string]string{
			"swagger-ui-bundle.js": "ui/swagger-ui/swagger-ui-bundle.js",
			"swagger-ui.css":       "ui/swagger-ui/swagger-ui.css",
			"waygate-docs.js":      "ui/waygate-docs.js",
			"waygate-docs.css":     "ui/waygate-docs.css",
		}
		ui.assets = make(map[string]*uiAsset, len(files))
		for name, file := range files {
			b, err := uiFiles.ReadFile(file)
			if err != nil {
				panic(err) // embedded above; a missing file fails every test
			}
			ctype := "text/css; charset=utf-8"
			if strings.HasSuffix(name, ".js") {
				ctype = "text/javascript; charset=utf-8"
			}
			sum := sha256.Sum256(b)
			ui.assets[name] = &uiAsset{body: b, ctype: ctype, hash: hex.EncodeToString(sum[:8])}
		}
		ui.page = template.Must(template.ParseFS(uiFiles, "ui/index.html"))
	})
}

// docsCSP keeps the page to its own origin: scripts and styles come from
// the handler, never from a CDN. Requests (the document, "Try it out") may
// go to any HTTP origin the document names.
const docsCSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
	"connect-src 'self' http: https:; font-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'self'"

// DocsOption configures NewDocsHandler.
type DocsOption interface{ applyDocs(*docsConfig) }

type docsOptionFunc func(*docsConfig)

func (f docsOptionFunc) applyDocs(c *docsConfig) { f(c) }

type docsConfig struct {
	title string
	poll  time.Duration
}

// WithTitle sets the page title.
// Optional. Default: "API documentation".
func WithTitle(title string) DocsOption {
	return docsOptionFunc(func(c *docsConfig) { c.title = title })
}

// WithPollInterval sets how often the page asks for the document (with
// If-None-Match, so an unchanged state costs a 304). Values under 100ms are
// raised to 100ms.
// Optional. Default: 1s.
func WithPollInterval(d time.Duration) DocsOption {
	return docsOptionFunc(func(c *docsConfig) { c.poll = d })
}

// DocsHandler serves a Swagger UI page for the document at a URL, with a
// banner that lists the operations in maintenance and the site-wide
// maintenance, read from the x-waygate-* extensions Patch writes. The page
// polls the document and re-renders when its ETag changes, so a Handler
// behind that URL makes the page follow the engine's state live.
type DocsHandler struct {
	specURL string
	cfg     docsConfig
}

// NewDocsHandler returns the Swagger UI page for the document served at
// specURL ("" means "/openapi.json"), usually an openapi.Handler. Mount it
// under a prefix, for example /docs: it answers the page at the prefix and
// its scripts and styles below it (Swagger UI is embedded, pinned from npm;
// nothing is loaded from elsewhere).
func NewDocsHandler(specURL string, opts ...DocsOption) *DocsHandler {
	if specURL == "" {
		specURL = "/openapi.json"
	}
	cfg := docsConfig{title: "API documentation", poll: time.Second}
	for _, o := range opts {
		if o != nil {
			o.applyDocs(&cfg)
		}
	}
	cfg.poll = max(cfg.poll, 100*time.Millisecond)
	return &DocsHandler{specURL: specURL, cfg: cfg}
}

// ServeHTTP answers GET and HEAD: a known asset name (the last path
// segment) gets the asset, any other path the page.
func (h *DocsHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed: use GET", http.StatusMethodNotAllowed)
		return
	}
	loadUI()
	name := path.Base("/" + r.URL.Path)
	if a, ok := ui.assets[name]; ok {
		serveAsset(w, r, name, a)
		return
	}
	if strings.Contains(name, ".") {
		http.NotFound(w, r)
		return
	}
	h.servePage(w, r)
}

func serveAsset(w http.ResponseWriter, r *http.Request, name string, a *uiAsset) {
	hdr := w.Header()
	hdr.Set("Content-Type", a.ctype)
	hdr.Set("ETag", `"`+a.hash+`"`)
	hdr.Set("X-Content-Type-Options", "nosniff")
	if r.URL.Query().Get("v") == a.hash {
		hdr.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		hdr.Set("Cache-Control", "no-cache")
	}
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(a.body))
}

// pageData feeds ui/index.html.
type pageData struct {
	Title   string
	SpecURL string
	PollMs  int64
	prefix  string
}

// Asset is the URL of a static file, relative to the page, versioned by
// its content.
func (p pageData) Asset(name string) string {
	a := ui.assets[name]
	return p.prefix + name + "?v=" + a.hash
}

func (h *DocsHandler) servePage(w http.ResponseWriter, r *http.Request) {
	data := pageData{Title: h.cfg.title, SpecURL: h.specURL, PollMs: h.cfg.poll.Milliseconds(), prefix: assetPrefix(r)}
	var buf bytes.Buffer
	if err := ui.page.Execute(&buf, data); err != nil {
		http.Error(w, "the docs page cannot be rendered", http.StatusInternalServerError)
		return
	}
	hdr := w.Header()
	hdr.Set("Content-Type", "text/html; charset=utf-8")
	hdr.Set("Cache-Control", "no-cache")
	hdr.Set("Content-Security-Policy", docsCSP)
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("Referrer-Policy", "same-origin")
	if r.Method == http.MethodHead {
		return
	}
	_, _ = w.Write(buf.Bytes())
}

// assetPrefix makes asset URLs relative to the page as the browser sees
// it: the page at /docs/ loads "./swagger-ui.css", the page at /docs loads
// "./docs/swagger-ui.css"; both reach the handler mounted at /docs. The
// path comes from the request line, since a prefix-stripping mount hides
// it from r.URL.
func assetPrefix(r *http.Request) string {
	p := r.URL.Path
	if r.RequestURI != "" {
		if u, err := url.ParseRequestURI(r.RequestURI); err == nil {
			p = u.Path
		}
	}
	if p == "" || strings.HasSuffix(p, "/") {
		return "./"
	}
	return "./" + url.PathEscape(path.Base(p)) + "/"
}
