package admin_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/waygate-go/waygate/admin"
	"github.com/waygate-go/waygate/core/audit"
	"github.com/waygate-go/waygate/core/backend"
	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/ratelimit"
	"github.com/waygate-go/waygate/core/route"
	"github.com/waygate-go/waygate/core/sdk"
	"github.com/waygate-go/waygate/core/webhook"
)

const (
	paymentsToken = "payments-token-0123456789"
	ordersToken   = "orders-token-0123456789ab"
)

// sdkServer is a Waygate Server on a real HTTP listener with service tokens
// for payments and orders.
type sdkServer struct {
	eng  *engine.Engine
	h    *admin.Handler
	srv  *httptest.Server
	base string
}

func quiet() *slog.Logger { return slog.New(slog.DiscardHandler) }

func newSDKServer(t *testing.T, b backend.Backend, opts ...admin.Option) *sdkServer {
	t.Helper()
	return newSDKServerHooks(t, b, nil, opts...)
}

// newSDKServerHooks is newSDKServer with a dispatcher of the webhooks
// hookOpts give.
func newSDKServerHooks(t *testing.T, b backend.Backend, hookOpts []webhook.Option, opts ...admin.Option) *sdkServer {
	t.Helper()
	eng, err := engine.New(context.Background(), engine.WithBackend(b), engine.WithLogger(quiet()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { eng.Close() })
	all := append([]admin.Option{
		withHooks(t, eng, hookOpts...),
		admin.WithUser("admin", adminPass, admin.RoleAdmin),
		admin.WithIterations(1000),
		admin.WithLogger(quiet()),
		admin.WithKeepAlive(200 * time.Millisecond),
		admin.WithServiceToken("payments", paymentsToken),
		admin.WithServiceToken("orders", ordersToken),
	}, opts...)
	h, srv := serveAdmin(t, eng, all...)
	return &sdkServer{eng: eng, h: h, srv: srv, base: srv.URL + "/waygate"}
}

// serveAdmin starts an admin handler on eng, mounted at /waygate of a test
// server; both close when the test ends.
func serveAdmin(t *testing.T, eng *engine.Engine, opts ...admin.Option) (*admin.Handler, *httptest.Server) {
	t.Helper()
	h, err := admin.New(eng, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Close() })
	mux := http.NewServeMux()
	mux.Handle("/waygate/", http.StripPrefix("/waygate", h))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return h, srv
}

