package admin_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/waygate-go/waygate/core/backend"
	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/sdk"
)

// logBuffer collects log output while the test reads it.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// lines returns the lines that contain s.
func (l *logBuffer) lines(s string) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for line := range strings.Lines(l.b.String()) {
		if strings.Contains(line, s) {
			out = append(out, line)
		}
	}
	return out
}

// The SDK's first sync is not a recovery: its log line has no down_for.
// A sync after a real outage says how long the service was cut off.
func TestSDKLogsDownForOnlyAfterAnOutage(t *testing.T) {
	srv := newSDKServer(t, backend.NewMemory())
	logs := &logBuffer{}
	b, err := sdk.New(srv.base, "payments", paymentsToken, sdk.WithLogger(slog.New(slog.NewTextHandler(logs, nil))),
		sdk.WithBackoff(20*time.Millisecond, 200*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	e, err := engine.New(context.Background(), engine.WithBackend(b), engine.WithService("payments"), engine.WithLogger(quiet()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	const synced = "synced with the Waygate Server"
	eventually(t, "the first sync", func() bool { return len(logs.lines(synced)) == 1 })
	if first := logs.lines(synced)[0]; strings.Contains(first, "down_for") {
		t.Fatalf("the first sync logs an outage that never was: %s", first)
	}

	srv.srv.CloseClientConnections() // the server drops the stream
	eventually(t, "the sync after the outage", func() bool { return len(logs.lines(synced)) == 2 })
	if again := logs.lines(synced)[1]; !strings.Contains(again, "down_for=") {
		t.Fatalf("the sync after an outage does not say how long it was: %s", again)
	}
}
