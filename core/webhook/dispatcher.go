package webhook

import (
	"bytes"
	"cmp"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/waygate-go/waygate/core/audit"
	"github.com/waygate-go/waygate/core/backend"
	"github.com/waygate-go/waygate/core/clock"
	"github.com/waygate-go/waygate/core/engine"
)

// Errors of Add and Remove. Test with errors.Is.
var (
	// ErrInvalid: the URL or format is not usable; the message says why.
	ErrInvalid = errors.New("invalid webhook")
	// ErrExists: a webhook for that URL exists already.
	ErrExists = errors.New("webhook exists")
	// ErrTooMany: MaxRuntime webhooks were added already.
	ErrTooMany = errors.New("too many webhooks")
	// ErrNotFound: no webhook has that id.
	ErrNotFound = errors.New("webhook not found")
	// ErrInCode: the webhook was given in code and cannot be removed at
	// runtime.
	ErrInCode = errors.New("webhook is configured in code")
)

// MaxRuntime bounds the webhooks added with Add.
const MaxRuntime = 100

// recordKind holds the webhooks added at runtime, as records the engine
// stores beside its state. (The name predates this package.)
const recordKind backend.Kind = "admin_webhook"

// Where a webhook comes from.
const (
	SourceCode = "code" // given with WithHook
	SourceAPI  = "api"  // added with Add
)

// Status is what is known of a webhook's deliveries.
type Status struct {
	Delivered     uint64     `json:"delivered"`
	Failed        uint64     `json:"failed"`
	Dropped       uint64     `json:"dropped"`
	Retries       uint64     `json:"retries"`
	LastStatus    int        `json:"last_status,omitempty"`
	LastError     string     `json:"last_error,omitempty"`
	LastAttemptAt *time.Time `json:"last_attempt_at,omitempty"`
	LastSuccessAt *time.Time `json:"last_success_at,omitempty"`
}

// Hook is one webhook as listed.
type Hook struct {
	ID        string
	URL       string // the full URL: it may hold a secret (see RedactURL)
	Format    string
	Source    string // SourceCode or SourceAPI
	HasSecret bool
	CreatedAt time.Time
	CreatedBy string
	Status    Status
}

// Totals sums the delivery counters of every webhook.
type Totals struct {
	Webhooks    int    `json:"webhooks"`
	Delivered   uint64 `json:"delivered"`
	Failed      uint64 `json:"failed"`
	Dropped     uint64 `json:"dropped"`
	Retries     uint64 `json:"retries"`
	ClaimErrors uint64 `json:"claim_errors"`
}

// Runtime is a webhook to add with Add.
type Runtime struct {
	URL       string
	Secret    string // optional: signs deliveries
	Format    string // FormatJSON (or "") or FormatSlack
	CreatedBy string // who added it, for listings
}

// Dispatcher delivers an engine's changes to webhooks. One goroutine reads
// the engine's change stream; each webhook has its own bounded queue and
// worker. Create it with New and Close it when done.
type Dispatcher struct {
	eng      *engine.Engine
	in       engine.Internals
	log      *slog.Logger
	client   *http.Client
	attempts int
	backoff  time.Duration
	queue    int

	ctx    context.Context
	cancel context.CancelFunc
	sub    <-chan engine.Change
	wg     sync.WaitGroup
	stop   func()

	addMu sync.Mutex // serialises Add and Remove
	mu    sync.Mutex
	hooks map[string]*hook

	claimErrors atomic.Uint64
	skipped     atomic.Uint64 // claimed by another instance
	closeOnce   sync.Once
}

// hook is one webhook and its delivery state.
type hook struct {
	spec
	id        string
	source    string
	createdAt time.Time
	createdBy string
	events    chan Event
	cancel    context.CancelFunc

	mu sync.Mutex
	st Status
}

// record is a runtime webhook as stored. The secret is stored so every
// instance can sign; it is never listed.
type record struct {
	ID        string    `json:"id"`
	URL       string    `json:"url"`
	Secret    string    `json:"secret,omitempty"`
	Format    string    `json:"format"`
	CreatedAt time.Time `json:"created_at"`
	CreatedBy string    `json:"created_by"`
}

