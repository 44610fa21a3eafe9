package sdk

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/waygate-go/waygate/core/backend"
	"github.com/waygate-go/waygate/core/clock"
)

func TestScopeDocument(t *testing.T) {
	tests := []struct {
		kind    backend.Kind
		key     string
		local   string
		visible bool
	}{
		{backend.KindRoute, "payments:GET:/pay", "GET:/pay", true},
		{backend.KindRoute, "payments:/pay", "/pay", true},
		{backend.KindRoute, "orders:GET:/pay", "", false},
		{backend.KindRoute, "GET:/pay", "", false}, // the server's own routes
		{backend.KindRateLimit, "payments:GET:/pay", "GET:/pay", true},
		{backend.KindRateLimit, "orders:GET:/pay", "", false},
		{backend.KindService, "payments", "payments", true},
		{backend.KindService, "orders", "", false},
		{backend.KindServiceRateLimit, "orders", "", false},
		{backend.KindGlobal, "maintenance", "maintenance", true},
		{backend.KindGlobalRateLimit, "policy", "policy", true},
		{backend.KindFlag, "new-checkout", "new-checkout", true},
		{backend.KindSegment, "beta", "beta", true},
		{"admin_webhook", "x", "", false},
	}
	for _, tt := range tests {
		local, ok := ScopeDocument("payments", tt.kind, tt.key)
		if ok != tt.visible || (ok && local != tt.local) {
			t.Errorf("ScopeDocument(%s %s) = %q, %v; want %q, %v", tt.kind, tt.key, local, ok, tt.local, tt.visible)
		}
	}
}

func TestToServer(t *testing.T) {
	route := func(key, value string) backend.Record {
		return backend.Record{Kind: backend.KindRoute, Key: key, Value: []byte(value)}
	}
	tests := []struct {
		name    string
		rec     backend.Record
		shared  bool
		key     string
		foreign bool
		invalid bool
	}{
		{name: "own route", rec: route("GET:/pay", `{"status":"active","service":"orders"}`), key: "payments:GET:/pay"},
		{name: "own route with prefix", rec: route("payments:GET:/pay", `{}`), key: "payments:GET:/pay"},
		{name: "route delete", rec: backend.Record{Kind: backend.KindRoute, Key: "GET:/pay"}, key: "payments:GET:/pay"},
		{name: "other service's route", rec: route("orders:GET:/pay", `{}`), foreign: true},
		{name: "other service's route, trusted", rec: route("orders:GET:/pay", `{}`), shared: true, foreign: true},
		{name: "bad key", rec: route("pay", `{}`), invalid: true},
		{name: "bad state", rec: route("GET:/pay", `[]`), invalid: true},
		{name: "own policy", rec: backend.Record{Kind: backend.KindRateLimit, Key: "GET:/pay", Value: []byte(`{"limit":"5/minute"}`)}, key: "payments:GET:/pay"},
		{name: "bad policy", rec: backend.Record{Kind: backend.KindRateLimit, Key: "GET:/pay", Value: []byte(`{"limit":"often"}`)}, invalid: true},
		{name: "policy tombstone", rec: backend.Record{Kind: backend.KindRateLimit, Key: "GET:/pay", Value: []byte(`{"deleted":true}`)}, key: "payments:GET:/pay"},
		{name: "own maintenance", rec: backend.Record{Kind: backend.KindService, Key: "payments", Value: []byte(`{"enabled":true}`)}, key: "payments"},
		{name: "other maintenance", rec: backend.Record{Kind: backend.KindService, Key: "orders", Value: []byte(`{"enabled":true}`)}, foreign: true},
		{name: "other maintenance, trusted", rec: backend.Record{Kind: backend.KindService, Key: "orders", Value: []byte(`{"enabled":true}`)}, shared: true, key: "orders"},
		{name: "global", rec: backend.Record{Kind: backend.KindGlobal, Key: "maintenance", Value: []byte(`{"enabled":true}`)}, foreign: true},
		{name: "global, trusted", rec: backend.Record{Kind: backend.KindGlobal, Key: "maintenance", Value: []byte(`{"enabled":true}`)}, shared: true, key: "maintenance"},
		{name: "global with a wrong key, trusted", rec: backend.Record{Kind: backend.KindGlobal, Key: "x", Value: []byte(`{}`)}, shared: true, invalid: true},
		{name: "flag", rec: backend.Record{Kind: backend.KindFlag, Key: "f", Value: []byte(`{}`)}, foreign: true},
		{name: "unknown kind, trusted", rec: backend.Record{Kind: "admin_webhook", Key: "x", Value: []byte(`{}`)}, shared: true, foreign: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := ToServer("payments", tt.rec, tt.shared)
			switch {
			case tt.foreign:
				if !errors.Is(err, ErrForeign) {
					t.Fatalf("err = %v, want ErrForeign", err)
				}
			case tt.invalid:
				if err == nil || errors.Is(err, ErrForeign) {
					t.Fatalf("err = %v, want a validation error", err)
				}
			default:
				if err != nil || out.Key != tt.key {
					t.Fatalf("ToServer = %s, %v; want key %s", out.Key, err, tt.key)
				}
			}
		})
	}
	out, _ := ToServer("payments", route("GET:/pay", `{"status":"active","service":"orders","path":"orders:GET:/x","stale":true}`), false)
	var st map[string]any
	json.Unmarshal(out.Value, &st)
	if st["service"] != "payments" || st["path"] != "payments:GET:/pay" || st["stale"] != nil {
		t.Errorf("stored state %s", out.Value)
	}
}

