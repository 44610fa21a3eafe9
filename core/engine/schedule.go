package engine

import (
	"fmt"
	"time"

	"github.com/waygate-go/waygate/core/audit"
	"github.com/waygate-go/waygate/core/route"
)

const (
	// claimTTL bounds how long a window transition claim blocks other engines.
	claimTTL = 10 * time.Minute
	// retryDelay is when a transition that failed, or that another engine
	// claimed but has not written yet, is looked at again.
	retryDelay = 5 * time.Second
	// recheckEvery bounds the scheduler's sleep. Timers run on the
	// monotonic clock, so when the wall clock steps (NTP, a VM resumed)
	// a window is noticed within this long instead of when a timer armed
	// before the step fires — perhaps after the window is over.
	recheckEvery = time.Minute
)

// rescheduleLocked applies every window transition that is due and arms one
// timer for the next. Windows whose end passed while the process was down
// are applied here at startup.
func (e *Engine) rescheduleLocked() {
	if e.timer != nil {
		e.timer.Stop()
		e.timer = nil
	}
	if e.ctx.Err() != nil {
		return
	}
	now := e.now()
	var next time.Time
	for key, st := range e.states {
		w := st.Window
		if w == nil {
			continue
		}
		switch {
		case !now.Before(w.End):
			if !e.transitionLocked(key, st, false) {
				next = earliest(next, now.Add(retryDelay))
			}
		case !now.Before(w.Start):
			if st.Status != w.Status() && !e.transitionLocked(key, st, true) {
				next = earliest(next, now.Add(retryDelay))
			}
			next = earliest(next, w.End)
		default:
			next = earliest(next, w.Start)
		}
	}
	if n := e.applyDueFlagChangesLocked(now); !n.IsZero() {
		next = earliest(next, n)
	}
	if next.IsZero() {
		return
	}
	e.timer = e.cfg.clock.AfterFunc(min(next.Sub(now), recheckEvery), e.onTimer)
}

func (e *Engine) onTimer() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.commitLocked()
}

// transitionLocked starts or ends the window of key, once across engines
// sharing the backend, and reports whether it did. If another engine claimed
// the transition, its write reaches this engine through the change stream.
func (e *Engine) transitionLocked(key string, st route.State, start bool) bool {
	w := st.Window
	phase, action := "end", audit.ActionWindowEnded
	if start {
		phase, action = "start", audit.ActionWindowStarted
	}
	ctx := WithActor(e.ctx, "scheduler", "system")
	token := fmt.Sprintf("window:%s:%s:%d:%d", key, phase, w.Start.UnixNano(), w.End.UnixNano())
	ok, err := e.cfg.backend.Claim(ctx, token, claimTTL)
	if err != nil {
		e.failOpen("backend claim", err)
		ok = true // apply rather than leave the route stuck
	}
	if !ok {
		return false
	}
	prev := st.Status
	st = st.Clone()
	if start {
		st.Status, st.Reason = w.Status(), w.Reason
	} else {
		endWindow(&st)
	}
	if err := e.putRouteLocked(ctx, st); err != nil {
		return false
	}
	e.auditLocked(ctx, audit.Entry{Path: key, Service: st.Service, Action: action, Reason: w.Reason, PreviousStatus: prev, NewStatus: st.Status})
	e.changes.emit(Change{Kind: KindRoute, Key: key, Action: action, Route: ptr(st.Clone()), Actor: "scheduler", Time: e.now()})
	e.snap.Store(e.buildSnapshot())
	return true
}

func earliest(a, b time.Time) time.Time {
	if a.IsZero() || b.Before(a) {
		return b
	}
	return a
}
