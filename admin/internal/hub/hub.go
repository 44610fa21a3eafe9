package hub

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/waygate-go/waygate/admin/internal/wire"
	"github.com/waygate-go/waygate/core/backend"
	"github.com/waygate-go/waygate/core/clock"
	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/sdk"
	"github.com/waygate-go/waygate/core/webhook"
)

// Hub is the Waygate Server side of SDK connections: it streams the
// engine's state to SDKs, applies the writes they make for their service,
// stores the logs they forward and claims their scheduled transitions. It
// keeps the documents it last sent, diffs them against the engine after
// every change and sends each connection the records of its service's view
// as a versioned delta. The change stream of the engine is only a wake-up
// call, so a missed change (a slow subscriber, a resync) costs nothing: the
// diff catches up.
type Hub struct {
	eng       *engine.Engine
	hooks     *webhook.Dispatcher
	clock     clock.Clock
	log       *slog.Logger
	keepAlive time.Duration
	streams   *wire.StreamLimit
	tokens    []Token
	id        string // this replica, reported in snapshots

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu       sync.Mutex
	version  uint64
	docs     backend.Snapshot // server key space, as last diffed
	conns    map[*sdkConn]struct{}
	origins  map[string][]pendingOrigin // kind/key → writes SDKs made, oldest first
	services map[string]*serviceStatus
}

// Config is what a Hub works with.
type Config struct {
	Engine    *engine.Engine
	Hooks     *webhook.Dispatcher // told about the changes services make
	Clock     clock.Clock
	Log       *slog.Logger
	KeepAlive time.Duration // of the SDKs' event streams
	Tokens    []Token
	Streams   *wire.StreamLimit // the handler's cap on open streams
}

// sdkConn is one open event stream.
type sdkConn struct {
	service string
	out     chan []byte // encoded SSE events; closed when the stream must end
	base    uint64      // version of the last event sent
}

// maxPendingOrigins bounds the writes remembered per document.
const maxPendingOrigins = 64

// pendingOrigin remembers who wrote a document through POST
// /api/sdk/records, so the delta echoing it names the writer.
type pendingOrigin struct {
	origin string
	value  []byte
}

// serviceStatus is what this replica knows of a service's SDKs.
type serviceStatus struct {
	connections int
	lastSeen    time.Time
	dropped     int
}

// connBuffer bounds the events waiting for a slow stream; when it is full
// the stream is ended and the SDK resyncs on reconnect.
const connBuffer = 256

// New starts a hub on cfg.Engine; Close stops it.
func New(cfg Config) *Hub {
	h := &Hub{eng: cfg.Engine, hooks: cfg.Hooks, clock: cfg.Clock, log: cfg.Log, keepAlive: cfg.KeepAlive, streams: cfg.Streams, tokens: cfg.Tokens,
		id: randomHex(6), conns: map[*sdkConn]struct{}{}, origins: map[string][]pendingOrigin{}, services: map[string]*serviceStatus{}}
	h.ctx, h.cancel = context.WithCancel(context.Background())
	changes := h.eng.Subscribe(h.ctx) // before the first diff: nothing slips between
	h.docs = engine.InternalsOf(h.eng).Documents()
	h.version = 1
	h.wg.Add(1)
	go h.run(changes)
	return h
}

// Close ends every SDK stream and stops following the engine.
func (h *Hub) Close() {
	h.cancel()
	h.wg.Wait()
}

func (h *Hub) stream() wire.Stream {
	return wire.Stream{KeepAlive: h.keepAlive, Done: h.ctx.Done(), Log: h.log, Limit: h.streams}
}

// Register serves the SDK endpoints. They authenticate with service
// tokens, not user sessions, so the handler's user check is skipped
// (wire.Public) and each endpoint calls serviceOf.
func (h *Hub) Register(reg wire.Registrar) {
	sdkRoute := func(pattern string, f wire.HandlerFunc) {
		reg.HandleFunc(pattern, wire.Public, wire.Answer(h.log, pattern, f))
	}
	sdkRoute("GET "+sdk.PathSnapshot, h.sdkSnapshot)
	sdkRoute("GET "+sdk.PathEvents, h.sdkEvents)
	sdkRoute("POST "+sdk.PathRecords, h.sdkRecords)
	sdkRoute("POST "+sdk.PathLogs, h.sdkAppendLogs)
	sdkRoute("GET "+sdk.PathLogs, h.sdkTailLogs)
	sdkRoute("POST "+sdk.PathClaim, h.sdkClaim)
	reg.Handle("GET /api/services/status", wire.Read, h.servicesStatus)
}