// newService starts a service engine on the SDK with GET /pay declared in
// maintenance and GET /free plain.
func newService(t *testing.T, base, service, token string) (*engine.Engine, *sdk.Backend) {
	t.Helper()
	b, err := sdk.New(base, service, token, sdk.WithLogger(quiet()), sdk.WithBackoff(20*time.Millisecond, 200*time.Millisecond), sdk.WithFlushInterval(20*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	e, err := engine.New(context.Background(), engine.WithBackend(b), engine.WithService(service), engine.WithLogger(quiet()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	d, err := route.Declare(route.Maintenance("declared"))
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Register(context.Background(),
		engine.Registration{Method: "GET", Template: "/pay", Declaration: d},
		engine.Registration{Method: "GET", Template: "/free"},
	); err != nil {
		t.Fatal(err)
	}
	return e, b
}

// eventually polls cond for up to five seconds.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func status(e *engine.Engine, key string) route.Status {
	st, err := e.Route(key)
	if err != nil {
		return ""
	}
	return st.Status
}

func TestSDKRegistersAndFollowsTheServer(t *testing.T) {
	s := newSDKServer(t, backend.NewMemory())
	pay, pb := newService(t, s.base, "payments", paymentsToken)
	ord, _ := newService(t, s.base, "orders", ordersToken)
	ctx := context.Background()

	eventually(t, "routes registered on the server", func() bool {
		return status(s.eng, "payments:GET:/pay") == route.StatusMaintenance && status(s.eng, "orders:GET:/free") == route.StatusActive
	})
	st, _ := s.eng.Route("payments:GET:/pay")
	if st.Service != "payments" || st.Reason != "declared" {
		t.Errorf("server state %+v", st)
	}
	eventually(t, "stream connected", func() bool { return pb.Status().Connected })

	// A change on the server reaches payments, not orders.
	if _, err := s.eng.Disable(ctx, "payments:GET:/free", "by the server"); err != nil {
		t.Fatal(err)
	}
	eventually(t, "payments sees the change", func() bool { return status(pay, "GET:/free") == route.StatusDisabled })
	if got := status(ord, "GET:/free"); got != route.StatusActive {
		t.Errorf("orders GET:/free = %s, want active", got)
	}
	// Global maintenance reaches both; service maintenance only its service.
	if _, err := s.eng.EnableMaintenance(ctx, engine.ServiceScope("orders"), "orders down"); err != nil {
		t.Fatal(err)
	}
	eventually(t, "orders sees its maintenance", func() bool { return ord.Maintenance(engine.ServiceScope("orders")).Enabled })
	if _, err := s.eng.EnableMaintenance(ctx, engine.GlobalScope(), "everything down"); err != nil {
		t.Fatal(err)
	}
	eventually(t, "both see global maintenance", func() bool {
		return pay.Maintenance(engine.GlobalScope()).Enabled && ord.Maintenance(engine.GlobalScope()).Enabled
	})
	if pay.Maintenance(engine.ServiceScope("orders")).Enabled {
		t.Error("payments sees the maintenance of orders")
	}
	// A rate limit set for a payments route on the server reaches payments
	// under its local key.
	if _, err := s.eng.SetRateLimit(ctx, engine.RouteScope("payments:GET:/free"), rlPatch("3/minute")); err != nil {
		t.Fatal(err)
	}
	eventually(t, "payments sees the rate limit", func() bool { _, ok := pay.RateLimits()["GET:/free"]; return ok })
	if _, ok := ord.RateLimits()["GET:/free"]; ok {
		t.Error("orders sees the rate limit of payments")
	}
}

func TestSDKWritesGoToTheServerAndAreNotReverted(t *testing.T) {
	s := newSDKServer(t, backend.NewMemory())
	pay, pb := newService(t, s.base, "payments", paymentsToken)
	eventually(t, "connected", func() bool { return pb.Status().Connected })
	ctx := engine.WithActor(context.Background(), "ops-bot", "api")
	// Quick successive local changes: the echo of the first must not undo
	// the second.
	for range 20 {
		if _, err := pay.Disable(ctx, "GET:/free", "x"); err != nil {
			t.Fatal(err)
		}
		if _, err := pay.Enable(ctx, "GET:/free"); err != nil {
			t.Fatal(err)
		}
		if got := status(pay, "GET:/free"); got != route.StatusActive {
			t.Fatalf("after enable: %s (sdk %+v)", got, pb.Status())
		}
	}
	eventually(t, "server has the final state", func() bool { return status(s.eng, "payments:GET:/free") == route.StatusActive })
	// Every echo of the writes has reached the SDK once it holds the
	// server's version.
	code, body := sdkCall(t, "GET", s.base+sdk.PathSnapshot, paymentsToken, "")
	var snap sdk.Snapshot
	if code != http.StatusOK || json.Unmarshal([]byte(body), &snap) != nil || snap.Version == 0 {
		t.Fatalf("snapshot: %d %s", code, body)
	}
	eventually(t, "the SDK at the server's version", func() bool { return pb.Status().Version >= snap.Version })
	if got := status(pay, "GET:/free"); got != route.StatusActive {
		t.Fatalf("an echo reverted the local change: %s", got)
	}
	// The audit entries were forwarded, stamped with the service.
	eventually(t, "audit forwarded", func() bool {
		entries, _ := s.eng.Audit(context.Background(), audit.Query{Service: "payments", Limit: 100})
		for _, e := range entries {
			if e.Path == "payments:GET:/free" && e.Platform == "sdk" && e.Actor == "payments/ops-bot" {
				return true
			}
		}
		return false
	})
	// Global state cannot be written with a service token.
	if _, err := pay.EnableMaintenance(ctx, engine.GlobalScope(), "nope"); err == nil || !strings.Contains(err.Error(), "403") {
		t.Errorf("global maintenance through the SDK: %v, want a 403 refusal", err)
	}
	if s.eng.Maintenance(engine.GlobalScope()).Enabled {
		t.Error("the server took global maintenance from a service token")
	}
}

// sdkCall makes one raw SDK request with a service token.
func sdkCall(t *testing.T, method, url, token, body string) (int, string) {
	t.Helper()
	h := http.Header{}
	if token != "" {
		h.Set("Authorization", "Bearer "+token)
	}
	return rawCall(t, method, url, h, body)
}

// adminCall calls the admin API with an admin session token.
func adminCall(t *testing.T, method, url, token, body string) (int, string) {
	t.Helper()
	h := http.Header{}
	h.Set(admin.TokenHeader, token)
	h.Set("Content-Type", "application/json")
	return rawCall(t, method, url, h, body)
}

func rawCall(t *testing.T, method, url string, h http.Header, body string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	req.Header = h
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(raw)
}

// servicesStatus is GET /api/services/status on server base.
func servicesStatus(t *testing.T, base string) []admin.ServiceStatus {
	t.Helper()
	code, body := adminCall(t, "GET", base+"/api/services/status", loginToken(t, base), "")
	var rows []admin.ServiceStatus
	if err := json.Unmarshal([]byte(body), &rows); code != http.StatusOK || err != nil {
		t.Fatalf("services status: %d %s", code, body)
	}
	return rows
}

func TestSDKServiceIdentityComesFromTheToken(t *testing.T) {
	s := newSDKServer(t, backend.NewMemory())
	_, _ = newService(t, s.base, "orders", ordersToken)
	eventually(t, "orders registered", func() bool { return status(s.eng, "orders:GET:/pay") != "" })

	cases := []struct {
		name, method, path, token, body string
		want                            int
	}{
		{"no token", "GET", sdk.PathSnapshot, "", "", http.StatusUnauthorized},
		{"wrong token", "GET", sdk.PathSnapshot, "payments-token-0123456780", "", http.StatusUnauthorized},
		{"admin password is not a service token", "GET", sdk.PathEvents, adminPass, "", http.StatusUnauthorized},
		{"read another service", "GET", sdk.PathSnapshot + "?service=orders", paymentsToken, "", http.StatusForbidden},
		{"stream another service", "GET", sdk.PathEvents + "?service=orders", paymentsToken, "", http.StatusForbidden},
		{"change another service's route", "POST", sdk.PathRecords, paymentsToken,
			`{"records":[{"kind":"route","key":"orders:GET:/pay","value":{"path":"orders:GET:/pay","status":"disabled"}}]}`, http.StatusForbidden},
		{"change another service's maintenance", "POST", sdk.PathRecords, paymentsToken,
			`{"records":[{"kind":"service","key":"orders","value":{"enabled":true}}]}`, http.StatusForbidden},
		{"change a flag", "POST", sdk.PathRecords, paymentsToken,
			`{"records":[{"kind":"flag","key":"f","value":{}}]}`, http.StatusForbidden},
		{"array body", "POST", sdk.PathRecords, paymentsToken, `[1]`, http.StatusBadRequest},
		{"bad key", "POST", sdk.PathRecords, paymentsToken, `{"records":[{"kind":"route","key":"nope","value":{}}]}`, http.StatusBadRequest},
		{"bad policy", "POST", sdk.PathRecords, paymentsToken, `{"records":[{"kind":"rate_limit","key":"GET:/x","value":{"limit":"lots"}}]}`, http.StatusBadRequest},
		{"bad log", "GET", sdk.PathLogs + "?log=secrets", paymentsToken, "", http.StatusBadRequest},
		{"bad audit entry", "POST", sdk.PathLogs, paymentsToken, `{"audit":[{"path":"GET:/x"}]}`, http.StatusBadRequest},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, body := sdkCall(t, c.method, s.base+c.path, c.token, c.body)
			if code != c.want {
				t.Fatalf("status %d, want %d (body %s)", code, c.want, body)
			}
			var doc map[string]any
			if json.Unmarshal([]byte(body), &doc) != nil || doc["error"] == "" {
				t.Errorf("body %s has no error message", body)
			}
		})
	}
	if got := status(s.eng, "orders:GET:/pay"); got != route.StatusMaintenance {
		t.Errorf("orders:GET:/pay = %s after refused writes", got)
	}

	// A forged service in the body and in the state is ignored: the record
	// lands in the token's service.
	code, body := sdkCall(t, "POST", s.base+sdk.PathRecords, paymentsToken,
		`{"service":"orders","records":[{"kind":"route","key":"GET:/new","value":{"path":"GET:/new","service":"orders","status":"disabled","reason":"forged"}}]}`)
	var ack sdk.WriteResponse
	if code != http.StatusOK || json.Unmarshal([]byte(body), &ack) != nil || ack.Version == 0 || ack.Server == "" {
		t.Fatalf("forged write: %d %s, want 200 with the version that holds it", code, body)
	}
	st, err := s.eng.Route("payments:GET:/new")
	if err != nil || st.Service != "payments" || st.Status != route.StatusDisabled {
		t.Errorf("payments:GET:/new = %+v, %v", st, err)
	}
	if _, err := s.eng.Route("orders:GET:/new"); err == nil {
		t.Error("the forged service got the route")
	}

	// The snapshot holds only the token's service, keys without prefix.
	code, body = sdkCall(t, "GET", s.base+sdk.PathSnapshot, paymentsToken, "")
	var snap sdk.Snapshot
	if code != http.StatusOK || json.Unmarshal([]byte(body), &snap) != nil {
		t.Fatalf("snapshot %d %s", code, body)
	}
	if _, ok := snap.Documents[backend.KindRoute]["GET:/new"]; !ok || len(snap.Documents[backend.KindRoute]) != 1 || snap.Service != "payments" || snap.Version == 0 {
		t.Errorf("snapshot %+v", snap)
	}

	// Status of services, for the CLI and the dashboard.
	rows := servicesStatus(t, s.base)
	if len(rows) != 2 {
		t.Fatalf("status rows %+v", rows)
	}
	if rows[0].Service != "orders" || !rows[0].Connected || rows[0].Routes != 2 || rows[0].LastSeen == nil {
		t.Errorf("orders row %+v", rows[0])
	}
	if rows[1].Service != "payments" || rows[1].Connected || rows[1].LastSeen == nil || rows[1].Routes != 1 {
		t.Errorf("payments row %+v", rows[1])
	}
}

func loginToken(t *testing.T, base string) string {
	t.Helper()
	res, err := http.Post(base+"/api/auth/login", "application/json", strings.NewReader(`{"username":"admin","password":"`+adminPass+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var doc struct {
		Token string `json:"token"`
	}
	if err := json.NewDecoder(res.Body).Decode(&doc); err != nil || doc.Token == "" {
		t.Fatalf("login: %d %v", res.StatusCode, err)
	}
	return doc.Token
}

func TestSDKFailsOpenAndSyncsWhenTheServerAppears(t *testing.T) {
	// Reserve an address, then start the service before the server.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	pay, pb := newService(t, "http://"+addr+"/waygate", "payments", paymentsToken)
	if got := status(pay, "GET:/pay"); got != route.StatusMaintenance {
		t.Fatalf("declared state not enforced while the server is down: %s", got)
	}
	if pb.Status().Connected || pay.Stats().Synced {
		t.Fatal("connected to nothing, or synced with it")
	}

	b := backend.NewMemory()
	eng, err := engine.New(context.Background(), engine.WithBackend(b), engine.WithLogger(quiet()))
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	if _, err := eng.EnableMaintenance(context.Background(), engine.GlobalScope(), "already on"); err != nil {
		t.Fatal(err)
	}
	h, err := admin.New(eng, admin.WithOpenAccess(), admin.WithLogger(quiet()), admin.WithServiceToken("payments", paymentsToken))
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	ln, err = net.Listen("tcp", addr)
	if err != nil {
		t.Skipf("the reserved port was taken meanwhile: %v", err)
	}
	srv := &http.Server{Handler: http.StripPrefix("/waygate", h)}
	go srv.Serve(ln)
	defer srv.Close()

	eventually(t, "synced after the server appeared", func() bool {
		return pb.Status().Connected && pay.Stats().Synced && pay.Maintenance(engine.GlobalScope()).Enabled && status(eng, "payments:GET:/pay") == route.StatusMaintenance
	})

	// The server goes away: the last state keeps being enforced.
	h.Close()
	srv.Close()
	eventually(t, "disconnected, and not synced", func() bool { return !pb.Status().Connected && !pay.Stats().Synced })
	if !pay.Maintenance(engine.GlobalScope()).Enabled || status(pay, "GET:/pay") != route.StatusMaintenance {
		t.Error("the last known state was dropped when the server went away")
	}
}

func rlPatch(limit string) ratelimit.Patch { return ratelimit.Patch{Limit: &limit} }

func TestSDKSharedStateTokenAndClaims(t *testing.T) {
	s := newSDKServer(t, backend.NewMemory(), admin.WithServiceToken("ops", "ops-token-0123456789abcdef", admin.SharedState()))
	_, _ = newService(t, s.base, "orders", ordersToken)
	eventually(t, "orders registered", func() bool { return status(s.eng, "orders:GET:/pay") != "" })

	// A trusted token changes global maintenance and other services'
	// maintenance, never other services' routes.
	code, body := sdkCall(t, "POST", s.base+sdk.PathRecords, "ops-token-0123456789abcdef",
		`{"records":[{"kind":"global","key":"maintenance","value":{"enabled":true,"reason":"ops"}},{"kind":"service","key":"orders","value":{"enabled":true}}]}`)
	if code != http.StatusOK || !strings.Contains(body, `"version":`) {
		t.Fatalf("shared write: %d %s", code, body)
	}
	if !s.eng.Maintenance(engine.GlobalScope()).Enabled || !s.eng.Maintenance(engine.ServiceScope("orders")).Enabled {
		t.Error("the trusted write was not applied")
	}
	code, _ = sdkCall(t, "POST", s.base+sdk.PathRecords, "ops-token-0123456789abcdef",
		`{"records":[{"kind":"route","key":"orders:GET:/pay","value":{"status":"active"}}]}`)
	if code != http.StatusForbidden {
		t.Errorf("trusted token on another service's route: %d, want 403", code)
	}

	// Window claims map to the server engine's token, once; other claims
	// are the server's own job.
	claim := func(token, tok string) bool {
		t.Helper()
		code, body := sdkCall(t, "POST", s.base+sdk.PathClaim, tok, `{"token":"`+token+`","ttl_ms":60000}`)
		var res sdk.ClaimResponse
		if code != http.StatusOK || json.Unmarshal([]byte(body), &res) != nil {
			t.Fatalf("claim: %d %s", code, body)
		}
		return res.Claimed
	}
	if !claim("window:GET:/pay:start:1:2", ordersToken) || claim("window:GET:/pay:start:1:2", ordersToken) {
		t.Error("a window transition was not claimed exactly once")
	}
	if ok, _ := engine.InternalsOf(s.eng).Claim(context.Background(), "window:orders:GET:/pay:start:1:2", time.Minute); ok {
		t.Error("the server engine's token for the same transition was still free")
	}
	if claim("flag:new-checkout:abc", ordersToken) {
		t.Error("an SDK claimed a scheduled flag change")
	}

	// Forwarded hits come back, local to the service, through the tail.
	code, body = sdkCall(t, "POST", s.base+sdk.PathLogs, ordersToken,
		`{"hits":[{"id":"h1","path":"GET:/pay","policy":"GET:/pay","key":"1.2.3.4","limit":"1/minute"}],"dropped":2}`)
	if code != http.StatusNoContent {
		t.Fatalf("logs: %d %s", code, body)
	}
	hits, _ := s.eng.Hits(context.Background(), "orders:GET:/pay", 10)
	if len(hits) != 1 || hits[0].Policy != "orders:GET:/pay" {
		t.Errorf("server hits %+v", hits)
	}
	code, body = sdkCall(t, "GET", s.base+sdk.PathLogs+"?log=hits&n=5", ordersToken, "")
	if code != http.StatusOK || !strings.Contains(body, `"path":"GET:/pay"`) {
		t.Errorf("tail: %d %s", code, body)
	}
	code, body = sdkCall(t, "GET", s.base+sdk.PathLogs+"?log=hits", paymentsToken, "")
	if code != http.StatusOK || strings.TrimSpace(body) != "[]" {
		t.Errorf("payments sees orders' hits: %d %s", code, body)
	}
}

// Requests are decided from the SDK's in-process snapshot: checking costs
// no call to the server.
func TestSDKChecksMakeNoNetworkCalls(t *testing.T) {
	s := newSDKServer(t, backend.NewMemory())
	var calls atomic.Int64
	counting := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// The forwarding of the registration's audit entries runs on its
		// own timer; every other call would be one a check made.
		if !(r.Method == http.MethodPost && r.URL.Path == "/waygate"+sdk.PathLogs) {
			calls.Add(1)
		}
		s.srv.Config.Handler.ServeHTTP(w, r)
	}))
	t.Cleanup(counting.Close)
	pay, pb := newService(t, counting.URL+"/waygate", "payments", paymentsToken)
	eventually(t, "connected", func() bool { return pb.Status().Connected })
	before := calls.Load()
	for i := range 1000 {
		d := pay.Check(context.Background(), &engine.Request{Method: "GET", Route: "/free", Path: "/free", RemoteAddr: "192.0.2.1:1234"})
		if !d.Allowed() {
			t.Fatalf("request %d blocked: %+v", i, d)
		}
		d = pay.Check(context.Background(), &engine.Request{Method: "GET", Route: "/pay", Path: "/pay", RemoteAddr: "192.0.2.1:1234"})
		if d.Allowed() {
			t.Fatalf("request %d to the route in maintenance allowed", i)
		}
	}
	if n := calls.Load() - before; n != 0 {
		t.Errorf("2000 checks made %d calls to the server", n)
	}
}

