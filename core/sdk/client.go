package sdk

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/waygate-go/waygate/core/backend"
)

// Backend is the SDK: a backend.Backend and backend.Watcher whose state
// lives on a Waygate Server. Create it with New and give it to an engine
// with engine.WithBackend and engine.WithService. It is safe for concurrent
// use.
type Backend struct {
	cfg     config
	base    string
	service string
	token   string
	log     *slog.Logger

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu         sync.Mutex
	closed     bool
	cache      backend.Snapshot // the server's view; nil until the first snapshot
	version    uint64
	server     string
	written    map[string]writeMark // kind/key → a write of this process the view holds but the stream has not confirmed
	inflight   map[string]int       // kind/key → writes of it waiting for the server's answer
	settled    sync.Cond            // on mu; signalled when inflight shrinks
	connected  bool
	lastEvent  time.Time
	reconnects uint64
	resyncs    uint64
	downSince  time.Time
	wrong      error // ErrWrongService, once a snapshot named another service: writes are refused

	logs logQueue
}

// Status is the SDK's connection state, for health checks and tests.
type Status struct {
	// Connected reports whether the event stream is open and synced.
	Connected bool
	// Version is the server version of the state the SDK holds.
	Version uint64
	// Server identifies the replica the stream is connected to.
	Server string
	// LastEvent is when the stream last delivered anything, keepalives
	// included.
	LastEvent time.Time
	// Reconnects counts connections after the first; Resyncs counts full
	// snapshots received.
	Reconnects, Resyncs uint64
	// DroppedLogs counts audit entries and hits dropped because the buffer
	// was full; PendingLogs are waiting to be forwarded.
	DroppedLogs uint64
	PendingLogs int
}

var _ backend.Watcher = (*Backend)(nil)