func TestLogQueueDropsOldest(t *testing.T) {
	q := logQueue{limit: 3}
	for i := range 5 {
		q.push(backend.LogAudit, []byte(fmt.Sprint(i)), 100)
	}
	q.push(backend.LogHits, []byte("h"), 100)
	b := q.take()
	if len(b.Audit) != 3 || string(b.Audit[0]) != "2" || b.Dropped != 2 || len(b.Hits) != 1 {
		t.Fatalf("batch %+v", b)
	}
	// A failed batch goes back ahead of newer entries, still bounded.
	q.push(backend.LogAudit, []byte("5"), 100)
	q.putBack(b)
	b = q.take()
	if got := fmt.Sprintf("%s", b.Audit); got != "[3 4 5]" || b.Dropped != 3 {
		t.Fatalf("after put back: %s dropped %d", got, b.Dropped)
	}
	if dropped, pending := q.counts(); dropped != 3 || pending != 0 {
		t.Errorf("counts %d %d", dropped, pending)
	}
}

func TestBackoffIsJitteredAndBounded(t *testing.T) {
	b := backoff{min: 100 * time.Millisecond, max: time.Second}
	prevMax := time.Duration(0)
	for i := range 10 {
		d := b.next()
		step := min(100*time.Millisecond<<i, time.Second)
		if d < step/2 || d > step {
			t.Fatalf("attempt %d: %v outside [%v, %v]", i, d, step/2, step)
		}
		prevMax = max(prevMax, d)
	}
	b.reset()
	if d := b.next(); d > 100*time.Millisecond {
		t.Errorf("after reset: %v", d)
	}
}

// fakeServer speaks the SDK protocol from a script of events per
// connection. A script that returns ends its connection; one that holds
// the connection open waits on gone, closed once the SDK has hung up.
type fakeServer struct {
	mu     sync.Mutex
	conns  int
	script func(n int, w io.Writer, flush func(), gone <-chan struct{})
	writes []WriteRequest
	logs   []LogBatch
	// ack answers the nth write (from 0); without it writes get 204, as
	// from a server that does not say which version holds them.
	ack func(n int) WriteResponse
}

