package engine

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/waygate-go/waygate/core/backend"
	"github.com/waygate-go/waygate/core/clock"
	"github.com/waygate-go/waygate/core/flag"
	"github.com/waygate-go/waygate/core/ratelimit"
	"github.com/waygate-go/waygate/core/ratelimit/memlimit"
	"github.com/waygate-go/waygate/core/route"
)

// Engine decides request outcomes and owns the runtime state of routes. Create
// one with New; it is safe for concurrent use.
type Engine struct {
	cfg        config
	id         string // origin of this engine's backend writes
	ownBackend bool

	snap atomic.Pointer[snapshot] // read by Check without locks
	// observers are told what the engine decides (see Observer); nil
	// when there are none.
	observers atomic.Pointer[observers]

	bypassLifecycle  atomic.Bool
	bypassRateLimits atomic.Bool

	mu         sync.Mutex // serialises mutations and rebuilds
	writes     uint64     // backend writes made by this engine; under mu
	states     map[string]route.State
	decls      map[string]*declared
	global     route.MaintenanceConfig
	services   map[string]route.MaintenanceConfig
	registered bool
	timer      clock.Timer
	unguarded  []string // path prefixes never checked (admin, docs)

	rlPolicies map[string]storedPolicy // runtime route policies (and deletions)
	globalRL   *ratelimit.Policy
	serviceRLs map[string]ratelimit.Policy
	rlStore    ratelimit.Store
	ipKey      func(netip.Addr) netip.Addr
	hits       chan ratelimit.Hit
	flags      *flag.Store

	changes changeHub
	stats   counters
	logs    failLog

	records      map[backend.Kind]map[string][]byte // records of components built on the engine; under mu
	followers    map[backend.Kind]map[int]RecordFunc
	nextFollower int
	localRecords bool            // records stay in the process (a service-scoped backend)
	localClaims  *backend.Memory // and so do components' claims

	ctx     context.Context
	cancel  context.CancelFunc
	unwatch context.CancelFunc // ends the current change subscription
	wg      sync.WaitGroup
	synced  chan struct{} // closed after the first successful load
}

// declared is what the running code said about one route key.
type declared struct {
	decl    route.Declaration
	method  string
	path    string   // normalised template
	aliases []string // framework templates that resolve to this key
}

