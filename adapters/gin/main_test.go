package waygategin_test

import (
	"net/http"
	"net/http/httptest"
	"os"
	"testing"

	"github.com/gin-gonic/gin"

	waygategin "github.com/waygate-go/waygate/adapters/gin"
	"github.com/waygate-go/waygate/core/backend"
	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/route"
)

// TestMain keeps gin out of debug mode, which prints every route to stdout
// and would pollute the examples' output.
func TestMain(m *testing.M) {
	gin.SetMode(gin.ReleaseMode)
	os.Exit(m.Run())
}

// newEngine returns an engine on a fresh memory backend, in production.
func newEngine(t testing.TB, opts ...engine.Option) *engine.Engine {
	t.Helper()
	e, err := engine.New(t.Context(), append([]engine.Option{engine.WithBackend(backend.NewMemory()), engine.WithEnv("production")}, opts...)...)
	if err != nil {
		t.Fatalf("engine.New: %v", err)
	}
	t.Cleanup(func() { e.Close() })
	return e
}

// serve sends one request to h and returns the recorded response.
func serve(h http.Handler, method, path string) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(method, path, nil))
	return rec
}

// listed returns the engine's routes by key.
func listed(e *engine.Engine) map[string]route.State {
	out := map[string]route.State{}
	for _, st := range e.Routes() {
		out[st.Path] = st
	}
	return out
}

// register runs the Router's startup registration or fails the test.
func register(t testing.TB, r *waygategin.Router) {
	t.Helper()
	if err := r.Register(t.Context()); err != nil {
		t.Fatalf("Register: %v", err)
	}
}
