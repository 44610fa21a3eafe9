package admin_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/waygate-go/waygate/admin"
	"github.com/waygate-go/waygate/core/backend"
	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/sdk"
)

// BenchmarkServerFanOut_1000Services measures one Waygate Server with
// 1,000 SDK services subscribed, each over its own change stream (real
// HTTP on loopback, in this process): each op is one change of global
// maintenance on the server, done when every service has received it.
// It reports the delivery delay of every service (p50-ms, p99-ms) and the
// memory the subscriptions take (KB/subscriber: heap and stacks of the
// server's and the clients' halves together, so an upper bound of the
// server's share).
func BenchmarkServerFanOut_1000Services(b *testing.B) {
	const services = 1000
	ctx := context.Background()
	eng, err := engine.New(ctx, engine.WithBackend(backend.NewMemory()), engine.WithLogger(quiet()))
	if err != nil {
		b.Fatal(err)
	}
	defer eng.Close()
	opts := []admin.Option{admin.WithUser("admin", adminPass, admin.RoleAdmin), admin.WithIterations(1000), admin.WithLogger(quiet()), admin.WithMaxStreams(2 * services), admin.WithKeepAlive(time.Minute)}
	for i := range services {
		opts = append(opts, admin.WithServiceToken(fmt.Sprintf("svc-%d", i), fmt.Sprintf("token-of-service-%04d-0123456789", i)))
	}
	h, err := admin.New(eng, opts...)
	if err != nil {
		b.Fatal(err)
	}
	defer h.Close()
	srv := httptest.NewServer(h)
	defer srv.Close()

	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	type sub struct {
		b  *sdk.Backend
		ch <-chan backend.Change
	}
	subs := make([]sub, services)
	for i := range subs {
		sb, err := sdk.New(srv.URL, fmt.Sprintf("svc-%d", i), fmt.Sprintf("token-of-service-%04d-0123456789", i), sdk.WithLogger(quiet()))
		if err != nil {
			b.Fatal(err)
		}
		defer sb.Close()
		ch, err := sb.Watch(ctx)
		if err != nil {
			b.Fatal(err)
		}
		subs[i] = sub{sb, ch}
	}
	// Every stream is up once each has delivered its first snapshot.
	arrived := make(chan time.Time, services)
	var wg sync.WaitGroup
	for _, s := range subs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			first := true
			for c := range s.ch {
				if first && c.Resync {
					first = false
					arrived <- time.Time{}
					continue
				}
				if c.Kind == backend.KindGlobal {
					arrived <- time.Now()
				}
			}
		}()
	}
	deadline := time.After(2 * time.Minute)
	for range services {
		select {
		case <-arrived:
		case <-deadline:
			b.Fatal("not every service connected within 2 minutes")
		}
	}
	var after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&after)
	perSub := float64(int64(after.HeapInuse+after.StackInuse)-int64(before.HeapInuse+before.StackInuse)) / services / 1024

	var delays []time.Duration
	on := false
	for b.Loop() {
		on = !on
		start := time.Now()
		var err error
		if on {
			_, err = eng.EnableMaintenance(ctx, engine.GlobalScope(), "fan-out")
		} else {
			_, err = eng.DisableMaintenance(ctx, engine.GlobalScope())
		}
		if err != nil {
			b.Fatal(err)
		}
		for range services {
			select {
			case at := <-arrived:
				delays = append(delays, at.Sub(start))
			case <-time.After(time.Minute):
				b.Fatal("a change did not reach every service within a minute")
			}
		}
	}
	for _, s := range subs {
		s.b.Close()
	}
	wg.Wait()
	slices.Sort(delays)
	b.ReportMetric(float64(delays[len(delays)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(delays[len(delays)*99/100].Microseconds())/1000, "p99-ms")
	b.ReportMetric(perSub, "KB/subscriber")
}
