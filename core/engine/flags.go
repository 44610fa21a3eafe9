package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/waygate-go/waygate/core/audit"
	"github.com/waygate-go/waygate/core/backend"
	"github.com/waygate-go/waygate/core/flag"
)

// Flags returns the engine's flag store: the typed evaluator for hot paths
// (Bool, String, Int, Float, Object), the definitions (Flag, Segment), the
// debugger (Snapshot().Evaluate: value, variation, reason and matched rule,
// not counted in the evaluation stream) and the source of the OpenFeature
// provider (flag.NewProvider(e.Flags())). It always holds the current flags
// and segments, including changes made by other instances. Change them
// through the engine (CreateFlag, SaveFlag, ...), which validates, persists
// and audits; the store's own setters change only this process.
func (e *Engine) Flags() *flag.Store { return e.flags }

// CreateFlag stores a new flag; ErrExists when the key is taken.
func (e *Engine) CreateFlag(ctx context.Context, f flag.Flag) (flag.Flag, error) {
	return e.saveFlag(ctx, f, true)
}

// SaveFlag creates or replaces a flag. Every write is validated (variation
// names and types, weights, rules, regexes, versions, prerequisite cycles
// and depth); ErrInvalid says what to fix.
func (e *Engine) SaveFlag(ctx context.Context, f flag.Flag) (flag.Flag, error) {
	return e.saveFlag(ctx, f, false)
}

func (e *Engine) saveFlag(ctx context.Context, f flag.Flag, create bool) (flag.Flag, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	now := e.now()
	snap := e.flags.Snapshot()
	old, exists := snap.Flag(f.Key)
	if create && exists {
		return flag.Flag{}, fmt.Errorf("%w: flag %q (update it instead)", ErrExists, f.Key)
	}
	f.FillDefaults(now)
	if exists {
		f.CreatedAt, f.CreatedBy = old.CreatedAt, old.CreatedBy
	} else {
		f.CreatedBy = actorOf(ctx).Actor
	}
	f.UpdatedAt = now
	if err := e.validateFlagLocked(f, snap); err != nil {
		return flag.Flag{}, err
	}
	action := audit.ActionFlagCreated
	if exists {
		action = audit.ActionFlagUpdated
		if old.Enabled != f.Enabled && flagsEqualButEnabled(old, f) {
			action = audit.ActionFlagDisabled
			if f.Enabled {
				action = audit.ActionFlagEnabled
			}
		}
	}
	if err := e.putFlagLocked(ctx, f, action); err != nil {
		return flag.Flag{}, err
	}
	e.rescheduleLocked() // its scheduled changes
	return f.Clone(), nil
}

func (e *Engine) validateFlagLocked(f flag.Flag, snap *flag.Snapshot) error {
	if err := f.Validate(); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	all := flagMap(snap)
	all[f.Key] = f
	if err := flag.CheckPrerequisites(f, all); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	return nil
}

func flagsEqualButEnabled(a, b flag.Flag) bool {
	a.Enabled, b.Enabled = false, false
	a.UpdatedAt, b.UpdatedAt = time.Time{}, time.Time{}
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return string(ja) == string(jb)
}

// putFlagLocked persists f, then applies, audits and broadcasts it.
func (e *Engine) putFlagLocked(ctx context.Context, f flag.Flag, action audit.Action) error {
	if err := e.putLocked(ctx, backend.KindFlag, f.Key, f); err != nil {
		return err
	}
	e.flags.SetFlag(f)
	e.auditLocked(ctx, audit.Entry{Path: "flag:" + f.Key, Action: action})
	fc := f.Clone()
	e.changes.emit(Change{Kind: KindFlag, Key: f.Key, Action: action, Flag: &fc, Actor: actorOf(ctx).Actor, Time: e.now()})
	return nil
}

// SetFlagEnabled switches a flag on or off (the kill switch).
func (e *Engine) SetFlagEnabled(ctx context.Context, key string, enabled bool) (flag.Flag, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	f, ok := e.flags.Snapshot().Flag(key)
	if !ok {
		return flag.Flag{}, flagNotFound(key)
	}
	f.Enabled, f.UpdatedAt = enabled, e.now()
	action := audit.ActionFlagDisabled
	if enabled {
		action = audit.ActionFlagEnabled
	}
	if err := e.putFlagLocked(ctx, f, action); err != nil {
		return flag.Flag{}, err
	}
	e.rescheduleLocked()
	return f.Clone(), nil
}

