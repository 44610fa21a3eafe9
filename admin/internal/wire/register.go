package wire

import (
	"log/slog"
	"net/http"
)

// Access says who may call an endpoint.
type Access uint8

// The access levels, from the most open.
const (
	Public Access = iota // no credentials: login, the OpenAPI document, the dashboard's own pages
	Read                 // any signed-in user
	User                 // any signed-in user, unsafe method (logout, the flag debugger)
	Admin                // admins only: every mutation
)

// HandlerFunc is an endpoint; a returned error is answered as JSON.
type HandlerFunc func(w http.ResponseWriter, r *http.Request) error

// Registrar is where the handler's parts register their endpoints.
type Registrar interface {
	// Handle registers a REST endpoint: the handler authenticates the
	// request for a, answers a returned error as JSON and lists the
	// pattern in the API's description.
	Handle(pattern string, a Access, f HandlerFunc)
	// HandleFunc registers an endpoint that answers for itself (the
	// dashboard's pages authenticate themselves and render their errors);
	// it is not part of the REST API.
	HandleFunc(pattern string, a Access, f http.HandlerFunc)
}

// Answer serves f: a returned error is answered as JSON (WriteError), a
// panic is logged and answered 500 without taking the server down.
func Answer(log *slog.Logger, pattern string, f HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				log.Error("waygate admin: handler panicked", "pattern", pattern, "panic", v)
				WriteJSON(w, http.StatusInternalServerError, map[string]string{"error": "internal error: see the server log"})
			}
		}()
		if err := f(w, r); err != nil {
			WriteError(w, r, err, log)
		}
	}
}
