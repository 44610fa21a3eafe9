// Package backendtest is the contract every Waygate backend must pass. A
// backend's tests call Run with a function that opens a fresh, empty
// backend:
//
//	func TestContract(t *testing.T) {
//		backendtest.Run(t, func(t *testing.T) backend.Backend { return backend.NewMemory() })
//	}
package backendtest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/waygate-go/waygate/core/backend"
)

// Open returns a new, empty backend for one test.
type Open func(t *testing.T) backend.Backend

// Run runs the contract against backends made by open.
func Run(t *testing.T, open Open) {
	t.Helper()
	tests := []struct {
		name string
		fn   func(t *testing.T, b backend.Backend)
	}{
		{"EmptyLoad", testEmptyLoad},
		{"WriteAndLoad", testWriteAndLoad},
		{"DeleteAndBatch", testDeleteAndBatch},
		{"KindsItDoesNotKnow", testForeignKinds},
		{"ValuesAreCopied", testValuesAreCopied},
		{"LogIsBoundedNewestFirst", testLog},
		{"ClaimOnce", testClaim},
		{"ConcurrentWrites", testConcurrentWrites},
		{"Closed", testClosed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := open(t)
			t.Cleanup(func() { b.Close() })
			tt.fn(t, b)
		})
	}
}

var ctx = context.Background()

func load(t *testing.T, b backend.Backend) backend.Snapshot {
	t.Helper()
	s, err := b.Load(ctx)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return s
}

func write(t *testing.T, b backend.Backend, recs ...backend.Record) {
	t.Helper()
	if err := b.Write(ctx, recs...); err != nil {
		t.Fatalf("Write: %v", err)
	}
}

func rec(kind backend.Kind, key, value string) backend.Record {
	r := backend.Record{Kind: kind, Key: key}
	if value != "" {
		r.Value = []byte(value)
	}
	return r
}

// testForeignKinds: components built on the engine keep records of kinds of
// their own, which Load must return like the engine's.
func testForeignKinds(t *testing.T, b backend.Backend) {
	write(t, b, rec("admin_webhook", "wh_1", `{"url":"https://example.com/hook"}`))
	s := load(t, b)
	if got := string(s["admin_webhook"]["wh_1"]); got != `{"url":"https://example.com/hook"}` {
		t.Fatalf("a document of a kind the backend does not know came back as %q", got)
	}
	write(t, b, rec("admin_webhook", "wh_1", ""))
	if _, ok := load(t, b)["admin_webhook"]["wh_1"]; ok {
		t.Fatal("a deleted document of an unknown kind came back")
	}
}

func testEmptyLoad(t *testing.T, b backend.Backend) {
	s := load(t, b)
	for kind, docs := range s {
		if len(docs) != 0 {
			t.Fatalf("fresh backend holds %d %s documents", len(docs), kind)
		}
	}
	entries, err := b.Tail(ctx, backend.LogAudit, 0)
	if err != nil || len(entries) != 0 {
		t.Fatalf("fresh audit log = %d entries, %v", len(entries), err)
	}
}

func testWriteAndLoad(t *testing.T, b backend.Backend) {
	write(t, b, rec(backend.KindRoute, "GET:/a", `{"status":"active"}`))
	write(t, b, rec(backend.KindGlobal, "maintenance", `{"enabled":true}`))
	write(t, b, rec(backend.KindRoute, "GET:/a", `{"status":"disabled"}`)) // overwrite
	write(t, b, rec("x_custom", "k", `{"n":1}`))                           // a kind the store has never heard of
	s := load(t, b)
	if got := string(s["x_custom"]["k"]); got != `{"n":1}` {
		t.Fatalf("custom kind = %q: Load must return every kind written", got)
	}
	if got := string(s[backend.KindRoute]["GET:/a"]); got != `{"status":"disabled"}` {
		t.Fatalf("route = %s, want the overwritten value", got)
	}
	if got := string(s[backend.KindGlobal]["maintenance"]); got != `{"enabled":true}` {
		t.Fatalf("global = %s", got)
	}
}

