package admin

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"github.com/waygate-go/waygate/core/audit"
	"github.com/waygate-go/waygate/core/engine"
)

// dispatcher delivers engine changes to webhooks. One goroutine reads the
// engine's change stream; each webhook has its own bounded queue and
// worker, so a slow receiver delays only its own deliveries and never a
// mutation.
type dispatcher struct {
	h        *Handler
	sub      <-chan engine.Change
	client   *http.Client
	attempts int
	backoff  time.Duration
	queue    int

	mu    sync.Mutex
	hooks map[string]*hook
	wg    sync.WaitGroup

	claimErrors atomic.Uint64
	skipped     atomic.Uint64 // claimed by another instance
}

// hook is one webhook and its delivery state.
type hook struct {
	hookSpec
	id        string
	source    string // "code" or "api"
	createdAt time.Time
	createdBy string
	events    chan Event
	cancel    context.CancelFunc

	mu sync.Mutex
	st hookStatus
}

// hookStatus is what GET /api/webhooks reports about deliveries.
type hookStatus struct {
	Delivered     uint64     `json:"delivered"`
	Failed        uint64     `json:"failed"`
	Dropped       uint64     `json:"dropped"`
	Retries       uint64     `json:"retries"`
	LastStatus    int        `json:"last_status,omitempty"`
	LastError     string     `json:"last_error,omitempty"`
	LastAttemptAt *time.Time `json:"last_attempt_at,omitempty"`
	LastSuccessAt *time.Time `json:"last_success_at,omitempty"`
}

func newDispatcher(h *Handler, specs []hookSpec) (*dispatcher, error) {
	client := h.cfg.hookClient
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second}
	}
	d := &dispatcher{h: h, client: client, attempts: h.cfg.hookAttempts, backoff: h.cfg.hookBackoff,
		queue: h.cfg.hookQueue, hooks: map[string]*hook{}}
	var errs []error
	for i, s := range specs {
		if err := s.validate(); err != nil {
			errs = append(errs, err)
			continue
		}
		d.start(&hook{hookSpec: s, id: fmt.Sprintf("code-%d", i+1), source: "code", createdAt: h.cfg.clock.Now().UTC(), createdBy: "code"})
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	// Subscribe now, so a mutation made right after New is delivered.
	d.sub = h.eng.Subscribe(h.ctx)
	return d, nil
}

// start registers hk and starts its worker, replacing a hook with its id.
func (d *dispatcher) start(hk *hook) {
	ctx, cancel := context.WithCancel(d.h.ctx)
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

func (d *dispatcher) stop(id string) bool {
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

func (d *dispatcher) wait() { d.wg.Wait() }

func (d *dispatcher) list() []*hook {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := make([]*hook, 0, len(d.hooks))
	for _, hk := range d.hooks {
		out = append(out, hk)
	}
	return out
}

// run reads the change stream until it closes. Only changes made through
// this engine (they carry an action) are delivered: another instance's
// change is delivered by that instance. A claim through the backend keeps
// two handlers sharing one engine from both delivering it.
func (d *dispatcher) run(ctx context.Context) {
	defer d.h.wg.Done()
	for c := range d.sub {
		if c.Kind == engine.KindResync || c.Action == "" {
			continue
		}
		d.enqueue(ctx, func() Event { return eventOf(c) })
	}
}

// forwarded delivers the changes services' engines made, from the audit
// entries their SDKs forward: the server's engine applies a service's
// writes without knowing why they were made.
func (d *dispatcher) forwarded(ctx context.Context, entries []audit.Entry) {
	for _, e := range entries {
		d.enqueue(ctx, func() Event { return eventOfForwarded(e, d.h.eng) })
	}
}

// enqueue hands an event to every webhook, once across handlers that
// share the backend.
func (d *dispatcher) enqueue(ctx context.Context, event func() Event) {
	hooks := d.list()
	if len(hooks) == 0 {
		return
	}
	ev := event()
	if !d.claim(ctx, ev) {
		d.skipped.Add(1)
		return
	}
	for _, hk := range hooks {
		select {
		case hk.events <- ev:
		default:
			hk.mu.Lock()
			hk.st.Dropped++
			hk.mu.Unlock()
		}
	}
}

// claim asks the backend whether this change is still undelivered. The
// token hashes the change's identity, including its time; a failed claim
// delivers anyway (rather twice than never).
func (d *dispatcher) claim(ctx context.Context, ev Event) bool {
	raw, _ := json.Marshal(ev)
	sum := sha256.Sum256(raw)
	cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	won, err := engine.InternalsOf(d.h.eng).Claim(cctx, "webhook:"+hex.EncodeToString(sum[:]), 10*time.Minute)
	if err != nil {
		d.claimErrors.Add(1)
		return true
	}
	return won
}

func (d *dispatcher) work(ctx context.Context, hk *hook) {
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
// exponential backoff.
func (d *dispatcher) deliver(ctx context.Context, hk *hook, ev Event) {
	body, err := payload(hk.formatter, ev)
	if err != nil {
		hk.record(0, err, false, d.h.cfg.clock.Now())
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
		hk.record(status, err, success, d.h.cfg.clock.Now())
		if success {
			return
		}
		retry := err != nil || status == http.StatusTooManyRequests || status >= 500
		if !retry || attempt >= d.attempts {
			hk.fail()
			d.h.log.Warn("waygate admin: webhook delivery failed", "webhook", hk.id, "url", redactURL(hk.url), "event", ev.Event, "status", status, "attempts", attempt, "err", errText(err))
			return
		}
		hk.mu.Lock()
		hk.st.Retries++
		hk.mu.Unlock()
		t := time.NewTimer(d.backoff << (attempt - 1))
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
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
func (d *dispatcher) post(ctx context.Context, hk *hook, body []byte, ev Event, id string) (int, error) {
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

func (hk *hook) status() hookStatus {
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