// New starts delivering e's changes to the webhooks given with WithHook
// and to those added at runtime (stored through e). An invalid webhook is
// an error and nothing starts.
func New(e *engine.Engine, opts ...Option) (*Dispatcher, error) {
	if e == nil {
		return nil, errors.New("waygate webhook: the engine is nil")
	}
	cfg := defaultConfig()
	for _, o := range opts {
		if o != nil {
			o.apply(&cfg)
		}
	}
	for i := range cfg.hooks {
		if err := cfg.hooks[i].validate(); err != nil {
			cfg.errs = append(cfg.errs, err)
		}
	}
	if len(cfg.errs) > 0 {
		return nil, fmt.Errorf("waygate webhook: %w", errors.Join(cfg.errs...))
	}
	in := engine.InternalsOf(e)
	d := &Dispatcher{eng: e, in: in, log: cfg.logger, client: cfg.client, attempts: cfg.attempts,
		backoff: cfg.backoff, queue: cfg.queue, hooks: map[string]*hook{}}
	if d.log == nil {
		d.log = in.Logger()
	}
	if d.client == nil {
		d.client = &http.Client{Timeout: 10 * time.Second}
	}
	d.ctx, d.cancel = context.WithCancel(context.Background())
	now := in.Clock().Now().UTC()
	for i, s := range cfg.hooks {
		d.start(&hook{spec: s, id: fmt.Sprintf("code-%d", i+1), source: SourceCode, createdAt: now, createdBy: "code"})
	}
	// Subscribe now, so a change made right after New is delivered.
	d.sub = e.Subscribe(d.ctx)
	d.stop = in.Follow(recordKind, d.applyRecords)
	d.wg.Add(1)
	go d.run()
	return d, nil
}

// Close stops deliveries and waits for the workers. Deliveries still
// queued are abandoned.
func (d *Dispatcher) Close() error {
	d.closeOnce.Do(func() {
		d.stop()
		d.cancel()
		d.wg.Wait()
	})
	return nil
}

// start registers hk and starts its worker, replacing a hook with its id.
func (d *Dispatcher) start(hk *hook) {
	ctx, cancel := context.WithCancel(d.ctx)
	hk.events, hk.cancel = make(chan Event, d.queue), cancel
	d.mu.Lock()
	if old := d.hooks[hk.id]; old != nil {
		old.cancel()
	}
	d.hooks[hk.id] = hk
	d.mu.Unlock()
	d.wg.Add(1)
	go d.work(ctx, hk)
}

func (d *Dispatcher) end(id string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	hk := d.hooks[id]
	if hk == nil {
		return false
	}
	hk.cancel()
	delete(d.hooks, id)
	return true
}

func (d *Dispatcher) list() []*hook {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := make([]*hook, 0, len(d.hooks))
	for _, hk := range d.hooks {
		out = append(out, hk)
	}
	return out
}

// Hooks lists the webhooks: those given in code first, then those added
// at runtime, oldest first.
func (d *Dispatcher) Hooks() []Hook {
	hooks := d.list()
	slices.SortFunc(hooks, func(a, b *hook) int {
		return cmp.Or(cmp.Compare(b.source, a.source), a.createdAt.Compare(b.createdAt), cmp.Compare(a.id, b.id))
	})
	out := make([]Hook, len(hooks))
	for i, hk := range hooks {
		out[i] = hk.view()
	}
	return out
}

func (hk *hook) view() Hook {
	return Hook{ID: hk.id, URL: hk.url, Format: hk.format, Source: hk.source, HasSecret: hk.secret != "",
		CreatedAt: hk.createdAt, CreatedBy: hk.createdBy, Status: hk.status()}
}

// Totals sums the delivery counters of every webhook.
func (d *Dispatcher) Totals() Totals {
	var t Totals
	for _, hk := range d.list() {
		st := hk.status()
		t.Webhooks++
		t.Delivered += st.Delivered
		t.Failed += st.Failed
		t.Dropped += st.Dropped
		t.Retries += st.Retries
	}
	t.ClaimErrors = d.claimErrors.Load()
	return t
}

