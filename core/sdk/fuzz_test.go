package sdk

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"strings"
	"testing"
)

// FuzzStreamFrames feeds arbitrary bytes to the SDK's event-stream reader
// and applies every snapshot and delta it yields to a backend's view, as
// streamOnce does: whatever a server (or something in between) sends, the
// SDK never panics, and the view it keeps stays loadable.
func FuzzStreamFrames(f *testing.F) {
	f.Add([]byte("event: snapshot\ndata: {\"version\":1,\"documents\":{}}\n\n: keepalive\n\nevent: delta\ndata: {\"base\":1,\"version\":2,\"records\":[{\"kind\":\"route\",\"key\":\"GET:/x\",\"value\":{\"status\":\"active\"}}]}\n\n"))
	f.Add([]byte("event: delta\ndata: {\"base\":0,\"version\":1}\n\n"))
	f.Add([]byte("event: snapshot\r\ndata: {\"version\":\r\ndata: 3}\r\n\r\n"))
	f.Add([]byte("data: only data\n\nevent:\n\n::\n"))
	f.Add([]byte("event: delta\ndata: {\"base\":1,\"version\":2,\"records\":[{\"kind\":\"flag\",\"key\":\"k\",\"value\":null}]}\n\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		b, err := New("http://127.0.0.1:1/waygate", "payments", "tok-0123456789abcdef", WithLogger(slog.New(slog.DiscardHandler)))
		if err != nil {
			t.Fatal(err)
		}
		defer b.Close()
		frames := newFrameReader(bytes.NewReader(in))
		lines := 0
		synced := false
		for {
			ev, data, err := frames.next(func() { lines++ })
			if err != nil {
				if err != io.EOF {
					t.Fatalf("reader error %v, want io.EOF at the end of the input", err)
				}
				break
			}
			if data == "" {
				t.Fatalf("event %q delivered with no data", ev)
			}
			if strings.ContainsAny(ev, "\r\n") {
				t.Fatalf("event name %q spans lines", ev)
			}
			switch ev {
			case "snapshot":
				var s Snapshot
				if json.Unmarshal([]byte(data), &s) == nil {
					b.replace(s, synced)
					synced = true
				}
			case "delta":
				var d Delta
				if synced && json.Unmarshal([]byte(data), &d) == nil {
					if _, err := b.apply(d); err != nil && d.Base == b.Status().Version {
						t.Fatalf("delta on the held version %d refused: %v", d.Base, err)
					}
				}
			}
		}
		if lines > bytes.Count(in, []byte("\n"))+1 {
			t.Fatalf("%d lines reported for input with %d newlines", lines, bytes.Count(in, []byte("\n")))
		}
		if synced {
			b.mu.Lock()
			view := copySnapshot(b.cache)
			b.mu.Unlock()
			if view == nil {
				t.Fatal("synced, but the view is nil")
			}
		}
	})
}