// A write's answer names the version that holds it: the delta of that
// version on an open stream carries the record with the writer's origin,
// and a snapshot from then on holds it.
func TestSDKWriteAnswersTheVersionThatHoldsIt(t *testing.T) {
	s := newSDKServer(t, backend.NewMemory())
	events, first := openEvents(t, s)
	for i := range 3 {
		body := fmt.Sprintf(`{"records":[{"kind":"route","key":"GET:/v%d","value":{"status":"disabled"}}]}`, i)
		req, _ := http.NewRequest("POST", s.base+sdk.PathRecords, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+paymentsToken)
		req.Header.Set(sdk.OriginHeader, "engine-7")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var ack sdk.WriteResponse
		err = json.NewDecoder(res.Body).Decode(&ack)
		res.Body.Close()
		if err != nil || res.StatusCode != http.StatusOK || ack.Server != first.Server || ack.Version <= first.Version {
			t.Fatalf("write %d: %d %+v %v, want 200 with a version after the snapshot's %d", i, res.StatusCode, ack, err, first.Version)
		}
		ev, data := readEvent(t, events)
		var d sdk.Delta
		if ev != "delta" || json.Unmarshal([]byte(data), &d) != nil {
			t.Fatalf("write %d: event %s %s", i, ev, data)
		}
		want := fmt.Sprintf("GET:/v%d", i)
		if d.Version != ack.Version || len(d.Records) != 1 || d.Records[0].Key != want || d.Records[0].Origin != "engine-7" {
			t.Fatalf("write %d answered version %d; the stream sent %s", i, ack.Version, data)
		}
		code, raw := sdkCall(t, "GET", s.base+sdk.PathSnapshot, paymentsToken, "")
		var snap sdk.Snapshot
		if code != http.StatusOK || json.Unmarshal([]byte(raw), &snap) != nil || snap.Version < ack.Version || snap.Documents[backend.KindRoute][want] == nil {
			t.Fatalf("snapshot after write %d: %d %s", i, code, raw)
		}
	}
}