func (f *fakeServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Authorization") != "Bearer tok-0123456789abcdef" {
		http.Error(w, `{"error":"bad token"}`, http.StatusUnauthorized)
		return
	}
	switch r.URL.Path {
	case PathEvents:
		f.mu.Lock()
		f.conns++
		n := f.conns
		f.mu.Unlock()
		w.Header().Set("Content-Type", "text/event-stream")
		w.WriteHeader(http.StatusOK)
		fl := w.(http.Flusher)
		fl.Flush()
		f.script(n, w, fl.Flush, r.Context().Done())
	case PathRecords:
		var req WriteRequest
		json.NewDecoder(r.Body).Decode(&req)
		f.mu.Lock()
		f.writes = append(f.writes, req)
		n := len(f.writes) - 1
		f.mu.Unlock()
		if f.ack == nil {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(f.ack(n))
	case PathLogs:
		var b LogBatch
		json.NewDecoder(r.Body).Decode(&b)
		f.mu.Lock()
		f.logs = append(f.logs, b)
		f.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	default:
		http.NotFound(w, r)
	}
}

func event(w io.Writer, name string, v any) {
	raw, _ := json.Marshal(v)
	fmt.Fprintf(w, "event: %s\ndata: %s\n\n", name, raw)
}

func snapshotAt(version uint64, status string) Snapshot {
	return Snapshot{Version: version, Server: "fake", Service: "payments", KeepAliveMillis: 1000, Documents: Documents{
		backend.KindRoute: {"GET:/pay": json.RawMessage(`{"status":"` + status + `"}`)},
	}}
}

