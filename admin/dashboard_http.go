package admin

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"

	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/flag"
)

// registerDashboard adds the dashboard's pages, actions, assets and live
// event stream. Paths are relative to the mount, like the API's.
func (h *Handler) registerDashboard() {
	mustUI()
	h.access["GET /assets/{hash}/{file}"] = accessPublic
	h.mux.HandleFunc("GET /assets/{hash}/{file}", h.serveAsset)
	h.access["GET /favicon.ico"] = accessPublic
	h.mux.HandleFunc("GET /favicon.ico", func(w http.ResponseWriter, r *http.Request) {
		v := h.newView(w, r)
		http.Redirect(w, r, v.Prefix+"/assets/"+mustUI().assets["favicon.svg"].hash+"/favicon.svg", http.StatusMovedPermanently) //nolint:gosec // G710: the mount path plus a fixed path
	})
	h.access["GET /sign-in"] = accessPublic
	h.mux.HandleFunc("GET /sign-in", h.signInPage)
	h.access["POST /sign-in"] = accessPublic
	h.mux.HandleFunc("POST /sign-in", h.signIn)
	h.page("POST /sign-out", false, h.signOut)
	h.page("GET /events", false, h.uiEvents)

	h.registerRoutePages()
	h.registerLimitPages()
	h.registerFlagPages()
	h.registerSegmentPages()
	h.registerLogPages()
}

type signInData struct {
	Next     string
	Username string
	Error    string
}

// signInPage shows the sign-in form; signed-in users go straight on.
func (h *Handler) signInPage(w http.ResponseWriter, r *http.Request) {
	v := h.newView(w, r)
	v.Title = "Sign in"
	next := safeNext(v, r.URL.Query().Get("next"))
	if _, err := h.auth.authenticate(r); err == nil {
		http.Redirect(w, r, next, http.StatusSeeOther) //nolint:gosec // G710: safeNext keeps only dashboard pages
		return
	}
	h.render(w, r, v, http.StatusOK, "signin", signInData{Next: next})
}

// signIn checks the form through the API's login (same throttling, same
// cookies), then redirects to the page the user wanted.
func (h *Handler) signIn(w http.ResponseWriter, r *http.Request) {
	v := h.newView(w, r)
	v.Title = "Sign in"
	r.Body = http.MaxBytesReader(w, r.Body, MaxBodyBytes)
	if err := r.ParseForm(); err != nil {
		h.render(w, r, v, http.StatusBadRequest, "signin", signInData{Error: "could not read the form: " + err.Error()})
		return
	}
	data := signInData{Next: safeNext(v, r.PostFormValue("next")), Username: r.PostFormValue("username")}
	if h.auth.open {
		http.Redirect(w, r, data.Next, http.StatusSeeOther)
		return
	}
	raw, _ := json.Marshal(loginRequest{Username: r.PostFormValue("username"), Password: r.PostFormValue("password"), Platform: "dashboard"})
	body := string(raw)
	rec := httptest.NewRecorder()
	inner := r.Clone(r.Context())
	inner.Body = io.NopCloser(strings.NewReader(body))
	inner.ContentLength = int64(len(body))
	inner.Header.Set("Content-Type", "application/json")
	if err := h.login(rec, inner); err != nil {
		status, b, header := statusOf(err)
		for k, vals := range header {
			w.Header()[k] = vals
		}
		data.Error, _ = b["error"].(string)
		h.render(w, r, v, status, "signin", data)
		return
	}
	for _, c := range rec.Result().Cookies() {
		http.SetCookie(w, c)
	}
	http.Redirect(w, r, data.Next, http.StatusSeeOther)
}

// safeNext keeps a post-login target only when it is a dashboard page.
func safeNext(v *view, next string) string {
	home := v.Prefix + "/"
	if next == "" || strings.ContainsAny(next, "\\\r\n") || strings.Contains(next, "//") {
		return home
	}
	if strings.HasPrefix(next, v.Prefix+"/") && !strings.HasPrefix(next, v.Prefix+"/api/") && !strings.HasPrefix(next, v.Prefix+"/sign-") {
		return next
	}
	return home
}

// signOut revokes the session through the API's logout and clears the
// cookies.
func (h *Handler) signOut(w http.ResponseWriter, r *http.Request, v *view) error {
	rec := httptest.NewRecorder()
	inner := r.Clone(r.Context())
	inner.Body = io.NopCloser(strings.NewReader(""))
	inner.ContentLength = 0
	if err := h.logout(rec, inner); err != nil {
		return err
	}
	for _, c := range rec.Result().Cookies() {
		http.SetCookie(w, c)
	}
	http.Redirect(w, r, v.Prefix+"/sign-in", http.StatusSeeOther) //nolint:gosec // G710: the mount path plus a fixed path
	return nil
}

// uiEvent is one Server-Sent Event of the dashboard stream.
type uiEvent struct{ name, data string }

// uiEvents streams what changes the open page: an event named after the
// change kind (route, global, service, rate_limit, flag, segment, resync)
// for every engine change, which makes the page's live region reload
// itself; with ?flag=KEY also that flag's evaluations as rendered table
// rows (event "evaluation"). Keepalives and the reconnect delay come from
// streamSSE.
func (h *Handler) uiEvents(w http.ResponseWriter, r *http.Request, v *view) error {
	ctx, stop := context.WithCancel(r.Context())
	defer stop()
	changes := h.eng.Subscribe(ctx)
	var evals <-chan flag.Event
	only := r.URL.Query().Get("flag")
	if rec := h.eng.Flags().Recorder(); only != "" && rec != nil {
		var cancel func()
		evals, cancel = rec.Subscribe(flagStreamBuffer)
		defer cancel()
	}
	out := make(chan uiEvent)
	go func() {
		defer close(out)
		for {
			var ev uiEvent
			select {
			case <-ctx.Done():
				return
			case c, open := <-changes:
				if !open {
					return
				}
				ev = uiEvent{name: string(c.Kind), data: changeLabel(c)}
			case e := <-evals:
				if e.FlagKey != only {
					continue
				}
				ev = uiEvent{name: "evaluation", data: h.evalRow(e)}
			}
			select {
			case out <- ev:
			case <-ctx.Done():
				return
			}
		}
	}()
	return streamSSE(h, w, r, out, func(w io.Writer, ev uiEvent) error {
		_, err := fmt.Fprintf(w, "event: %s\ndata: %s\n\n", ev.name, ev.data)
		return err
	})
}

// changeLabel names what changed, on one line.
func changeLabel(c engine.Change) string {
	s := c.Key
	if s == "" {
		s = string(c.Kind)
	}
	return strings.NewReplacer("\r", " ", "\n", " ").Replace(s)
}

// evalRow renders one evaluation as a table row on one line (SSE data
// lines end at a newline).
func (h *Handler) evalRow(e flag.Event) string {
	var buf bytes.Buffer
	if err := mustUI().pages["flag"].ExecuteTemplate(&buf, "evalrow", e); err != nil {
		h.log.Error("waygate admin: dashboard evaluation row failed", "err", err)
		return ""
	}
	return strings.NewReplacer("\r", "", "\n", "").Replace(buf.String())
}

// query builds "?a=1&b=2" from pairs, leaving out empty values.
func query(pairs ...string) string {
	q := url.Values{}
	for i := 0; i+1 < len(pairs); i += 2 {
		if pairs[i+1] != "" {
			q.Set(pairs[i], pairs[i+1])
		}
	}
	if len(q) == 0 {
		return ""
	}
	return "?" + q.Encode()
}
