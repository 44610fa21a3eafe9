package dashboard

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/waygate-go/waygate/admin/internal/auth"
	"github.com/waygate-go/waygate/admin/internal/wire"
	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/flag"
)

// Register adds the dashboard's pages, actions, assets and live event
// stream. Paths are relative to the mount, like the API's.
func (h *UI) Register(reg wire.Registrar) {
	h.reg = reg
	reg.HandleFunc("GET /assets/{hash}/{file}", wire.Public, h.serveAsset)
	reg.HandleFunc("GET /favicon.ico", wire.Public, func(w http.ResponseWriter, r *http.Request) {
		v := h.newView(w, r)
		http.Redirect(w, r, v.Prefix+"/assets/"+mustUI().assets["favicon.svg"].hash+"/favicon.svg", http.StatusMovedPermanently) //nolint:gosec // G710: the mount path plus a fixed path
	})
	reg.HandleFunc("GET /sign-in", wire.Public, h.signInPage)
	reg.HandleFunc("POST /sign-in", wire.Public, h.signIn)
	h.page("POST /sign-out", false, h.signOut)
	h.page("GET /events", false, h.uiEvents)

	h.registerRoutePages()
	h.registerLimitPages()
	h.registerFlagPages()
	h.registerSegmentPages()
	h.registerLogPages()
	h.registerTrafficPages()
}

type signInData struct {
	Next     string
	Username string
	Error    string
}

// signInPage shows the sign-in form; signed-in users go straight on.
func (h *UI) signInPage(w http.ResponseWriter, r *http.Request) {
	v := h.newView(w, r)
	v.Title = "Sign in"
	next := safeNext(v, r.URL.Query().Get("next"))
	if _, err := h.auth.Authenticate(r); err == nil {
		http.Redirect(w, r, next, http.StatusSeeOther) //nolint:gosec // G710: safeNext keeps only dashboard pages
		return
	}
	h.render(w, r, v, http.StatusOK, "signin", signInData{Next: next})
}

// signIn checks the form with the authenticator's Login, as the API's
// login does (same throttling, same cookies), then redirects to the page
// the user wanted.
func (h *UI) signIn(w http.ResponseWriter, r *http.Request) {
	v := h.newView(w, r)
	v.Title = "Sign in"
	r.Body = http.MaxBytesReader(w, r.Body, wire.MaxBodyBytes)
	if err := r.ParseForm(); err != nil {
		h.render(w, r, v, http.StatusBadRequest, "signin", signInData{Error: "could not read the form: " + err.Error()})
		return
	}
	data := signInData{Next: safeNext(v, r.PostFormValue("next")), Username: r.PostFormValue("username")}
	if h.auth.Open() {
		http.Redirect(w, r, data.Next, http.StatusSeeOther)
		return
	}
	req := auth.LoginRequest{Username: r.PostFormValue("username"), Password: r.PostFormValue("password"), Platform: "dashboard"}
	if _, err := h.auth.Login(w, r, req); err != nil {
		status, b, header := wire.StatusOf(err)
		for k, vals := range header {
			w.Header()[k] = vals
		}
		data.Error, _ = b["error"].(string)
		h.render(w, r, v, status, "signin", data)
		return
	}
	http.Redirect(w, r, data.Next, http.StatusSeeOther)
}

// safeNext keeps a post-login target only when it is a dashboard page:
// a path under the mount, with no dot segment (a browser would resolve
// /waygate/../x to /x), no encoded separator and no scheme or host.
func safeNext(v *view, next string) string {
	home := v.Prefix + "/"
	if next == "" || strings.ContainsAny(next, "\\\r\n") || strings.Contains(next, "//") {
		return home
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.Opaque != "" || u.RawPath != "" {
		return home // u.RawPath: the path has an escape a browser may read otherwise (%2F, %2e)
	}
	for _, seg := range strings.Split(u.Path, "/") {
		if seg == "." || seg == ".." {
			return home
		}
	}
	p := u.Path
	if strings.HasPrefix(p, v.Prefix+"/") && !strings.HasPrefix(p, v.Prefix+"/api/") && !strings.HasPrefix(p, v.Prefix+"/sign-") {
		return next
	}
	return home
}

// signOut revokes the session, as the API's logout does, and clears the
// cookies.
func (h *UI) signOut(w http.ResponseWriter, r *http.Request, v *view) error {
	if err := h.auth.Logout(w, r); err != nil {
		return err
	}
	http.Redirect(w, r, v.Prefix+"/sign-in", http.StatusSeeOther) //nolint:gosec // G710: the mount path plus a fixed path
	return nil
}

// evaluationBuffer bounds the evaluations waiting for a slow page.
const evaluationBuffer = 256

// uiEvent is one Server-Sent Event of the dashboard stream.
type uiEvent struct{ name, data string }

// uiEvents streams what changes the open page: an event named after the
// change kind (route, global, service, rate_limit, flag, segment, resync)
// for every engine change, which makes the page's live region reload
// itself; with ?flag=KEY also that flag's evaluations as rendered table
// rows (event "evaluation"); with ?traffic=1 also an event "traffic" each
// time the traffic sampler has moved on a minute (its data: the minute
// sampled). Keepalives and the reconnect delay come from streamSSE.
func (h *UI) uiEvents(w http.ResponseWriter, r *http.Request, v *view) error {
	ctx, stop := context.WithCancel(r.Context())
	defer stop()
	changes := h.eng.Subscribe(ctx)
	var evals <-chan flag.Event
	only := r.URL.Query().Get("flag")
	if rec := h.eng.Flags().Recorder(); only != "" && rec != nil {
		var cancel func()
		evals, cancel = rec.Subscribe(evaluationBuffer)
		defer cancel()
	}
	var minutes <-chan time.Time
	if r.URL.Query().Get("traffic") != "" && h.traffic != nil {
		var cancel func()
		minutes, cancel = h.traffic.Subscribe()
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
			case m := <-minutes:
				ev = uiEvent{name: "traffic", data: m.UTC().Format(time.RFC3339)}
			}
			select {
			case out <- ev:
			case <-ctx.Done():
				return
			}
		}
	}()
	return wire.Serve(h.stream, w, r, out, func(w io.Writer, ev uiEvent) error {
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
func (h *UI) evalRow(e flag.Event) string {
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
