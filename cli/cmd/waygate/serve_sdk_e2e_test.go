package main

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/route"
	"github.com/waygate-go/waygate/core/sdk"
)

// waygate serve is a Waygate Server: an SDK service connects with its
// token, shows up in waygate services, and follows changes made with
// --service.
func TestServeIsAWaygateServer(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	const token = "payments-e2e-token-0123456789"
	srv := exec.CommandContext(ctx, binary, "serve", "--addr", "127.0.0.1:0", "--backend", "memory")
	srv.Env = []string{"WAYGATE_ADMIN_PASSWORD=" + adminPassword, "WAYGATE_SERVICE_TOKENS=payments=" + token, "PATH=" + os.Getenv("PATH")}
	stderr, err := srv.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { srv.Process.Signal(os.Interrupt); srv.Wait() }()
	url := ""
	sc := bufio.NewScanner(stderr)
	for url == "" && sc.Scan() {
		if u, found := strings.CutPrefix(sc.Text(), "Waygate server listening on "); found {
			url = u
		}
	}
	if url == "" {
		t.Fatal("waygate serve did not say where it listens")
	}
	go func() {
		for sc.Scan() {
		}
	}()

	b, err := sdk.New(url, "payments", token, sdk.WithLogger(quietLogger()))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	e, err := engine.New(ctx, engine.WithBackend(b), engine.WithLogger(quietLogger()))
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if err := e.Register(ctx, engine.Registration{Method: "GET", Template: "/refunds"}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for !b.Status().Connected {
		if time.Now().After(deadline) {
			t.Fatal("the SDK did not connect to waygate serve")
		}
		time.Sleep(10 * time.Millisecond)
	}

	c := newCLI(t)
	c.ok("config", "set-url", url)
	if r := c.runIn(adminPassword, "login", "admin", "--password-stdin"); r.code != 0 {
		t.Fatalf("login:\n%s", r)
	}
	contains(t, c.ok("services"), "payments", "connected", "just now")
	c.ok("disable", "GET:/refunds", "--service", "payments", "--reason", "paused")
	deadline = time.Now().Add(5 * time.Second)
	for {
		if st, err := e.Route("GET:/refunds"); err == nil && st.Status == route.StatusDisabled {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the service did not follow a change made with --service")
		}
		time.Sleep(5 * time.Millisecond)
	}
	contains(t, c.ok("status", "--service", "payments"), "/refunds", "disabled")
}