func newTestBackend(t *testing.T, f *fakeServer, opts ...Option) *Backend {
	t.Helper()
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	b, err := New(srv.URL, "payments", "tok-0123456789abcdef", append([]Option{WithLogger(slog.New(slog.DiscardHandler)), WithBackoff(time.Millisecond, 5*time.Millisecond)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return b
}

func next(t *testing.T, ch <-chan backend.Change) backend.Change {
	t.Helper()
	select {
	case c := <-ch:
		return c
	case <-time.After(5 * time.Second):
		t.Fatal("no change within 5s")
	}
	return backend.Change{}
}

func TestStreamResyncsOnAGap(t *testing.T) {
	f := &fakeServer{script: func(n int, w io.Writer, flush func(), gone <-chan struct{}) {
		if n == 1 {
			event(w, "snapshot", snapshotAt(10, "active"))
			event(w, "delta", Delta{Version: 11, Base: 10, Records: []Record{{Kind: backend.KindRoute, Key: "GET:/pay", Value: json.RawMessage(`{"status":"disabled"}`)}}})
			event(w, "delta", Delta{Version: 13, Base: 12, Records: []Record{{Kind: backend.KindRoute, Key: "GET:/x", Value: json.RawMessage(`{}`)}}}) // 12 was missed
			flush()
			<-gone // the SDK, not the server, ends this connection
			return
		}
		event(w, "snapshot", snapshotAt(20, "maintenance"))
		flush()
		<-gone
	}}
	b := newTestBackend(t, f)
	ch, _ := b.Watch(context.Background())
	if c := next(t, ch); !c.Resync {
		t.Fatalf("first change %+v, want a resync", c)
	}
	if c := next(t, ch); c.Key != "GET:/pay" || string(c.Value) != `{"status":"disabled"}` {
		t.Fatalf("delta %+v", c)
	}
	// The gap ends the connection (the engine is told it is out of step);
	// the reconnection's snapshot resyncs.
	if c := next(t, ch); !c.Lost {
		t.Fatalf("after the gap %+v, want the connection reported lost", c)
	}
	if c := next(t, ch); !c.Resync {
		t.Fatalf("after the gap %+v, want a resync", c)
	}
	snap, err := b.Load(context.Background())
	if err != nil || string(snap[backend.KindRoute]["GET:/pay"]) != `{"status":"maintenance"}` || len(snap[backend.KindRoute]) != 1 {
		t.Fatalf("view after resync %v %v", snap, err)
	}
	if s := b.Status(); !s.Connected || s.Version != 20 || s.Reconnects != 1 || s.Resyncs != 2 {
		t.Errorf("status %+v", s)
	}
}

// The silence limit and the reconnection back-off run on the SDK's clock:
// a stream that stays silent for exactly the limit is dropped, and the SDK
// reconnects once the back-off has passed.
func TestStreamReconnectsWhenSilent(t *testing.T) {
	f := &fakeServer{script: func(n int, w io.Writer, flush func(), gone <-chan struct{}) {
		event(w, "snapshot", snapshotAt(uint64(n), "active"))
		flush()
		<-gone // then silence: no keepalive
	}}
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clk := clock.NewFake(t0)
	const silence, step = time.Minute, 2 * time.Second // the back-off waits between 1s and 2s
	b := newTestBackend(t, f, WithClock(clk), WithSilenceLimit(silence), WithBackoff(step, step), WithFlushInterval(time.Hour))
	ch, _ := b.Watch(context.Background())
	if c := next(t, ch); !c.Resync {
		t.Fatalf("%+v, want the first snapshot", c)
	}
	// Timers: the log flush and the watchdog. Advance runs the timers that
	// fall due before it returns, and a dropped stream is marked
	// disconnected before the back-off timer is armed: two timers seen
	// before a connected status mean the watchdog has not fired.
	connectedWith := func(timers int) bool { return clk.Pending() == timers && b.Status().Connected }
	waitTimers(t, clk, 2)
	clk.Advance(silence - time.Millisecond)
	if !connectedWith(2) {
		t.Fatalf("the stream was dropped before it had been silent for %v", silence)
	}
	clk.Advance(time.Millisecond)
	waitFor(t, "the silent stream to be dropped", func() bool { return !b.Status().Connected })
	waitTimers(t, clk, 2) // the log flush and the back-off
	clk.Advance(step/2 - time.Millisecond)
	if f.connections() != 1 || clk.Pending() != 2 {
		t.Fatalf("reconnected within %v, before the back-off (at least %v) had passed", step/2-time.Millisecond, step/2)
	}
	if c := next(t, ch); !c.Lost {
		t.Fatalf("%+v, want the dropped stream reported lost", c)
	}
	clk.Advance(step/2 + time.Millisecond)
	if c := next(t, ch); !c.Resync {
		t.Fatalf("%+v, want the snapshot of the reconnection", c)
	}
	// The back-off timer fires partway through the last Advance, so the
	// reconnection reads the clock somewhere between the drop and now.
	if s := b.Status(); s.Version != 2 || s.Reconnects != 1 || !s.LastEvent.After(t0.Add(silence)) || s.LastEvent.After(clk.Now()) {
		t.Errorf("status %+v at %v, want version 2 after one reconnection, the last event since the drop", s, clk.Now())
	}
}

// Buffered log entries are forwarded every flush interval of the SDK's
// clock.
func TestLogsFlushOnTheClock(t *testing.T) {
	f := &fakeServer{}
	clk := clock.NewFake(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	b := newTestBackend(t, f, WithClock(clk), WithFlushInterval(time.Hour))
	waitTimers(t, clk, 1)
	if err := b.Append(context.Background(), backend.LogAudit, []byte(`{"n":1}`), 10); err != nil {
		t.Fatal(err)
	}
	clk.Advance(time.Hour - time.Millisecond)
	if s := b.Status(); s.PendingLogs != 1 {
		t.Fatalf("%d entries pending before the flush interval passed, want 1", s.PendingLogs)
	}
	clk.Advance(time.Millisecond)
	waitFor(t, "the entry to be forwarded", func() bool {
		f.mu.Lock()
		defer f.mu.Unlock()
		return len(f.logs) == 1 && len(f.logs[0].Audit) == 1
	})
	waitTimers(t, clk, 1) // the next interval
}

func (f *fakeServer) connections() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.conns
}

// waitTimers waits until n timers are scheduled on clk.
func waitTimers(t *testing.T, clk *clock.Fake, n int) {
	t.Helper()
	waitFor(t, fmt.Sprintf("%d timers on the clock", n), func() bool { return clk.Pending() == n })
}

// waitFor polls cond until it holds, for up to 5s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

func TestOwnEchoKeepsItsOrigin(t *testing.T) {
	release := make(chan struct{})
	f := &fakeServer{script: func(n int, w io.Writer, flush func(), gone <-chan struct{}) {
		event(w, "snapshot", snapshotAt(1, "active"))
		flush()
		<-release
		event(w, "delta", Delta{Version: 2, Base: 1, Records: []Record{payRecord("disabled", "engine-1")}})
		flush()
		<-gone
	}}
	_, ch := watchAndDisable(t, f, nil)
	close(release)
	if c := next(t, ch); c.Origin != "engine-1" {
		t.Fatalf("echo %+v, want origin engine-1", c)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.writes) != 1 || f.writes[0].Records[0].Key != "GET:/pay" {
		t.Errorf("writes %+v", f.writes)
	}
}

var engineCtx = backend.WithOrigin(context.Background(), "engine-1")

// watchAndDisable starts an SDK on f, waits for its first snapshot and
// disables GET:/pay as engine-1, which the view must show at once, before
// any echo. done, when given, is closed before the fake server.
func watchAndDisable(t *testing.T, f *fakeServer, done chan struct{}) (*Backend, <-chan backend.Change) {
	t.Helper()
	b := newTestBackend(t, f)
	if done != nil {
		t.Cleanup(func() { close(done) })
	}
	ch, _ := b.Watch(context.Background())
	next(t, ch)
	if err := b.Write(engineCtx, payRecord("disabled", "").backend()); err != nil {
		t.Fatal(err)
	}
	if got := payStatus(t, b); got != "disabled" {
		t.Fatalf("view after write: %s", got)
	}
	return b, ch
}

func payRecord(status, origin string) Record {
	return Record{Kind: backend.KindRoute, Key: "GET:/pay", Value: json.RawMessage(`{"status":"` + status + `"}`), Origin: origin}
}

func (r Record) backend() backend.Record {
	return backend.Record{Kind: r.Kind, Key: r.Key, Value: []byte(r.Value)}
}

func payStatus(t *testing.T, b *Backend) string {
	t.Helper()
	snap, err := b.Load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var st struct{ Status string }
	if err := json.Unmarshal(snap[backend.KindRoute]["GET:/pay"], &st); err != nil {
		t.Fatalf("GET:/pay in the view: %q: %v", snap[backend.KindRoute]["GET:/pay"], err)
	}
	return st.Status
}

// wait blocks a fake server until ch is closed or the test ends (done), so
// a failing test never leaves a handler that keeps the server open.
func wait(ch, done <-chan struct{}) {
	select {
	case <-ch:
	case <-done:
	}
}

// A reconnect can deliver a snapshot taken before a write the server has
// already acknowledged; its echo then comes after the snapshot, and may
// arrive after a newer write of the same key. Neither may undo what this
// process wrote last.
func TestASnapshotTakenBeforeAWriteDoesNotUndoIt(t *testing.T) {
	cut, release := make(chan struct{}), make(chan struct{})
	done := make(chan struct{}) // ends the fake streams; closed before the server
	f := &fakeServer{
		ack: func(n int) WriteResponse { return WriteResponse{Version: uint64(n) + 2, Server: "fake"} },
		script: func(n int, w io.Writer, flush func(), _ <-chan struct{}) {
			event(w, "snapshot", snapshotAt(1, "active")) // both times: version 1, before the writes
			flush()
			if n == 1 {
				wait(cut, done)
				return
			}
			wait(release, done)
			event(w, "delta", Delta{Version: 2, Base: 1, Records: []Record{payRecord("disabled", "engine-1")}})
			event(w, "delta", Delta{Version: 3, Base: 2, Records: []Record{payRecord("active", "engine-1")}})
			flush()
			<-done
		}}
	b, ch := watchAndDisable(t, f, done) // acknowledged at version 2
	close(cut)
	if c := next(t, ch); !c.Lost {
		t.Fatalf("%+v, want the cut connection reported lost", c)
	}
	if c := next(t, ch); !c.Resync {
		t.Fatalf("%+v, want the resync of the second connection", c)
	}
	if got := payStatus(t, b); got != "disabled" {
		t.Fatalf("after a snapshot taken before the write, the view says %s: the write was lost", got)
	}
	if err := b.Write(engineCtx, payRecord("active", "").backend()); err != nil { // version 3
		t.Fatal(err)
	}
	close(release)
	for _, want := range []string{"disabled", "active"} {
		c := next(t, ch)
		if c.Origin != "engine-1" || !strings.Contains(string(c.Record.Value), want) {
			t.Fatalf("echo %+v (%s), want %s from engine-1, which the engine skips", c, c.Record.Value, want)
		}
		if got := payStatus(t, b); got != "active" {
			t.Fatalf("after the echo of %s the view says %s, want the last write (active)", want, got)
		}
	}
}

// A write made before the stream delivered any snapshot (the engine
// registers its routes while the SDK connects) must survive a first
// snapshot the server took before it: the engine reloads from that
// snapshot, and would otherwise write its declared state over the change.
func TestAFirstSnapshotTakenBeforeAWriteDoesNotUndoIt(t *testing.T) {
	start := make(chan struct{})
	done := make(chan struct{}) // ends the fake stream; closed before the server
	f := &fakeServer{
		ack: func(n int) WriteResponse { return WriteResponse{Version: 2, Server: "fake"} },
		script: func(n int, w io.Writer, flush func(), _ <-chan struct{}) {
			wait(start, done) // the snapshot was taken at version 1, before the write
			event(w, "snapshot", snapshotAt(1, "active"))
			flush()
			<-done
		}}
	b := newTestBackend(t, f)
	t.Cleanup(func() { close(done) })
	ch, _ := b.Watch(context.Background())
	if err := b.Write(engineCtx, payRecord("disabled", "").backend()); err != nil {
		t.Fatal(err)
	}
	close(start)
	if c := next(t, ch); !c.Resync {
		t.Fatalf("%+v, want the first snapshot's resync", c)
	}
	if got := payStatus(t, b); got != "disabled" {
		t.Fatalf("after a first snapshot taken before the write, the view says %s: the write was lost", got)
	}
}

// A delta about a key this process is writing waits for the server's
// answer: another engine's older change must not overtake the write.
func TestADeltaWaitsForTheWriteInFlight(t *testing.T) {
	answer, asked := make(chan struct{}), make(chan struct{})
	done := make(chan struct{}) // ends the fake streams; closed before the server
	f := &fakeServer{
		ack: func(int) WriteResponse {
			close(asked)
			wait(answer, done)
			return WriteResponse{Version: 3, Server: "fake"}
		},
		script: func(n int, w io.Writer, flush func(), _ <-chan struct{}) {
			event(w, "snapshot", snapshotAt(1, "active"))
			flush()
			wait(asked, done)
			event(w, "delta", Delta{Version: 2, Base: 1, Records: []Record{payRecord("disabled", "engine-2")}})
			event(w, "delta", Delta{Version: 3, Base: 2, Records: []Record{payRecord("active", "engine-1")}})
			flush()
			<-done
		}}
	b := newTestBackend(t, f)
	t.Cleanup(func() { close(done) })
	ch, _ := b.Watch(context.Background())
	next(t, ch)
	wrote := make(chan error, 1)
	go func() { wrote <- b.Write(engineCtx, payRecord("active", "").backend()) }()
	<-asked
	// Nothing may be delivered until the write is answered. No event marks
	// "the SDK holds the delta back", so the test gives a wrong delivery a
	// moment to show: a bound on a check for absence, which a slow machine
	// can only make miss a bug, never fail; it synchronises nothing.
	select {
	case c := <-ch:
		t.Fatalf("%+v delivered while the write of its key was unanswered", c)
	case <-time.After(100 * time.Millisecond):
	}
	close(answer)
	if err := <-wrote; err != nil {
		t.Fatal(err)
	}
	if c := next(t, ch); c.Origin != "engine-1" {
		t.Fatalf("engine-2's change at version 2 came as %+v; it is older than this process's write (3), so the engine must skip it", c)
	}
	if got := payStatus(t, b); got != "active" {
		t.Fatalf("view %s, want this process's newer write (active)", got)
	}
	if c := next(t, ch); c.Origin != "engine-1" {
		t.Fatalf("own echo %+v", c)
	}
}

// An older server answers writes with 204 and no version: any later change
// of the key wins, and the view holds the write meanwhile.
func TestWritesToAServerThatDoesNotAnswerAVersion(t *testing.T) {
	release := make(chan struct{})
	done := make(chan struct{}) // ends the fake streams; closed before the server
	f := &fakeServer{script: func(n int, w io.Writer, flush func(), _ <-chan struct{}) {
		event(w, "snapshot", snapshotAt(1, "active"))
		flush()
		wait(release, done)
		event(w, "delta", Delta{Version: 2, Base: 1, Records: []Record{payRecord("maintenance", "engine-2")}})
		flush()
		<-done
	}}
	b, ch := watchAndDisable(t, f, done)
	close(release)
	if c := next(t, ch); c.Origin != "engine-2" {
		t.Fatalf("%+v, want engine-2's change delivered", c)
	}
	if got := payStatus(t, b); got != "maintenance" {
		t.Fatalf("view %s, want the later change", got)
	}
}

func TestNewValidates(t *testing.T) {
	for _, c := range []struct{ url, service, token string }{
		{"ftp://x", "payments", "t"},
		{"http://", "payments", "t"},
		{"http://x", "GET", "t"},
		{"http://x", "a:b", "t"},
		{"http://x", "payments", " "},
	} {
		if _, err := New(c.url, c.service, c.token); err == nil || !strings.Contains(err.Error(), "waygate sdk") {
			t.Errorf("New(%q, %q, %q) = %v", c.url, c.service, c.token, err)
		}
	}
}

func TestLoadFailsWithoutAServer(t *testing.T) {
	b, err := New("http://127.0.0.1:1", "payments", "tok", WithLogger(slog.New(slog.DiscardHandler)), WithTimeout(200*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if _, err := b.Load(context.Background()); err == nil {
		t.Fatal("Load succeeded without a server")
	}
	if err := b.Append(context.Background(), backend.LogAudit, []byte(`{}`), 10); err != nil {
		t.Errorf("Append must not fail: %v", err)
	}
}

func TestWatchAfterClose(t *testing.T) {
	b, err := New("http://127.0.0.1:1", "payments", "tok", WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		t.Fatal(err)
	}
	b.Close()
	if _, err := b.Watch(context.Background()); !errors.Is(err, backend.ErrClosed) {
		t.Errorf("Watch after Close: %v, want ErrClosed", err)
	}
}

// Lines of an event stream end at CRLF, LF or a lone CR, and may mix them.
func TestFrameReaderLineEndings(t *testing.T) {
	in := "event: snapshot\rdata: {\"a\":\r\ndata: 1}\r\r: keepalive\nevent: delta\r\ndata: x\n\nevent:0\r0\ndata:y\n\n"
	f := newFrameReader(strings.NewReader(in))
	want := [][2]string{{"snapshot", "{\"a\":\n1}"}, {"delta", "x"}, {"0", "y"}}
	for i, w := range want {
		ev, data, err := f.next(func() {})
		if err != nil || ev != w[0] || data != w[1] {
			t.Fatalf("event %d: %q %q %v, want %q %q", i, ev, data, err, w[0], w[1])
		}
	}
	if _, _, err := f.next(func() {}); err != io.EOF {
		t.Fatalf("after the last event: %v, want io.EOF", err)
	}
}