// run re-diffs after every engine change until the hub closes.
func (s *Hub) run(changes <-chan engine.Change) {
	defer s.wg.Done()
	defer s.closeAll()
	for range changes {
		for drained := false; !drained; {
			select {
			case _, open := <-changes:
				if !open {
					return
				}
			default:
				drained = true
			}
		}
		s.publish()
	}
}

// publish diffs the engine's documents against what was sent and streams
// the difference. The documents are read under s.mu, so two publishers
// never send an older state after a newer one.
func (s *Hub) publish() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.publishLocked()
}

func (s *Hub) publishLocked() {
	docs := engine.InternalsOf(s.eng).Documents()
	recs := diffDocuments(s.docs, docs)
	s.docs = docs
	if len(recs) == 0 {
		return
	}
	for i := range recs {
		k := string(recs[i].Kind) + "\x00" + recs[i].Key
		// The published value may be any of the writes still pending for
		// the key (several can land between two publications): the one it
		// matches names the origin, and it and older ones are done.
		pend := s.origins[k]
		for j := len(pend) - 1; j >= 0; j-- {
			if bytes.Equal(pend[j].value, recs[i].Value) {
				recs[i].Origin = pend[j].origin
				pend = pend[j+1:]
				break
			}
		}
		if len(pend) == 0 {
			delete(s.origins, k)
		} else {
			s.origins[k] = pend
		}
	}
	s.version++
	for c := range s.conns {
		var mine []sdk.Record
		for _, r := range recs {
			if local, ok := sdk.ScopeDocument(c.service, r.Kind, r.Key); ok {
				r.Key = local
				mine = append(mine, r)
			}
		}
		if len(mine) == 0 {
			continue
		}
		ev := encodeEvent("delta", sdk.Delta{Version: s.version, Base: c.base, Records: mine})
		select {
		case c.out <- ev:
			c.base = s.version
		default: // too slow: end the stream; the SDK resyncs on reconnect
			s.dropLocked(c)
			s.log.Warn("waygate server: an SDK stream fell behind and was closed; it resyncs on reconnect", "service", c.service)
		}
	}
}

// connect opens a stream for service, primed with its snapshot.
func (s *Hub) connect(service string) *sdkConn {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.publishLocked() // the snapshot holds every write acknowledged before it
	c := &sdkConn{service: service, out: make(chan []byte, connBuffer+1), base: s.version}
	c.out <- encodeEvent("snapshot", s.snapshotLocked(service))
	s.conns[c] = struct{}{}
	st := s.statusLocked(service)
	st.connections++
	st.lastSeen = s.clock.Now()
	return c
}

// disconnect forgets a stream that ended.
func (s *Hub) disconnect(c *sdkConn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.conns[c]; ok {
		s.dropLocked(c)
	}
}

func (s *Hub) dropLocked(c *sdkConn) {
	delete(s.conns, c)
	close(c.out)
	st := s.statusLocked(c.service)
	st.connections--
	st.lastSeen = s.clock.Now()
}

func (s *Hub) closeAll() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for c := range s.conns {
		s.dropLocked(c)
	}
}

// snapshot returns service's view at the current version.
func (s *Hub) snapshot(service string) sdk.Snapshot {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.publishLocked() // a snapshot holds every write acknowledged before it
	return s.snapshotLocked(service)
}

func (s *Hub) snapshotLocked(service string) sdk.Snapshot {
	docs := sdk.Documents{}
	for kind, m := range s.docs {
		for key, v := range m {
			local, ok := sdk.ScopeDocument(service, kind, key)
			if !ok {
				continue
			}
			if docs[kind] == nil {
				docs[kind] = map[string]json.RawMessage{}
			}
			docs[kind][local] = v
		}
	}
	return sdk.Snapshot{Version: s.version, Server: s.id, Service: service,
		KeepAliveMillis: s.keepAlive.Milliseconds(), Documents: docs}
}