// Add stores a webhook through the engine, so every instance on its
// backend delivers to it, and starts delivering to it.
func (d *Dispatcher) Add(ctx context.Context, r Runtime) (Hook, error) {
	if r.URL == "" {
		return Hook{}, fmt.Errorf("%w: url is required", ErrInvalid)
	}
	if r.Format == FormatCustom {
		return Hook{}, fmt.Errorf("%w: format custom needs a Go formatter: configure it in code with webhook.WithHook; use json or slack here", ErrInvalid)
	}
	s := spec{url: r.URL, secret: r.Secret, format: r.Format}
	if err := s.validate(); err != nil {
		return Hook{}, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	d.addMu.Lock()
	defer d.addMu.Unlock()
	runtime := 0
	for _, hk := range d.list() {
		if hk.url == s.url {
			return Hook{}, fmt.Errorf("%w: a webhook for this URL already exists (id %s): delete it first to change it", ErrExists, hk.id)
		}
		if hk.source == SourceAPI {
			runtime++
		}
	}
	if runtime >= MaxRuntime {
		return Hook{}, fmt.Errorf("%w: there are already %d webhooks: delete one first", ErrTooMany, runtime)
	}
	rec := record{ID: "wh_" + randomHex(8), URL: s.url, Secret: s.secret, Format: s.format,
		CreatedAt: d.in.Clock().Now().UTC(), CreatedBy: r.CreatedBy}
	raw, _ := json.Marshal(rec) //nolint:gosec // G117: stored to sign deliveries; never listed
	// The engine tells this dispatcher's follower too, which starts it.
	if err := d.in.PutRecord(ctx, recordKind, rec.ID, raw); err != nil {
		return Hook{}, err
	}
	d.mu.Lock()
	hk := d.hooks[rec.ID]
	d.mu.Unlock()
	if hk == nil {
		return Hook{}, fmt.Errorf("webhook %s was stored but did not start", rec.ID)
	}
	return hk.view(), nil
}

// Remove deletes a webhook added at runtime, on every instance.
func (d *Dispatcher) Remove(ctx context.Context, id string) error {
	d.addMu.Lock()
	defer d.addMu.Unlock()
	d.mu.Lock()
	hk := d.hooks[id]
	d.mu.Unlock()
	switch {
	case hk == nil:
		return fmt.Errorf("%w: no webhook %q", ErrNotFound, id)
	case hk.source == SourceCode:
		return fmt.Errorf("%w: webhook %s is configured in code (webhook.WithHook): remove it there", ErrInCode, id)
	}
	if err := d.in.PutRecord(ctx, recordKind, id, nil); err != nil {
		return err
	}
	d.end(id)
	return nil
}

// applyRecords follows the stored runtime webhooks: all of them (full),
// or the ones just written. It runs with the engine locked.
func (d *Dispatcher) applyRecords(docs map[string][]byte, full bool) {
	if full {
		for _, hk := range d.list() {
			if _, keep := docs[hk.id]; hk.source == SourceAPI && !keep {
				d.end(hk.id)
			}
		}
	}
	for id, raw := range docs {
		d.applyRecord(id, raw)
	}
}

// applyRecord applies one stored webhook (nil raw: deleted).
func (d *Dispatcher) applyRecord(id string, raw []byte) {
	if !strings.HasPrefix(id, "wh_") {
		return
	}
	if raw == nil {
		d.end(id)
		return
	}
	var rec record
	if err := json.Unmarshal(raw, &rec); err != nil {
		d.log.Warn("waygate webhook: skip unreadable webhook", "id", id, "err", err)
		return
	}
	s := spec{url: rec.URL, secret: rec.Secret, format: rec.Format}
	if err := s.validate(); err != nil {
		d.log.Warn("waygate webhook: skip invalid webhook", "id", id, "err", err)
		return
	}
	d.mu.Lock()
	old := d.hooks[id]
	d.mu.Unlock()
	if old != nil && old.url == s.url && old.secret == s.secret && old.format == s.format {
		return
	}
	d.start(&hook{spec: s, id: id, source: SourceAPI, createdAt: rec.CreatedAt, createdBy: rec.CreatedBy})
}

// run reads the change stream until it closes. Only changes made through
// this engine (they carry an action) are delivered: another instance's
// change is delivered by that instance.
func (d *Dispatcher) run() {
	defer d.wg.Done()
	for c := range d.sub {
		if c.Kind == engine.KindResync || c.Action == "" {
			continue
		}
		d.enqueue(func() Event { return EventOf(c) })
	}
}

// Forward delivers the changes services' engines made, from the audit
// entries their SDKs forward to a Waygate Server: the server's engine
// applies a service's writes without knowing why they were made.
func (d *Dispatcher) Forward(entries []audit.Entry) {
	for _, e := range entries {
		d.enqueue(func() Event { return eventOfForwarded(e, d.eng) })
	}
}

// enqueue hands an event to every webhook, each webhook (by URL) once
// across the dispatchers that share the backend.
func (d *Dispatcher) enqueue(event func() Event) {
	hooks := d.list()
	if len(hooks) == 0 {
		return
	}
	ev := event()
	raw, _ := json.Marshal(ev)
	for _, hk := range hooks {
		if !d.claim(raw, hk.url) {
			d.skipped.Add(1)
			continue
		}
		select {
		case hk.events <- ev:
		default:
			hk.mu.Lock()
			hk.st.Dropped++
			hk.mu.Unlock()
		}
	}
}

// claim asks the backend whether this change is still undelivered to url.
// The token hashes the change's identity, including its time, and the
// URL; a failed claim delivers anyway (rather twice than never).
func (d *Dispatcher) claim(event []byte, url string) bool {
	sum := sha256.Sum256(append(append(event, 0), url...))
	ctx, cancel := context.WithTimeout(d.ctx, 5*time.Second)
	defer cancel()
	won, err := d.in.Claim(ctx, "webhook:"+hex.EncodeToString(sum[:]), 10*time.Minute)
	if err != nil {
		d.claimErrors.Add(1)
		return true
	}
	return won
}

func (d *Dispatcher) work(ctx context.Context, hk *hook) {
	defer d.wg.Done()
	for {
		select {
		case <-ctx.Done():
			return
		case ev := <-hk.events:
			d.deliver(ctx, hk, ev)
		}
	}
}

// deliver posts one event, retrying network errors, 429 and 5xx with
// exponential backoff on the engine's clock.
func (d *Dispatcher) deliver(ctx context.Context, hk *hook, ev Event) {
	clk := d.in.Clock()
	body, err := payload(hk.formatter, ev)
	if err != nil {
		hk.record(0, err, false, clk.Now())
		hk.fail()
		return
	}
	if body == nil {
		return // the formatter skipped this event
	}
	id := randomHex(8)
	for attempt := 1; ; attempt++ {
		status, err := d.post(ctx, hk, body, ev, id)
		if ctx.Err() != nil {
			return
		}
		success := err == nil && status >= 200 && status < 300
		hk.record(status, err, success, clk.Now())
		if success {
			return
		}
		retry := err != nil || status == http.StatusTooManyRequests || status >= 500
		if !retry || attempt >= d.attempts {
			hk.fail()
			d.log.Warn("waygate webhook: delivery failed", "webhook", hk.id, "url", RedactURL(hk.url), "event", ev.Event, "status", status, "attempts", attempt, "err", errText(err))
			return
		}
		hk.mu.Lock()
		hk.st.Retries++
		hk.mu.Unlock()
		if !clock.Sleep(ctx, clk, d.backoff<<(attempt-1)) {
			return
		}
	}
}

// payload formats ev, turning a panicking formatter into an error.
func payload(f Formatter, ev Event) (body []byte, err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("webhook formatter panicked: %v", v)
		}
	}()
	v := f(ev)
	if v == nil {
		return nil, nil
	}
	body, err = json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("webhook formatter returned a value that is not JSON: %w", err)
	}
	return body, nil
}

