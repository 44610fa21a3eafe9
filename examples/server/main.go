// Command server is the multi-service demo: a Waygate Server and two
// services, payments and orders, that take their state from it through the
// SDK. One command runs all three:
//
//	go run ./examples/server
//
// Like the other demos it listens on $HOST:$PORT, here by default
// 127.0.0.1:8000 (this machine only; HOST=0.0.0.0 for every interface,
// which refuses the default admin password and any shorter than 12
// characters): the server there (admin API and dashboard under /waygate,
// user admin, password $WAYGATE_ADMIN_PASSWORD or "secret"; the flags over
// OFREP at /waygate/ofrep/v1/evaluate/flags with "Authorization: Bearer
// $WAYGATE_OFREP_KEY", default "demo-flags-key"), payments on
// the next port (8001) and orders on the one after (8002), each with its
// Prometheus metrics at /metrics. It has the demos' server timeouts
// ($READ_HEADER_TIMEOUT, $READ_TIMEOUT, $WRITE_TIMEOUT, $IDLE_TIMEOUT) and
// logs in their format (slog text on stderr). Each role also runs alone,
// as separate processes would in production; -addr overrides $HOST and
// $PORT:
//
//	go run ./examples/server -role server   -addr localhost:8000
//	PORT=8001 go run ./examples/server -role payments -server http://localhost:8000/waygate
//	go run ./examples/server -role orders   -addr localhost:8002 -server http://localhost:8000/waygate
//
// The server stores its state in $WAYGATE_BACKEND (memory, file:/path or
// redis://...). Service tokens come from $WAYGATE_SERVICE_TOKENS
// ("payments=<secret>,orders=<secret>"); a service reads its own from
// $WAYGATE_SERVICE_TOKEN, else from that list. Without them the demo uses
// well-known demo tokens and says so.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/waygate-go/waygate/examples/internal/demo"
)

// defaultPort is the server's port when neither -addr nor $PORT says.
const defaultPort = "8000"

// demoTokens are used when $WAYGATE_SERVICE_TOKENS is not set.
const demoTokens = "payments=payments-demo-token-change-me,orders=orders-demo-token-change-me"

func main() {
	role := flag.String("role", "all", "what to run: all, server, payments or orders")
	addr := flag.String("addr", "", "listen address of the role (with -role all: the server's; payments and orders take the next two ports); default $HOST:$PORT, 127.0.0.1:8000")
	server := flag.String("server", "", "Waygate Server URL for a service role (default http://localhost:8000/waygate)")
	flag.Parse()
	if *addr == "" {
		*addr = demo.ListenAddr(defaultPort)
	}
	log := demo.Logger()
	slog.SetDefault(log)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, log, *role, *addr, *server); err != nil {
		fmt.Fprintln(os.Stderr, "server demo:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, log *slog.Logger, role, addr, server string) error {
	switch role {
	case "payments", "orders":
		if server == "" {
			server = "http://localhost:8000/waygate"
		}
		tok := os.Getenv("WAYGATE_SERVICE_TOKEN")
		if tok == "" {
			tokens, err := serviceTokens(log)
			if err != nil {
				return err
			}
			tok = tokens[role]
		}
		return runService(ctx, log, role, addr, server, tok)
	case "server", "all":
	default:
		return fmt.Errorf("-role %q: use all, server, payments or orders", role)
	}
	tokens, err := serviceTokens(log)
	if err != nil {
		return err
	}
	switch role {
	case "server":
		return runServer(ctx, log, addr, tokens, nil)
	default: // all
		host, port, err := net.SplitHostPort(addr)
		if err != nil {
			return fmt.Errorf("-addr %q: %w", addr, err)
		}
		p, err := strconv.Atoi(port)
		if err != nil || p == 0 {
			return fmt.Errorf("-addr %q: -role all needs a fixed port", addr)
		}
		url := "http://" + net.JoinHostPort(dialHost(host), port) + "/waygate"
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		errc := make(chan error, 3)
		listening := make(chan struct{})
		go func() { errc <- runServer(ctx, log, addr, tokens, func() { close(listening) }) }()
		select { // the services' first sync finds the server up
		case <-listening:
		case err := <-errc:
			return err
		}
		for i, svc := range []string{"payments", "orders"} {
			a := net.JoinHostPort(host, strconv.Itoa(p+1+i))
			go func() { errc <- runService(ctx, log.With("role", svc), svc, a, url, tokens[svc]) }()
		}
		var first error
		for range 3 {
			if err := <-errc; err != nil && first == nil {
				first = err
				cancel() // one role failed: stop the others
			}
		}
		return first
	}
}

// serviceTokens parses $WAYGATE_SERVICE_TOKENS.
func serviceTokens(log *slog.Logger) (map[string]string, error) {
	spec := os.Getenv("WAYGATE_SERVICE_TOKENS")
	if spec == "" {
		log.Warn("WAYGATE_SERVICE_TOKENS is not set: using the well-known demo tokens; never do this in production")
		spec = demoTokens
	}
	out := map[string]string{}
	for _, part := range strings.Split(spec, ",") {
		name, secret, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok || name == "" || secret == "" {
			return nil, errors.New("WAYGATE_SERVICE_TOKENS: write service=secret pairs separated by commas")
		}
		out[name] = secret
	}
	return out, nil
}

// serve runs h on addr, with the demos' timeouts, until ctx ends, then
// shuts down gracefully. It says it is listening only once the port is
// bound.
func serve(ctx context.Context, log *slog.Logger, name, addr string, h http.Handler, onListen, onClose func()) error {
	t, err := demo.ServerTimeouts()
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("%s: listen on %s: %w", name, addr, err)
	}
	log.Info(name+" listening", "url", "http://"+ln.Addr().String())
	if onListen != nil {
		onListen()
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: t.ReadHeader, ReadTimeout: t.Read, WriteTimeout: t.Write, IdleTimeout: t.Idle}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	if onClose != nil {
		onClose() // ends event streams so Shutdown does not wait for them
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func dialHost(host string) string {
	if host == "" || host == "0.0.0.0" || host == "::" {
		return "localhost"
	}
	return host
}