// openEvents opens payments' event stream and reads its first snapshot.
func openEvents(t *testing.T, s *sdkServer) (*bufio.Reader, sdk.Snapshot) {
	t.Helper()
	req, _ := http.NewRequest("GET", s.base+sdk.PathEvents, nil)
	req.Header.Set("Authorization", "Bearer "+paymentsToken)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { res.Body.Close() })
	events := bufio.NewReader(res.Body)
	var first sdk.Snapshot
	if ev, data := readEvent(t, events); ev != "snapshot" || json.Unmarshal([]byte(data), &first) != nil {
		t.Fatalf("first event %s %s", ev, data)
	}
	return events, first
}

// readEvent reads one server-sent event, skipping keepalive comments.
func readEvent(t *testing.T, r *bufio.Reader) (event, data string) {
	t.Helper()
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			t.Fatalf("stream: %v", err)
		}
		line = strings.TrimRight(line, "\n")
		switch {
		case strings.HasPrefix(line, "event: "):
			event = strings.TrimPrefix(line, "event: ")
		case strings.HasPrefix(line, "data: "):
			data = strings.TrimPrefix(line, "data: ")
		case line == "" && event != "":
			return event, data
		}
	}
}

// switchableBackend refuses writes while down is set.
type switchableBackend struct {
	*backend.Memory
	down atomic.Bool
}