// New creates an engine, loads the persisted state and starts the background
// work (change watching, scheduled windows). If the backend cannot be read,
// New still succeeds: the engine starts with the state declared in code,
// logs and counts the failure, and keeps retrying. Call Close when done.
func New(ctx context.Context, opts ...Option) (*Engine, error) {
	cfg := defaultConfig()
	for _, o := range opts {
		if o != nil {
			o.apply(&cfg)
		}
	}
	opened, err := cfg.applyEnv()
	if err != nil {
		return nil, fmt.Errorf("waygate: %w", err)
	}
	if cfg.logger == nil {
		cfg.logger = slog.Default()
	}
	if cfg.auditRetention <= 0 || cfg.hitRetention <= 0 {
		return nil, fmt.Errorf("waygate: audit and hit retention must be positive, got %d and %d", cfg.auditRetention, cfg.hitRetention)
	}
	if cfg.trustedErr != nil {
		return nil, fmt.Errorf("waygate: trusted proxies: %w (write addresses like 10.0.0.1 or CIDRs like 10.0.0.0/8)", cfg.trustedErr)
	}
	if cfg.ipv6Bits < 0 || cfg.ipv6Bits > 128 {
		return nil, fmt.Errorf("waygate: IPv6 prefix %d must be between 0 and 128", cfg.ipv6Bits)
	}
	if cfg.rlStore == nil {
		cfg.rlStore = memlimit.New(memlimit.WithClock(cfg.clock.Now))
	}
	e := &Engine{
		cfg:        cfg,
		id:         newID(),
		ownBackend: opened,
		states:     map[string]route.State{},
		decls:      map[string]*declared{},
		services:   map[string]route.MaintenanceConfig{},
		rlPolicies: map[string]storedPolicy{},
		serviceRLs: map[string]ratelimit.Policy{},
		rlStore:    cfg.rlStore,
		ipKey:      ratelimit.MaskIPv6(cfg.ipv6Bits),
		hits:       make(chan ratelimit.Hit, 1024),
		flags:      flag.NewStore(flag.WithRecorder(flag.NewRecorder(1000))),
		synced:     make(chan struct{}),
		records:    map[backend.Kind]map[string][]byte{},
		followers:  map[backend.Kind]map[int]RecordFunc{},
	}
	if _, e.localRecords = cfg.backend.(backend.ServiceScoped); e.localRecords {
		e.localClaims = backend.NewMemory()
	}
	e.logs.logger = cfg.logger
	e.bypassLifecycle.Store(cfg.bypassLifecycle)
	e.bypassRateLimits.Store(cfg.bypassRateLimits)
	e.ctx, e.cancel = context.WithCancel(context.WithoutCancel(ctx))
	if len(cfg.observers) > 0 {
		e.observers.Store(&observers{all: slices.DeleteFunc(slices.Clone(cfg.observers), func(o Observer) bool { return o == nil })})
	}
	e.snap.Store(e.buildSnapshot())

	// Subscribe before loading so no change slips between the two (the
	// watchers' own first change is a resync anyway). The first load is
	// bounded: with the backend down, the service starts at once on the
	// state declared in code, failing open, and loads in the background.
	ch, err := e.watch()
	if err != nil {
		e.failOpen("backend watch", err)
	}
	sctx, cancel := context.WithTimeout(ctx, startupWait)
	err = e.load(sctx)
	cancel()
	loaded := err == nil
	if loaded {
		close(e.synced)
		if _, watcher := cfg.backend.(backend.Watcher); !watcher || ch != nil {
			e.inStepNow()
		}
	} else {
		e.stats.failOpen.Add(1)
		e.observeFailOpen("backend load", err)
		e.cfg.logger.Warn("waygate: backend unreachable at start; serving the state declared in code and retrying in the background", "err", err)
	}
	e.wg.Add(2)
	go e.syncLoop(ch, loaded)
	go e.writeHits()
	return e, nil
}

// Close stops background work. It closes the backend only when the engine
// opened it from WAYGATE_BACKEND.
func (e *Engine) Close() error {
	e.cancel()
	e.wg.Wait()
	e.mu.Lock()
	if e.timer != nil {
		e.timer.Stop()
		e.timer = nil
	}
	e.mu.Unlock()
	e.changes.closeAll()
	if e.ownBackend {
		return e.cfg.backend.Close()
	}
	return nil
}

// Services lists every service the engine knows of: owners of stored
// routes, and services with maintenance or a rate limit, sorted.
func (e *Engine) Services() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	set := map[string]bool{}
	for _, st := range e.states {
		if st.Service != "" {
			set[st.Service] = true
		}
	}
	for name := range e.services {
		set[name] = true
	}
	for name := range e.serviceRLs {
		set[name] = true
	}
	out := make([]string, 0, len(set))
	for name := range set {
		out = append(out, name)
	}
	slices.Sort(out)
	return out
}

