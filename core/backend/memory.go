package backend

import (
	"context"
	"slices"
	"sync"
	"time"
)

// Memory is an in-process backend. State lives as long as the process. Two
// engines sharing one Memory see each other's writes through Watch.
type Memory struct {
	mu     sync.Mutex
	docs   Snapshot
	logs   map[Log][][]byte // oldest first
	claims map[string]time.Time
	subs   map[*memorySub]struct{}
	closed bool
	now    func() time.Time
}

type memorySub struct {
	ch   chan Change
	lost bool
}

// NewMemory returns an empty in-memory backend.
func NewMemory() *Memory {
	return &Memory{
		docs:   Snapshot{},
		logs:   map[Log][][]byte{},
		claims: map[string]time.Time{},
		subs:   map[*memorySub]struct{}{},
		now:    time.Now,
	}
}

// Load returns a copy of every document.
func (m *Memory) Load(ctx context.Context) (Snapshot, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return nil, ErrClosed
	}
	return cloneSnapshot(m.docs), nil
}

// Write applies records and notifies watchers.
func (m *Memory) Write(ctx context.Context, records ...Record) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return ErrClosed
	}
	applyRecords(m.docs, records)
	origin := Origin(ctx)
	for _, r := range records {
		m.publish(Change{Record: cloneRecord(r), Origin: origin})
	}
	return nil
}

func (m *Memory) publish(c Change) {
	for s := range m.subs {
		if s.lost {
			select {
			case s.ch <- Change{Resync: true}:
				s.lost = false
			default:
				continue
			}
		}
		select {
		case s.ch <- c:
		default:
			s.lost = true
		}
	}
}

// Append adds an entry to log, keeping the newest keep entries.
func (m *Memory) Append(ctx context.Context, log Log, entry []byte, keep int) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return ErrClosed
	}
	m.logs[log] = appendBounded(m.logs[log], slices.Clone(entry), keep)
	return nil
}

// Tail returns up to n entries of log, newest first.
func (m *Memory) Tail(ctx context.Context, log Log, n int) ([][]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return nil, ErrClosed
	}
	return tail(m.logs[log], n), nil
}

// Claim reports whether token was unclaimed (or its claim expired).
func (m *Memory) Claim(ctx context.Context, token string, ttl time.Duration) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return false, ErrClosed
	}
	now := m.now()
	for k, exp := range m.claims {
		if !now.Before(exp) {
			delete(m.claims, k)
		}
	}
	if _, taken := m.claims[token]; taken {
		return false, nil
	}
	m.claims[token] = now.Add(ttl)
	return true, nil
}

// Watch streams every write made through this backend until ctx is done.
func (m *Memory) Watch(ctx context.Context) (<-chan Change, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return nil, ErrClosed
	}
	s := &memorySub{ch: make(chan Change, 1024)}
	m.subs[s] = struct{}{}
	go func() {
		<-ctx.Done()
		m.mu.Lock()
		defer m.mu.Unlock()
		if _, ok := m.subs[s]; ok {
			delete(m.subs, s)
			close(s.ch)
		}
	}()
	return s.ch, nil
}

// Close ends all watches. Further calls return ErrClosed.
func (m *Memory) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return nil
	}
	m.closed = true
	for s := range m.subs {
		close(s.ch)
	}
	clear(m.subs)
	return nil
}

func applyRecords(docs Snapshot, records []Record) {
	for _, r := range records {
		if r.Value == nil {
			delete(docs[r.Kind], r.Key)
			continue
		}
		if docs[r.Kind] == nil {
			docs[r.Kind] = map[string][]byte{}
		}
		docs[r.Kind][r.Key] = slices.Clone(r.Value)
	}
}

func cloneRecord(r Record) Record {
	r.Value = slices.Clone(r.Value)
	return r
}

func cloneSnapshot(s Snapshot) Snapshot {
	out := make(Snapshot, len(s))
	for k, docs := range s {
		c := make(map[string][]byte, len(docs))
		for key, v := range docs {
			c[key] = slices.Clone(v)
		}
		out[k] = c
	}
	return out
}

func appendBounded(log [][]byte, entry []byte, keep int) [][]byte {
	log = append(log, entry)
	if keep > 0 && len(log) > keep {
		// Re-slice, not copy: a full log would otherwise copy keep entries
		// on every append. When append next outgrows the backing array it
		// copies only the window, and the old array (with the dropped
		// entries) is freed, so memory stays within a few times keep.
		log = log[len(log)-keep:]
	}
	return log
}

func tail(log [][]byte, n int) [][]byte {
	if n <= 0 || n > len(log) {
		n = len(log)
	}
	out := make([][]byte, 0, n)
	for i := len(log) - 1; i >= len(log)-n; i-- {
		out = append(out, slices.Clone(log[i]))
	}
	return out
}
