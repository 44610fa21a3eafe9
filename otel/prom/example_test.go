package waygateprom_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/waygate-go/waygate/core/backend"
	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/route"
	waygateprom "github.com/waygate-go/waygate/otel/prom"
)

// New returns the /metrics handler of an engine; unguard its path so
// maintenance and rate limits never hide it.
func Example() {
	ctx := context.Background()
	eng, err := engine.New(ctx, engine.WithBackend(backend.NewMemory()))
	if err != nil {
		log.Fatal(err)
	}
	defer eng.Close()
	var d route.Declaration
	d.Apply(route.Maintenance("DB migration"))
	if err := eng.Register(ctx, engine.Registration{Method: "GET", Template: "/payments", Declaration: d}); err != nil {
		log.Fatal(err)
	}

	metrics, err := waygateprom.New(eng)
	if err != nil {
		log.Fatal(err)
	}
	defer metrics.Close()
	eng.Unguard(waygateprom.Path)
	mux := http.NewServeMux()
	mux.Handle("GET "+waygateprom.Path, metrics)

	eng.Check(ctx, &engine.Request{Method: "GET", Route: "/payments", Path: "/payments"})

	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body, _ := io.ReadAll(rec.Body)
	for _, line := range strings.Split(string(body), "\n") {
		if strings.HasPrefix(line, "waygate_requests_total{") {
			fmt.Println(line)
		}
	}
	// Output: waygate_requests_total{method="GET",outcome="maintenance",route="GET:/payments"} 1
}
