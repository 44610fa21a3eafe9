package backend

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// fileFormat is the version written to the file; files of a newer version
// are refused rather than misread.
const fileFormat = 1

// fileDoc is the on-disk JSON document.
type fileDoc struct {
	Format    int                                 `json:"format"`
	Documents map[Kind]map[string]json.RawMessage `json:"documents"`
	Logs      map[Log][]json.RawMessage           `json:"logs,omitempty"`
}

// File is a backend that keeps the state in one JSON file. Every write
// replaces the file atomically (temporary file, fsync, rename). One process
// writes a file at a time: OpenFile takes an exclusive lock on "<path>.lock"
// and a second writer gets a clear error. Changes made to the file by hand
// while the process runs are picked up by Watch.
type File struct {
	path string
	lock *os.File

	mu      sync.Mutex
	docs    Snapshot
	logs    map[Log][][]byte
	claims  *Memory // claims are process-local: one writer per file
	closed  bool
	lastMod time.Time
	lastLen int64
	poll    time.Duration
}

// FileOption configures OpenFile.
type FileOption func(*File)

// WithPollInterval sets how often Watch checks the file for outside edits
// (default one second).
func WithPollInterval(d time.Duration) FileOption { return func(f *File) { f.poll = d } }

// OpenFile opens (or prepares to create) the state file at path. A file that
// exists but cannot be read or parsed is an error naming the file; the file
// is left untouched.
func OpenFile(path string, opts ...FileOption) (*File, error) {
	if path == "" {
		return nil, errors.New("file backend: empty path: use file:/path/to/state.json")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("file backend: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(abs), 0o750); err != nil {
		return nil, fmt.Errorf("file backend: create directory for %s: %w", abs, err)
	}
	f := &File{path: abs, claims: NewMemory(), poll: time.Second, logs: map[Log][][]byte{}, docs: Snapshot{}}
	for _, o := range opts {
		o(f)
	}
	lock, err := lockFile(abs + ".lock")
	if err != nil {
		return nil, err
	}
	f.lock = lock
	if err := f.reload(); err != nil {
		_ = unlockFile(lock)
		return nil, err
	}
	return f, nil
}

// Path returns the absolute path of the state file.
func (f *File) Path() string { return f.path }

// reload reads and parses the file; f.mu must be held or f not shared yet.
func (f *File) reload() error {
	b, err := os.ReadFile(f.path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("file backend: read %s: %w", f.path, err)
	}
	docs, logs, err := parseFile(b)
	if err != nil {
		return fmt.Errorf("file backend: %s is not a valid Waygate state file: %w (the file was not changed; fix it, or move it away to start empty)", f.path, err)
	}
	f.docs, f.logs = docs, logs
	if st, err := os.Stat(f.path); err == nil {
		f.lastMod, f.lastLen = st.ModTime(), st.Size()
	}
	return nil
}

func parseFile(b []byte) (Snapshot, map[Log][][]byte, error) {
	docs, logs := Snapshot{}, map[Log][][]byte{}
	if len(bytes.TrimSpace(b)) == 0 {
		return docs, logs, nil
	}
	var d fileDoc
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&d); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return nil, nil, fmt.Errorf("invalid JSON at byte %d: %w", se.Offset, err)
		}
		return nil, nil, err
	}
	if d.Format > fileFormat {
		return nil, nil, fmt.Errorf("format %d is newer than this Waygate understands (%d): upgrade Waygate", d.Format, fileFormat)
	}
	// The file is indented for people; documents are handed out compact, as
	// they were written.
	for kind, m := range d.Documents {
		docs[kind] = make(map[string][]byte, len(m))
		for k, v := range m {
			docs[kind][k] = compact(v)
		}
	}
	for name, entries := range d.Logs {
		for _, e := range entries {
			logs[name] = append(logs[name], compact(e))
		}
	}
	return docs, logs, nil
}

func compact(raw json.RawMessage) []byte {
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		return []byte(raw) // cannot happen: the decoder validated it
	}
	return b.Bytes()
}

