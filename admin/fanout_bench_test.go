package admin_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http/httptest"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/waygate-go/waygate/admin"
	"github.com/waygate-go/waygate/core/backend"
	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/sdk"
)

// The subscribers of BenchmarkServerFanOut run in a child process: the
// test binary again, running TestFanOutSubscribers, which these variables
// switch on.
const (
	fanOutServerEnv      = "WAYGATE_FANOUT_SERVER"      // the server's URL
	fanOutSubscribersEnv = "WAYGATE_FANOUT_SUBSCRIBERS" // how many SDK services to subscribe
)

// fanOutService names the i-th subscribed service and its token, on the
// server and in the child alike.
func fanOutService(i int) (service, token string) {
	return fmt.Sprintf("svc-%d", i), fmt.Sprintf("token-of-service-%04d-0123456789", i)
}

// BenchmarkServerFanOut measures one Waygate Server (the admin handler on
// an httptest server) with 10, 100 and 1,000 SDK services subscribed, each
// over its own change stream: real HTTP on loopback, the SDKs in a child
// process (see TestFanOutSubscribers), so this process holds the server
// alone. Each op is one change of global maintenance (on, then off) made
// through the engine, done when every service has received it.
//
// It reports:
//   - p50-ms, p99-ms: the delivery delay of every service for every op,
//     from just before the engine call to the child receiving the change
//     from the service's Watch channel (both processes read the machine's
//     wall clock).
//   - KB/subscriber: what this process holds per subscriber once all of
//     them are connected and have their snapshot, against before the
//     first connects, each read after a forced GC: heap in use
//     (MemStats.HeapInuse: the spans holding live objects, their free
//     slots included) plus goroutine stacks (MemStats.StackInuse). The
//     kernel's socket buffers and the runtime's own metadata are not
//     counted.
//   - B/op, allocs/op: this process's allocations per change, which are
//     the server's (reading the child's reports allocates nothing but the
//     growth of the list of delays).
func BenchmarkServerFanOut(b *testing.B) {
	for _, n := range []int{10, 100, 1000} {
		b.Run(fmt.Sprintf("subscribers=%d", n), func(b *testing.B) { benchmarkFanOut(b, n) })
	}
}

func benchmarkFanOut(b *testing.B, subscribers int) {
	b.ReportAllocs()
	ctx := context.Background()
	eng, err := engine.New(ctx, engine.WithBackend(backend.NewMemory()), engine.WithLogger(quiet()))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { eng.Close() })
	opts := []admin.Option{admin.WithUser("admin", adminPass, admin.RoleAdmin), admin.WithIterations(1000), admin.WithLogger(quiet()),
		admin.WithMaxStreams(2 * subscribers), admin.WithKeepAlive(time.Minute)}
	for i := range subscribers {
		opts = append(opts, admin.WithServiceToken(fanOutService(i)))
	}
	h, err := admin.New(eng, opts...)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { h.Close() })
	srv := httptest.NewServer(h)
	b.Cleanup(srv.Close)

	child := newFanOutChild(b, srv.URL, subscribers)
	before := heapAndStacks()
	if err := child.start(); err != nil {
		b.Fatal(err)
	}
	if r := child.next(2 * time.Minute); r.err != nil || r.op != 0 {
		b.Fatalf("the subscribers did not all connect: %v", r.err)
	}
	perSub := float64(heapAndStacks()-before) / float64(subscribers) / 1024

	var delays []time.Duration
	op := 0
	for b.Loop() {
		op++
		start := time.Now()
		var err error
		if op%2 == 1 {
			_, err = eng.EnableMaintenance(ctx, engine.GlobalScope(), "fan-out")
		} else {
			_, err = eng.DisableMaintenance(ctx, engine.GlobalScope())
		}
		if err != nil {
			b.Fatal(err)
		}
		for range subscribers {
			r := child.next(time.Minute)
			switch {
			case r.err != nil:
				b.Fatalf("change %d did not reach every service: %v", op, r.err)
			case r.op != op:
				b.Fatalf("a service received change %d during change %d", r.op, op)
			}
			delays = append(delays, time.Duration(r.at-start.UnixNano()))
		}
	}
	slices.Sort(delays)
	b.ReportMetric(float64(delays[len(delays)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(delays[len(delays)*99/100].Microseconds())/1000, "p99-ms")
	b.ReportMetric(perSub, "KB/subscriber")
}

// heapAndStacks returns this process's heap in use and goroutine stacks
// after a full collection.
func heapAndStacks() int64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapInuse + m.StackInuse)
}

// fanOutChild is the subscribers' process seen from the benchmark.
type fanOutChild struct {
	cmd     *exec.Cmd
	reports chan fanOutReport
	timer   *time.Timer
}

// fanOutReport is one line of the child: every service has its snapshot
// (op 0), or one service received the op-th change at Unix time at (in
// nanoseconds); err, when the child ended or wrote something else.
type fanOutReport struct {
	op  int
	at  int64
	err error
}

