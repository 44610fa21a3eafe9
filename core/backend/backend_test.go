package backend_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/waygate-go/waygate/core/backend"
	"github.com/waygate-go/waygate/core/backend/backendtest"
)

func TestMemoryContract(t *testing.T) {
	backendtest.Run(t, func(t *testing.T) backend.Backend { return backend.NewMemory() })
}

func TestFileContract(t *testing.T) {
	backendtest.Run(t, func(t *testing.T) backend.Backend {
		f, err := backend.OpenFile(filepath.Join(t.TempDir(), "state.json"))
		if err != nil {
			t.Fatal(err)
		}
		return f
	})
}

func TestFileSurvivesReopen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "sub", "state.json")
	f, err := backend.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Write(ctx, backend.Record{Kind: backend.KindRoute, Key: "GET:/a", Value: []byte(`{"status":"disabled"}`)}); err != nil {
		t.Fatal(err)
	}
	if err := f.Append(ctx, backend.LogAudit, []byte(`{"action":"disable"}`), 10); err != nil {
		t.Fatal(err)
	}
	f.Close()
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("state file mode = %v, %v; want 0600", st.Mode(), err)
	}
	g, err := backend.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	s, _ := g.Load(ctx)
	if string(s[backend.KindRoute]["GET:/a"]) != `{"status":"disabled"}` {
		t.Fatalf("after reopen: %s", s[backend.KindRoute]["GET:/a"])
	}
	if log, _ := g.Tail(ctx, backend.LogAudit, 0); len(log) != 1 {
		t.Fatalf("audit after reopen: %q", log)
	}
}

func TestFileSecondWriterGetsClearError(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	f, err := backend.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	_, err = backend.OpenFile(path)
	if err == nil || !strings.Contains(err.Error(), "locked by another writer") || !strings.Contains(err.Error(), path) {
		t.Fatalf("second OpenFile error = %v, want a lock error naming the file", err)
	}
	f.Close()
	again, err := backend.OpenFile(path)
	if err != nil {
		t.Fatalf("open after the first writer closed: %v", err)
	}
	again.Close()
}

func TestFileCorruptIsRefusedAndUntouched(t *testing.T) {
	cases := map[string]string{
		"truncated JSON": `{"format":1,"documents":{"route":{"GET:/a":{"status":`,
		"not an object":  `["route"]`,
		"unknown field":  `{"format":1,"states":{}}`,
		"future format":  `{"format":99,"documents":{}}`,
	}
	for name, content := range cases {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "state.json")
			if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
			before, _ := os.ReadFile(path)
			_, err := backend.OpenFile(path)
			if err == nil || !strings.Contains(err.Error(), path) {
				t.Fatalf("OpenFile error = %v, want one naming %s", err, path)
			}
			after, _ := os.ReadFile(path)
			if !bytes.Equal(before, after) {
				t.Fatal("the corrupt file was modified")
			}
		})
	}
}

func TestFileFailedWriteKeepsState(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root ignores directory permissions; the read-only case is covered by the fault suite")
	}
	ctx := context.Background()
	dir := t.TempDir()
	f, err := backend.OpenFile(filepath.Join(dir, "state.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := f.Write(ctx, backend.Record{Kind: backend.KindRoute, Key: "a", Value: []byte(`1`)}); err != nil {
		t.Fatal(err)
	}
	os.Chmod(dir, 0o500)
	defer os.Chmod(dir, 0o700)
	if err := f.Write(ctx, backend.Record{Kind: backend.KindRoute, Key: "a", Value: []byte(`2`)}); err == nil {
		t.Fatal("write into a read-only directory succeeded")
	}
	s, _ := f.Load(ctx)
	if string(s[backend.KindRoute]["a"]) != "1" {
		t.Fatalf("state after a failed write = %s, want the previous value", s[backend.KindRoute]["a"])
	}
}

func TestFileWatchPicksUpOutsideEdits(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	path := filepath.Join(t.TempDir(), "state.json")
	f, err := backend.OpenFile(path, backend.WithPollInterval(10*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ch, err := f.Watch(ctx)
	if err != nil {
		t.Fatal(err)
	}
	edit := `{"format":1,"documents":{"route":{"GET:/x":{"status":"disabled"}}}}`
	if err := os.WriteFile(path, []byte(edit), 0o600); err != nil {
		t.Fatal(err)
	}
	select {
	case c := <-ch:
		if !c.Resync {
			t.Fatalf("change = %+v, want a resync", c)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("outside edit not noticed")
	}
	s, _ := f.Load(ctx)
	if string(s[backend.KindRoute]["GET:/x"]) != `{"status":"disabled"}` {
		t.Fatalf("after the edit: %s", s[backend.KindRoute]["GET:/x"])
	}
}

func FuzzFileContents(f *testing.F) {
	f.Add([]byte(`{"format":1,"documents":{"route":{"GET:/a":{"status":"active"}}},"logs":{"audit":[{}]}}`))
	f.Add([]byte(``))
	f.Add([]byte(`{"format":1}`))
	f.Fuzz(func(t *testing.T, content []byte) {
		path := filepath.Join(t.TempDir(), "state.json")
		if err := os.WriteFile(path, content, 0o600); err != nil {
			t.Fatal(err)
		}
		b, err := backend.OpenFile(path)
		if err != nil {
			after, _ := os.ReadFile(path)
			if !bytes.Equal(after, content) {
				t.Fatal("a refused file was modified")
			}
			return
		}
		defer b.Close()
		if _, err := b.Load(context.Background()); err != nil {
			t.Fatal(err)
		}
	})
}