func (f *File) encode(docs Snapshot, logs map[Log][][]byte) ([]byte, error) {
	d := fileDoc{Format: fileFormat, Documents: map[Kind]map[string]json.RawMessage{}, Logs: map[Log][]json.RawMessage{}}
	for kind, m := range docs {
		if len(m) == 0 {
			continue
		}
		d.Documents[kind] = make(map[string]json.RawMessage, len(m))
		for k, v := range m {
			d.Documents[kind][k] = v
		}
	}
	for name, entries := range logs {
		for _, e := range entries {
			d.Logs[name] = append(d.Logs[name], e)
		}
	}
	return json.MarshalIndent(d, "", "  ")
}

// persist writes the given state to disk and, on success, makes it current.
func (f *File) persist(docs Snapshot, logs map[Log][][]byte) error {
	b, err := f.encode(docs, logs)
	if err != nil {
		return fmt.Errorf("file backend: encode %s: %w", f.path, err)
	}
	if err := writeAtomic(f.path, b); err != nil {
		return fmt.Errorf("file backend: write %s: %w (the previous state is kept)", f.path, err)
	}
	f.docs, f.logs = docs, logs
	if st, err := os.Stat(f.path); err == nil {
		f.lastMod, f.lastLen = st.ModTime(), st.Size()
	}
	return nil
}

func writeAtomic(path string, b []byte) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	name := tmp.Name()
	defer os.Remove(name) // no-op after a successful rename
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(name, path); err != nil {
		return err
	}
	if d, err := os.Open(dir); err == nil { //nolint:gosec // G304: the directory of the state file the operator chose
		_ = d.Sync() // make the rename durable; not every filesystem supports it
		d.Close()
	}
	return nil
}

// Load returns every stored document.
func (f *File) Load(ctx context.Context) (Snapshot, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return nil, ErrClosed
	}
	return cloneSnapshot(f.docs), nil
}

// Write applies records and rewrites the file. If the file cannot be
// written, nothing changes.
func (f *File) Write(ctx context.Context, records ...Record) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return ErrClosed
	}
	docs := cloneSnapshot(f.docs)
	applyRecords(docs, records)
	return f.persist(docs, f.logs)
}

// Append adds an entry to log and rewrites the file.
func (f *File) Append(ctx context.Context, log Log, entry []byte, keep int) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return ErrClosed
	}
	logs := make(map[Log][][]byte, len(f.logs)+1)
	for k, v := range f.logs {
		logs[k] = v
	}
	logs[log] = appendBounded(append([][]byte(nil), f.logs[log]...), append([]byte(nil), entry...), keep)
	return f.persist(f.docs, logs)
}

// Tail returns up to n entries of log, newest first.
func (f *File) Tail(ctx context.Context, log Log, n int) ([][]byte, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return nil, ErrClosed
	}
	return tail(f.logs[log], n), nil
}

// Claim reports whether token was unclaimed; claims live in this process,
// the file's only writer.
func (f *File) Claim(ctx context.Context, token string, ttl time.Duration) (bool, error) {
	if f.isClosed() {
		return false, ErrClosed
	}
	return f.claims.Claim(ctx, token, ttl)
}

func (f *File) isClosed() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.closed
}

// Watch polls the file for edits made outside this process. When the file
// changed and parses, the new content becomes current and a Resync change is
// sent; a file that no longer parses is ignored (the last good state stays)
// until it is fixed.
func (f *File) Watch(ctx context.Context) (<-chan Change, error) {
	if f.isClosed() {
		return nil, ErrClosed
	}
	ch := make(chan Change, 1)
	go func() {
		defer close(ch)
		t := time.NewTicker(f.poll)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			if f.reloadIfChanged() {
				select {
				case ch <- Change{Resync: true}:
				default: // a resync is already queued
				}
			}
		}
	}()
	return ch, nil
}

func (f *File) reloadIfChanged() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return false
	}
	st, err := os.Stat(f.path)
	if err != nil || (st.ModTime().Equal(f.lastMod) && st.Size() == f.lastLen) {
		return false
	}
	b, err := os.ReadFile(f.path)
	if err != nil {
		return false
	}
	docs, logs, err := parseFile(b)
	f.lastMod, f.lastLen = st.ModTime(), st.Size()
	if err != nil {
		return false
	}
	f.docs, f.logs = docs, logs
	return true
}

// Close releases the lock. Further calls return ErrClosed.
func (f *File) Close() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return nil
	}
	f.closed = true
	return unlockFile(f.lock)
}
