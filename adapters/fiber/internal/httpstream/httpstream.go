// Package httpstream serves a net/http handler on fiber so that what the
// handler flushes reaches the client at once: the admin handler's event
// streams, mounted on a fiber app with waygatefiber.Mount.
package httpstream

import (
	"bufio"
	"cmp"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"
)

// Handler serves a net/http handler on fiber like adaptor.HTTPHandler,
// except that a response the handler flushes (an SSE stream: the admin
// API's /api/events, the dashboard's live updates, a Waygate Server's SDK
// stream) reaches the client as it is written instead of when the handler
// returns, and the handler's request context ends when the client goes
// (noticed when a write fails: Waygate's streams send keepalives).
//
// The handler runs on its own goroutine while the fiber handler waits.
// Until it flushes, its output is buffered and copied into fiber's
// response as adaptor.HTTPHandler would; once it flushes, the status and
// headers are sent and the rest is piped through fasthttp's body stream
// writer, which waits for the handler to return, so the request it reads
// stays valid.
func Handler(h http.Handler) fiber.Handler {
	return func(c *fiber.Ctx) error {
		req, err := adaptor.ConvertRequest(c, true)
		if err != nil {
			return fiber.NewError(fiber.StatusBadRequest, "bad request: "+err.Error())
		}
		ctx, cancel := context.WithCancel(c.UserContext())
		pr, pw := io.Pipe()
		w := &streamWriter{c: c, header: http.Header{}, pipe: pw, head: make(chan struct{}), done: make(chan struct{})}
		go w.serve(h, req.WithContext(ctx))
		<-w.head // the handler flushed or returned
		if !w.stream {
			cancel()
			if w.panicked != nil {
				return fmt.Errorf("waygate fiber mount: handler panicked: %v", w.panicked)
			}
			return nil
		}
		rctx := c.Context() // valid while fasthttp writes this response
		// The connection ends with the stream, so nothing the client sends
		// after the request belongs to another one: watchClose may read it.
		rctx.Response.SetConnectionClose()
		rctx.SetBodyStreamWriter(func(bw *bufio.Writer) {
			conn := rctx.Conn()
			// The stream outlives the server's WriteTimeout, which fasthttp
			// set on the connection just before writing this response, and
			// its ReadTimeout, set for reading the request.
			_ = conn.SetWriteDeadline(time.Time{})
			_ = conn.SetReadDeadline(time.Time{})
			stop := watchClose(conn, cancel)
			_, _ = io.Copy(flushWriter{bw}, pr) // until the handler returns or the client goes
			cancel()
			_ = pr.CloseWithError(context.Canceled) // the handler's writes fail from now
			<-w.done                                // let it finish before the request is reused
			stop()
		})
		return nil
	}
}

// watchClose calls gone as soon as the client closes conn, noticed by a
// read: a client sends nothing more on a streaming connection, so the read
// returns only when the client goes (or sends stray bytes, ignored).
// Without it, a closed client is noticed at the stream's next write: up
// to a keepalive interval later. stop ends the watch and waits for it.
func watchClose(conn net.Conn, gone func()) (stop func()) {
	done := make(chan struct{})
	var stopping atomic.Bool
	go func() {
		defer close(done)
		var b [64]byte
		for {
			if _, err := conn.Read(b[:]); err != nil {
				if !stopping.Load() {
					gone()
				}
				return
			}
		}
	}()
	return func() {
		stopping.Store(true)
		_ = conn.SetReadDeadline(time.Now()) // unblocks the read
		<-done
	}
}

// flushWriter sends every write to the client at once.
type flushWriter struct{ bw *bufio.Writer }

func (f flushWriter) Write(p []byte) (int, error) {
	n, err := f.bw.Write(p)
	return n, cmp.Or(err, f.bw.Flush())
}

// streamWriter is the handler's http.ResponseWriter and http.Flusher. It
// is used on the handler's goroutine only; until head is closed the fiber
// handler waits, so the writer may set fiber's response then.
type streamWriter struct {
	c        *fiber.Ctx
	header   http.Header
	status   int
	buf      []byte // written before the first flush
	stream   bool   // flushed: the head is sent and later writes go through pipe
	pipe     *io.PipeWriter
	head     chan struct{} // closed at the first flush, or when the handler returns without one
	done     chan struct{} // closed when the handler returns
	panicked any
}

func (w *streamWriter) serve(h http.Handler, r *http.Request) {
	defer close(w.done)
	defer func() {
		p := recover()
		if w.stream {
			if p != nil { // the status is sent: end the stream, and say why, as net/http does
				slog.Error("waygate fiber mount: handler panicked while streaming", "panic", p)
			}
			_ = w.pipe.Close()
			return
		}
		if w.panicked = p; p == nil {
			w.setHead()
			w.c.Response().SetBodyRaw(w.buf)
		}
		close(w.head)
	}()
	h.ServeHTTP(w, r)
}

// setHead sets fiber's status and headers from the handler's.
func (w *streamWriter) setHead() {
	w.c.Status(cmp.Or(w.status, http.StatusOK))
	for k, vs := range w.header {
		w.c.Response().Header.Del(k)
		for _, v := range vs {
			w.c.Response().Header.Add(k, v)
		}
	}
}

func (w *streamWriter) Header() http.Header { return w.header }

func (w *streamWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
}

func (w *streamWriter) Write(p []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	if w.stream {
		return w.pipe.Write(p)
	}
	w.buf = append(w.buf, p...)
	return len(p), nil
}

// Flush starts streaming: the status, headers and what was buffered go out
// now, and every later write as it comes.
func (w *streamWriter) Flush() {
	if w.stream {
		return
	}
	w.WriteHeader(http.StatusOK)
	w.setHead()
	w.stream = true
	close(w.head)
	if len(w.buf) > 0 {
		_, _ = w.pipe.Write(w.buf)
		w.buf = nil
	}
}
