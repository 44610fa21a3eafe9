package waygatefiber

import (
	"bufio"
	"context"
	"fmt"
	"log"
	"net/http"
	"sync"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"
)

// httpHandler serves a net/http handler on fiber like adaptor.HTTPHandler,
// except that a response the handler flushes (an SSE stream: the admin
// API's /api/events, the dashboard's live updates, a Waygate Server's SDK
// stream) reaches the client as it is written instead of when the handler
// returns, and the handler's request context ends when the client goes
// (noticed when a write fails: Waygate's streams send keepalives).
//
// The handler runs on its own goroutine. Until it flushes, its output is
// buffered and copied into fiber's response as adaptor.HTTPHandler would;
// once it flushes, the status and headers are sent and the rest is piped
// through fasthttp's body stream writer, which waits for the handler to
// return, so the request it reads stays valid.
func httpHandler(h http.Handler) fiber.Handler {
	return func(c *fiber.Ctx) error {
		req, err := adaptor.ConvertRequest(c, true)
		if err != nil {
			return fiber.NewError(fiber.StatusBadRequest, "bad request: "+err.Error())
		}
		ctx, cancel := context.WithCancel(c.UserContext())
		w := &streamWriter{header: http.Header{}, ctx: ctx, flushed: make(chan struct{}), done: make(chan struct{}), chunks: make(chan []byte, 16)}
		go w.serve(h, req.WithContext(ctx))
		select {
		case <-w.done: // answered without flushing: an ordinary response
			cancel()
			if w.panicked != nil {
				return fmt.Errorf("waygate fiber mount: handler panicked: %v", w.panicked)
			}
			w.copyHead(c)
			c.Response().SetBodyRaw(w.buf)
			return nil
		case <-w.flushed:
		}
		w.copyHead(c)
		c.Context().SetBodyStreamWriter(func(bw *bufio.Writer) {
			defer cancel()
			for chunk := range w.chunks {
				if _, err := bw.Write(chunk); err != nil {
					break
				}
				if err := bw.Flush(); err != nil {
					break
				}
			}
			cancel()             // the client went (or the handler is done)
			for range w.chunks { // let the handler finish before the request is reused
			}
		})
		return nil
	}
}

// streamWriter is the handler's http.ResponseWriter and http.Flusher.
type streamWriter struct {
	header  http.Header
	ctx     context.Context
	mu      sync.Mutex
	status  int
	buf     []byte // written before the first flush
	sent    http.Header
	stream  bool
	flushed chan struct{} // closed at the first flush
	done    chan struct{} // closed when the handler returned without flushing
	chunks  chan []byte   // written after the first flush; closed when the handler returns

	panicked any
}

func (w *streamWriter) serve(h http.Handler, r *http.Request) {
	defer func() {
		p := recover()
		w.mu.Lock()
		defer w.mu.Unlock()
		if w.stream {
			if p != nil { // the status is sent: end the stream, and say why, as net/http does
				log.Printf("waygate fiber mount: handler panicked while streaming: %v", p)
			}
			close(w.chunks)
			return
		}
		w.panicked = p
		close(w.done)
	}()
	h.ServeHTTP(w, r)
}

func (w *streamWriter) Header() http.Header { return w.header }

func (w *streamWriter) WriteHeader(code int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.status == 0 {
		w.status = code
	}
}

func (w *streamWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	if w.status == 0 {
		w.status = http.StatusOK
	}
	if !w.stream {
		w.buf = append(w.buf, p...)
		w.mu.Unlock()
		return len(p), nil
	}
	w.mu.Unlock()
	select {
	case w.chunks <- append([]byte(nil), p...):
		return len(p), nil
	case <-w.ctx.Done():
		return 0, w.ctx.Err()
	}
}

// Flush starts streaming: the status, headers and what was buffered go out
// now, and every later write as it comes.
func (w *streamWriter) Flush() {
	w.mu.Lock()
	if w.stream {
		w.mu.Unlock()
		return
	}
	if w.status == 0 {
		w.status = http.StatusOK
	}
	w.stream = true
	w.sent = w.header.Clone()
	first := w.buf
	w.buf = nil
	w.mu.Unlock()
	close(w.flushed)
	if len(first) > 0 {
		select {
		case w.chunks <- first:
		case <-w.ctx.Done():
		}
	}
}

// copyHead sets fiber's status and headers from the handler's.
func (w *streamWriter) copyHead(c *fiber.Ctx) {
	w.mu.Lock()
	defer w.mu.Unlock()
	h := w.header
	if w.sent != nil {
		h = w.sent
	}
	status := w.status
	if status == 0 {
		status = http.StatusOK
	}
	c.Status(status)
	for k, vs := range h {
		c.Response().Header.Del(k)
		for _, v := range vs {
			c.Response().Header.Add(k, v)
		}
	}
}
