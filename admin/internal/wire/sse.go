package wire

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sync/atomic"
	"time"
)

// Stream is how a Server-Sent Events answer is kept alive and ended.
type Stream struct {
	// KeepAlive is how often a ": keepalive" comment is sent.
	KeepAlive time.Duration
	// Done ends every stream when it is closed (the handler closes).
	Done <-chan struct{}
	// Log is told when the response writer cannot flush.
	Log *slog.Logger
	// Limit caps the streams open at once, shared by every stream of a
	// handler; nil for no cap.
	Limit *StreamLimit
}

// StreamLimit caps the event streams a handler holds open at once: each
// holds a connection, a goroutine and a subscription, so an unbounded
// number of them is a way to exhaust the server.
type StreamLimit struct {
	max           int64
	open, refused atomic.Int64
}

// NewStreamLimit allows max streams at once.
func NewStreamLimit(max int) *StreamLimit { return &StreamLimit{max: int64(max)} }

// StreamCounts are a StreamLimit's counters, as /api/health reports them.
type StreamCounts struct {
	Open    int64 `json:"open"`
	Max     int64 `json:"max"`
	Refused int64 `json:"refused"` // answered 503 since the handler started
}

// Counts reports the limit's counters.
func (l *StreamLimit) Counts() StreamCounts {
	return StreamCounts{Open: l.open.Load(), Max: l.max, Refused: l.refused.Load()}
}

func (l *StreamLimit) acquire() bool {
	if l.open.Add(1) > l.max {
		l.open.Add(-1)
		l.refused.Add(1)
		return false
	}
	return true
}

func (l *StreamLimit) release() { l.open.Add(-1) }

// Serve answers with a Server-Sent Events stream of what arrives on items,
// written by write, with a keepalive comment every s.KeepAlive. It ends
// when the client goes away, s.Done is closed or items is closed. Subscribe
// to items before calling it, so nothing between the subscription and the
// client's first byte is missed. Past s.Limit it answers 503 instead.
func Serve[T any](s Stream, w http.ResponseWriter, r *http.Request, items <-chan T, write func(io.Writer, T) error) error {
	if s.Limit != nil {
		if !s.Limit.acquire() {
			return &Error{Status: http.StatusServiceUnavailable,
				Msg:    fmt.Sprintf("too many event streams are open (%d): try again later", s.Limit.max),
				Header: http.Header{"Retry-After": {"5"}}}
		}
		defer s.Limit.release()
	}
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
		s.Log.Warn("waygate admin: event stream: the response writer cannot flush; wrap it keeping http.Flusher", "err", err)
		return nil
	}
	tick := time.NewTicker(s.KeepAlive)
	defer tick.Stop()
	for {
		var err error
		select {
		case <-ctx.Done():
			return nil
		case <-s.Done:
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
