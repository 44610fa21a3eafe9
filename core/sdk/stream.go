package sdk

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strings"
	"time"

	"github.com/waygate-go/waygate/core/backend"
	"github.com/waygate-go/waygate/core/clock"
)

// defaultKeepAlive is assumed until the server announces its interval.
const defaultKeepAlive = 15 * time.Second

// errGap ends a stream whose delta does not follow the version held.
var errGap = errors.New("missed a change (version gap)")

// Watch opens the event stream and keeps it open until ctx is done,
// reconnecting with jittered exponential backoff. Every (re)connection
// delivers a Change with Resync set once its snapshot has replaced the
// SDK's view; deltas arrive as Changes with route keys local to the
// service.
func (b *Backend) Watch(ctx context.Context) (<-chan backend.Change, error) {
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return nil, backend.ErrClosed
	}
	b.wg.Add(1)
	b.mu.Unlock()
	out := make(chan backend.Change, 256)
	ctx, cancel := context.WithCancel(ctx)
	go func() {
		defer b.wg.Done()
		defer cancel()
		defer close(out)
		stop := context.AfterFunc(b.ctx, cancel) // Close ends the stream too
		defer stop()
		b.follow(ctx, out)
	}()
	return out, nil
}

// follow connects, streams and reconnects until ctx is done.
func (b *Backend) follow(ctx context.Context, out chan<- backend.Change) {
	bo := backoff{min: b.cfg.minBackoff, max: b.cfg.maxBackoff}
	for ctx.Err() == nil {
		err := b.streamOnce(ctx, out, &bo)
		if ctx.Err() != nil {
			return
		}
		b.mu.Lock()
		was := b.connected
		b.connected = false
		if was {
			b.downSince = b.cfg.clock.Now()
		}
		b.mu.Unlock()
		var refused *ServerError
		if was {
			select { // the engine is out of step until the resync of the next connection
			case out <- backend.Change{Lost: true}:
			default:
			}
		}
		switch {
		case was:
			b.log.Warn("waygate sdk: lost the Waygate Server; enforcing the last known state and reconnecting", "service", b.service, "server", b.base, "err", err)
		case bo.attempts != 1 && bo.attempts%20 != 0:
			// Failures repeat: the first and every twentieth are logged.
		case errors.Is(err, ErrWrongService):
			b.log.Error("waygate sdk: wrong service token; enforcing the declared state and retrying", "service", b.service, "server", b.base, "attempts", bo.attempts, "err", err)
		case errors.As(err, &refused) && (refused.Status == http.StatusUnauthorized || refused.Status == http.StatusForbidden):
			b.log.Error("waygate sdk: the Waygate Server refused the service token; enforcing the last known (or declared) state and retrying", "service", b.service, "server", b.base, "attempts", bo.attempts, "err", err)
		default:
			b.log.Warn("waygate sdk: cannot reach the Waygate Server; enforcing the last known (or declared) state and retrying", "service", b.service, "server", b.base, "attempts", bo.attempts, "err", err)
		}
		if errors.Is(err, errGap) {
			bo.reset() // the server is fine: resync at once
		}
		if !clock.Sleep(ctx, b.cfg.clock, bo.next()) {
			return
		}
	}
}

// streamOnce runs one connection: snapshot, then deltas and keepalives.
func (b *Backend) streamOnce(ctx context.Context, out chan<- backend.Change, bo *backoff) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, b.base+PathEvents, nil)
	if err != nil {
		return err
	}
	b.authorize(req)
	req.Header.Set("Accept", "text/event-stream")
	silence := b.cfg.silenceLimit
	if silence <= 0 {
		silence = 3 * defaultKeepAlive
	}
	// The watchdog ends a connection that stays silent, connect included.
	// It runs on the SDK's clock, like the back-off: the silence limit is
	// a liveness window of the protocol (three keepalive intervals), not a
	// deadline of one read, and a fake clock proves it exactly.
	var dog clock.Timer
	arm := func(d time.Duration) {
		if dog != nil {
			dog.Stop()
		}
		dog = b.cfg.clock.AfterFunc(d, func() { cancel(errors.New("the stream stayed silent")) })
	}
	arm(max(silence, b.cfg.timeout))
	defer func() { dog.Stop() }()
	res, err := b.cfg.client.Do(req)
	if err != nil {
		if c := context.Cause(ctx); c != nil && ctx.Err() != nil {
			return c
		}
		return err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return responseError(res)
	}
	frames := newFrameReader(res.Body)
	synced := false
	for {
		ev, payload, err := frames.next(func() { arm(silence); b.touch() })
		if err != nil {
			if c := context.Cause(ctx); c != nil && ctx.Err() != nil {
				return c
			}
			return fmt.Errorf("stream ended: %w", err)
		}
		switch ev {
		case "snapshot":
			var s Snapshot
			if err := json.Unmarshal([]byte(payload), &s); err != nil {
				return fmt.Errorf("unreadable snapshot: %w", err)
			}
			err := b.checkService(s)
			b.mu.Lock()
			b.wrong = err // cleared once the server maps the token to this service
			b.mu.Unlock()
			if err != nil {
				return err
			}
			if s.KeepAliveMillis > 0 && b.cfg.silenceLimit <= 0 {
				silence = 3 * time.Duration(s.KeepAliveMillis) * time.Millisecond
				arm(silence)
			}
			b.replace(s, synced)
			synced = true
			bo.reset()
			if !send(ctx, out, backend.Change{Resync: true}) {
				return ctx.Err()
			}
		case "delta":
			if !synced {
				return errors.New("delta before snapshot")
			}
			var d Delta
			if err := json.Unmarshal([]byte(payload), &d); err != nil {
				return fmt.Errorf("unreadable delta: %w", err)
			}
			changes, err := b.apply(d)
			if err != nil {
				return err
			}
			for _, c := range changes {
				if !send(ctx, out, c) {
					return ctx.Err()
				}
			}
		}
	}
}

