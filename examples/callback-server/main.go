// Callback-server is a small service that runs fund queries with the provider's
// callbacks on: each task costs its create, its code submissions and about one
// getFundB at the end, instead of a poll every few seconds.
//
//	go run . -addr 127.0.0.1:8090
//
// Like every example, it calls the API that TCREDIT_BASE_URL, TCREDIT_APP_ID and
// TCREDIT_TOKEN_ID name when all three are set, and an embedded sandbox, which calls
// back to this service, when none is; with only some set it stops and names the
// others. Its first line says which it uses. It is a module of its own
// (examples/callback-server). On the sandbox, try it:
//
//	curl -s -XPOST localhost:8090/queries -d '{"area_code":"330100","login_type":1,"account":"demo-sms-challenge","password":"pw","sub_area":"1"}'
//	curl -s localhost:8090/queries/TID                      # waits for SMS code
//	curl -s -XPOST localhost:8090/queries/TID/code -d '{"code":"123456"}'
//	curl -s localhost:8090/queries/TID                      # done, with the balance
//
// With the API, set TCREDIT_CALLBACK_SECRET too and register the callback URL it
// prints with the provider once; -public sets the address the provider reaches this
// service at. Callbacks are served at /fund/callback. With -metrics ADDR it serves
// the client's metrics for Prometheus at http://ADDR/metrics.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/tcredit-go/tcredit"
	"github.com/tcredit-go/tcredit/examples/internal/apienv"
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
	if err := run(ctx, *addr, *public, os.Getenv, os.Stdout, opts...); err != nil {
		fmt.Fprintln(os.Stderr, "callback-server:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, addr, public string, getenv func(string) string, stdout io.Writer, opts ...tcredit.Option) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	if public == "" {
		public = "http://" + ln.Addr().String()
	}
	api, err := apienv.Lookup(getenv)
	if err != nil {
		return err
	}
	secret, err := callbackSecret(getenv, api != nil)
	if err != nil {
		return err
	}
	callbackURL, err := tcredit.CallbackURL(public+callbackPath, secret)
	if err != nil {
		return err
	}

	client, closeBackend, err := newClient(api, callbackURL, stdout, opts)
	if err != nil {
		return err
	}
	defer closeBackend()

	svc := newService(ctx, client, slog.Default())
	srv := &http.Server{Handler: svc.routes(secret), ReadHeaderTimeout: 10 * time.Second}
	slog.Info("serving", "url", public, "callback", public+callbackPath)
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

// callbackPath is where the provider posts its callbacks.
const callbackPath = "/fund/callback"

// newClient returns a client for api, or for an embedded sandbox that calls back to
// callbackURL when api is nil, and says on out which it is; opts come after the base
// URL.
func newClient(api *apienv.API, callbackURL string, out io.Writer, opts []tcredit.Option) (*tcredit.Client, func(), error) {
	if api != nil {
		c, err := tcredit.NewClient(api.AppID, api.TokenID, append([]tcredit.Option{tcredit.WithBaseURL(api.BaseURL)}, opts...)...)
		fmt.Fprintf(out, "Using the API at %s as appId %s (TCREDIT_BASE_URL, TCREDIT_APP_ID, TCREDIT_TOKEN_ID): queries are billed.\n"+
			"Register this callback URL with the provider: %s\n", api.BaseURL, api.AppID, callbackURL)
		return c, func() {}, err
	}
	sb := tcredittest.NewServer(tcredittest.WithStep(300*time.Millisecond), tcredittest.WithCallbackURL(callbackURL))
	c, err := tcredit.NewClient(sb.AppID(), sb.TokenID(), append([]tcredit.Option{tcredit.WithBaseURL(sb.URL)}, opts...)...)
	fmt.Fprintf(out, "No TCREDIT_BASE_URL, TCREDIT_APP_ID or TCREDIT_TOKEN_ID set: running on the embedded sandbox at %s "+
		"(accounts demo-success, demo-sms-challenge, ...: go doc ./tcredittest).\n", sb.URL)
	return c, sb.Close, err
}

// callbackSecret is TCREDIT_CALLBACK_SECRET: the URL registered with the provider must
// stay valid across restarts. Only on the sandbox, where nothing is registered, is a
// missing one made up for the run.
func callbackSecret(getenv func(string) string, real bool) (string, error) {
	if s := getenv("TCREDIT_CALLBACK_SECRET"); s != "" {
		return s, nil
	}
	if real {
		return "", errors.New("set TCREDIT_CALLBACK_SECRET (16 characters or more) to the secret of the callback URL registered with the provider")
	}
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}
