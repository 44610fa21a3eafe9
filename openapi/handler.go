package openapi

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/waygate-go/waygate/core/engine"
)

// Handler serves an OpenAPI document patched with an engine's current
// state, as JSON. The patched document is cached and rebuilt only after
// the engine reports a route, maintenance or resync change; responses carry
// an ETag and answer If-None-Match with 304.
type Handler struct {
	e      *engine.Engine
	src    []byte
	cfg    config
	cancel context.CancelFunc
	done   chan struct{}

	gen   atomic.Uint64 // bumped by every relevant change
	mu    sync.Mutex    // serialises rebuilds
	cache atomic.Pointer[servedDocument]
}

type servedDocument struct {
	gen  uint64
	body []byte
	etag string
}

// NewHandler checks doc (Swagger 2.0 or OpenAPI 3, JSON or YAML) by
// patching it once, and returns a handler that serves it patched with the
// live state of e. The first request builds the served document, so routes
// registered after NewHandler (adapters register at startup) are in it.
// Call Close to stop following e.
func NewHandler(e *engine.Engine, doc []byte, opts ...Option) (*Handler, error) {
	ctx, cancel := context.WithCancel(context.Background())
	h := &Handler{e: e, src: append([]byte(nil), doc...), cfg: newConfig(opts), cancel: cancel, done: make(chan struct{})}
	changes := e.Subscribe(ctx)
	if _, err := h.build(0); err != nil {
		cancel()
		return nil, err
	}
	go h.follow(changes)
	return h, nil
}

// follow invalidates the cache on every change that can alter the document.
func (h *Handler) follow(changes <-chan engine.Change) {
	defer close(h.done)
	for c := range changes {
		switch c.Kind {
		case engine.KindRoute, engine.KindGlobal, engine.KindService, engine.KindResync:
			h.gen.Add(1)
		}
	}
}

// Close stops following the engine's changes. The handler keeps serving
// the last document.
func (h *Handler) Close() error {
	h.cancel()
	<-h.done
	return nil
}

// current returns the cached document, rebuilding it when a change arrived
// since it was built.
func (h *Handler) current() (*servedDocument, error) {
	gen := h.gen.Load()
	if d := h.cache.Load(); d != nil && d.gen == gen {
		return d, nil
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	gen = h.gen.Load() // read before the state: a later change rebuilds again
	if d := h.cache.Load(); d != nil && d.gen == gen {
		return d, nil
	}
	sd, err := h.build(gen)
	if err != nil {
		return nil, err
	}
	h.cache.Store(sd)
	return sd, nil
}

// build patches the document with the engine's current state.
func (h *Handler) build(gen uint64) (*servedDocument, error) {
	d, err := parseDocument(h.src)
	if err != nil {
		return nil, err
	}
	if err := patchDocument(d, StateFromEngine(h.e), h.cfg); err != nil {
		return nil, err
	}
	body, err := d.encodeJSON("  ", true)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(body)
	return &servedDocument{gen: gen, body: body, etag: `"` + hex.EncodeToString(sum[:16]) + `"`}, nil
}

// ServeHTTP answers GET and HEAD with the patched document.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed: use GET", http.StatusMethodNotAllowed)
		return
	}
	d, err := h.current()
	if err != nil {
		http.Error(w, "the openapi document cannot be patched: "+err.Error(), http.StatusInternalServerError)
		return
	}
	hdr := w.Header()
	hdr.Set("ETag", d.etag)
	hdr.Set("Cache-Control", "no-cache")
	if etagMatches(r.Header.Get("If-None-Match"), d.etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	hdr.Set("Content-Type", "application/json; charset=utf-8")
	if r.Method == http.MethodHead {
		w.WriteHeader(http.StatusOK)
		return
	}
	_, _ = w.Write(d.body)
}

// etagMatches implements If-None-Match's weak comparison.
func etagMatches(header, etag string) bool {
	if header == "" {
		return false
	}
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimSpace(t)
		if t == "*" || strings.TrimPrefix(t, "W/") == etag {
			return true
		}
	}
	return false
}