// New returns an SDK backend for service that talks to the Waygate Server
// at serverURL (the admin handler's mount, "http://waygate:8000/waygate")
// with the service's token. It makes no network call: the engine's first
// Load does.
func New(serverURL, service, token string, opts ...Option) (*Backend, error) {
	u, err := url.Parse(strings.TrimRight(serverURL, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("waygate sdk: server URL %q: write it like http://waygate:8000/waygate", serverURL)
	}
	if !ValidService(service) {
		return nil, fmt.Errorf("waygate sdk: service name %q: use letters, digits, '-', '_' and '.', with at least one that is not an upper-case letter", service)
	}
	if strings.TrimSpace(token) == "" {
		return nil, errors.New("waygate sdk: the service token is empty: configure one on the server (admin.WithServiceToken, or WAYGATE_SERVICE_TOKENS for waygate serve) and pass it here")
	}
	cfg := defaultConfig()
	for _, o := range opts {
		if o != nil {
			o.apply(&cfg)
		}
	}
	if cfg.client == nil {
		cfg.client = &http.Client{}
	}
	if cfg.logger == nil {
		cfg.logger = slog.Default()
	}
	b := &Backend{cfg: cfg, base: u.String(), service: service, token: token, log: cfg.logger,
		written: map[string]writeMark{}, inflight: map[string]int{}, downSince: cfg.clock.Now()}
	b.settled.L = &b.mu
	b.logs.limit, b.logs.kick = cfg.logBuffer, make(chan struct{}, 1)
	b.ctx, b.cancel = context.WithCancel(context.Background())
	b.wg.Add(1)
	go b.forwardLogs()
	return b, nil
}

// Service returns the service the SDK acts for.
func (b *Backend) Service() string { return b.service }

// Status returns the connection state.
func (b *Backend) Status() Status {
	b.mu.Lock()
	defer b.mu.Unlock()
	dropped, pending := b.logs.counts()
	return Status{Connected: b.connected, Version: b.version, Server: b.server, LastEvent: b.lastEvent,
		Reconnects: b.reconnects, Resyncs: b.resyncs, DroppedLogs: dropped, PendingLogs: pending}
}

// Load returns the service's view of the server: the last snapshot with
// the deltas received since, or, before the stream has delivered one, a
// snapshot fetched now. It fails when the server has never been reached;
// the engine then enforces the state declared in code.
func (b *Backend) Load(ctx context.Context) (backend.Snapshot, error) {
	b.mu.Lock()
	if b.cache != nil {
		out := copySnapshot(b.cache)
		b.mu.Unlock()
		return out, nil
	}
	b.mu.Unlock()
	var s Snapshot
	if err := b.call(ctx, http.MethodGet, PathSnapshot, nil, nil, &s); err != nil {
		return nil, err
	}
	if err := b.checkService(s); err != nil {
		b.mu.Lock()
		b.wrong = err
		b.mu.Unlock()
		return nil, err
	}
	return s.Documents.snapshot(), nil
}

// Write sends records to the server, which stores them for this service.
// It fails when the server is unreachable or refuses them (another
// service's route, global state, flags: those change through the admin
// API).
func (b *Backend) Write(ctx context.Context, records ...backend.Record) error {
	if len(records) == 0 {
		return nil
	}
	b.mu.Lock()
	wrong := b.wrong
	b.mu.Unlock()
	if wrong != nil {
		return wrong
	}
	req := WriteRequest{Records: make([]Record, len(records))}
	for i, r := range records {
		req.Records[i] = Record{Kind: r.Kind, Key: r.Key, Value: r.Value}
	}
	origin := backend.Origin(ctx)
	h := http.Header{}
	if origin != "" {
		h.Set(OriginHeader, origin)
	}
	keys := make([]string, len(records))
	b.mu.Lock()
	for i, r := range records {
		keys[i] = docKey(r.Kind, r.Key)
		b.inflight[keys[i]]++
	}
	b.mu.Unlock()
	var ack WriteResponse
	err := b.call(ctx, http.MethodPost, PathRecords, h, req, &ack)
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, k := range keys {
		if b.inflight[k]--; b.inflight[k] <= 0 {
			delete(b.inflight, k)
		}
	}
	b.settled.Broadcast()
	if err != nil {
		return err
	}
	if b.cache == nil {
		// No view yet. The first snapshot may still have been taken
		// before this write: remember the write by the server's version,
		// so that snapshot does not undo it.
		if ack.Version != 0 {
			for i, r := range records {
				b.written[keys[i]] = writeMark{version: ack.Version, server: ack.Server, origin: origin, rec: r}
			}
		}
		return nil
	}
	at, server := ack.Version, ack.Server
	if ack.Server != b.server || at == 0 {
		// Another replica (behind one address) or an older server: the
		// versions do not compare, so any later change of the key wins.
		at, server = b.version+1, b.server
	}
	for i, r := range records {
		if b.version >= at {
			// The stream already delivered the write's version: the view
			// holds the write, or something newer.
			delete(b.written, keys[i])
			continue
		}
		putDoc(b.cache, r)
		b.written[keys[i]] = writeMark{version: at, server: server, origin: origin, rec: r}
	}
	return nil
}

// writeMark is a write of this process that the view holds before the
// stream has confirmed it: the server version it is part of, the origin
// its echo comes back with, and the record, for a snapshot that predates
// it.
type writeMark struct {
	version uint64
	server  string // whose versions version counts
	origin  string
	rec     backend.Record
}

func docKey(kind backend.Kind, key string) string { return string(kind) + "\x00" + key }

// Append queues a log entry for the server and returns at once; entries
// are forwarded in batches in the background.
func (b *Backend) Append(_ context.Context, log backend.Log, entry []byte, _ int) error {
	if b.logs.push(log, entry, b.cfg.flushBatch) {
		select {
		case b.logs.kick <- struct{}{}:
		default:
		}
	}
	return nil
}

// Tail returns up to n entries of the service's log on the server, newest
// first.
func (b *Backend) Tail(ctx context.Context, log backend.Log, n int) ([][]byte, error) {
	var raw []json.RawMessage
	path := PathLogs + "?log=" + url.QueryEscape(string(log)) + "&n=" + strconv.Itoa(n)
	if err := b.call(ctx, http.MethodGet, path, nil, nil, &raw); err != nil {
		return nil, err
	}
	out := make([][]byte, len(raw))
	for i, r := range raw {
		out[i] = r
	}
	return out, nil
}

// Claim asks the server, so a scheduled transition happens once across the
// server and every replica of every service.
func (b *Backend) Claim(ctx context.Context, token string, ttl time.Duration) (bool, error) {
	var res ClaimResponse
	if err := b.call(ctx, http.MethodPost, PathClaim, nil, ClaimRequest{Token: token, TTLMillis: ttl.Milliseconds()}, &res); err != nil {
		return false, err
	}
	return res.Claimed, nil
}

// Close ends the stream, forwards what is buffered (for up to the request
// timeout) and stops.
func (b *Backend) Close() error {
	b.mu.Lock()
	b.closed = true
	b.mu.Unlock()
	b.cancel()
	b.wg.Wait()
	return nil
}

// call makes one request with the token and decodes a JSON answer.
func (b *Backend) call(ctx context.Context, method, path string, h http.Header, in, out any) error {
	ctx, cancel := context.WithTimeout(ctx, b.cfg.timeout)
	defer cancel()
	var body io.Reader
	if in != nil {
		raw, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(raw)
	}
	req, err := http.NewRequestWithContext(ctx, method, b.base+path, body)
	if err != nil {
		return err
	}
	for k, v := range h {
		req.Header[k] = v
	}
	b.authorize(req)
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := b.cfg.client.Do(req)
	if err != nil {
		return fmt.Errorf("waygate server %s: %w", b.base, err)
	}
	defer res.Body.Close()
	if res.StatusCode/100 != 2 {
		return responseError(res)
	}
	if out == nil || res.StatusCode == http.StatusNoContent {
		_, _ = io.Copy(io.Discard, res.Body)
		return nil
	}
	if err := json.NewDecoder(io.LimitReader(res.Body, 64<<20)).Decode(out); err != nil {
		return fmt.Errorf("waygate server %s%s: unreadable answer: %w", b.base, path, err)
	}
	return nil
}

func (b *Backend) authorize(req *http.Request) {
	req.Header.Set("Authorization", "Bearer "+b.token)
	req.Header.Set("X-Waygate-Platform", "sdk")
}

// ErrWrongService is returned when the token belongs to another service
// than the one the SDK was created for: its routes would be registered
// and changed under the other service's name.
var ErrWrongService = errors.New("the service token belongs to another service")

// checkService refuses a snapshot of another service than b's.
func (b *Backend) checkService(s Snapshot) error {
	if s.Service != "" && s.Service != b.service {
		return fmt.Errorf("%w: %q, not %q: give %s its own token (WAYGATE_SERVICE_TOKEN)", ErrWrongService, s.Service, b.service, b.service)
	}
	return nil
}

// ServerError is a refusal from the server.
type ServerError struct {
	Status  int
	Message string
}

func (e *ServerError) Error() string {
	return fmt.Sprintf("waygate server answered %d: %s", e.Status, e.Message)
}

func responseError(res *http.Response) error {
	raw, _ := io.ReadAll(io.LimitReader(res.Body, 4096))
	var doc struct {
		Error string `json:"error"`
	}
	msg := strings.TrimSpace(string(raw))
	if json.Unmarshal(raw, &doc) == nil && doc.Error != "" {
		msg = doc.Error
	}
	return &ServerError{Status: res.StatusCode, Message: msg}
}

func (d Documents) snapshot() backend.Snapshot {
	out := backend.Snapshot{}
	for kind, docs := range d {
		m := make(map[string][]byte, len(docs))
		for k, v := range docs {
			if len(v) == 0 || string(v) == "null" {
				continue
			}
			m[k] = []byte(v)
		}
		out[kind] = m
	}
	return out
}

func copySnapshot(s backend.Snapshot) backend.Snapshot {
	out := make(backend.Snapshot, len(s))
	for kind, docs := range s {
		m := make(map[string][]byte, len(docs))
		for k, v := range docs {
			m[k] = v
		}
		out[kind] = m
	}
	return out
}

func putDoc(s backend.Snapshot, r backend.Record) {
	if r.Value == nil {
		delete(s[r.Kind], r.Key)
		return
	}
	if s[r.Kind] == nil {
		s[r.Kind] = map[string][]byte{}
	}
	s[r.Kind][r.Key] = r.Value
}
