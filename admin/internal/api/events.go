package api

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"

	"github.com/waygate-go/waygate/admin/internal/wire"
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
func (h *API) events(w http.ResponseWriter, r *http.Request) error {
	changes := h.eng.Subscribe(r.Context()) // subscribed before the client hears back: nothing is missed
	return wire.Serve(h.stream, w, r, changes, writeEvent)
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