// DeleteFlag removes a flag. A flag other flags depend on as a prerequisite
// cannot be deleted until they no longer do.
func (e *Engine) DeleteFlag(ctx context.Context, key string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	snap := e.flags.Snapshot()
	if _, ok := snap.Flag(key); !ok {
		return flagNotFound(key)
	}
	if deps := flag.Dependents(key, flagMap(snap)); len(deps) > 0 {
		return invalid("flag %q is a prerequisite of %s: remove it there first", key, strings.Join(deps, ", "))
	}
	if err := e.deleteLocked(ctx, backend.KindFlag, key); err != nil {
		return err
	}
	e.flags.DeleteFlag(key)
	e.auditLocked(ctx, audit.Entry{Path: "flag:" + key, Action: audit.ActionFlagDeleted})
	e.changes.emit(Change{Kind: KindFlag, Key: key, Action: audit.ActionFlagDeleted, Actor: actorOf(ctx).Actor, Time: e.now()})
	e.rescheduleLocked()
	return nil
}

// CreateSegment stores a new segment; ErrExists when the key is taken.
func (e *Engine) CreateSegment(ctx context.Context, s flag.Segment) (flag.Segment, error) {
	return e.saveSegment(ctx, s, true)
}

// SaveSegment creates or replaces a segment, validated like flags.
func (e *Engine) SaveSegment(ctx context.Context, s flag.Segment) (flag.Segment, error) {
	return e.saveSegment(ctx, s, false)
}

