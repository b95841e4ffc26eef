// Callback-server is a small service that runs fund queries with the provider's
// callbacks on: each task costs its create, its code submissions and about one
// getFundB at the end, instead of a poll every few seconds.
//
//	go run . -addr 127.0.0.1:8090
//
// (in examples/callback-server, a module of its own).
// With no TCREDIT_APP_ID / TCREDIT_TOKEN_ID in the environment it runs on the embedded
// sandbox, which calls back to this service. Try it:
//
//	curl -s -XPOST localhost:8090/queries -d '{"area_code":"330100","login_type":1,"account":"demo-sms-challenge","password":"pw","sub_area":"1"}'
//	curl -s localhost:8090/queries/TID                      # waits for SMS code
//	curl -s -XPOST localhost:8090/queries/TID/code -d '{"code":"123456"}'
//	curl -s localhost:8090/queries/TID                      # done, with the balance
//
// With credentials, set TCREDIT_CALLBACK_SECRET too and register the callback URL it
// prints with the provider once; -public sets the address the provider reaches this
// service at. With -metrics ADDR it serves the client's metrics for Prometheus at
// http://ADDR/metrics.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/tcredit-go/tcredit"
	"github.com/tcredit-go/tcredit/examples/internal/metrics"
	"github.com/tcredit-go/tcredit/tcredittest"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8090", "address to listen on")
	public := flag.String("public", "", "base URL the provider reaches this service at (default http://ADDR)")
	metricsAddr := flag.String("metrics", "", "the address to serve Prometheus metrics at (/metrics), such as 127.0.0.1:9464")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var opts []tcredit.Option
	if *metricsAddr != "" {
		instrument, at, err := metrics.Serve(ctx, *metricsAddr)
		if err != nil {
			fmt.Fprintln(os.Stderr, "callback-server:", err)
			os.Exit(1)
		}
		opts = append(opts, instrument)
		slog.Info("metrics", "url", "http://"+at.String()+"/metrics")
	}
	if err := run(ctx, *addr, *public, os.Getenv, opts...); err != nil {
		fmt.Fprintln(os.Stderr, "callback-server:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, addr, public string, getenv func(string) string, opts ...tcredit.Option) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	if public == "" {
		public = "http://" + ln.Addr().String()
	}
	secret, err := callbackSecret(getenv)
	if err != nil {
		return err
	}
	callbackURL, err := tcredit.CallbackURL(public+"/fund/callback", secret)
	if err != nil {
		return err
	}

	client, closeBackend, err := newClient(getenv, callbackURL, opts)
	if err != nil {
		return err
	}
	defer closeBackend()
	if getenv("TCREDIT_APP_ID") != "" {
		fmt.Printf("register this callback URL with the provider: %s\n", callbackURL)
	}

	svc := newService(ctx, client, slog.Default())
	srv := &http.Server{Handler: svc.routes(secret), ReadHeaderTimeout: 10 * time.Second}
	slog.Info("serving", "url", public, "callback", public+"/fund/callback")
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdown)
	}()
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	svc.wait()
	return nil
}

// newClient returns a client for the real API when credentials are set, else for an
// embedded sandbox that calls back to callbackURL; opts come after the base URL.
func newClient(getenv func(string) string, callbackURL string, opts []tcredit.Option) (*tcredit.Client, func(), error) {
	if appID, tokenID := getenv("TCREDIT_APP_ID"), getenv("TCREDIT_TOKEN_ID"); appID != "" && tokenID != "" {
		if base := getenv("TCREDIT_BASE_URL"); base != "" {
			opts = append([]tcredit.Option{tcredit.WithBaseURL(base)}, opts...)
		}
		c, err := tcredit.NewClient(appID, tokenID, opts...)
		return c, func() {}, err
	}
	sb := tcredittest.NewServer(tcredittest.WithStep(300*time.Millisecond), tcredittest.WithCallbackURL(callbackURL))
	c, err := tcredit.NewClient(sb.AppID(), sb.TokenID(), append([]tcredit.Option{tcredit.WithBaseURL(sb.URL)}, opts...)...)
	slog.Info("embedded sandbox", "url", sb.URL, "accounts", "demo-success, demo-sms-challenge, ... (go doc github.com/tcredit-go/tcredit/tcredittest)")
	return c, sb.Close, err
}

// callbackSecret is TCREDIT_CALLBACK_SECRET: the URL registered with the provider must
// stay valid across restarts. Only on the sandbox, where nothing is registered, is a
// missing one made up for the run.
func callbackSecret(getenv func(string) string) (string, error) {
	if s := getenv("TCREDIT_CALLBACK_SECRET"); s != "" {
		return s, nil
	}
	if getenv("TCREDIT_APP_ID") != "" {
		return "", errors.New("set TCREDIT_CALLBACK_SECRET (16 characters or more) to the secret of the callback URL registered with the provider")
	}
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}