// write applies an SDK's records and publishes them at once, so the
// version it returns is the first whose snapshots and deltas hold them.
// Publications wait meanwhile; writes of the admin API and other replicas
// do not, and may land in the same version.
func (s *Hub) write(ctx context.Context, origin string, recs []backend.Record) (uint64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.publishLocked() // bring s.docs up to date, so a no-op write is seen as one
	s.expectLocked(origin, recs)
	if err := engine.InternalsOf(s.eng).Apply(ctx, recs...); err != nil {
		s.forgetLocked(origin, recs) // nothing changed, so no echo will come
		return 0, err
	}
	s.publishLocked()
	return s.version, nil
}

// expectLocked notes that origin is about to write recs, so their echo
// names it. s.mu must be held, and s.docs up to date.
func (s *Hub) expectLocked(origin string, recs []backend.Record) {
	if origin == "" {
		return
	}
	for _, r := range recs {
		if cur, ok := s.docs[r.Kind][r.Key]; ok && bytes.Equal(cur, r.Value) {
			// Nothing will change, so nothing will be published: an
			// expectation kept now would later tag someone else's write.
			continue
		}
		k := string(r.Kind) + "\x00" + r.Key
		pend := s.origins[k]
		if len(pend) >= maxPendingOrigins { // an echo that never came: forget the oldest
			pend = pend[1:]
		}
		s.origins[k] = append(pend, pendingOrigin{origin: origin, value: r.Value})
	}
}

// forgetLocked drops the expectations expectLocked just added for recs.
func (s *Hub) forgetLocked(origin string, recs []backend.Record) {
	for _, r := range recs {
		k := string(r.Kind) + "\x00" + r.Key
		pend := s.origins[k]
		if n := len(pend); n > 0 && pend[n-1].origin == origin && bytes.Equal(pend[n-1].value, r.Value) {
			pend = pend[:n-1]
		}
		if len(pend) == 0 {
			delete(s.origins, k)
		} else {
			s.origins[k] = pend
		}
	}
}

// seen records that service's SDK made a request.
func (s *Hub) seen(service string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.statusLocked(service).lastSeen = s.clock.Now()
}

func (s *Hub) statusLocked(service string) *serviceStatus {
	st := s.services[service]
	if st == nil {
		st = &serviceStatus{}
		s.services[service] = st
	}
	return st
}

// diffDocuments lists the records that turn old into cur, sorted by kind
// and key.
func diffDocuments(old, cur backend.Snapshot) []sdk.Record {
	var out []sdk.Record
	for kind, m := range cur {
		for key, v := range m {
			if prev, ok := old[kind][key]; !ok || !bytes.Equal(prev, v) {
				out = append(out, sdk.Record{Kind: kind, Key: key, Value: v})
			}
		}
	}
	for kind, m := range old {
		for key := range m {
			if _, ok := cur[kind][key]; !ok {
				out = append(out, sdk.Record{Kind: kind, Key: key})
			}
		}
	}
	slices.SortFunc(out, func(a, b sdk.Record) int {
		if a.Kind != b.Kind {
			if a.Kind < b.Kind {
				return -1
			}
			return 1
		}
		if a.Key < b.Key {
			return -1
		}
		if a.Key > b.Key {
			return 1
		}
		return 0
	})
	return out
}

// encodeEvent renders one SSE event with a JSON payload.
func encodeEvent(name string, v any) []byte {
	data, err := json.Marshal(v)
	if err != nil {
		data = []byte(fmt.Sprintf(`{"error":%q}`, err.Error()))
	}
	var b bytes.Buffer
	b.Grow(len(data) + len(name) + 16)
	b.WriteString("event: ")
	b.WriteString(name)
	b.WriteString("\ndata: ")
	b.Write(data)
	b.WriteString("\n\n")
	return b.Bytes()
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