func testDeleteAndBatch(t *testing.T, b backend.Backend) {
	write(t, b,
		rec(backend.KindRoute, "GET:/a", `{"n":1}`),
		rec(backend.KindRoute, "GET:/b", `{"n":2}`),
		rec(backend.KindRoute, "GET:/a", ""), // later records in a batch apply after earlier ones
		rec(backend.KindService, "billing", `{"enabled":false}`))
	write(t, b, rec(backend.KindRoute, "GET:/missing", "")) // deleting nothing is fine
	s := load(t, b)
	if _, ok := s[backend.KindRoute]["GET:/a"]; ok {
		t.Fatal("deleted document still loaded")
	}
	if string(s[backend.KindRoute]["GET:/b"]) != `{"n":2}` || string(s[backend.KindService]["billing"]) != `{"enabled":false}` {
		t.Fatalf("batch lost documents: %v", s)
	}
}

func testValuesAreCopied(t *testing.T, b backend.Backend) {
	v := []byte(`{"n":1}`)
	write(t, b, backend.Record{Kind: backend.KindRoute, Key: "k", Value: v})
	v[5] = '9'
	s := load(t, b)
	got := s[backend.KindRoute]["k"]
	if string(got) != `{"n":1}` {
		t.Fatalf("backend kept the caller's slice: %s", got)
	}
	got[5] = '7'
	if again := load(t, b)[backend.KindRoute]["k"]; string(again) != `{"n":1}` {
		t.Fatalf("Load returned the backend's own slice: %s", again)
	}
}

func testLog(t *testing.T, b backend.Backend) {
	for i := range 7 {
		if err := b.Append(ctx, backend.LogAudit, fmt.Appendf(nil, `{"i":%d}`, i), 5); err != nil {
			t.Fatalf("Append: %v", err)
		}
	}
	all, err := b.Tail(ctx, backend.LogAudit, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 5 || string(all[0]) != `{"i":6}` || string(all[4]) != `{"i":2}` {
		t.Fatalf("log = %q, want the 5 newest, newest first", all)
	}
	two, _ := b.Tail(ctx, backend.LogAudit, 2)
	if len(two) != 2 || string(two[1]) != `{"i":5}` {
		t.Fatalf("Tail(2) = %q", two)
	}
}

func testClaim(t *testing.T, b backend.Backend) {
	first, err := b.Claim(ctx, "window:GET:/a:start:1", time.Minute)
	if err != nil || !first {
		t.Fatalf("first claim = %v, %v; want true", first, err)
	}
	second, err := b.Claim(ctx, "window:GET:/a:start:1", time.Minute)
	if err != nil || second {
		t.Fatalf("second claim = %v, %v; want false", second, err)
	}
	other, err := b.Claim(ctx, "window:GET:/a:end:1", time.Minute)
	if err != nil || !other {
		t.Fatalf("claim of another token = %v, %v; want true", other, err)
	}
}

func testConcurrentWrites(t *testing.T, b backend.Backend) {
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 10 {
				key := fmt.Sprintf("GET:/w%d/%d", w, i)
				if err := b.Write(ctx, rec(backend.KindRoute, key, `{}`)); err != nil {
					t.Errorf("Write: %v", err)
					return
				}
				if err := b.Append(ctx, backend.LogAudit, []byte(`{}`), 1000); err != nil {
					t.Errorf("Append: %v", err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if n := len(load(t, b)[backend.KindRoute]); n != 40 {
		t.Fatalf("%d routes after 40 concurrent writes", n)
	}
	if all, _ := b.Tail(ctx, backend.LogAudit, 0); len(all) != 40 {
		t.Fatalf("%d log entries after 40 concurrent appends", len(all))
	}
}

func testClosed(t *testing.T, b backend.Backend) {
	if err := b.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if _, err := b.Load(ctx); !errors.Is(err, backend.ErrClosed) {
		t.Errorf("Load after Close: %v, want ErrClosed", err)
	}
	if err := b.Write(ctx, rec(backend.KindRoute, "k", `{}`)); !errors.Is(err, backend.ErrClosed) {
		t.Errorf("Write after Close: %v, want ErrClosed", err)
	}
	if err := b.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}
