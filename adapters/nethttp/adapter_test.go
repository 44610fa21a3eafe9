package waygatehttp_test

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	waygatehttp "github.com/waygate-go/waygate/adapters/nethttp"
	"github.com/waygate-go/waygate/core/conformance"
	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/route"
	"github.com/waygate-go/waygate/core/waygatetest"
)

func TestRoutesKnownAtStartupWithoutRequests(t *testing.T) {
	e, _ := waygatetest.NewEngine(t)
	mux := waygatehttp.NewServeMux(e)
	called := 0
	h := func(http.ResponseWriter, *http.Request) { called++ }
	mux.HandleFunc("GET /plain", h)
	mux.HandleFunc("/all/{id}", h)
	mux.HandleFunc("GET /files/{path...}", h)
	mux.HandleFunc("POST example.com/hosted", h)
	mux.Group("/v1", waygatehttp.Maintenance("v1 retired")).HandleFunc("GET /items/{id}", h)

	want := map[string]route.Status{
		"GET:/plain":         route.StatusActive,
		"/all/{id}":          route.StatusActive,
		"GET:/files/{path}":  route.StatusActive,
		"POST:/hosted":       route.StatusActive,
		"GET:/v1/items/{id}": route.StatusMaintenance,
	}
	got := map[string]route.Status{}
	for _, st := range e.Routes() {
		got[st.Path] = st.Status
	}
	if len(got) != len(want) {
		t.Fatalf("routes = %v, want %v", got, want)
	}
	for k, s := range want {
		if got[k] != s {
			t.Errorf("%s = %q, want %q", k, got[k], s)
		}
	}
	if called != 0 {
		t.Fatalf("registration ran handlers %d times", called)
	}
}

func TestHeadIsJudgedLikeGet(t *testing.T) {
	e, _ := waygatetest.NewEngine(t)
	mux := waygatehttp.NewServeMux(e)
	mux.HandleFunc("GET /pay", func(http.ResponseWriter, *http.Request) {}, waygatehttp.Maintenance("m"))
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest("HEAD", "/pay", nil))
	if rec.Code != 503 {
		t.Fatalf("HEAD /pay = %d, want 503 like GET", rec.Code)
	}
}

func TestInvalidDeclarationPanicsAtRegistration(t *testing.T) {
	e, _ := waygatetest.NewEngine(t)
	mux := waygatehttp.NewServeMux(e)
	defer func() {
		r := recover()
		if r == nil || !strings.Contains(r.(string), "sunset") {
			t.Fatalf("recover() = %v, want a panic naming the sunset", r)
		}
	}()
	mux.HandleFunc("GET /x", func(http.ResponseWriter, *http.Request) {}, waygatehttp.Deprecated("someday", ""))
}

// TestStreamingThroughTheMiddleware: allowed requests reach the handler with
// the original ResponseWriter, so flushing (SSE) works.
func TestStreamingThroughTheMiddleware(t *testing.T) {
	e, _ := waygatetest.NewEngine(t)
	mux := waygatehttp.NewServeMux(e)
	release := make(chan struct{})
	mux.HandleFunc("GET /events", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		w.Write([]byte("data: first\n\n"))
		if err := http.NewResponseController(w).Flush(); err != nil {
			t.Errorf("flush: %v", err)
		}
		<-release
	}, waygatehttp.Deprecated("", ""))
	srv := httptest.NewServer(mux)
	defer srv.Close()
	defer close(release)

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL+"/events", nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if want := fmt.Sprintf("@%d", conformance.Start.Unix()); res.Header.Get("Deprecation") != want { // registered at Start
		t.Errorf("Deprecation = %q, want %q", res.Header.Get("Deprecation"), want)
	}
	line, err := bufio.NewReader(res.Body).ReadString('\n')
	if err != nil || line != "data: first\n" {
		t.Fatalf("first event = %q, %v; want it flushed before the handler returns", line, err)
	}
}

func TestAppResponderPerOutcome(t *testing.T) {
	e, _ := waygatetest.NewEngine(t)
	teapot := func(w http.ResponseWriter, _ *http.Request, d engine.Decision) { w.WriteHeader(418) }
	mux := waygatehttp.NewServeMux(e, waygatehttp.WithResponder(teapot, engine.BlockDisabled))
	h := func(http.ResponseWriter, *http.Request) {}
	mux.HandleFunc("GET /off", h, waygatehttp.Disabled("off"))
	mux.HandleFunc("GET /down", h, waygatehttp.Maintenance("down"))
	for path, want := range map[string]int{"/off": 418, "/down": 503} {
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		if rec.Code != want {
			t.Errorf("GET %s = %d, want %d", path, rec.Code, want)
		}
	}
}
