package sdk

import (
	"context"
	"encoding/json"
	"net/http"
	"sync"

	"github.com/waygate-go/waygate/core/backend"
	"github.com/waygate-go/waygate/core/clock"
)

// logQueue buffers audit entries and hits for the server, bounded: when a
// buffer is full its oldest entry is dropped and counted.
type logQueue struct {
	mu      sync.Mutex
	limit   int
	audit   [][]byte
	hits    [][]byte
	dropped int    // since the last batch taken
	total   uint64 // ever
	kick    chan struct{}
}

// push queues entry and reports whether a batch is ready.
func (q *logQueue) push(log backend.Log, entry []byte, batch int) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	buf := &q.audit
	if log == backend.LogHits {
		buf = &q.hits
	}
	*buf = q.bounded(append(*buf, entry))
	return len(q.audit)+len(q.hits) >= batch
}

// bounded drops the oldest entries beyond the limit. q.mu must be held.
func (q *logQueue) bounded(buf [][]byte) [][]byte {
	if over := len(buf) - q.limit; over > 0 {
		q.dropped += over
		q.total += uint64(over)
		buf = append(buf[:0:0], buf[over:]...)
	}
	return buf
}

func (q *logQueue) take() LogBatch {
	q.mu.Lock()
	defer q.mu.Unlock()
	var b LogBatch
	for _, e := range q.audit {
		b.Audit = append(b.Audit, json.RawMessage(e))
	}
	for _, e := range q.hits {
		b.Hits = append(b.Hits, json.RawMessage(e))
	}
	b.Dropped = q.dropped
	q.audit, q.hits, q.dropped = nil, nil, 0
	return b
}

// putBack re-queues a batch the server did not take, ahead of newer entries.
func (q *logQueue) putBack(b LogBatch) {
	q.mu.Lock()
	defer q.mu.Unlock()
	raw := func(in []json.RawMessage, newer [][]byte) [][]byte {
		out := make([][]byte, 0, len(in)+len(newer))
		for _, e := range in {
			out = append(out, e)
		}
		return q.bounded(append(out, newer...))
	}
	q.audit, q.hits = raw(b.Audit, q.audit), raw(b.Hits, q.hits)
	q.dropped += b.Dropped
}

func (q *logQueue) counts() (dropped uint64, pending int) {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.total, len(q.audit) + len(q.hits)
}

// forwardLogs sends batches every flush interval (on the SDK's clock), or
// sooner when a batch is ready, and once more when the SDK closes.
func (b *Backend) forwardLogs() {
	defer b.wg.Done()
	for {
		due, stop := clock.After(b.cfg.clock, b.cfg.flushEvery)
		select {
		case <-b.ctx.Done():
			stop()
			ctx, cancel := context.WithTimeout(context.Background(), b.cfg.timeout)
			b.flush(ctx)
			cancel()
			return
		case <-due:
		case <-b.logs.kick:
			stop()
		}
		b.flush(b.ctx)
	}
}

func (b *Backend) flush(ctx context.Context) {
	batch := b.logs.take()
	if len(batch.Audit)+len(batch.Hits) == 0 && batch.Dropped == 0 {
		return
	}
	if err := b.call(ctx, http.MethodPost, PathLogs, nil, batch, nil); err != nil {
		b.logs.putBack(batch)
	}
}