// frameReader reads Server-Sent Events: "event:" and "data:" lines up to a
// blank line; comments (keepalives) and unknown fields are skipped.
type frameReader struct {
	r       *bufio.Reader
	pending []string // lines read but not yet looked at
}

func newFrameReader(r io.Reader) *frameReader {
	return &frameReader{r: bufio.NewReaderSize(r, 64<<10)}
}

// next returns the next event with data; alive is called for every line
// read, keepalives included.
func (f *frameReader) next(alive func()) (event, data string, err error) {
	var buf strings.Builder
	for {
		if len(f.pending) == 0 {
			raw, err := f.r.ReadString('\n')
			if err != nil {
				return "", "", err
			}
			alive()
			raw = strings.TrimSuffix(strings.TrimSuffix(raw, "\n"), "\r")
			// A line ends at CRLF, LF or a lone CR.
			f.pending = strings.Split(raw, "\r")
		}
		line := f.pending[0]
		f.pending = f.pending[1:]
		switch {
		case line == "":
			if buf.Len() == 0 {
				event = ""
				continue
			}
			return event, buf.String(), nil
		case strings.HasPrefix(line, ":"):
			// keepalive comment
		case strings.HasPrefix(line, "event:"):
			event = strings.TrimSpace(strings.TrimPrefix(line, "event:"))
		case strings.HasPrefix(line, "data:"):
			if buf.Len() > 0 {
				buf.WriteByte('\n')
			}
			buf.WriteString(strings.TrimPrefix(strings.TrimPrefix(line, "data:"), " "))
		}
	}
}

func send(ctx context.Context, out chan<- backend.Change, c backend.Change) bool {
	select {
	case out <- c:
		return true
	case <-ctx.Done():
		return false
	}
}

func (b *Backend) touch() {
	b.mu.Lock()
	b.lastEvent = b.cfg.clock.Now()
	b.mu.Unlock()
}

// replace makes a snapshot the SDK's view.
func (b *Backend) replace(s Snapshot, again bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.cache != nil && !again {
		b.reconnects++
	}
	b.cache = s.Documents.snapshot()
	b.version, b.server = s.Version, s.Server
	for k, w := range b.written {
		// Versions of another replica do not compare.
		if w.server == s.Server && w.version > s.Version {
			// Acknowledged after the snapshot was taken: keep it, so the
			// reloading engine does not lose its own write.
			putDoc(b.cache, w.rec)
		} else {
			delete(b.written, k)
		}
	}
	b.resyncs++
	if !b.connected {
		attrs := []any{"service", b.service, "server", b.base, "version", s.Version}
		if b.reconnects > 0 { // back after an outage; the first sync had none to time
			attrs = append(attrs, "down_for", b.cfg.clock.Now().Sub(b.downSince).Round(time.Millisecond))
		}
		b.log.Info("waygate sdk: synced with the Waygate Server", attrs...)
	}
	b.connected = true
}

// apply adds a delta to the view and returns the changes for the engine.
// A record older than this process's own acknowledged write of the key
// leaves the view alone and carries that write's origin, so the engine,
// which holds the newer write, skips it too. A delta about a key this
// process is writing waits for the server's answer, which says which of
// the two is newer.
func (b *Backend) apply(d Delta) ([]backend.Change, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for b.writing(d.Records) {
		b.settled.Wait()
	}
	if d.Base != b.version {
		return nil, fmt.Errorf("%w: holding version %d, delta %d is based on %d", errGap, b.version, d.Version, d.Base)
	}
	b.version = d.Version
	out := make([]backend.Change, 0, len(d.Records))
	for _, r := range d.Records {
		rec := backend.Record{Kind: r.Kind, Key: r.Key}
		if len(r.Value) > 0 && string(r.Value) != "null" {
			rec.Value = []byte(r.Value)
		}
		origin := r.Origin
		wk := docKey(r.Kind, r.Key)
		w, marked := b.written[wk]
		switch {
		case marked && d.Version < w.version:
			// Older than this process's write of the key, which the view
			// and the engine already hold.
			origin = w.origin
		case marked:
			delete(b.written, wk)
			putDoc(b.cache, rec)
		default:
			putDoc(b.cache, rec)
		}
		out = append(out, backend.Change{Record: rec, Origin: origin})
	}
	return out, nil
}

// writing reports whether a write of one of recs' keys is waiting for the
// server's answer. b.mu must be held.
func (b *Backend) writing(recs []Record) bool {
	if len(b.inflight) == 0 {
		return false
	}
	for _, r := range recs {
		if b.inflight[docKey(r.Kind, r.Key)] > 0 {
			return true
		}
	}
	return false
}

// backoff doubles from min to max; each delay is drawn between half and
// all of the current step.
type backoff struct {
	min, max, d time.Duration
	attempts    int
}

func (b *backoff) reset() { b.d, b.attempts = 0, 0 }

func (b *backoff) next() time.Duration {
	b.attempts++
	if b.d == 0 {
		b.d = b.min
	} else {
		b.d = min(b.d*2, b.max)
	}
	half := b.d / 2
	if half <= 0 {
		return b.d
	}
	return half + rand.N(half+1) //nolint:gosec // G404: jitter, not a secret
}