// Unguard exempts every request path under prefix (the mount path of the
// admin handler or of API docs) from every check, and keeps routes under it
// out of the registry: operators must never be locked out by maintenance
// or rate limits. Adapters' Mount helpers call it.
func (e *Engine) Unguard(prefix string) {
	prefix = strings.TrimSuffix(prefix, "/")
	if prefix == "" || !strings.HasPrefix(prefix, "/") {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if !slices.Contains(e.unguarded, prefix) {
		e.unguarded = append(e.unguarded, prefix)
	}
	e.commitLocked()
}

// Env returns the environment env-gated routes are compared against.
func (e *Engine) Env() string { return e.cfg.env }

// Synced returns a channel closed once the persisted state has been loaded.
func (e *Engine) Synced() <-chan struct{} { return e.synced }

// SetBypass switches the test bypasses at runtime and returns the previous
// values.
func (e *Engine) SetBypass(lifecycle, rateLimits bool) (prevLifecycle, prevRateLimits bool) {
	return e.bypassLifecycle.Swap(lifecycle), e.bypassRateLimits.Swap(rateLimits)
}

func (e *Engine) now() time.Time { return e.cfg.clock.Now().UTC() }

// writeCtx tags backend writes with this engine's origin.
func (e *Engine) writeCtx(ctx context.Context) context.Context {
	return backend.WithOrigin(ctx, e.id)
}

// startupWait bounds New's first load: a service must serve within a
// second of starting, whatever state its backend is in.
const startupWait = 750 * time.Millisecond

// load reads the whole persisted state and makes it current. A failure is
// the caller's to count and log.
func (e *Engine) load(ctx context.Context) error {
	for attempt := 1; ; attempt++ {
		e.mu.Lock()
		seen := e.writes
		e.mu.Unlock()
		// Read without the lock, so requests and mutations go on meanwhile.
		snap, err := e.cfg.backend.Load(ctx)
		if err != nil {
			return err
		}
		e.mu.Lock()
		if e.writes != seen && attempt < 5 {
			// This engine wrote while the state was being read: the read
			// may predate the write, and applying it would undo it.
			e.mu.Unlock()
			continue
		}
		if len(snap) == 0 && e.loadedBefore() && e.hasStateLocked() {
			// The backend came back empty (a Redis restarted without
			// persistence): give it this engine's state rather than forget
			// every runtime change.
			e.restoreLocked(ctx)
			e.mu.Unlock()
			return nil
		}
		e.applyLoaded(ctx, snap)
		e.mu.Unlock()
		return nil
	}
}

// loadedBefore reports whether a load has succeeded before (Synced is
// closed), so an empty backend now is one that lost its state.
func (e *Engine) loadedBefore() bool {
	select {
	case <-e.synced:
		return true
	default:
		return false
	}
}

// hasStateLocked reports whether the engine holds state a backend should
// keep. e.mu must be held.
func (e *Engine) hasStateLocked() bool {
	return len(e.states) > 0 || e.global.Enabled || len(e.services) > 0 || len(e.rlPolicies) > 0 ||
		e.globalRL != nil || len(e.serviceRLs) > 0 || (len(e.records) > 0 && !e.localRecords)
}

// restoreLocked writes the engine's whole state to a backend that lost
// it. e.mu must be held.
func (e *Engine) restoreLocked(ctx context.Context) {
	var recs []backend.Record
	for kind, docs := range e.documentsLocked() {
		for key, value := range docs {
			recs = append(recs, backend.Record{Kind: kind, Key: key, Value: value})
		}
	}
	for kind, docs := range e.records { // components' records: sessions revoked, webhooks
		if e.localRecords {
			break // kept in the process, never in the backend
		}
		for key, value := range docs {
			recs = append(recs, backend.Record{Kind: kind, Key: key, Value: value})
		}
	}
	if len(recs) == 0 {
		return
	}
	if err := e.write(ctx, recs...); err != nil {
		e.failOpen("backend write (restoring the state of an emptied backend)", err)
		return
	}
	e.cfg.logger.Warn("waygate: the backend came back empty; wrote this engine's state back to it", "records", len(recs))
}

// write stores records through the backend, counted so a concurrent load
// knows it may be older. e.mu must be held.
func (e *Engine) write(ctx context.Context, recs ...backend.Record) error {
	err := e.cfg.backend.Write(e.writeCtx(ctx), recs...)
	if err == nil {
		e.writes++
	}
	return err
}

// applyLoaded replaces the state with snap, re-creates declared routes the
// backend does not know, refreshes force-active from code and rebuilds the
// snapshot. e.mu must be held.
func (e *Engine) applyLoaded(ctx context.Context, snap backend.Snapshot) {
	states := make(map[string]route.State, len(snap[backend.KindRoute]))
	for key, raw := range snap[backend.KindRoute] {
		var s route.State
		if err := json.Unmarshal(raw, &s); err != nil {
			e.logs.warn("skip unreadable route state", "key", key, "err", err)
			continue
		}
		s.Path = key
		states[key] = s
	}
	e.states = states
	e.global = route.MaintenanceConfig{}
	if raw, ok := snap[backend.KindGlobal][globalKey]; ok {
		if err := json.Unmarshal(raw, &e.global); err != nil {
			e.logs.warn("skip unreadable global maintenance", "err", err)
		}
	}
	e.loadPolicies(snap)
	e.loadFlags(snap)
	e.services = map[string]route.MaintenanceConfig{}
	for name, raw := range snap[backend.KindService] {
		var c route.MaintenanceConfig
		if err := json.Unmarshal(raw, &c); err != nil {
			e.logs.warn("skip unreadable service maintenance", "service", name, "err", err)
			continue
		}
		e.services[name] = c
	}
	var missing []string
	for key := range e.decls {
		missing = append(missing, key)
	}
	e.ensureRegisteredLocked(ctx, missing)
	e.loadRecordsLocked(snap)
	e.commitLocked()
}

// watch subscribes to the backend's change stream; it returns a nil
// channel when the backend has none, or the subscription failed (err).
// The previous subscription, if any, is ended first.
func (e *Engine) watch() (<-chan backend.Change, error) {
	w, ok := e.cfg.backend.(backend.Watcher)
	if !ok {
		return nil, nil
	}
	if e.unwatch != nil {
		e.unwatch()
	}
	ctx, cancel := context.WithCancel(e.ctx)
	e.unwatch = cancel
	return w.Watch(ctx)
}

// syncLoop keeps the engine in step with the backend: it retries the load
// until it succeeds and follows the change stream (when the backend has
// one), resubscribing and reloading after every interruption.
func (e *Engine) syncLoop(ch <-chan backend.Change, loaded bool) {
	defer e.wg.Done()
	_, watcher := e.cfg.backend.(backend.Watcher)
	backoff := newBackoff()
	// retry counts and logs one failed step, one line per back-off step
	// (they grow to 30 s apart), and reports the wait's end.
	retry := func(what string, err error) time.Duration {
		e.stats.inStep.Store(false)
		e.stats.failOpen.Add(1)
		e.observeFailOpen(what, err)
		d := backoff.next()
		e.cfg.logger.Warn("waygate: "+what+" failed; serving the last known state", "err", err, "retry_in", d.Round(time.Millisecond))
		return d
	}
	for e.ctx.Err() == nil {
		if watcher && ch == nil {
			var err error
			if ch, err = e.watch(); ch == nil {
				if !clock.Sleep(e.ctx, e.cfg.clock, retry("backend change stream", err)) {
					return
				}
				continue
			}
		}
		if !loaded {
			if err := e.load(e.ctx); err != nil {
				if !e.waitRetry(&ch, retry("backend load", err)) {
					return
				}
				continue
			}
			select {
			case <-e.synced:
			default:
				close(e.synced)
			}
			e.stats.resyncs.Add(1)
			e.changes.emit(Change{Kind: KindResync, Time: e.now()})
		}
		e.inStepNow()
		if !watcher {
			return
		}
		backoff.reset()
		e.follow(ch)
		if e.ctx.Err() != nil {
			return
		}
		// The stream ended: the backend went away. Resubscribe and reload.
		ch, loaded = nil, false
		if !clock.Sleep(e.ctx, e.cfg.clock, retry("backend change stream", errors.New("the stream ended"))) {
			return
		}
	}
}

// follow applies changes from ch until it closes or a resync fails.
func (e *Engine) follow(ch <-chan backend.Change) {
	for c := range ch {
		switch {
		case c.Alive:
			e.stepped(time.Time{})
		case c.Lost:
			e.stats.inStep.Store(false)
		case c.Resync:
			if err := e.load(e.ctx); err != nil {
				return
			}
			e.stats.resyncs.Add(1)
			e.inStepNow()
			e.changes.emit(Change{Kind: KindResync, Time: e.now()})
		case c.Origin == e.id:
			e.stepped(time.Time{})
		default:
			e.applyRemote(c.Record)
			e.stepped(c.Written)
		}
	}
}

// applyRemote applies one change written by another engine.
func (e *Engine) applyRemote(r backend.Record) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.applyRecordLocked(r)
}