func (e *Engine) saveSegment(ctx context.Context, s flag.Segment, create bool) (flag.Segment, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	now := e.now()
	snap := e.flags.Snapshot()
	old, exists := snap.Segment(s.Key)
	if create && exists {
		return flag.Segment{}, fmt.Errorf("%w: segment %q (update it instead)", ErrExists, s.Key)
	}
	s.FillDefaults(now)
	if exists {
		s.CreatedAt = old.CreatedAt
	}
	s.UpdatedAt = now
	if err := s.Validate(); err != nil {
		return flag.Segment{}, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	all := segmentMap(snap)
	all[s.Key] = s
	if err := flag.CheckSegmentReferences(s, all); err != nil {
		return flag.Segment{}, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	if err := e.putLocked(ctx, backend.KindSegment, s.Key, s); err != nil {
		return flag.Segment{}, err
	}
	e.flags.SetSegment(s)
	action := audit.ActionSegmentCreated
	if exists {
		action = audit.ActionSegmentUpdated
	}
	e.auditLocked(ctx, audit.Entry{Path: "segment:" + s.Key, Action: action})
	sc := s
	e.changes.emit(Change{Kind: KindSegment, Key: s.Key, Action: action, Segment: &sc, Actor: actorOf(ctx).Actor, Time: e.now()})
	return s, nil
}

// DeleteSegment removes a segment no flag or segment refers to.
func (e *Engine) DeleteSegment(ctx context.Context, key string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	snap := e.flags.Snapshot()
	if _, ok := snap.Segment(key); !ok {
		return segmentNotFound(key)
	}
	if fk, sk := flag.SegmentReferences(key, flagMap(snap), segmentMap(snap)); len(fk)+len(sk) > 0 {
		return invalid("segment %q is used by %s: remove it there first", key, strings.Join(append(fk, sk...), ", "))
	}
	if err := e.deleteLocked(ctx, backend.KindSegment, key); err != nil {
		return err
	}
	e.flags.DeleteSegment(key)
	e.auditLocked(ctx, audit.Entry{Path: "segment:" + key, Action: audit.ActionSegmentDeleted})
	e.changes.emit(Change{Kind: KindSegment, Key: key, Action: audit.ActionSegmentDeleted, Actor: actorOf(ctx).Actor, Time: e.now()})
	return nil
}

func flagNotFound(key string) error    { return fmt.Errorf("%w: flag %q", ErrRouteNotFound, key) }
func segmentNotFound(key string) error { return fmt.Errorf("%w: segment %q", ErrRouteNotFound, key) }

// flagMap and segmentMap index a snapshot by key, for the graph checks.
func flagMap(snap *flag.Snapshot) map[string]flag.Flag {
	m := map[string]flag.Flag{}
	for _, x := range snap.Flags() {
		m[x.Key] = x
	}
	return m
}

func segmentMap(snap *flag.Snapshot) map[string]flag.Segment {
	m := map[string]flag.Segment{}
	for _, x := range snap.Segments() {
		m[x.Key] = x
	}
	return m
}

// loadFlags replaces the flag store with the persisted flags and segments.
// e.mu must be held.
func (e *Engine) loadFlags(snap backend.Snapshot) {
	var flags []flag.Flag
	for key, raw := range snap[backend.KindFlag] {
		var f flag.Flag
		if err := json.Unmarshal(raw, &f); err != nil {
			e.logs.warn("skip unreadable flag", "key", key, "err", err)
			continue
		}
		flags = append(flags, f)
	}
	var segs []flag.Segment
	for key, raw := range snap[backend.KindSegment] {
		var s flag.Segment
		if err := json.Unmarshal(raw, &s); err != nil {
			e.logs.warn("skip unreadable segment", "key", key, "err", err)
			continue
		}
		segs = append(segs, s)
	}
	e.flags.Replace(flags, segs)
	for _, p := range e.flags.Snapshot().Problems() {
		e.logs.warn("stored flag data is invalid; it evaluates to ERROR until fixed", "err", p)
	}
}

// applyRemoteFlag applies a flag or segment written by another engine.
func (e *Engine) applyRemoteFlag(r backend.Record, c *Change) bool {
	switch r.Kind {
	case backend.KindFlag:
		c.Kind = KindFlag
		if r.Value == nil {
			e.flags.DeleteFlag(r.Key)
			return true
		}
		var f flag.Flag
		if json.Unmarshal(r.Value, &f) != nil {
			return false
		}
		e.flags.SetFlag(f)
		c.Flag = &f
	case backend.KindSegment:
		c.Kind = KindSegment
		if r.Value == nil {
			e.flags.DeleteSegment(r.Key)
			return true
		}
		var s flag.Segment
		if json.Unmarshal(r.Value, &s) != nil {
			return false
		}
		e.flags.SetSegment(s)
		c.Segment = &s
	}
	return true
}

// applyDueFlagChangesLocked applies scheduled flag changes that are due
// (claimed once across engines) and returns when the next one is.
func (e *Engine) applyDueFlagChangesLocked(now time.Time) time.Time {
	var next time.Time
	for _, f := range e.flags.Snapshot().Flags() {
		if len(flag.DueChanges(f, now)) > 0 {
			ids := make([]string, 0, len(f.ScheduledChanges))
			for _, c := range flag.DueChanges(f, now) {
				ids = append(ids, c.ID)
			}
			slices.Sort(ids)
			ctx := WithActor(e.ctx, "scheduler", "system")
			ok, err := e.cfg.backend.Claim(ctx, "flag:"+f.Key+":"+strings.Join(ids, ","), claimTTL)
			if err != nil {
				e.failOpen("backend claim", err)
				ok = true
			}
			if !ok {
				next = earliest(next, now.Add(retryDelay))
				continue
			}
			out, applied, err := flag.ApplyDue(f, now)
			if err != nil {
				e.logs.warn("a scheduled flag change failed; it stays pending", "flag", f.Key, "err", err)
			}
			if len(applied) > 0 {
				out.UpdatedAt = now
				if perr := e.putFlagLocked(ctx, out, audit.ActionFlagScheduledChange); perr != nil {
					next = earliest(next, now.Add(retryDelay))
					continue
				}
				f = out
			}
		}
		if c, ok := flag.NextChange(f); ok && c.ExecuteAt.After(now) {
			next = earliest(next, c.ExecuteAt)
		}
	}
	return next
}

// PatchFlag updates the fields of a flag named in patch (a JSON object with
// the flag's field names) and keeps the others.
func (e *Engine) PatchFlag(ctx context.Context, key string, patch json.RawMessage) (flag.Flag, error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(patch, &fields); err != nil || fields == nil {
		return flag.Flag{}, invalid("a flag patch must be a JSON object of the fields to change")
	}
	if k, ok := fields["key"]; ok && string(k) != strconvQuote(key) {
		return flag.Flag{}, invalid("a patch cannot rename a flag (key %s); create a new flag instead", k)
	}
	cur, ok := e.flags.Flag(key)
	if !ok {
		return flag.Flag{}, flagNotFound(key)
	}
	raw, err := json.Marshal(cur)
	if err != nil {
		return flag.Flag{}, err
	}
	var merged map[string]json.RawMessage
	if err := json.Unmarshal(raw, &merged); err != nil {
		return flag.Flag{}, err
	}
	for k, v := range fields {
		merged[k] = v
	}
	raw, _ = json.Marshal(merged)
	var next flag.Flag
	if err := json.Unmarshal(raw, &next); err != nil {
		return flag.Flag{}, invalid("flag patch: %v", err)
	}
	return e.SaveFlag(ctx, next)
}

func strconvQuote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