// post sends one attempt and returns the status.
func (d *Dispatcher) post(ctx context.Context, hk *hook, body []byte, ev Event, id string) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, hk.url, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "waygate-webhook/1")
	req.Header.Set("X-Waygate-Event", ev.Event)
	req.Header.Set("X-Waygate-Delivery", id)
	if hk.secret != "" {
		req.Header.Set("X-Waygate-Signature", Sign(hk.secret, body))
	}
	resp, err := d.client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	return resp.StatusCode, nil
}

// Sign returns the X-Waygate-Signature value of body: "sha256=" and the hex
// HMAC-SHA256 of body with secret. Receivers compare it with hmac.Equal.
func Sign(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

func (hk *hook) record(status int, err error, success bool, now time.Time) {
	hk.mu.Lock()
	defer hk.mu.Unlock()
	now = now.UTC()
	hk.st.LastStatus, hk.st.LastError, hk.st.LastAttemptAt = status, errText(err), &now
	if err == nil && !success {
		hk.st.LastError = fmt.Sprintf("receiver answered %d", status)
	}
	if success {
		hk.st.Delivered++
		hk.st.LastSuccessAt = &now
	}
}

func (hk *hook) fail() {
	hk.mu.Lock()
	defer hk.mu.Unlock()
	hk.st.Failed++
}

func (hk *hook) status() Status {
	hk.mu.Lock()
	defer hk.mu.Unlock()
	return hk.st
}

// errText describes a delivery error without the URL, which may hold a
// secret.
func errText(err error) string {
	if err == nil {
		return ""
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return err.Error()
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