// applyRecordLocked makes one stored record current and tells subscribers.
// e.mu must be held.
func (e *Engine) applyRecordLocked(r backend.Record) {
	c := Change{Time: e.now(), Key: r.Key}
	switch r.Kind {
	case backend.KindRoute:
		c.Kind = KindRoute
		if r.Value == nil {
			delete(e.states, r.Key)
			break
		}
		var s route.State
		if err := json.Unmarshal(r.Value, &s); err != nil {
			e.logs.warn("skip unreadable route change", "key", r.Key, "err", err)
			return
		}
		s.Path = r.Key
		e.states[r.Key] = s
		st := s.Clone()
		c.Route = &st
	case backend.KindGlobal:
		c.Kind = KindGlobal
		var g route.MaintenanceConfig
		if r.Value != nil {
			if err := json.Unmarshal(r.Value, &g); err != nil {
				e.logs.warn("skip unreadable global change", "err", err)
				return
			}
		}
		e.global = g
		gc := g.Clone()
		c.Maintenance = &gc
	case backend.KindService:
		c.Kind = KindService
		c.Service = r.Key
		var m route.MaintenanceConfig
		if r.Value == nil {
			delete(e.services, r.Key)
		} else {
			if err := json.Unmarshal(r.Value, &m); err != nil {
				e.logs.warn("skip unreadable service change", "service", r.Key, "err", err)
				return
			}
			e.services[r.Key] = m
		}
		mc := m.Clone()
		c.Maintenance = &mc
	case backend.KindFlag, backend.KindSegment:
		if !e.applyRemoteFlag(r, &c) {
			return
		}
	case backend.KindRateLimit, backend.KindGlobalRateLimit, backend.KindServiceRateLimit:
		if !e.applyRemotePolicy(r, &c) {
			return
		}
	default:
		e.applyRecordRemoteLocked(r) // a component's record, or a kind this version does not know
		return
	}
	e.commitLocked()
	e.changes.emit(c)
}