// newFanOutChild prepares the child and its report reader, so that start
// allocates next to nothing in this process. The child is killed when b
// ends.
func newFanOutChild(b *testing.B, url string, subscribers int) *fanOutChild {
	cmd := exec.Command(os.Args[0], "-test.run=^TestFanOutSubscribers$", "-test.count=1")
	cmd.Env = append(os.Environ(), fanOutServerEnv+"="+url, fanOutSubscribersEnv+"="+strconv.Itoa(subscribers))
	cmd.Stderr = os.Stderr
	// The child ends when its stdin does, so it does not outlive this
	// process even if this one dies without killing it.
	if _, err := cmd.StdinPipe(); err != nil {
		b.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	c := &fanOutChild{cmd: cmd, reports: make(chan fanOutReport, subscribers), timer: time.NewTimer(time.Hour)}
	done := make(chan struct{})
	b.Cleanup(func() {
		close(done)
		if cmd.Process != nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	})
	lines := bufio.NewScanner(out)
	lines.Buffer(make([]byte, 4096), 1<<20)
	go func() {
		var said []string // the child's own output, a failing test's report
		for lines.Scan() {
			r, ok := parseFanOutReport(lines.Bytes())
			if !ok {
				said = append(said, lines.Text())
				continue
			}
			select {
			case c.reports <- r:
			case <-done:
				return
			}
		}
		err := errors.New("the subscribers' process ended")
		if len(said) > 0 {
			err = fmt.Errorf("%w:\n%s", err, strings.Join(said, "\n"))
		}
		select {
		case c.reports <- fanOutReport{err: err}:
		case <-done:
		}
	}()
	return c
}

func (c *fanOutChild) start() error { return c.cmd.Start() }

// next returns the child's next report, or an error if none comes within
// d.
func (c *fanOutChild) next(d time.Duration) fanOutReport {
	c.timer.Reset(d)
	defer c.timer.Stop()
	select {
	case r := <-c.reports:
		if r.err != nil {
			r.op = -1
		}
		return r
	case <-c.timer.C:
		return fanOutReport{op: -1, err: fmt.Errorf("no report within %v", d)}
	}
}

// parseFanOutReport reads "ready" or "got <op> <unix-nanoseconds>".
func parseFanOutReport(line []byte) (fanOutReport, bool) {
	if string(line) == "ready" {
		return fanOutReport{}, true
	}
	rest, ok := bytes.CutPrefix(line, []byte("got "))
	if !ok {
		return fanOutReport{}, false
	}
	opText, atText, ok := bytes.Cut(rest, []byte(" "))
	if !ok {
		return fanOutReport{}, false
	}
	op, err1 := strconv.Atoi(string(opText))
	at, err2 := strconv.ParseInt(string(atText), 10, 64)
	if err1 != nil || err2 != nil || op < 1 {
		return fanOutReport{}, false
	}
	return fanOutReport{op: op, at: at}, true
}

// TestFanOutSubscribers is the subscribers' half of BenchmarkServerFanOut,
// run by it in a child process; otherwise it skips. It opens one SDK
// stream per service, writes "ready" once each has its first snapshot,
// then "got <op> <unix-nanoseconds>" each time a service receives a change
// of global maintenance (op counts them per service from 1: the benchmark
// makes the next change only once every service has the last one). It
// fails if a stream reconnects, as a service could then miss a change. It
// ends when its stdin closes or it is killed.
func TestFanOutSubscribers(t *testing.T) {
	url := os.Getenv(fanOutServerEnv)
	if url == "" {
		t.Skip("the subscribers of BenchmarkServerFanOut, run by it in a child process")
	}
	n, err := strconv.Atoi(os.Getenv(fanOutSubscribersEnv))
	if err != nil || n < 1 {
		t.Fatalf("%s=%q: want a positive count", fanOutSubscribersEnv, os.Getenv(fanOutSubscribersEnv))
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { // the benchmark closed its end, or went away
		_, _ = io.Copy(io.Discard, os.Stdin)
		cancel()
	}()

	type report struct {
		op int // 0: snapshot; -1: the stream reconnected
		at int64
	}
	reports := make(chan report, n)
	for i := range n {
		service, token := fanOutService(i)
		sb, err := sdk.New(url, service, token, sdk.WithLogger(quiet()))
		if err != nil {
			t.Fatal(err)
		}
		defer sb.Close()
		changes, err := sb.Watch(ctx)
		if err != nil {
			t.Fatal(err)
		}
		go func() {
			synced, op := false, 0
			for c := range changes {
				at := time.Now().UnixNano()
				switch {
				case c.Resync && !synced:
					synced = true
					reports <- report{}
				case c.Resync || c.Lost:
					reports <- report{op: -1}
				case c.Kind == backend.KindGlobal:
					op++
					reports <- report{op: op, at: at}
				}
			}
		}()
	}

	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	var line []byte
	for connected := 0; ; {
		var r report
		select {
		case <-ctx.Done():
			return
		case r = <-reports:
		}
		switch {
		case r.op < 0:
			out.Flush()
			t.Fatal("an SDK stream reconnected: a service may have missed a change")
		case r.op == 0:
			if connected++; connected == n {
				out.WriteString("ready\n")
			}
		default:
			line = append(line[:0], "got "...)
			line = strconv.AppendInt(line, int64(r.op), 10)
			line = append(line, ' ')
			line = strconv.AppendInt(line, r.at, 10)
			out.Write(append(line, '\n'))
		}
		if len(reports) == 0 { // the parent is waiting: hand over what is written
			if err := out.Flush(); err != nil {
				return
			}
		}
	}
}
