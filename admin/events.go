package admin

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/webhook"
)

// events streams every engine change as Server-Sent Events until the
// client goes away or the handler closes:
//
//	event: route
//	data: {"event":"maintenance_on","kind":"route","path":"GET:/payments",...}
//
// The event name is the change kind (route, global, service, rate_limit,
// flag, segment, resync); a resync means changes may have been missed:
// re-read the state. A ": keepalive" comment is sent every keepalive
// interval.
func (h *Handler) events(w http.ResponseWriter, r *http.Request) error {
	changes := h.eng.Subscribe(r.Context()) // subscribed before the client hears back: nothing is missed
	return streamSSE(h, w, r, changes, writeEvent)
}

// streamSSE answers with a Server-Sent Events stream of what arrives on
// items, written by write, with a keepalive comment every keepalive
// interval. It ends when the client goes away, the handler closes or items
// is closed. Subscribe to items before calling it, so nothing between the
// subscription and the client's first byte is missed.
func streamSSE[T any](h *Handler, w http.ResponseWriter, r *http.Request, items <-chan T, write func(io.Writer, T) error) error {
	rc := http.NewResponseController(w)
	_ = rc.SetWriteDeadline(time.Time{}) // the stream outlives the server's write timeout
	ctx := r.Context()

	hd := w.Header()
	hd.Set("Content-Type", "text/event-stream")
	hd.Set("Cache-Control", "no-cache")
	hd.Set("X-Accel-Buffering", "no")
	hd.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	if _, err := fmt.Fprint(w, "retry: 3000\n: connected\n\n"); err != nil {
		return nil
	}
	if err := rc.Flush(); err != nil {
		h.log.Warn("waygate admin: event stream: the response writer cannot flush; wrap it keeping http.Flusher", "err", err)
		return nil
	}
	tick := time.NewTicker(h.cfg.keepAlive)
	defer tick.Stop()
	for {
		var err error
		select {
		case <-ctx.Done():
			return nil
		case <-h.ctx.Done():
			return nil
		case <-tick.C:
			_, err = fmt.Fprint(w, ": keepalive\n\n")
		case item, open := <-items:
			if !open {
				return nil
			}
			err = write(w, item)
		}
		if err == nil {
			err = rc.Flush()
		}
		if err != nil {
			return nil // the client went away
		}
	}
}

// writeEvent writes one change as an SSE event.
func writeEvent(w io.Writer, c engine.Change) error {
	data, err := json.Marshal(webhook.EventOf(c))
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "event: %s\ndata: %s\n\n", c.Kind, data)
	return err
}