// commitLocked publishes a new snapshot and re-arms the window timer.
func (e *Engine) commitLocked() {
	e.snap.Store(e.buildSnapshot())
	e.rescheduleLocked()
}

func newID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// waitRetry waits d before a failed load is retried, waking early when the
// change stream asks for a resync (a Waygate Server came back, or a Redis
// subscription went through, so the load will now succeed). It reports
// false when the engine is closing. A stream that ends sets *ch to nil, so
// the caller resubscribes, but does not cut the wait short: a backend that
// refuses the subscription at once would otherwise be retried in a loop.
func (e *Engine) waitRetry(ch *<-chan backend.Change, d time.Duration) bool {
	due, stop := clock.After(e.cfg.clock, d)
	defer stop()
	for {
		select {
		case <-e.ctx.Done():
			return false
		case <-due:
			return true
		case c, ok := <-*ch: // a nil channel never delivers
			if !ok {
				*ch = nil
				continue
			}
			if c.Resync {
				return true
			}
		}
	}
}

// backoff doubles from 100ms to 30s with jitter.
type backoff struct{ d time.Duration }

func newBackoff() *backoff { return &backoff{} }

func (b *backoff) reset() { b.d = 0 }

func (b *backoff) next() time.Duration {
	if b.d == 0 {
		b.d = 100 * time.Millisecond
	} else {
		b.d = min(b.d*2, 30*time.Second)
	}
	var j [1]byte
	_, _ = rand.Read(j[:])
	return b.d/2 + time.Duration(int64(b.d/2)*int64(j[0])/255)
}