func (b *switchableBackend) Write(ctx context.Context, recs ...backend.Record) error {
	if b.down.Load() {
		return backend.ErrClosed
	}
	return b.Memory.Write(ctx, recs...)
}

// A write the server could not store changes nothing, so it must not leave
// its origin behind to name the writer of a later, equal change.
func TestSDKFailedWriteLeavesNoOrigin(t *testing.T) {
	b := &switchableBackend{Memory: backend.NewMemory()}
	s := newSDKServer(t, b)
	events, _ := openEvents(t, s)
	write := func(origin string) int {
		req, _ := http.NewRequest("POST", s.base+sdk.PathRecords, strings.NewReader(`{"records":[{"kind":"route","key":"GET:/x","value":{"status":"disabled"}}]}`))
		req.Header.Set("Authorization", "Bearer "+paymentsToken)
		if origin != "" {
			req.Header.Set(sdk.OriginHeader, origin)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	b.down.Store(true)
	if code := write("engine-7"); code != http.StatusServiceUnavailable {
		t.Fatalf("write with the backend down: %d, want 503", code)
	}
	b.down.Store(false)
	if code := write(""); code != http.StatusOK {
		t.Fatalf("write: %d", code)
	}
	ev, data := readEvent(t, events)
	var d sdk.Delta
	if ev != "delta" || json.Unmarshal([]byte(data), &d) != nil || len(d.Records) != 1 || d.Records[0].Key != "GET:/x" {
		t.Fatalf("event %s %s", ev, data)
	}
	if d.Records[0].Origin != "" {
		t.Fatalf("the change came named after %q, whose write had failed", d.Records[0].Origin)
	}
}

// An admin handler on a service whose engine runs on the SDK (the demo
// with WAYGATE_BACKEND=waygate+http://...) keeps its sessions' revocations
// and its webhooks in its process: the server refuses a service's writes
// of admin state. Logout revokes, and no retry loop opens event streams.
func TestAdminHandlerOnAnSDKService(t *testing.T) {
	s := newSDKServer(t, backend.NewMemory())
	e, _ := newService(t, s.base, "payments", paymentsToken)
	logs := &syncBuffer{}
	_, srv := serveAdmin(t, e, admin.WithUser("admin", adminPass, admin.RoleAdmin), admin.WithIterations(1000), admin.WithSecret("signing-secret-0123456789abcdef-0123"),
		admin.WithLogger(slog.New(slog.NewTextHandler(logs, nil))))

	tok := loginToken(t, srv.URL+"/waygate")
	call := func(method, path string) int {
		code, _ := adminCall(t, method, srv.URL+"/waygate"+path, tok, "")
		return code
	}
	if code := call("GET", "/api/auth/me"); code != http.StatusOK {
		t.Fatalf("me before logout: %d", code)
	}
	if code := call("POST", "/api/auth/logout"); code != http.StatusOK {
		t.Fatalf("logout: %d", code)
	}
	if code := call("GET", "/api/auth/me"); code != http.StatusUnauthorized {
		t.Fatalf("me after logout: %d, want 401 (revoked)", code)
	}

	rows := servicesStatus(t, s.base)
	if len(rows) != 1 {
		t.Fatalf("status rows %+v", rows)
	}
	if rows[0].Connections != 1 {
		t.Errorf("payments has %d event streams open on the server, want 1 (the engine's)", rows[0].Connections)
	}
	if l := logs.String(); strings.Contains(l, "level=WARN") || !strings.Contains(l, "keeps its sessions' revocations and its webhooks in this process") {
		t.Errorf("admin log:\n%s", l)
	}
}

// leakyBackend fails every log read and counts the change streams open
// at once.
type leakyBackend struct {
	*backend.Memory
	open, most atomic.Int64
}

func (b *leakyBackend) Tail(context.Context, backend.Log, int) ([][]byte, error) {
	return nil, fmt.Errorf("logs are down")
}

func (b *leakyBackend) Watch(ctx context.Context) (<-chan backend.Change, error) {
	ch, err := b.Memory.Watch(ctx)
	if err != nil {
		return nil, err
	}
	n := b.open.Add(1)
	for m := b.most.Load(); n > m && !b.most.CompareAndSwap(m, n); m = b.most.Load() {
	}
	go func() { <-ctx.Done(); b.open.Add(-1) }()
	return ch, nil
}

// The handler keeps its records through the engine: it opens no change
// stream of its own, and a backend whose logs are down (Tail fails)
// troubles neither it nor the engine's one stream.
func TestAdminOpensNoChangeStreamOfItsOwn(t *testing.T) {
	b := &leakyBackend{Memory: backend.NewMemory()}
	eng, err := engine.New(context.Background(), engine.WithBackend(b), engine.WithLogger(quiet()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { eng.Close() })
	engines := b.open.Load()
	h, err := admin.New(eng, admin.WithOpenAccess(), admin.WithLogger(quiet()))
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	if n := b.open.Load(); n != engines || n != 1 {
		t.Errorf("%d change streams open with the handler, %d before it: want the engine's one only", n, engines)
	}
}

// A service started with another service's token (orders' code, payments'
// token) is refused before it registers anything under the other name.
func TestSDKRefusesAnotherServicesToken(t *testing.T) {
	s := newSDKServer(t, backend.NewMemory())
	logs := &syncBuffer{}
	b, err := sdk.New(s.base, "orders", paymentsToken, sdk.WithLogger(slog.New(slog.NewTextHandler(logs, nil))),
		sdk.WithBackoff(20*time.Millisecond, 100*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	ctx := context.Background()
	if _, err := b.Load(ctx); !errors.Is(err, sdk.ErrWrongService) || !strings.Contains(err.Error(), `"payments", not "orders"`) {
		t.Fatalf("Load: %v, want ErrWrongService naming both", err)
	}
	e, err := engine.New(ctx, engine.WithBackend(b), engine.WithService("orders"), engine.WithLogger(quiet()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	// Registration writes the route; the engine serves its declared state
	// whatever the backend says, so only the server's view is checked.
	_ = e.Register(ctx, engine.Registration{Method: "GET", Template: "/orders"})
	err = b.Write(ctx, backend.Record{Kind: backend.KindRoute, Key: "GET:/orders", Value: []byte(`{"path":"GET:/orders","status":"active"}`)})
	if !errors.Is(err, sdk.ErrWrongService) {
		t.Fatalf("Write: %v, want ErrWrongService", err)
	}
	eventually(t, "the refusal in the log", func() bool { return strings.Contains(logs.String(), "wrong service token") })
	for _, st := range s.eng.Routes() {
		t.Errorf("the server got route %s from a service with the wrong token", st.Path)
	}
	if b.Status().Connected {
		t.Error("the SDK reports connected with another service's token")
	}
}

// A token the server does not know is logged as a refusal, not as a
// server that cannot be reached.
func TestSDKLogsARefusedToken(t *testing.T) {
	s := newSDKServer(t, backend.NewMemory())
	logs := &syncBuffer{}
	b, err := sdk.New(s.base, "payments", "wrong-token-0123456789abcdef", sdk.WithLogger(slog.New(slog.NewTextHandler(logs, nil))),
		sdk.WithBackoff(20*time.Millisecond, 100*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	ch, err := b.Watch(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		for range ch {
		}
	}()
	eventually(t, "the refusal in the log", func() bool { return strings.Contains(logs.String(), "refused the service token") })
	if l := logs.String(); strings.Contains(l, "cannot reach") || !strings.Contains(l, "answered 401") {
		t.Errorf("log:\n%s", l)
	}
}

// The server's webhooks fire for changes services' engines make (a
// scheduled window a service's scheduler ends, e.Disable in a service's
// code): the server learns why from the audit entries the SDK forwards.
func TestServerWebhooksSeeServicesChanges(t *testing.T) {
	rv := newReceiver(t)
	s := newSDKServerHooks(t, backend.NewMemory(), []webhook.Option{webhook.WithHook(rv.URL)})
	e, _ := newService(t, s.base, "payments", paymentsToken)
	ctx := engine.WithActor(context.Background(), "billing-job", "code")
	if _, err := e.Disable(ctx, "GET:/free", "closing the books"); err != nil {
		t.Fatal(err)
	}
	var ev webhook.Event
	for {
		d := rv.next(t)
		if err := json.Unmarshal(d.body, &ev); err != nil {
			t.Fatal(err)
		}
		if ev.Event == "disable" {
			break
		}
	}
	if ev.Path != "payments:GET:/free" || ev.Service != "payments" || ev.Actor != "payments/billing-job" || ev.Reason != "closing the books" || ev.Kind != "route" {
		t.Errorf("event %+v", ev)
	}
	if ev.State == nil || ev.State.Status != route.StatusDisabled {
		t.Errorf("event state %+v, want disabled", ev.State)
	}
}

// A rate limit set on the server for a service's route answers with the
// route's full key, and 201 only the first time.
func TestServerRateLimitOfAServiceRoute(t *testing.T) {
	s := newSDKServer(t, backend.NewMemory())
	newService(t, s.base, "payments", paymentsToken)
	eventually(t, "payments registered", func() bool { _, err := s.eng.Route("payments:GET:/free"); return err == nil })
	tok := loginToken(t, s.base)
	for i, want := range []int{http.StatusCreated, http.StatusOK} {
		code, body := adminCall(t, "POST", s.base+"/api/rate-limits", tok, `{"key":"payments:GET:/free","limit":"3/minute"}`)
		if code != want || !strings.Contains(body, `"key":"payments:GET:/free"`) {
			t.Errorf("set %d: %d %s, want %d with the service's key", i+1, code, body, want)
		}
	}
}
